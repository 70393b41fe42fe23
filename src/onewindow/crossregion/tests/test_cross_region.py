"""Cross-region handling in one database: region A's window forwards a case for region B's item, B
handles it, A hands the result over. The two regions share the database here; the transport calls
the receiving side directly (with the region's name switched), so every message is still sealed,
verified, deduplicated and taken as over HTTP. tests/reliability/test_cross_region.py runs it between
two real servers."""

import datetime as dt
import io
import json
import uuid

import pytest
from django.test import Client
from reportlab.pdfgen.canvas import Canvas

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.certificates import signing
from onewindow.certificates.models import TrustedRegion
from onewindow.certificates.services import LOG_OWNER, active_key
from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.crossregion import messages, services
from onewindow.crossregion.models import CaseOrigin, ForwardedCase, IncomingMessage, OutgoingMessage, Peer

pytestmark = pytest.mark.django_db

A, B = "region-a", "region-b"
ID = "11010519491231002X"


def pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "scan")
    canvas.save()
    return buffer.getvalue()


class Regions:
    """Two regions in one database; `down` makes the transport fail as if the partner were stopped."""

    def __init__(self, settings, monkeypatch):
        self.settings, self.down = settings, False
        settings.ONEWINDOW_REGION_NAME = A
        key = active_key(LOG_OWNER).public_jwk
        for name in (A, B):
            TrustedRegion.objects.create(name=name, platform_key=key, fingerprint="-", list_issued_at="-",
                                         imported_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))  # fmt: skip
            Peer.objects.create(name=name, base_url=f"http://{name}.invalid")
        monkeypatch.setattr(services, "_post", self.post)
        client = Client()
        monkeypatch.setattr(services, "_get_json", lambda url: client.get(url.split(".invalid", 1)[1]).json())

    def post(self, peer, body):
        if self.down:
            raise OSError("connection refused")
        with self.at(peer.name):
            try:
                return 200, services.receive(body)
            except messages.MessageRefused as refused:
                return refused.status, {"detail": refused.reason}

    def at(self, region):
        settings = self.settings

        class Switch:
            def __enter__(self):
                self.before, settings.ONEWINDOW_REGION_NAME = settings.ONEWINDOW_REGION_NAME, region

            def __exit__(self, *exc):
                settings.ONEWINDOW_REGION_NAME = self.before

        return Switch()

    def flush(self):
        for _round in range(10):
            if not services.send_pending()["sent"]:
                return


@pytest.fixture
def regions(demo, today, settings, monkeypatch):
    return Regions(settings, monkeypatch)


def user(name):
    return User.objects.get(username=name)


