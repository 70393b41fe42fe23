"""`onewindow demo --live`: the centre moves through the real services while a visitor watches."""

import datetime as dt
import threading

import pytest
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.core import clock
from onewindow.hall.demo import load_demo_halls
from onewindow.hall.models import HallEvent, Ticket
from onewindow.ops.live import LiveCentre

pytestmark = pytest.mark.django_db
OPEN = timezone.make_aware(dt.datetime(2025, 6, 30, 10, 30))  # a Monday morning
NIGHT = timezone.make_aware(dt.datetime(2025, 6, 30, 21, 0))


def test_in_opening_hours_tickets_are_taken_called_and_served_and_cases_move(demo, monkeypatch):
    load_demo_halls()
    monkeypatch.setattr(clock, "now", lambda: OPEN)
    centre = LiveCentre(seed=4)
    happened = [centre.step() for _ in range(150)]
    assert any(what.startswith("ticket ") for what in happened)
    assert centre.made["tickets"] > 20 and centre.made["calls"] > 5 and centre.made["served"] > 3
    finished = Ticket.objects.filter(status=Ticket.Status.DONE)
    assert finished.count() == centre.made["served"]
    assert {e.actor.username for e in HallEvent.objects.filter(action="call")} <= {
        "clerk02",
        "clerk03",
        "clerk04",
    }
    assert Case.objects.count() == centre.made["cases"] > 3
    assert Case.objects.exclude(status="submitted").exists()  # accepted or further


def test_at_night_the_hall_rests_and_cases_still_move(demo, monkeypatch):
    load_demo_halls()
    monkeypatch.setattr(clock, "now", lambda: NIGHT)
    centre = LiveCentre(seed=5)
    for _ in range(40):
        centre.step()
    assert not Ticket.objects.exists()
    assert centre.made["cases"] > 5


@pytest.mark.django_db(transaction=True)
def test_the_live_thread_announces_what_happens_and_stops_when_told(demo, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NIGHT)
    heard, stop = [], threading.Event()
    worker = threading.Thread(target=LiveCentre(seed=6).run, args=(stop, 0.01, heard.append))
    worker.start()
    for _ in range(1000):
        if heard:
            break
        stop.wait(0.01)
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert heard and heard[0].startswith("live: case ")
