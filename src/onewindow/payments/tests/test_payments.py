"""Fees paid through the reference gateway, a real process: the payer pays on its page, its signed
notice reaches the platform and is applied once; bad signatures change nothing; refunds go through
the gateway; the day's reconciliation finds planted mismatches."""

import datetime as dt
import io
import json
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseEvent
from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.ops.demo import DEMO_CITIZEN_ID
from onewindow.payments import protocol, services
from onewindow.payments.models import Notice, Payment

from .conftest import pay_at_gateway

pytestmark = pytest.mark.django_db(transaction=True)
ITEM = "BDC-001"  # resale home transfer: 80 yuan registration fee, filed online


@pytest.fixture
def fee_first(demo):
    """The item takes its fee on the platform, before acceptance."""
    item = ServiceItem.objects.get(code=ITEM, status="published")
    item.payment_stage = "filing"
    item.save()
    return item


def _file(**answers) -> Case:
    citizen = User.objects.get(username="citizen")
    case, _created = case_services.submit_case(
        citizen,
        case_services.Submission(
            item=ITEM,
            answers=answers or {"loan": "cash"},
            applicant=case_services.Applicant(name="张三", id_type="resident_id", id_number=DEMO_CITIZEN_ID),
        ),
    )
    return case


def _accept(case: Case) -> Case:
    materials = {m.code: "received" for m in case.materials.all()}
    return case_services.act(
        User.objects.get(username="clerk"), case.pk, case_services.ActionInput("accept", materials=materials)
    )


def _paid_online(case: Case) -> Payment:
    payment = services.start_online(User.objects.get(username="citizen"), case.pk)
    back = pay_at_gateway(payment.pay_url)
    assert back.startswith(f"{settings.ONEWINDOW_PUBLIC_URL}/payments/return/?reference={payment.reference}")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        # The history entry is the notice's last write (on SQLite the live server shares this
        # connection, so its writes show before they commit).
        if CaseEvent.objects.filter(case=case, action="fee_paid").exists():
            time.sleep(0.2)
            payment.refresh_from_db()
            return payment
        time.sleep(0.1)
    raise AssertionError("the gateway's notice did not arrive")


