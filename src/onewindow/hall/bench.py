"""`onewindow bench hall`: how fast tickets are issued and called, on a throwaway database (see
core/bench.py). The child keeps a constant queue: it issues one ticket and
runs one call → start → finish cycle at a window in turn, with `waiting` tickets always in line.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from onewindow.core.bench import figures, run_child


def run(db: str | None, tickets: int, waiting: int, windows: int, seed: int) -> dict:
    args = [
        "--tickets",
        str(tickets),
        "--waiting",
        str(waiting),
        "--windows",
        str(windows),
        "--seed",
        str(seed),
    ]
    return run_child("hall", args, db)


def measure(tickets: int, waiting: int, windows: int, seed: int) -> dict:
    """In the child, on its own empty database."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from onewindow.catalog.models import Region
    from onewindow.core import clock
    from onewindow.core.models import Role, User

    from . import services
    from .models import Category, Hall, Window

    call_command("migrate", interactive=False, verbosity=0)
    moment = [timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))]  # a Monday; one second per step

    def tick():
        moment[0] += dt.timedelta(seconds=1)
        return moment[0]

    clock.now = tick
    region = Region.objects.create(code="bench", name="bench", level=Region.Level.CITY)
    hall = Hall.objects.create(
        code="BENCH", name="bench", level=Hall.Level.CITY, region=region, address="-",
        calendar="WEEKDAYS", opens_at=dt.time(0), closes_at=dt.time(23, 59),
    )  # fmt: skip
    codes = [f"c{n}" for n in range(6)]
    for n, code in enumerate(codes):
        Category.objects.create(hall=hall, code=code, prefix=chr(ord("A") + n), name=code)
    clerks = []
    for n in range(windows):
        window = Window.objects.create(hall=hall, number=f"{n + 1:02d}")
        clerk = User.objects.create(username=f"bench-clerk-{n}", role=Role.CLERK)
        hall.staff.add(clerk)
        services.sign_in(clerk, window.pk)
        clerks.append(clerk)
    rng = random.Random(seed)

    def issue():
        priority = "elderly" if rng.random() < 0.1 else "none"
        services.issue_ticket(hall, rng.choice(codes), priority)

    for _ in range(waiting):
        issue()
    issued, called, finished = [], [], []
    for n in range(tickets):
        started = time.perf_counter()
        issue()
        issued.append(time.perf_counter() - started)
        clerk = clerks[n % windows]
        started = time.perf_counter()
        ticket = services.call_next(clerk)
        called.append(time.perf_counter() - started)
        started = time.perf_counter()
        services.start_service(clerk, ticket.pk)
        services.finish_service(clerk, ticket.pk)
        finished.append(time.perf_counter() - started)
    return {
        "benchmark": "hall",
        "database": connection.vendor,
        "tickets": tickets,
        "waiting": waiting,
        "windows": windows,
        "issue": figures(issued),
        "call_next": figures(called),
        "start_and_finish": figures(finished),
    }
