"""`onewindow bench hall`: how fast tickets are issued and called, on a throwaway database.

The parent process makes an empty database (a temporary SQLite file, or a new database on the
PostgreSQL server of `--db`), runs the measurement in a child process pointed at it, prints the
child's JSON line and drops the database. The child keeps a constant queue: it issues one ticket and
runs one call → start → finish cycle at a window in turn, with `waiting` tickets always in line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit


def figures(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def at(share):
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {
        "count": len(ordered),
        "per_second": round(len(ordered) / sum(ordered), 1) if ordered else 0,
        "mean_ms": round(1000 * statistics.fmean(ordered), 3) if ordered else None,
        "p50_ms": at(0.5),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
    }


def run(db: str | None, tickets: int, waiting: int, windows: int, seed: int) -> dict:
    """In the parent: make the database, run the child, drop the database."""
    with tempfile.TemporaryDirectory(prefix="onewindow-bench-") as folder:
        env = {**os.environ, "ONEWINDOW_DATA_DIR": folder}
        drop = None
        if db and db.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"], drop = _new_postgres_database(db)
        elif db:
            raise ValueError("--db takes a postgres:// URL; leave it out for a temporary SQLite database")
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        try:
            out = subprocess.run(
                [sys.executable, "-m", "onewindow.cli", "bench", "hall", "--inside",
                 "--tickets", str(tickets), "--waiting", str(waiting), "--windows", str(windows),
                 "--seed", str(seed)],
                env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            if drop:
                drop()
    return json.loads(out.stdout.strip().splitlines()[-1])


def _new_postgres_database(url: str):
    import psycopg

    parts = urlsplit(url)
    name = f"onewindow_bench_hall_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


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