def forward(**changes):
    request = services.Forwarding(
        peer=B,
        item="GA-003",
        applicant=case_services.Applicant("陈志强", "resident_id", ID, "13800138000"),
        answers={"route": "talent"},
        files={
            code: services.Upload(f"{code}.pdf", pdf())
            for code in ("id_card", "household_register", "diploma")
        },
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return services.forward_case(user("clerk"), request)


def test_a_case_goes_to_the_other_region_and_its_result_comes_back(regions):
    forwarded = forward()
    assert forwarded.status == "forwarding" and forwarded.materials.count() == 3
    regions.flush()
    forwarded.refresh_from_db()
    case = Case.objects.get(channel="cross_region")
    assert (forwarded.status, forwarded.remote_number) == ("received", case.number)
    assert CaseOrigin.objects.get(case=case).reference == forwarded.reference
    assert {m.code: m.status for m in case.materials.all()} == dict.fromkeys(
        ["id_card", "household_register", "diploma"], "received"
    )

    with regions.at(B):
        case_services.act(user("clerk"), case.pk, case_services.ActionInput("accept"))
        reviewer = user(f"reviewer-{case.department.code}")
        for _step in case.review_steps[:-1]:
            case_services.act(reviewer, case.pk, case_services.ActionInput("review"))
        case_services.act(reviewer, case.pk, case_services.ActionInput("approve"))
    regions.flush()
    forwarded.refresh_from_db()
    assert forwarded.status == "approved" and bytes(forwarded.result_pdf).startswith(b"%PDF")
    assert [step["what"] for step in forwarded.history][:2] == ["taken", "received"]
    assert "approve" in [step["what"] for step in forwarded.history]

    services.hand_over(user("clerk"), forwarded.pk)
    regions.flush()
    case.refresh_from_db()
    assert case.status == "delivered" and case.delivery_method == "window"
    assert not OutgoingMessage.objects.filter(status="pending").exists()


def test_a_partner_that_is_down_gets_the_message_later_and_once(regions, today):
    forward()
    regions.down = True
    assert services.send_pending() == {"sent": 0, "failed": 1}
    message = OutgoingMessage.objects.get(kind="case.forward")
    assert message.attempts == 1 and "not reached" in message.last_error
    regions.down = False
    assert services.send_pending()["sent"] == 0  # not due yet: the backoff holds it
    today.set(today.day + dt.timedelta(days=1))
    regions.flush()
    assert Case.objects.filter(channel="cross_region").count() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


def test_replayed_forged_and_unknown_messages_are_refused(regions):
    forward()
    body = OutgoingMessage.objects.get(kind="case.forward").body
    regions.flush()
    with regions.at(B):
        again = services.receive(body)
        assert again["duplicate"] is True and Case.objects.filter(channel="cross_region").count() == 1

        header, payload, signature = body.split(".")
        document = json.loads(signing.b64decode(payload))
        document["payload"]["applicant"]["name"] = "王五"
        forged = f"{header}.{signing._b64e(signing.canonical(document))}.{signature}"
        with pytest.raises(messages.MessageRefused) as bad_signature:
            services.receive(forged)
        assert bad_signature.value.status == 401

        key = active_key(LOG_OWNER)
        reused = signing.sign(document, key.kid, key.algorithm, typ=messages.TYP)  # same id, other content
        with pytest.raises(messages.MessageRefused) as reuse:
            services.receive(reused)
        assert reuse.value.status == 409

        stranger = dict(document, id=str(uuid.uuid4()), **{"from": "region-z"})
        with pytest.raises(messages.MessageRefused) as unknown:
            services.receive(signing.sign(stranger, key.kid, key.algorithm, typ=messages.TYP))
        assert unknown.value.status == 403
    assert IncomingMessage.objects.filter(kind="case.forward").count() == 1


def test_the_api_answers_refusals_with_their_status(regions):
    response = Client().post("/api/v1/cross-region/messages", "not a jws", content_type="application/jose")
    assert response.status_code == 400 and "signed message" in response.json()["detail"]


def test_the_window_is_told_what_the_partner_would_refuse(regions):
    with pytest.raises(InvalidInput) as missing:
        forward(files={})
    assert {e.field for e in missing.value.errors} == {
        "files.id_card",
        "files.household_register",
        "files.diploma",
    }
    with pytest.raises(InvalidInput) as bad_answer:
        forward(answers={"route": "nowhere"})
    assert bad_answer.value.errors[0].field == "answers.route"
    with pytest.raises(InvalidInput) as not_a_scan:
        scans = {code: services.Upload(f"{code}.pdf", pdf()) for code in ("household_register", "diploma")}
        forward(files={"id_card": services.Upload("id.pdf", b"MZ" * 100), **scans})
    assert not_a_scan.value.errors[0].field == "files.id_card"
    assert not ForwardedCase.objects.exists() and not OutgoingMessage.objects.exists()


def test_the_window_pages_take_the_application_and_hand_the_result_over(regions):
    clerk = Client(HTTP_ACCEPT_LANGUAGE="en")
    clerk.force_login(user("clerk"))
    start = clerk.get("/cross-region/new/", {"peer": B, "item": "GA-003"})
    assert start.status_code == 200 and "您通过哪种方式入户" in start.content.decode()
    form = clerk.get("/cross-region/new/", {"peer": B, "item": "GA-003", "a.route": "talent"})
    assert 'name="file-diploma"' in form.content.decode()
    scans = {f"file-{code}": io.BytesIO(pdf()) for code in ("id_card", "household_register", "diploma")}
    for name, scan in scans.items():
        scan.name = f"{name}.pdf"
    url = "/cross-region/new/?peer=region-b&item=GA-003&a.route=talent"
    refused = clerk.post(url, {"name": "陈志强", "id_type": "resident_id", "id_number": "110105194912310021"})
    assert refused.status_code == 400 and "files.id_card" in refused.content.decode()
    sent = clerk.post(url, {"name": "陈志强", "id_type": "resident_id", "id_number": ID, **scans})
    forwarded = ForwardedCase.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/cross-region/{forwarded.pk}/"
    regions.down = True
    services.send_pending()
    supervisor = Client(HTTP_ACCEPT_LANGUAGE="en")
    supervisor.force_login(user("supervisor"))
    waiting = supervisor.get("/cross-region/outbox/").content.decode()
    assert "case.forward" in waiting and "not reached" in waiting
    regions.down = False
    message = OutgoingMessage.objects.get()
    assert supervisor.post(f"/cross-region/outbox/{message.pk}/", {"action": "retry"}).status_code == 302
    regions.flush()
    case = Case.objects.get(channel="cross_region")
    reviewer = Client(HTTP_ACCEPT_LANGUAGE="en")
    reviewer.force_login(user(f"reviewer-{case.department.code}"))
    assert forwarded.reference in reviewer.get(f"/cases/{case.pk}/").content.decode()
    with regions.at(B):
        case_services.act(user("clerk"), case.pk, case_services.ActionInput("accept"))
        for _step in case.review_steps[:-1]:
            case_services.act(
                user(f"reviewer-{case.department.code}"), case.pk, case_services.ActionInput("review")
            )
        case_services.act(
            user(f"reviewer-{case.department.code}"),
            case.pk,
            case_services.ActionInput("deny", note="学历不符"),
        )
    regions.flush()
    page = clerk.get(f"/cross-region/{forwarded.pk}/").content.decode()
    assert "Denied" in page and "Hand the result over" in page and case.number in page
    assert clerk.get(f"/cross-region/{forwarded.pk}/result.pdf").content.startswith(b"%PDF")
    assert clerk.post(f"/cross-region/{forwarded.pk}/hand-over/").status_code == 302
    regions.flush()
    case.refresh_from_db()
    assert case.status == "delivered"
    citizen = Client()
    citizen.force_login(user("citizen"))
    assert citizen.get(f"/cross-region/{forwarded.pk}/").status_code == 404
