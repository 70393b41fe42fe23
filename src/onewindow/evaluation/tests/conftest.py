import datetime as dt

import pytest

from onewindow.core import clock


class Today:
    def __init__(self, monkeypatch, day):
        self.day = day
        monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(self.day, dt.time(2), dt.UTC))

    def set(self, day):
        self.day = day


@pytest.fixture
def today(monkeypatch):
    return Today(monkeypatch, dt.date(2025, 3, 3))


@pytest.fixture
def cases(demo, today):
    """The demo cases (one delivered: GJ-001), filed on Monday 2025-03-03."""
    from onewindow.cases.models import Case
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    return {c.item.code: c for c in Case.objects.select_related("item", "department")}


@pytest.fixture
def users(demo):
    from onewindow.core.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield
