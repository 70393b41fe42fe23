"""`onewindow seed`: the benchmarks' synthetic cases are written in bulk (COPY on PostgreSQL) with
every column the table requires, and the index's running totals rebuilt from them agree with a
recomputation."""

import datetime as dt

import pytest

from onewindow.cases.models import Case
from onewindow.cases.seed import seed_cases
from onewindow.evaluation import rollups

pytestmark = pytest.mark.django_db
UNTIL = dt.date(2025, 6, 30)


def test_seeded_cases_are_whole_and_the_figures_agree(demo):
    before = Case.objects.count()
    made = seed_cases(400, UNTIL, months=2, seed=3, batch=150)
    assert made["cases"] == 400 and Case.objects.count() == before + 400
    seeded = Case.objects.filter(number__contains="-S")
    assert not seeded.filter(due_date_provisional=True).exists()
    assert seeded.filter(status="delivered").exists() and seeded.filter(status="in_review").exists()
    since = UNTIL - dt.timedelta(days=70)
    assert rollups.stored_daily_figures(since, UNTIL) == rollups.raw_daily_figures(since, UNTIL)
