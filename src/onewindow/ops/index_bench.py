"""`onewindow bench index`: the index kept live on a large city's data.

In a child process on its own database (`--db postgres://…/NAME --keep` keeps a seeded database
between runs), tops the cases up to `--cases` with `onewindow seed`, then measures:

- recomputing a month for all departments from the raw cases and ratings (`raw_daily_figures`),
  and rebuilding that month's stored figures from it, and checks they equal the running totals;
- serving the dashboard (`/evaluation/index/?period=…`) and `GET /api/v1/index`, as a supervisor.
"""

from __future__ import annotations

import datetime as dt
import time

from onewindow.core.bench import figures, run_child

UNTIL = dt.date(2025, 12, 31)  # a fixed year the holiday data knows, so runs are comparable
MONTH = "2025-11"


def run(db: str | None, cases: int, requests: int, keep: bool) -> dict:
    return run_child("index", ["--cases", str(cases), "--requests", str(requests)], db, keep)


def measure(cases: int, requests: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from onewindow.cases.models import Case
    from onewindow.cases.seed import seed_cases
    from onewindow.core.models import ApiToken, User
    from onewindow.evaluation import rollups, selectors
    from onewindow.ops.demo import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    have = Case.objects.count()
    seeding = None
    if have < cases:
        started = time.perf_counter()
        seed_cases(cases - have, UNTIL, months=12, seed=have + 1)
        seeding = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    since, until = selectors.period_bounds(MONTH)
    recompute, rebuild = [], []
    for _ in range(5):
        started = time.perf_counter()
        raw = rollups.raw_daily_figures(since, until)
        recompute.append(time.perf_counter() - started)
    equal = raw == rollups.stored_daily_figures(since, until)
    for _ in range(3):
        started = time.perf_counter()
        rollups.rebuild(since, until)
        rebuild.append(time.perf_counter() - started)

    supervisor = User.objects.get(username="supervisor")
    client = Client()
    client.force_login(supervisor)
    token = ApiToken.issue(supervisor, "bench")[1]
    pages, api = [], []
    for n in range(requests + 5):
        started = time.perf_counter()
        response = client.get("/evaluation/index/", {"period": MONTH})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        if n >= 5:  # the first requests warm the caches (templates, translations, the config file)
            pages.append(elapsed)
        started = time.perf_counter()
        response = client.get("/api/v1/index", {"period": MONTH}, HTTP_AUTHORIZATION=f"Bearer {token}")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        if n >= 5:
            api.append(elapsed)
    return {
        "benchmark": "index",
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "seeding_seconds": seeding,
        "month": MONTH,
        "departments": len(selectors.units("department")),
        "recompute_month_seconds": {
            "median": round(sorted(recompute)[2], 3),
            "max": round(max(recompute), 3),
        },
        "rebuild_month_seconds": {"median": round(sorted(rebuild)[1], 3), "max": round(max(rebuild), 3)},
        "running_totals_equal_recomputation": equal,
        "dashboard": figures(pages),
        "api": figures(api),
    }
