"""Events leave through the outbox: webhooks to the department's system, signed, in order, retried."""

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.cases.services import ActionInput, Applicant, Submission, act, submit_case
from onewindow.core.models import Event, User
from onewindow.integrations import services
from onewindow.integrations.delivery import deliver_pending
from onewindow.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

ANSWERS = {"insured_as": "employee", "retire_type": "normal", "other_province": "none", "years": "enough"}
MATERIALS = dict.fromkeys(
    ("id_card", "household_register", "pension_application_form", "personnel_file", "photo", "bank_card"),
    "received",
)


def file_retirement(clerk) -> int:
    applicant = Applicant(
        name="张三", id_type="resident_id", id_number="11010519491231002X", phone="13800138000"
    )
    case, _created = submit_case(
        clerk,
        Submission(
            item="RS-001", channel="window", answers=ANSWERS, materials=MATERIALS, applicant=applicant
        ),
    )
    return case.pk


@pytest.fixture
def hr_system(demo, inbox_for, settings):
    settings.ONEWINDOW_WEBHOOK_RETRY_BASE_SECONDS = 0.05
    settings.ONEWINDOW_WEBHOOK_RETRY_CAP_SECONDS = 0.2
    client, _token = services.register_client("HR back office", "rsj", ["events:read", "cases:read"])
    endpoint = services.add_endpoint(client, "http://127.0.0.1:1/placeholder", ["case.*"])
    inbox = inbox_for(endpoint.secret)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=inbox.url)
    return inbox


def test_a_case_s_life_reaches_the_department_system_signed_in_order_and_once(hr_system, worker):
    clerk, reviewer = User.objects.get(username="clerk"), User.objects.get(username="reviewer-rsj")
    case_id = file_retirement(clerk)
    act(clerk, case_id, ActionInput("accept"))
    act(reviewer, case_id, ActionInput("review"))
    act(reviewer, case_id, ActionInput("approve"))
    assert hr_system.messages == []  # nothing leaves inside the request
    worker()
    assert hr_system.types() == ["case.filed", "case.accepted", "case.review", "case.decided"]
    ids = [msg_id for msg_id, _m in hr_system.messages]
    assert len(set(ids)) == 4
    decided = hr_system.messages[-1][1]["data"]
    assert (
        decided["decision"] == "approve" and decided["status"] == "approved" and decided["item"] == "RS-001"
    )
    assert "张三" not in str(hr_system.messages)  # what happened, not who: the system reads the case for that
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    worker()  # running again sends nothing again
    assert len(hr_system.messages) == 4


def test_other_departments_events_and_unsubscribed_types_are_not_sent(hr_system, worker, demo):
    endpoint = WebhookEndpoint.objects.get()
    endpoint.event_types = ["case.decided"]
    endpoint.save()
    clerk = User.objects.get(username="clerk")
    case_id = file_retirement(clerk)
    act(clerk, case_id, ActionInput("accept"))
    worker()
    assert hr_system.messages == []
    assert Event.objects.filter(type="case.accepted").exists()


def test_a_receiver_that_is_down_gets_everything_afterwards_once(hr_system, worker):
    import time

    hr_system.server.fail = True
    clerk = User.objects.get(username="clerk")
    case_id = file_retirement(clerk)
    act(clerk, case_id, ActionInput("accept"))
    worker()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.failures_in_a_row == 1 and endpoint.resume_at is not None
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.count() == 2
    # Only the first message was tried: a receiver that is down is not hammered with the rest.
    assert sorted(pending.values_list("attempts", flat=True)) == [0, 1]
    hr_system.server.fail = False
    deadline = time.monotonic() + 5
    while len(hr_system.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        worker()  # the wake-up booked for when the backoff ends
    assert hr_system.types() == ["case.filed", "case.accepted"]
    first = WebhookDelivery.objects.order_by("event_id").first()
    log = list(first.attempt_log.values_list("status_code", flat=True))
    assert log == [503, 204]  # the delivery log shows the failed try and the good one


def test_a_message_the_receiver_rejects_holds_back_that_case_only_until_discarded(hr_system, worker):
    clerk = User.objects.get(username="clerk")
    first_case, second_case = file_retirement(clerk), file_retirement(clerk)
    rejected = WebhookDelivery.objects.order_by("event_id").first()
    WebhookDelivery.objects.filter(pk=rejected.pk).update(status=DeliveryStatus.DEAD)
    act(clerk, first_case, ActionInput("accept"))
    act(clerk, second_case, ActionInput("accept"))
    worker()
    # The first case's later event waits behind its dead one; the second case flows.
    assert hr_system.types() == ["case.filed", "case.accepted"]
    assert {m["data"]["case_id"] for _i, m in hr_system.messages} == {second_case}
    services.discard(WebhookDelivery.objects.filter(pk=rejected.pk))
    worker()
    assert hr_system.messages[-1][1]["data"]["case_id"] == first_case
    assert hr_system.types()[-1] == "case.accepted"


def test_replay_sends_a_delivered_message_again_with_the_same_id(hr_system, worker):
    file_retirement(User.objects.get(username="clerk"))
    worker()
    delivery = WebhookDelivery.objects.get()
    services.replay(WebhookDelivery.objects.filter(pk=delivery.pk))
    worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert len(hr_system.messages) == 1 and hr_system.server.repeats == 1  # the receiver dropped the repeat


def test_a_rotated_secret_keeps_deliveries_flowing_to_a_receiver_on_the_old_one(hr_system, worker):
    endpoint = WebhookEndpoint.objects.get()
    services.rotate_secret(endpoint)
    file_retirement(User.objects.get(username="clerk"))
    worker()
    assert hr_system.types() == ["case.filed"]  # the receiver still knows only the old secret
    endpoint.previous_secret_until = timezone.now() - dt.timedelta(seconds=1)
    endpoint.save()
    file_retirement(User.objects.get(username="clerk"))
    worker()
    assert len(hr_system.messages) == 1  # after the overlap, only the new secret signs
    assert WebhookDelivery.objects.filter(last_error="HTTP 401").exists()


def test_a_lease_left_by_a_killed_worker_runs_out_and_the_delivery_goes_out(hr_system, worker, settings):
    settings.ONEWINDOW_WEBHOOK_LEASE_SECONDS = 0
    file_retirement(User.objects.get(username="clerk"))
    WebhookDelivery.objects.update(
        lease_until=timezone.now() - dt.timedelta(seconds=1), claimed_by="dead-worker"
    )
    deliver_pending.call(WebhookEndpoint.objects.get().pk)
    assert hr_system.types() == ["case.filed"]
