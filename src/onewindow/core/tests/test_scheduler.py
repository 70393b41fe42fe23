"""The scheduler: each slot once, missed days caught up, two schedulers never run one slot twice."""

import datetime as dt
import threading

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core import scheduler
from onewindow.core.models import ScheduledRun

RUNS: list[str] = []


def count_a_run():
    RUNS.append("ran")
    return {"ran": len(RUNS)}


def fails():
    raise RuntimeError("the mail server is away")


DAILY = scheduler.Job("morning", "onewindow.core.tests.test_scheduler.count_a_run", daily_at=dt.time(7, 30))
EVERY_MINUTE = scheduler.Job("sweep", "onewindow.core.tests.test_scheduler.count_a_run", every_seconds=60)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime(2026, 12, day, hour, minute))


def test_a_daily_job_catches_up_every_missed_day_once():
    last = at(1, 7, 30)
    slots = scheduler.due_slots(DAILY, last, at(4, 9))  # down on the 2nd and 3rd
    assert [timezone.localtime(s).day for s in slots] == [2, 3, 4]
    assert scheduler.due_slots(DAILY, slots[-1], at(4, 23)) == []
    # A new installation runs the latest slot only, not a week of back runs.
    assert scheduler.due_slots(DAILY, None, at(4, 9)) == [at(4, 7, 30)]
    assert scheduler.due_slots(DAILY, None, at(4, 7)) == [at(3, 7, 30)]


@given(seconds=st.integers(0, 10**6), every=st.sampled_from([1, 60, 300, 3600]))
def test_an_interval_job_runs_the_latest_slot_once(seconds, every):
    job = scheduler.Job("x", "x.y", every_seconds=every)
    now = at(1, 0) + dt.timedelta(seconds=seconds)
    slots = scheduler.due_slots(job, None, now)
    assert len(slots) == 1 and slots[0] <= now < slots[0] + dt.timedelta(seconds=every)
    assert scheduler.due_slots(job, slots[0], now) == []


@pytest.fixture
def schedule(settings):
    RUNS.clear()
    settings.ONEWINDOW_SCHEDULE = [
        {"name": "morning", "run": DAILY.run, "daily_at": "07:30"},
        {"name": "broken", "run": "onewindow.core.tests.test_scheduler.fails", "every_seconds": 60},
    ]


def test_each_run_is_recorded_with_its_outcome(db, schedule):
    scheduler.run_due(now=at(2, 8))
    runs = {run.job: run for run in ScheduledRun.objects.all()}
    assert runs["morning"].outcome == "done" and runs["morning"].detail == '{"ran": 1}'
    assert runs["broken"].outcome == "failed" and "the mail server is away" in runs["broken"].detail
    assert scheduler.run_due(now=at(2, 8)) == []  # the same slots again: nothing


def test_a_slot_another_scheduler_claimed_meanwhile_is_not_run_again(db, schedule, monkeypatch):
    scheduler.run_due(now=at(2, 8), scheduler_id="a")
    # Scheduler b looked before a's run was written: it still believes nothing ran.
    monkeypatch.setattr(scheduler, "last_slot", lambda job: None)
    assert scheduler.run_due(now=at(2, 8), scheduler_id="b") == []
    assert RUNS == ["ran"]
    assert set(ScheduledRun.objects.values_list("scheduler", flat=True)) == {"a"}


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_each_slot_once(schedule):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the test database is in-memory SQLite, whose shared cache locks whole tables")
    barrier = threading.Barrier(2)

    def one_scheduler(name):
        from django.db import connection

        barrier.wait()
        try:
            scheduler.run_due(now=at(2, 8), scheduler_id=name)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_scheduler, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert RUNS == ["ran"]
    assert ScheduledRun.objects.filter(job="morning").count() == 1
