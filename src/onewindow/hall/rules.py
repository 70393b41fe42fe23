"""The hall's rules as pure functions: ticket numbers, who is called next, appointment slots,
check-in times, expected waits and wait statistics. No database here; see docs/hall.md.

Calling order (`call_key`), for the tickets a window may serve:

1. appointments that are due (their slot starts within the hall's tolerance, or has started) and
   tickets transferred to this very window, earliest slot or transfer first;
2. priority groups (elderly, disabled, pregnant), by arrival;
3. everyone else, by arrival (an appointment checked in well before its slot waits here until due).

A window serves its categories (dedicated) or all of them (comprehensive); a ticket transferred to
a window is called only there. Arrival is the first ticket of the visit: a ticket transferred to
another category keeps its place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PRIORITY_GROUPS = ("elderly", "disabled", "pregnant")
APPOINTMENT = "appointment"
NONE = "none"


def ticket_number(prefix: str, sequence: int) -> str:
    """`A001` … `A999`, then `A1000`: the category's prefix and the day's sequence."""
    if sequence < 1:
        raise ValueError("ticket sequences start at 1")
    return f"{prefix}{sequence:03d}"


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket as the calling rules see it."""

    id: int
    category: str
    priority: str  # NONE, one of PRIORITY_GROUPS, or APPOINTMENT
    arrived_at: dt.datetime  # first ticket of the visit
    appointment_at: dt.datetime | None = None
    transferred_to_window: int | None = None
    transferred_at: dt.datetime | None = None


@dataclass(frozen=True)
class Counter:
    """A window as the calling rules see it: its id and categories (None: comprehensive)."""

    id: int
    categories: frozenset[str] | None


def may_serve(counter: Counter, ticket: Waiting) -> bool:
    if ticket.transferred_to_window is not None:
        return ticket.transferred_to_window == counter.id
    return counter.categories is None or ticket.category in counter.categories


def is_due(ticket: Waiting, now: dt.datetime, tolerance: dt.timedelta) -> bool:
    return ticket.appointment_at is not None and ticket.appointment_at - tolerance <= now


def call_key(ticket: Waiting, now: dt.datetime, tolerance: dt.timedelta) -> tuple:
    """Smaller is called first (see the module's docstring)."""
    if ticket.transferred_to_window is not None:
        return (0, ticket.transferred_at or ticket.arrived_at, ticket.id)
    if is_due(ticket, now, tolerance):
        return (0, ticket.appointment_at, ticket.id)
    if ticket.priority in PRIORITY_GROUPS:
        return (1, ticket.arrived_at, ticket.id)
    return (2, ticket.arrived_at, ticket.id)


def next_ticket(
    waiting: Iterable[Waiting], counter: Counter, now: dt.datetime, tolerance: dt.timedelta
) -> Waiting | None:
    callable_here = [t for t in waiting if may_serve(counter, t)]
    return min(callable_here, key=lambda t: call_key(t, now, tolerance), default=None)


def position(ticket: Waiting, waiting: Iterable[Waiting], now: dt.datetime, tolerance: dt.timedelta) -> int:
    """1 when next in line; else one more than the tickets of its queue (category, or transfer
    window) that are called before it."""
    mine = call_key(ticket, now, tolerance)
    ahead = sum(
        1
        for other in waiting
        if other.id != ticket.id
        and other.category == ticket.category
        and other.transferred_to_window == ticket.transferred_to_window
        and call_key(other, now, tolerance) < mine
    )
    return ahead + 1


def expected_wait_minutes(position: int, service_minutes: float, open_windows: int) -> float | None:
    """Minutes until called when `open_windows` busy windows serve this queue, `service_minutes` each:
    with exponential service a window frees up every `service_minutes / open_windows` on average, and
    the ticket needs `position` of them. None when no window is open for it."""
    if open_windows < 1:
        return None
    return round(position * service_minutes / open_windows, 1)


# Appointment slots ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningHours:
    opens: dt.time
    closes: dt.time
    break_start: dt.time | None = None
    break_end: dt.time | None = None


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def day_slots(hours: OpeningHours, slot_minutes: int) -> list[dt.time]:
    """Start times of the day's slots: whole slots inside opening hours, none overlapping the break."""
    if slot_minutes < 5:
        raise ValueError("slots are at least 5 minutes long")
    start, end = _minutes(hours.opens), _minutes(hours.closes)
    pause = (
        (_minutes(hours.break_start), _minutes(hours.break_end))
        if hours.break_start and hours.break_end
        else None
    )
    slots = []
    t = start
    while t + slot_minutes <= end:
        if pause and t < pause[1] and t + slot_minutes > pause[0]:
            t = max(t + slot_minutes, pause[1]) if t >= pause[0] else pause[1]
            continue
        slots.append(_time(t))
        t += slot_minutes
    return slots


def check_in_problem(
    now: dt.datetime, starts_at: dt.datetime, early: dt.timedelta, tolerance: dt.timedelta
) -> str | None:
    """None when an appointment may check in now; otherwise "too_early" or "too_late"."""
    if now < starts_at - early:
        return "too_early"
    if now > starts_at + tolerance:
        return "too_late"
    return None


# Statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float | None  # seconds
    median: float | None
    p90: float | None
    max: float | None
    under_target: float | None  # share of values at or under the target

    def minutes(self) -> dict:
        as_minutes = lambda s: None if s is None else round(s / 60, 2)  # noqa: E731
        return {
            "count": self.count,
            "mean": as_minutes(self.mean),
            "median": as_minutes(self.median),
            "p90": as_minutes(self.p90),
            "max": as_minutes(self.max),
            "under_target": None if self.under_target is None else round(self.under_target, 4),
        }


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values: the smallest value with `share` of them at or below."""
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def distribution(values: Iterable[float], target: float | None = None) -> Distribution:
    ordered = sorted(values)
    if not ordered:
        return Distribution(0, None, None, None, None, None)
    return Distribution(
        count=len(ordered),
        mean=sum(ordered) / len(ordered),
        median=percentile(ordered, 0.5),
        p90=percentile(ordered, 0.9),
        max=ordered[-1],
        under_target=None if target is None else sum(1 for v in ordered if v <= target) / len(ordered),
    )