def test_the_fee_is_paid_online_before_acceptance_and_its_receipt_prints(paygate, fee_first):
    case = _file()
    with pytest.raises(InvalidInput) as refused:
        _accept(case)
    assert refused.value.errors[0].field == "payment" and "¥80.00" in refused.value.errors[0].message

    payment = _paid_online(case)
    assert (payment.amount, payment.currency, payment.channel) == (Decimal("80"), "CNY", "online")
    assert payment.transaction.startswith("TXN") and payment.receipt_number.startswith("BL")
    assert CaseEvent.objects.filter(case=case, action="fee_paid").count() == 1
    assert _accept(case).status == "accepted"

    page = Client()
    page.force_login(User.objects.get(username="citizen"))
    pdf = page.get(f"/payments/{payment.reference}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert payment.receipt_number in text and "¥80.00" in text
    shown = page.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert payment.receipt_number in shown.content.decode() and "Pay online" not in shown.content.decode()
    # The browser may follow *Pay online*'s redirect to the gateway's page.
    assert f"form-action 'self' {paygate.url};" in shown["Content-Security-Policy"]


def test_the_payer_coming_back_before_the_notice_is_answered_by_a_query(paygate, fee_first, settings):
    settings.ONEWINDOW_PUBLIC_URL = "http://127.0.0.1:9"  # nothing listens: notices cannot arrive
    case = _file()
    payment = services.start_online(User.objects.get(username="citizen"), case.pk)
    Payment.objects.filter(pk=payment.pk).update(pay_url="")
    again = services.start_online(User.objects.get(username="citizen"), case.pk)
    assert (again.pk, again.gateway_id) == (payment.pk, payment.gateway_id)  # one payment at the gateway too
    pay_at_gateway(again.pay_url)
    page = Client()
    page.force_login(User.objects.get(username="citizen"))
    back = page.get(
        f"/payments/return/?reference={payment.reference}", HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "Paid. Your receipt is" in back.content.decode()
    assert Payment.objects.get(pk=payment.pk).status == "paid"


def _notice(payment: Payment, status="paid", amount=None) -> bytes:
    return json.dumps(
        {
            "type": f"payment.{status}",
            "id": "gw-1",
            "reference": payment.reference,
            "amount": str(amount if amount is not None else payment.amount),
            "currency": payment.currency,
            "status": status,
            "transaction": "TXN-PLANTED",
            "paid_at": "2025-03-03T02:00:00+00:00",
        }
    ).encode()


def _post_notice(secret: str, body: bytes, msg_id: str):
    headers = protocol.sign(secret, "POST", "/payments/notice/", body, msg_id)
    return Client().post(
        "/payments/notice/",
        body,
        content_type="application/json",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    )


def test_a_bad_signature_is_refused_and_changes_nothing(paygate, fee_first):
    case = _file()
    payment = services.start_online(User.objects.get(username="citizen"), case.pk)
    forged = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
    answer = _post_notice(forged, _notice(payment), "msg_forged")
    assert answer.status_code == 401 and "no signature matches" in answer.json()["error"]
    unsigned = Client().post("/payments/notice/", _notice(payment), content_type="application/json")
    assert unsigned.status_code == 401
    assert Payment.objects.get(pk=payment.pk).status == "pending" and not Notice.objects.exists()


def test_a_repeated_notice_is_applied_once(paygate, fee_first):
    case = _file()
    payment = services.start_online(User.objects.get(username="citizen"), case.pk)
    body = _notice(payment)
    outcomes = [_post_notice(paygate.secret, body, "msg_once").json()["outcome"] for _ in range(3)]
    assert outcomes == ["applied", "duplicate", "duplicate"]
    assert (
        _post_notice(paygate.secret, body, "msg_other").json()["outcome"] == "applied"
    )  # nothing left to do
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.transaction == "TXN-PLANTED"
    assert CaseEvent.objects.filter(case=case, action="fee_paid").count() == 1
    assert Notice.objects.filter(message_id="msg_once").count() == 1


def test_a_notice_with_another_amount_is_not_taken_as_paid(paygate, fee_first):
    payment = services.start_online(User.objects.get(username="citizen"), _file().pk)
    assert (
        _post_notice(paygate.secret, _notice(payment, amount="1"), "msg_short").json()["outcome"] == "applied"
    )
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_refunds_go_through_the_gateway_once_and_never_beyond_the_paid_amount(paygate, fee_first):
    payment = _paid_online(_file())
    supervisor = User.objects.get(username="supervisor")
    with pytest.raises(InvalidInput) as refused:
        services.refund(supervisor, payment.reference, "100", "多收")
    assert refused.value.errors[0].field == "amount"
    with pytest.raises(InvalidInput) as refused:
        services.refund(supervisor, payment.reference, "abc", "")
    assert {e.field for e in refused.value.errors} == {"amount", "reason"}

    first = services.refund(supervisor, payment.reference, "30", "部分退费")
    assert first.transaction.startswith("RFD")
    told = services.gateway().query(payment.reference)
    assert told.status == "paid"
    services.refund(supervisor, payment.reference, "50", "余额退费")
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refunded_amount == Decimal("80")
    assert CaseEvent.objects.filter(case=payment.case, action="fee_refunded").count() == 2
    with pytest.raises(services.Forbidden):
        services.refund(User.objects.get(username="clerk"), payment.reference, "1", "x")


def test_the_reconciliation_finds_planted_mismatches(paygate, fee_first, tmp_path):
    first, second = _paid_online(_file()), _paid_online(_file(loan="mortgage"))
    services.refund(User.objects.get(username="supervisor"), first.reference, "10", "部分退费")
    day = first.paid_at.astimezone(dt.UTC).date()
    report = services.reconcile_day(day)
    assert (report.matched, report.mismatches) == (3, [])
    assert report.gateway_total == report.platform_total == Decimal("150")

    Payment.objects.filter(pk=second.pk).update(amount=Decimal("8"))  # a record changed by hand
    stray = _file()
    at = first.paid_at
    Payment.objects.create(case=stray, reference=f"{stray.number}-9", unit_amount=80, amount=80,
                           currency="CNY", channel="online", gateway="reference", status="paid",
                           created_at=at, paid_at=at, receipt_number="BL-STRAY")  # fmt: skip
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("payments", "reconcile", "--date", day.isoformat(), stdout=out)
    found = {(m["reference"], m["problem"]) for m in json.loads(out.getvalue())["mismatches"]}
    assert found == {(second.reference, "amount_differs"), (f"{stray.number}-9", "missing_at_gateway")}


def test_a_window_payment_counts_as_paid_but_not_online(paygate, fee_first):
    case = _file()
    with pytest.raises(services.Forbidden):
        services.record_at_window(User.objects.get(username="citizen"), case.pk)
    payment = services.record_at_window(User.objects.get(username="clerk"), case.pk)
    assert (payment.status, payment.channel, payment.recorded_by.username) == ("paid", "window", "clerk")
    with pytest.raises(services.Conflict):
        services.start_online(User.objects.get(username="citizen"), case.pk)
    assert _accept(case).status == "accepted"


def test_the_index_counts_fees_paid_online_per_department(paygate, fee_first):
    from onewindow.evaluation.selectors import index_table

    online = _paid_online(_file())
    services.record_at_window(User.objects.get(username="clerk"), _file().pk)
    day = timezone.localdate(online.paid_at)  # the index counts days in the platform's time zone
    row = next(r for r in index_table("department", day, day) if r.unit.code == fee_first.department.code)
    paid_online = next(i for g in row.score.groups for i in g.indicators if i.indicator.code == "paid_online")
    assert (paid_online.numerator, paid_online.denominator, paid_online.value) == (1, 2, 0.5)
    others = [r for r in index_table("department", day, day) if r.unit.code != fee_first.department.code]
    assert all(
        i.value is None
        for r in others
        for g in r.score.groups
        for i in g.indicators
        if i.indicator.code == "paid_online"
    )


def test_supervisors_reach_the_reconciliation_and_a_bad_day_is_named(paygate, fee_first):
    page = Client()
    page.force_login(User.objects.get(username="supervisor"))
    start = page.get("/start/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/payments/reconciliation/"' in start
    assert page.get("/payments/reconciliation/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    bad = page.post("/payments/reconciliation/", {"day": "yesterday"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "<code>day</code>: Give the day as YYYY-MM-DD." in bad.content.decode()
    done = page.post(
        "/payments/reconciliation/", {"day": "2025-03-03"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "2025-03-03" in done.content.decode() and "Balanced" in done.content.decode()
    citizen = Client()
    citizen.force_login(User.objects.get(username="citizen"))
    assert citizen.get("/payments/reconciliation/").status_code == 404
