"""Capacity planning for a service hall: Erlang C for the M/M/c queue, and a discrete-event
simulation (SimPy) for what Erlang C cannot answer (several categories, given service times).

Both take arrivals per hour, mean service minutes and the number of windows, and report the mean
wait in minutes and the probability of waiting at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class QueueFigures:
    mean_wait_minutes: float
    p_wait: float
    utilisation: float
    served: int | None = None  # customers counted by a simulation

    def as_dict(self) -> dict:
        return {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items() if v is not None
        }


def erlang_c(arrivals_per_hour: float, service_minutes: float, windows: int) -> QueueFigures:
    """The M/M/c answer; ValueError when the windows cannot keep up (the queue grows without end)."""
    if arrivals_per_hour <= 0 or service_minutes <= 0 or windows < 1:
        raise ValueError("arrivals, service minutes and windows must all be above zero")
    load = arrivals_per_hour * service_minutes / 60  # offered load in erlangs
    utilisation = load / windows
    if utilisation >= 1:
        raise ValueError(
            f"{windows} windows cannot serve {load:.2f} erlangs: the queue would grow without end"
        )
    # Sum computed with running terms to stay stable for many windows.
    term, total = 1.0, 1.0
    for k in range(1, windows):
        term *= load / k
        total += term
    last = term * load / windows / (1 - utilisation)
    p_wait = last / (total + last)
    mean_wait_hours = p_wait / (windows / (service_minutes / 60) - arrivals_per_hour)
    return QueueFigures(mean_wait_hours * 60, p_wait, utilisation)


def simulate(
    arrivals_per_hour: float,
    service_minutes: float,
    windows: int,
    hours: float,
    seed: int = 1,
    service_time: Callable[[random.Random], float] | None = None,
    warm_up_hours: float | None = None,
) -> QueueFigures:
    """A discrete-event simulation of one queue served by `windows` windows (first come, first served).

    Arrivals are Poisson; service times are exponential with the given mean unless `service_time`
    draws them (minutes) otherwise. Customers arriving during the warm-up are not counted.
    """
    import simpy

    if arrivals_per_hour <= 0 or service_minutes <= 0 or windows < 1 or hours <= 0:
        raise ValueError("arrivals, service minutes, windows and hours must all be above zero")
    rng = random.Random(seed)
    draw = service_time or (lambda r: r.expovariate(1 / service_minutes))
    warm_up = 60 * (hours / 10 if warm_up_hours is None else warm_up_hours)
    env = simpy.Environment()
    counters = simpy.Resource(env, capacity=windows)
    waits: list[float] = []
    busy = [0.0]

    def customer(arrived: float):
        with counters.request() as turn:
            yield turn
            if arrived >= warm_up:
                waits.append(env.now - arrived)
            service = draw(rng)
            busy[0] += service
            yield env.timeout(service)

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(arrivals_per_hour / 60))
            env.process(customer(env.now))

    env.process(arrivals())
    env.run(until=60 * hours)
    if not waits:
        return QueueFigures(0.0, 0.0, 0.0, 0)
    return QueueFigures(
        mean_wait_minutes=sum(waits) / len(waits),
        p_wait=sum(1 for w in waits if w > 1e-9) / len(waits),
        utilisation=busy[0] / (60 * hours * windows),
        served=len(waits),
    )
