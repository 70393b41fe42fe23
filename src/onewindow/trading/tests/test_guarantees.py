"""Electronic bid guarantees against the reference guarantor running as its own process: ordered,
issued through the signed API, verified at opening, released after the award; replays, bad
signatures and repeated callbacks; a guarantor that never answers."""

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
from django.test import Client

from onewindow.core.permissions import Forbidden
from onewindow.trading import protocol, services
from onewindow.trading.models import Guarantee, GuaranteeStatus, TrustListEntry

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def platform(live_server, settings):
    settings.ONEWINDOW_PUBLIC_URL = live_server.url
    return live_server


def order(worker, bidder, tender, guarantor, account="6222020200112233"):
    guarantee = services.order_guarantee(bidder, tender.code, guarantor.code, account)
    worker()  # the task queue hands the order to the guarantor
    return guarantee


def test_issued_in_seconds_verified_at_opening_and_released_after_the_award(
    platform, parties, tender, start_guarantor, worker, today
):
    guarantor = start_guarantor()
    bidder = parties["bidders"][0]
    started = time.monotonic()
    guarantee = order(worker, bidder, tender, guarantor)
    assert wait_for(lambda: Guarantee.objects.get(pk=guarantee.pk).status == GuaranteeStatus.ISSUED)
    assert time.monotonic() - started < 5
    guarantee.refresh_from_db()
    assert guarantee.fee == Decimal("200.00")  # 0.1 % of 200,000
    assert guarantee.number.startswith("DEMO-BANK-") and guarantee.pdf_sha256
    assert guarantee.valid_until == dt.date(2025, 3, 23) + dt.timedelta(days=90)
    assert [h.action for h in guarantee.history.all()] in (["order", "send", "answer"], ["order", "answer"])

    with pytest.raises(Forbidden):
        services.verify_guarantee(bidder, guarantee.reference)
    verdict = services.verify_guarantee(parties["owner"], guarantee.reference)
    assert verdict.valid and dict(verdict.checks) == {
        "signature": True,
        "pdf": True,
        "bidder": True,
        "tender": True,
        "amount": True,
        "validity": True,
    }
    # a PDF changed afterwards no longer verifies
    guarantee.pdf.save(
        guarantee.pdf.name.rsplit("/", 1)[-1], __import__("io").BytesIO(b"%PDF-1.4 forged"), save=True
    )
    assert dict(services.check_guarantee(Guarantee.objects.get(pk=guarantee.pk)).checks)["pdf"] is False

    bid = services.submit_bid(
        bidder,
        tender.code,
        services.BidInput(1, Decimal("17500000"), "10.1.1.1", "dev-a", documents=[pdf_document()]),
    )
    today.set(dt.date(2025, 3, 24))
    services.open_bids(parties["owner"], tender.code)
    services.award(parties["owner"], tender.code, {1: bid.pk})
    guarantee.refresh_from_db()
    assert guarantee.status == GuaranteeStatus.RELEASED
    assert [n.kind for n in tender.notices.all()] == ["announcement", "opening", "award"]


def pdf_document(author="张三", machine="MC-1", body=b"bid"):
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setAuthor(author)
    canvas.drawString(100, 100, body.decode())
    canvas.save()
    return services.DocumentInput("投标文件.pdf", buffer.getvalue(), machine)


def signed_post(guarantor, document, msg_id=None, timestamp=None, key=None):
    body = json.dumps(document).encode()
    headers = protocol.signed_headers(
        key or guarantor.private_key, body, timestamp or int(time.time()), msg_id
    )
    return Client().post(
        f"/api/v1/trading/guarantors/{guarantor.code}/answers",
        body,
        content_type="application/json",
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    )


def issued_answer(guarantee, number="N-1"):
    import base64
    import hashlib

    pdf = b"%PDF-1.4 a guarantee"
    return {
        "type": "guarantee.issued",
        "reference": guarantee.reference,
        "number": number,
        "amount": str(guarantee.amount),
        "valid_until": "2025-06-21",
        "tender_code": guarantee.tender.code,
        "bidder_uscc": guarantee.bidder_uscc,
        "pdf": base64.b64encode(pdf).decode(),
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
    }


def test_replays_and_bad_signatures_are_refused_and_a_repeated_callback_issues_once(
    parties, tender, start_guarantor, today
):
    guarantor = start_guarantor("silent-bank", "--never-answer")
    guarantee = services.order_guarantee(
        parties["bidders"][0], tender.code, guarantor.code, "6222020200112233"
    )
    answer = issued_answer(guarantee)

    forged = signed_post(guarantor, answer, key=protocol.new_key()[0])
    assert forged.status_code == 401 and "no v1a signature" in forged.json()["detail"]
    stale = signed_post(guarantor, answer, timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401 and "too old" in forged.json()["detail"] + stale.json()["detail"]
    assert Guarantee.objects.get(pk=guarantee.pk).status == GuaranteeStatus.ORDERED

    first = signed_post(guarantor, answer, msg_id="msg_first")
    assert first.status_code == 200 and first.json() == {
        "reference": guarantee.reference,
        "status": "issued",
        "repeated": False,
    }
    replay = signed_post(guarantor, answer, msg_id="msg_first")
    assert replay.status_code == 409 and "replay" in replay.json()["detail"]
    again = signed_post(guarantor, issued_answer(guarantee, number="N-2"), msg_id="msg_second")
    assert again.status_code == 200 and again.json()["repeated"] is True
    guarantee.refresh_from_db()
    assert guarantee.number == "N-1"
    assert [h.action for h in guarantee.history.all()] == ["order", "answer"]


def test_a_guarantor_that_never_answers_leaves_a_visible_pending_order(
    platform, parties, tender, start_guarantor, worker, today
):
    guarantor = start_guarantor("silent-bank", "--never-answer")
    bidder = parties["bidders"][1]
    guarantee = order(worker, bidder, tender, guarantor)
    guarantee.refresh_from_db()
    assert guarantee.status == GuaranteeStatus.SENT and guarantee.answered_at is None
    assert guarantee.answer_due == guarantee.ordered_at + dt.timedelta(minutes=60)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(bidder)
    page = client.get(f"/trading/guarantees/{guarantee.reference}/").content.decode()
    assert "With the guarantor" in page and "Answer due" in page and "2025-03-03 19:00" in page
    assert "has not answered" not in page
    today.set(dt.date(2025, 3, 4))
    page = client.get(f"/trading/guarantees/{guarantee.reference}/").content.decode()
    assert "late: the guarantor has not answered" in page
    with pytest.raises(Exception, match="already has a guarantee"):
        services.order_guarantee(bidder, tender.code, guarantor.code, "6222020200112233")


def test_fees_are_shown_up_front_the_red_list_pays_less_and_the_blacklist_cannot_order(
    parties, tender, start_guarantor, today
):
    guarantor = start_guarantor("silent-bank", "--never-answer")
    red, black = parties["bidders"][2], parties["bidders"][3]
    for user, kind in ((red, "red"), (black, "black")):
        TrustListEntry.objects.create(
            uscc=user.verified_id_number,
            name=user.first_name,
            list=kind,
            reason="test",
            valid_from=dt.date(2025, 1, 1),
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(red)
    page = client.get(f"/trading/tenders/{tender.code}/guarantee/").content.decode()
    assert "160.00" in page and "red list" in page  # 200 × 0.8
    assert services.order_guarantee(red, tender.code, guarantor.code, "6222020200112233").fee == Decimal(
        "160.00"
    )
    with pytest.raises(Forbidden, match="blacklist"):
        services.order_guarantee(black, tender.code, guarantor.code, "6222020200112233")
