"""The task queue: side effects leave the request, failures retry with backoff, then dead letters,
and a dead worker's task goes back on the queue."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core import tasks
from onewindow.core.models import DeadLetter, WorkerHeartbeat

SENT: list[tuple[str, str]] = []
CALLS: list[int] = []


class SlowSms:
    """An SMS gateway that takes two seconds to answer."""

    def send(self, phone, text):
        time.sleep(2)
        SENT.append((phone, text))


@task()
def always_fails(n: int) -> None:
    CALLS.append(n)
    raise RuntimeError(f"the gateway said no to {n}")


@pytest.fixture
def as_clerk(api_client, token_for):
    token = token_for("clerk")
    return lambda method, url, body: api_client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_intake_and_acceptance_do_not_wait_for_a_slow_sms_gateway(as_clerk, settings, worker):
    settings.ONEWINDOW_SMS_BACKEND = "onewindow.core.tests.test_tasks.SlowSms"
    SENT.clear()
    started = time.monotonic()
    created = as_clerk("post", "/api/v1/cases", NEW_CASE)
    accepted = as_clerk("post", f"/api/v1/cases/{created.json()['id']}/actions", {"action": "accept"})
    answered_in = time.monotonic() - started
    assert created.status_code == 201 and accepted.status_code == 200
    assert answered_in < 2  # two requests, and not one two-second SMS inside them
    assert SENT == []
    worker()
    assert [phone for phone, _text in SENT] == ["13800138000"]  # the worker sent the acceptance notice
    assert created.json()["number"] in SENT[0][1]


def test_a_failing_task_is_tried_with_growing_waits_then_becomes_a_dead_letter(db, settings):
    settings.ONEWINDOW_TASK_MAX_ATTEMPTS = 3
    settings.ONEWINDOW_TASK_RETRY_BASE_SECONDS = 0
    CALLS.clear()
    tasks.enqueue(always_fails, 7)
    tasks.run_queued()  # with no wait between tries, all three happen now
    assert CALLS == [7, 7, 7]
    letter = DeadLetter.objects.get()
    assert letter.attempts == 3 and "the gateway said no to 7" in letter.error
    assert letter.task_path.endswith("always_fails") and letter.args_kwargs["args"] == [7]
    tasks.retry_dead_letter(letter)  # the administrator fixed the cause and retries
    assert not DeadLetter.objects.exists()
    tasks.run_queued()
    assert CALLS == [7] * 6  # three fresh tries
    assert DeadLetter.objects.get().attempts == 3


@given(attempt=st.integers(1, 40), base=st.floats(0.1, 60), cap=st.floats(1, 7200))
def test_backoff_doubles_up_to_the_cap_with_at_most_ten_percent_jitter(attempt, base, cap):
    wait = tasks.backoff_seconds(attempt, base=base, cap=cap)
    plain = min(cap, base * 2 ** (attempt - 1))
    assert plain <= wait <= plain * 1.1


def test_the_running_task_of_a_worker_that_went_silent_goes_back_on_the_queue(db, settings):
    tasks.enqueue(always_fails, 1)
    result = DBTaskResult.objects.get()
    result.claim("killed-worker")
    WorkerHeartbeat.objects.create(
        worker_id="killed-worker",
        host="here",
        pid=1,
        started_at=timezone.now(),
        last_seen=timezone.now() - dt.timedelta(minutes=5),
    )
    alive = tasks.new_worker_id()
    WorkerHeartbeat.objects.create(
        worker_id=alive, host="here", pid=2, started_at=timezone.now(), last_seen=timezone.now()
    )
    tasks.enqueue(always_fails, 2)
    other = DBTaskResult.objects.exclude(pk=result.pk).get()
    other.claim(alive)
    assert tasks.reap_orphans() == 1
    result.refresh_from_db()
    other.refresh_from_db()
    assert result.status == TaskResultStatus.READY  # the dead worker's task is free again
    assert other.status == TaskResultStatus.RUNNING  # a live worker keeps its own


def test_a_task_enqueued_in_a_transaction_that_rolls_back_does_not_exist(db):
    from django.db import transaction

    try:
        with transaction.atomic():
            tasks.enqueue(always_fails, 3)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert not DBTaskResult.objects.exists()


NEW_CASE = {
    "item": "RS-001",
    "channel": "window",
    "answers": {
        "insured_as": "employee",
        "retire_type": "normal",
        "other_province": "none",
        "years": "enough",
    },
    "materials": dict.fromkeys(
        ("id_card", "household_register", "pension_application_form", "personnel_file", "photo", "bank_card"),
        "received",
    ),
    "applicant": {
        "name": "张三",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "phone": "13800138000",
    },
}


@task()
def succeeds() -> str:
    return "done"


def test_a_run_whose_task_was_given_back_meanwhile_does_not_mark_it_done(db):
    """The heartbeat of a busy worker came late and its task was given back: when the old run ends, the
    task stays on the queue for its new run instead of being marked done (or failed) by the old one."""
    tasks.enqueue(succeeds)
    old_run = DBTaskResult.objects.get()
    old_run.claim("slow-worker")
    tasks.give_back_or_bury(DBTaskResult.objects.get(), "the worker running it stopped", wait=False)
    tasks.make_worker().run_task(old_run)
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert tasks.run_queued().ran == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_code_is_gone_becomes_a_dead_letter_without_stopping_the_worker(db, settings):
    settings.ONEWINDOW_TASK_MAX_ATTEMPTS = 1
    tasks.enqueue(succeeds)
    DBTaskResult.objects.update(task_path="onewindow.core.tests.test_tasks.removed_long_ago")
    tasks.enqueue(succeeds)
    assert tasks.run_queued().ran == 2  # the second task still ran
    assert DeadLetter.objects.get().task_path.endswith("removed_long_ago")
