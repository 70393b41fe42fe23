"""Screening at opening: two bidders planted in a demo tender with one device and one document are
linked, with both pieces of evidence on the alert page; reviews become training labels; bids stay
sealed until the opening."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from onewindow.core import clock
from onewindow.core.models import User
from onewindow.core.permissions import Conflict
from onewindow.trading import screening, services
from onewindow.trading.demo import load_demo_trading
from onewindow.trading.models import Alert, Tender

from .fixtures import enterprise
from .test_guarantees import pdf_document

pytestmark = pytest.mark.django_db


def bid(user, tender, amount, device, ip, document):
    return services.submit_bid(
        user, tender.code, services.BidInput(1, Decimal(amount), ip, device, documents=[document])
    )


def test_two_bidders_sharing_a_device_and_a_document_are_linked_on_the_alert(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    written = load_demo_trading(days=40)
    assert written["tenders"] and written["alerts"]
    tender = Tender.objects.filter(status="open").order_by("deadline").last()
    planted = [
        enterprise("planted-a", "MA0PLA001", "甲建设有限公司"),
        enterprise("planted-b", "MA0PLB002", "乙建设有限公司"),
    ]
    same_file = pdf_document(author="投标专员", machine="WS-7F3A", body=b"identical bid file")
    bid(planted[0], tender, "9100000", "device-shared-01", "10.20.30.40", same_file)
    bid(planted[1], tender, "9400000", "device-shared-01", "10.20.30.41", same_file)
    with clock.at(tender.deadline + dt.timedelta(hours=1)):
        services.open_bids(tender.owner, tender.code)

    alert = Alert.objects.get(tender=tender)
    group = next(g for g in alert.links if {p.verified_id_number for p in planted} <= set(g["bidders"]))
    kinds = {e["kind"] for edge in group["edges"] for e in edge["evidence"]}
    assert {"device_id", "document_sha256", "machine_code", "document_author"} <= kinds

    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(User.objects.get(username="trading"))
    page = staff.get(f"/trading/alerts/{alert.pk}/").content.decode()
    assert "甲建设有限公司" in page and "乙建设有限公司" in page
    assert "Same device <code>device-shared-01</code>" in page
    assert f"Identical document <code>{same_file_hash(same_file)}</code>" in page
    assert planted[0].verified_id_number not in page  # USCCs are not shown unmasked

    answer = staff.post(f"/trading/alerts/{alert.pk}/", {"decision": "confirm", "note": ""})
    assert answer.status_code == 400 and "Say what the review found" in answer.content.decode()
    staff.post(f"/trading/alerts/{alert.pk}/", {"decision": "confirm", "note": "同一设备、同一文件"})
    alert.refresh_from_db()
    assert alert.status == "confirmed"
    labels = [row for row in screening.training_rows() if row["tender_id"].startswith(tender.code)]
    assert labels and {row["collusive"] for row in labels} == {1}
    from django.core.management import call_command

    call_command("bids", "labels", "--output", str(tmp_path / "reviewed.csv"))
    exported = (tmp_path / "reviewed.csv").read_text().splitlines()
    assert exported[0] == "tender_id,bidder_id,amount,winner,collusive"
    assert sum(line.startswith(tender.code) and line.endswith(",1") for line in exported) == len(labels)


def same_file_hash(document):
    import hashlib

    return hashlib.sha256(document.content).hexdigest()


def test_bids_stay_sealed_until_the_opening_and_each_bidder_sees_only_its_own(parties, tender, today):
    first, second = parties["bidders"][:2]
    bid(first, tender, "15000000", "d1", "10.0.0.1", pdf_document(body=b"one"))
    bid(second, tender, "16000000", "d2", "10.0.0.2", pdf_document(body=b"two"))
    with pytest.raises(Conflict, match="already bid"):
        bid(first, tender, "14000000", "d1", "10.0.0.1", pdf_document(body=b"again"))
    with pytest.raises(Conflict, match="at the deadline"):
        services.open_bids(parties["owner"], tender.code)

    def page(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client.get(f"/trading/tenders/{tender.code}/").content.decode()

    assert "15000000" not in page(parties["owner"]) and "Bids received" in page(parties["owner"])
    assert "15000000" in page(first) and "16000000" not in page(first)
    today.set(dt.date(2025, 3, 24))
    with pytest.raises(Conflict, match="deadline has passed"):
        bid(parties["bidders"][2], tender, "1", "d3", "10.0.0.3", pdf_document(body=b"late"))
    services.open_bids(parties["owner"], tender.code)
    assert "15000000" in page(parties["owner"]) and "16000000" in page(parties["owner"])
    public = Client().get(f"/trading/tenders/{tender.code}/").content.decode()  # the opening record
    assert "15000000" in public and "16000000" in public


def test_bad_bids_and_orders_get_errors_naming_the_field(parties, tender, today, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(parties["bidders"][0])
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        f"/trading/tenders/{tender.code}/bid/",
        {"lot": "1", "amount": "-5", "document": SimpleUploadedFile("bid.pdf", b"not a pdf")},
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "amount" in text and "must be a PDF" in text
    answer = client.post(
        f"/trading/tenders/{tender.code}/guarantee/", {"guarantor": "nobody", "payer_account": "12"}
    )
    assert answer.status_code == 400
    assert (
        "Choose one of the guarantors" in answer.content.decode()
        and "payer_account" in answer.content.decode()
    )


@pytest.mark.parametrize(
    ("username", "status"), [("citizen", 404), ("supervisor", 404), ("trading-staff", 200)]
)
def test_alerts_and_the_report_are_for_the_trading_centre(parties, username, status):
    client = Client()
    client.force_login(User.objects.get(username=username))
    assert client.get("/trading/alerts/").status_code == status
    assert client.get("/trading/report/").status_code == status
    assert Client().get("/trading/").status_code == 200  # the tender list and notices are public


def test_the_trading_centre_starts_from_its_alerts_and_late_orders(parties, tender, start_guarantor, today):
    guarantor = start_guarantor("silent-bank", "--never-answer")
    order = services.order_guarantee(parties["bidders"][0], tender.code, guarantor.code, "6222020200112233")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(parties["staff"])
    assert order.reference not in client.get("/start/").content.decode()
    today.set(dt.date(2025, 3, 4))
    page = client.get("/start/").content.decode()
    assert "Guarantee orders past their answer time" in page and order.reference in page
