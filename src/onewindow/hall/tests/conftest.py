"""Hall tests run on an injected clock in the hall's local time (the hall opens 09:00–17:00)."""

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.core import clock


class HallClock:
    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(clock, "now", lambda: self.now)

    def set(self, day: dt.date, hhmm: str):
        self.now = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))

    def advance(self, minutes: float = 0, seconds: float = 0):
        self.now += dt.timedelta(minutes=minutes, seconds=seconds)


MONDAY = dt.date(2025, 3, 3)


@pytest.fixture
def hall_clock(monkeypatch):
    return HallClock(monkeypatch, timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(9, 30))))


@pytest.fixture
def centre(demo):
    from onewindow.hall.models import Hall

    return Hall.objects.get(code="DG-CENTRE")


@pytest.fixture
def users(demo):
    from onewindow.core.models import User

    return {
        u.username: u
        for u in User.objects.filter(
            username__in=["clerk", "clerk02", "clerk03", "citizen", "enterprise", "admin", "supervisor"]
        )
    }


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English whatever language an earlier request in this thread left active."""
    from django.utils import translation

    with translation.override("en"):
        yield
