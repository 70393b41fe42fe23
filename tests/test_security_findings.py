"""Issue 24: each finding of the black-box probe, performed as the attack it was, through the API
or the pages. Every test here failed before its fix."""

import io
import struct
import zlib

import pytest
from django.conf import settings

from onewindow.cases.models import Case, CaseMaterial
from onewindow.cases.tests.test_cases_api import ANSWERS, RECEIVED, VALID_ID, act, new_case
from onewindow.cases.tests.test_uploads import pdf, upload

pytestmark = pytest.mark.django_db
ID_DATA = {"id_number": VALID_ID, "valid_until": "2030-01-01"}


def online(as_user, username="citizen", **overrides):
    return new_case(as_user, username, channel="online", **{"materials": {}, **overrides})


# 3. Applicants set their own material statuses ------------------------------------------------------


def test_an_applicant_cannot_declare_materials_received_or_shared(as_user, today):
    claimed = online(as_user, materials={"id_card": "original_seen", "photo": "shared_data"})
    assert claimed.status_code == 422
    fields = {e["field"] for e in claimed.json()["errors"]}
    assert fields == {"materials.id_card", "materials.photo"}
    assert not Case.objects.filter(
        applicant_user__username="citizen", materials__status="shared_data"
    ).exists()

    case = online(as_user).json()
    assert {m["status"] for m in case["materials"]} == {"missing"}
    act(as_user, "clerk", case["id"], "request_supplement", note="缺照片", supplement=["photo"])
    resubmitted = act(as_user, "citizen", case["id"], "resubmit", materials={"photo": "received"})
    assert resubmitted.status_code == 422 and resubmitted.json()["errors"][0]["field"] == "materials.photo"
    # The clerk cannot accept what nobody handed in.
    assert act(as_user, "clerk", case["id"], "accept").status_code in (409, 422)


def test_the_web_intake_ignores_an_applicants_material_fields(as_user, today, api_client):
    api_client.login(username="citizen", password="demo")
    query = "&".join(f"a.{k}={v}" for k, v in ANSWERS.items())
    response = api_client.post(
        f"/services/RS-001/apply/?{query}",
        {"name": "张三", "id_type": "resident_id", "id_number": VALID_ID, "channel": "online",
         **{f"m.{code}": "original_seen" for code in RECEIVED}},
    )  # fmt: skip
    assert response.status_code == 302, response.content[-2000:]
    case = Case.objects.filter(applicant_user__username="citizen").latest("id")
    assert set(case.materials.values_list("status", flat=True)) == {"missing"}


def test_staff_record_only_what_the_window_can_see(as_user, today):
    claimed = new_case(as_user, "clerk", materials={**RECEIVED, "photo": "shared_data"})
    assert claimed.status_code == 422 and claimed.json()["errors"][0]["field"] == "materials.photo"
    assert new_case(as_user, "clerk").status_code == 201


# 5. Image decompression bomb, uploads parsed inside the write transaction, large bodies -------------


def png_bomb(width=13_000, height=13_000) -> bytes:
    """A real PNG of width × height black pixels (1 bit each) that is only a few kilobytes."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor, body = zlib.compressobj(9), io.BytesIO()
    for _ in range(height):
        body.write(compressor.compress(row))
    body.write(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body.getvalue()) + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_from_its_header(as_user, today, api_client, token_for, monkeypatch):
    from PIL import Image

    bomb = png_bomb()
    assert len(bomb) < 700_000
    case = online(as_user).json()

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
    refused = upload(api_client, token_for("citizen"), case["id"], "photo", "photo.png", bomb)
    assert refused.status_code == 422
    assert "13000×13000 pixels; at most 40 megapixels" in refused.json()["errors"][0]["message"]
    assert not CaseMaterial.objects.get(case_id=case["id"], code="photo").file


def test_pre_checks_run_before_the_write_transaction(as_user, today, api_client, token_for, monkeypatch):
    from django.db import connection

    from onewindow.catalog import prechecks

    seen = []
    real = prechecks.run_checks

    def watching(*args, **kwargs):
        seen.append(len(connection.atomic_blocks))
        return real(*args, **kwargs)

    monkeypatch.setattr(prechecks, "run_checks", watching)
    case = online(as_user).json()
    outside = len(connection.atomic_blocks)  # the test's own transaction
    uploaded = upload(api_client, token_for("citizen"), case["id"], "id_card", "id.pdf", pdf(), ID_DATA)
    assert uploaded.status_code == 201
    assert seen == [outside]


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(api_client, token_for, as_user, today):
    case = online(as_user).json()
    refused = api_client.post(
        f"/api/v1/cases/{case['id']}/materials/photo",
        b"x" * 100,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        HTTP_AUTHORIZATION=f"Bearer {token_for('citizen')}",
    )
    assert refused.status_code == 413 and refused.json()["errors"][0]["field"] == "file"


# 11. Uploads keep the attacker's file name -----------------------------------------------------------


def test_uploads_are_stored_under_a_generated_name_with_the_sniffed_ending(
    as_user, today, api_client, token_for
):
    case = online(as_user).json()
    token = token_for("citizen")
    stored = upload(api_client, token, case["id"], "id_card", "<script>x</script>.html", pdf(), ID_DATA)
    assert stored.status_code == 201, stored.content
    material = CaseMaterial.objects.get(case_id=case["id"], code="id_card")
    name = material.file.name.rsplit("/", 1)[-1]
    assert name.endswith(".pdf") and "script" not in material.file.name and len(name) == 32 + 4
    assert material.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert upload(api_client, token, case["id"], "photo", "x.svg", svg).status_code == 422


# 4. Staff rating their own service --------------------------------------------------------------------


@pytest.fixture
def delivered(demo, today):
    """GJ-001 of the demo: filed at the window (no applicant account), decided and delivered."""
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    return Case.objects.get(item__code="GJ-001")


def test_staff_cannot_rate_with_the_receipts_link(delivered, api_client, token_for):
    from onewindow.evaluation.models import Rating
    from onewindow.evaluation.services import rating_token

    link = f"/rate/{rating_token(delivered)}/"
    api_client.login(username="reviewer-gjj", password="demo")
    assert api_client.get(link).status_code == 403
    assert api_client.post(link, {"level": "5"}).status_code == 403
    by_api = api_client.post(
        "/api/v1/ratings",
        {"token": rating_token(delivered), "level": 5},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('clerk')}",
    )
    assert by_api.status_code == 403
    assert not Rating.objects.filter(case=delivered).exists()
    # The applicant, without an account, still rates from the receipt.
    api_client.logout()
    assert api_client.post(link, {"level": "5"}).status_code == 200
    assert Rating.objects.get(case=delivered).rater is None


def test_a_case_filed_from_an_account_is_rated_from_that_account(delivered, api_client, token_for):
    from django.contrib.auth import get_user_model

    from onewindow.evaluation.models import Rating
    from onewindow.evaluation.services import rating_token

    delivered.applicant_user = get_user_model().objects.get(username="citizen")
    delivered.save(update_fields=["applicant_user"])
    token, link = rating_token(delivered), f"/rate/{rating_token(delivered)}/"
    assert api_client.get(link)["Location"].startswith("/accounts/login/")
    body = {"token": token, "level": 5}
    assert api_client.post("/api/v1/ratings", body, content_type="application/json").status_code == 403
    other = api_client.post(
        "/api/v1/ratings",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('enterprise')}",
    )
    assert other.status_code == 403
    mine = api_client.post(
        "/api/v1/ratings",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('citizen')}",
    )
    assert mine.status_code == 201
    assert Rating.objects.get(case=delivered).rater.username == "citizen"


def test_the_second_round_link_goes_to_the_applicant_not_the_department(
    delivered, mailoutbox, caplog, worker
):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from onewindow.evaluation import services

    users = {u.username: u for u in get_user_model().objects.all()}
    rating = services.rate_case(delivered, 1, services.RatingInput(level=1, channel="qr", text="慢"))
    rectification = rating.rectification
    caplog.set_level("INFO", logger="onewindow.notifications")
    for note in ("属实", "已改进", "已答复"):
        services.advance(users["reviewer-gjj"], rectification.pk, note)
    services.advance(users["reviewer-gjj"], rectification.pk, "", satisfied=True)
    worker()
    staff = Client()
    staff.login(username="reviewer-gjj", password="demo")
    page = staff.get(f"/evaluation/rectifications/{rectification.pk}/")
    assert page.status_code == 200
    page = page.content.decode()
    assert "/rate/" not in page
    import re

    sent = re.search(r"/rate/([^/\s]+)/", caplog.text)  # the SMS to the applicant (phone masked)
    assert sent and services.read_rating_token(sent.group(1)) == (delivered, 2)


# 10. Inputs that gave 500 --------------------------------------------------------------------------

EDGE_VALUES = (
    "abc",
    "-1",
    "99999999999999999999999",
    "0001-01-05",
    "9999-12-31",
    " ".join(f"词{n} word{n}" for n in range(25)),
    "'\"<>;--",
)
QUERY_PARAMETERS = (
    "q", "page", "department", "life_event", "audience", "status", "due_within", "late", "sort", "since",
    "until", "group", "period", "level", "days", "comprehensive", "date", "category", "export", "code",
    "cursor", "limit", "offset", "item", "a.insured_as",
)  # fmt: skip
PAGES = (
    "/", "/services/", "/services/RS-001/", "/services/RS-001/guide/", "/services/RS-001/checklist/",
    "/bundles/retirement/", "/bundles/retirement/guide/", "/departments/", "/pre-review/", "/cases/",
    "/hall/", "/hall/appointments/", "/hall/DG-CENTRE/kiosk/", "/hall/DG-CENTRE/board/",
    "/hall/DG-CENTRE/board/live/", "/hall/DG-CENTRE/window/", "/hall/DG-CENTRE/appointments/",
    "/hall/DG-CENTRE/analytics/", "/hall/DG-CENTRE/check-in/", "/evaluation/rectifications/",
    "/evaluation/departments/gjj/", "/evaluation/index/", "/evaluation/index/cases/",
    "/evaluation/index/department/gjj/", "/api/v1/items", "/api/v1/cases", "/api/v1/bundles",
    "/api/v1/halls/DG-CENTRE/slots", "/api/v1/index", "/api/v1/workdays/add",
)  # fmt: skip


@pytest.mark.parametrize("username", ["supervisor", "citizen"])
def test_edge_values_in_every_pages_query_parameters_never_give_a_server_error(demo, username):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.login(username=username, password="demo")
    server_errors = []
    for path in PAGES:
        for value in EDGE_VALUES:
            every = client.get(path, dict.fromkeys(QUERY_PARAMETERS, value))
            if every.status_code >= 500:
                server_errors.append((path, "*", value))
            for name in QUERY_PARAMETERS:
                if client.get(path, {name: value}).status_code >= 500:
                    server_errors.append((path, name, value))
    assert not server_errors


def test_the_reported_inputs_answer_4xx_naming_the_field(demo, api_client, token_for):
    from django.test import Client

    words = " ".join(f"词{n}" for n in range(25))
    assert api_client.get("/services/", {"q": words}).status_code == 200
    assert api_client.get("/api/v1/items", {"q": words}).status_code == 200
    supervisor, clerk = Client(), Client()
    supervisor.login(username="supervisor", password="demo")
    clerk.login(username="clerk", password="demo")
    too_far = supervisor.get("/cases/", {"due_within": "99999999999999999999999"})
    assert too_far.status_code == 400 and b"due_within" in too_far.content
    ancient = supervisor.get("/hall/DG-CENTRE/analytics/", {"until": "0001-01-05"})
    assert ancient.status_code == 400 and b"until" in ancient.content
    window = clerk.post("/hall/DG-CENTRE/window/act/", {"action": "sign_in", "window": "abc"})
    assert window.status_code == 400 and b"window" in window.content
    rating_id = supervisor.post("/evaluation/rectifications/1/act/", {"action": "uphold", "appeal": "abc"})
    assert rating_id.status_code in (400, 404)
    # A key that filed a bundle case, reused to file an item.
    token = token_for("clerk")
    body = {
        "channel": "window",
        "answers": {},
        "applicant": {"name": "张三", "id_type": "resident_id", "id_number": VALID_ID},
    }
    key = {"HTTP_IDEMPOTENCY_KEY": "reused", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    bundle = api_client.post("/api/v1/bundles/retirement/cases", body, content_type="application/json", **key)
    as_item = api_client.post(
        "/api/v1/cases", {**body, "item": "RS-001"}, content_type="application/json", **key
    )
    assert bundle.status_code in (201, 422) and as_item.status_code in (409, 422)


# 9. A reviewer reading other departments' parts of a bundle case -------------------------------------


def test_a_reviewer_sees_only_their_departments_part_of_a_bundle(as_user, today, api_client):
    from onewindow.cases.tests.test_bundle_cases import file_bundle

    bundle = file_bundle(as_user).json()
    as_reviewer = as_user("reviewer-ybj", "get", f"/api/v1/bundle-cases/{bundle['id']}").json()
    assert [child["item"]["code"] for child in as_reviewer["children"]] == ["YB-001"]
    assert len(as_user("clerk", "get", f"/api/v1/bundle-cases/{bundle['id']}").json()["children"]) == 4
    api_client.login(username="reviewer-ybj", password="demo")
    page = api_client.get(f"/bundle-cases/{bundle['id']}/").content.decode()
    ids = {c["item"]["code"]: c["id"] for c in bundle["children"]}
    assert f'href="/cases/{ids["YB-001"]}/"' in page
    assert f'href="/cases/{ids["RS-001"]}/"' not in page and f'href="/cases/{ids["GJ-001"]}/"' not in page


# 12. Hygiene ---------------------------------------------------------------------------------------


def test_spreadsheet_exports_neutralise_formula_like_text(demo):
    import csv
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from onewindow.catalog.models import Department
    from onewindow.core.exports import safe_cell

    Department.objects.filter(code="gjj").update(name='=HYPERLINK("http://evil.example","点我")')
    client = Client()
    client.login(username="supervisor", password="demo")
    csv_text = client.get("/evaluation/index/", {"period": "2025-03", "export": "csv"}).content.decode(
        "utf-8-sig"
    )
    names = [row[3] for row in csv.reader(io.StringIO(csv_text))]
    assert '\'=HYPERLINK("http://evil.example","点我")' in names
    sheet = load_workbook(
        io.BytesIO(client.get("/evaluation/index/", {"period": "2025-03", "export": "xlsx"}).content)
    ).active
    cells = [cell.value for cell in sheet["D"]]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert [safe_cell(v) for v in ("+cmd", "-2", "@SUM(A1)", "ok", 3, -2, None)] == [
        "'+cmd", "'-2", "'@SUM(A1)", "ok", 3, -2, None,
    ]  # fmt: skip


def test_applicants_read_roles_and_public_notes_not_staff_names_and_internal_notes(
    as_user, today, api_client
):
    case = online(as_user).json()
    act(as_user, "clerk", case["id"], "request_supplement", note="请补交近期照片", supplement=["photo"])
    internal = act(
        as_user,
        "supervisor",
        case["id"],
        "assign",
        note="内部：申请人多次投诉，注意态度",
        assignee="reviewer-rsj",
    )
    seen = as_user("citizen", "get", f"/api/v1/cases/{case['id']}").json()
    assert all(event["actor"] is None for event in seen["events"]) and seen["assignee"] is None
    notes = [event["note"] for event in seen["events"]]
    assert "请补交近期照片" in notes and not any("内部" in note for note in notes)
    assert {"clerk", "supervisor"} <= {event["actor_role"] for event in seen["events"]}
    staff_view = as_user("clerk", "get", f"/api/v1/cases/{case['id']}").json()
    assert "clerk" in [event["actor"] for event in staff_view["events"]]
    api_client.login(username="citizen", password="demo")
    page = api_client.get(f"/cases/{case['id']}/").content.decode()
    assert "请补交近期照片" in page and "内部" not in page and "reviewer-rsj" not in page
    assert internal.status_code == 200, internal.content


def test_api_tokens_expire_and_can_be_revoked(demo, api_client):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from onewindow.core.models import ApiToken, User

    clerk = User.objects.get(username="clerk")
    token, raw = ApiToken.issue(clerk)
    me = lambda: api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code  # noqa: E731
    assert me() == 200
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert me() == 401
    token, raw = ApiToken.issue(clerk)
    assert me() == 200
    call_command("token", "clerk", "--revoke")
    assert me() == 401


def test_rating_links_expire(delivered, api_client, settings):
    import time

    from django.core import signing

    from onewindow.evaluation.services import TOKEN_SALT

    settings.ONEWINDOW_RATING_LINK_DAYS = 30
    stale = signing.dumps({"case": delivered.pk, "round": 1}, salt=TOKEN_SALT, compress=True)
    assert api_client.get(f"/rate/{stale}/").status_code == 200
    future = time.time() + 31 * 86400
    import unittest.mock

    with unittest.mock.patch("time.time", return_value=future):
        assert api_client.get(f"/rate/{stale}/").status_code == 404


def test_staff_are_signed_out_after_idle_minutes(demo, settings):
    from unittest import mock

    from django.test import Client

    settings.ONEWINDOW_STAFF_IDLE_MINUTES = 30
    clerk, citizen = Client(), Client()
    clerk.login(username="clerk", password="demo")
    citizen.login(username="citizen", password="demo")
    start = 1_800_000_000.0
    with mock.patch("time.time", return_value=start):
        assert clerk.get("/cases/").status_code == 200
        assert citizen.get("/cases/").status_code == 200
    with mock.patch("time.time", return_value=start + 29 * 60):
        assert clerk.get("/cases/").status_code == 200  # active: the clock starts again
    with mock.patch("time.time", return_value=start + 29 * 60 + 31 * 60):
        assert clerk.get("/cases/").status_code == 302  # idle for 31 minutes: signed out
        assert citizen.get("/cases/").status_code == 200


# 7. Clerks reading every case unmasked ----------------------------------------------------------------


def test_a_clerk_reads_only_their_centres_cases_masked_unless_revealed_and_recorded(
    as_user, today, api_client
):
    from django.contrib.auth import get_user_model

    from onewindow.cases.models import CaseAccess
    from onewindow.hall.models import Hall

    User = get_user_model()
    village = User.objects.create_user("clerk-village", password="demo", role="clerk")
    Hall.objects.get(code="XH-VILLAGE").staff.add(village)
    case = online(as_user).json()  # RS-001: a city department's case
    assert as_user("clerk-village", "get", f"/api/v1/cases/{case['id']}").status_code == 404
    assert act(as_user, "clerk-village", case["id"], "withdraw").status_code == 404
    from django.test import Client

    village_browser = Client()
    village_browser.login(username="clerk-village", password="demo")
    assert village_browser.get(f"/cases/{case['id']}/receipt.pdf").status_code == 404
    assert village_browser.get(f"/cases/{case['id']}/").status_code == 404
    # A read refused is not recorded as one (the record is written with the case's read, if visible).
    assert not CaseAccess.objects.filter(case_id=case["id"], user__username="clerk-village").exists()
    assert case["id"] not in [
        c["id"] for c in as_user("clerk-village", "get", "/api/v1/cases").json()["items"]
    ]
    # …but a case the village clerk took in at the window stays theirs.
    taken = new_case(as_user, "clerk-village").json()
    assert as_user("clerk-village", "get", f"/api/v1/cases/{taken['id']}").status_code == 200

    # The city centre's clerk reads it masked; a reveal shows it and is recorded, like every read.
    seen = as_user("clerk", "get", f"/api/v1/cases/{case['id']}").json()
    assert seen["applicant"]["id_number"] == "11**************2X" and "*" in seen["applicant"]["phone"]
    revealed = as_user("clerk", "get", f"/api/v1/cases/{case['id']}?reveal=true").json()
    assert revealed["applicant"]["id_number"] == VALID_ID
    api_client.login(username="clerk", password="demo")
    assert VALID_ID not in api_client.get(f"/cases/{case['id']}/").content.decode()
    assert VALID_ID in api_client.post(f"/cases/{case['id']}/reveal/").content.decode()
    accesses = CaseAccess.objects.filter(case_id=case["id"], user__username="clerk")
    assert sorted(accesses.values_list("kind", "channel")) == [
        ("read", "api"),
        ("reveal", "api"),
        ("reveal", "page"),
    ]  # fmt: skip  (reads count once a day per person and case)
    # The applicant sees their own data in full, unrecorded.
    assert (
        as_user("citizen", "get", f"/api/v1/cases/{case['id']}").json()["applicant"]["id_number"] == VALID_ID
    )
    assert not CaseAccess.objects.filter(case_id=case["id"], user__username="citizen").exists()


# 6. Flooding the hall queue, with priority claimed freely ----------------------------------------------


@pytest.fixture
def hall_open(monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from onewindow.core import clock

    moment = timezone.make_aware(dt.datetime(2025, 3, 3, 10))
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_citizens_and_strangers_cannot_issue_tickets_or_claim_priority(demo, hall_open, as_user):
    from django.test import Client

    from onewindow.hall.models import Ticket

    flood = [
        as_user(
            "citizen",
            "post",
            "/api/v1/halls/DG-CENTRE/tickets",
            {"category": "social", "priority": "elderly"},
        )
        for _ in range(3)
    ]
    assert {r.status_code for r in flood} == {403}
    stranger = Client()
    page = stranger.post("/hall/DG-CENTRE/kiosk/", {"category": "social", "priority": "elderly"})
    assert page.status_code == 403
    assert stranger.post("/hall/DG-CENTRE/kiosk/enrol/", {"name": "my laptop"}).status_code == 302  # to login
    citizen = Client()
    citizen.login(username="citizen", password="demo")
    citizen.post("/hall/DG-CENTRE/kiosk/enrol/", {"name": "my laptop"})
    assert citizen.post("/hall/DG-CENTRE/kiosk/", {"category": "social"}).status_code == 403
    assert not Ticket.objects.exists()


def test_an_enrolled_kiosk_and_staff_issue_within_a_limit_per_minute(demo, hall_open, as_user, settings):
    from django.test import Client

    from onewindow.hall.models import KioskDevice, Ticket
    from onewindow.hall.services import KIOSK_COOKIE

    settings.ONEWINDOW_TICKETS_PER_MINUTE = 3
    staff = Client()
    staff.login(username="clerk", password="demo")
    staff.post("/hall/DG-CENTRE/kiosk/enrol/", {"name": "entrance"})
    kiosk = Client()
    kiosk.cookies[KIOSK_COOKIE] = staff.cookies[KIOSK_COOKIE].value
    answers = [
        kiosk.post("/hall/DG-CENTRE/kiosk/", {"category": "social", "priority": "elderly"}) for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [302] * 5
    assert Ticket.objects.filter(device__name="entrance").count() == 3  # the rest refused with a message
    # A kiosk of one hall does not work for another, and a retired one not at all.
    assert kiosk.post("/hall/NC-TOWN/kiosk/", {"category": "social"}).status_code == 403
    KioskDevice.objects.update(active=False)
    assert kiosk.post("/hall/DG-CENTRE/kiosk/", {"category": "social"}).status_code == 403
    by_api = [
        as_user("clerk", "post", "/api/v1/halls/DG-CENTRE/tickets", {"category": "social"}) for _ in range(4)
    ]
    assert [r.status_code for r in by_api] == [201, 201, 201, 429]


def test_an_applicant_account_files_only_under_its_verified_id(as_user, today):
    from django.contrib.auth import get_user_model

    from onewindow.cases.models import CaseEvent

    other_person = {"name": "李四", "id_type": "resident_id", "id_number": "110105194912310038"}
    refused = online(as_user, applicant=other_person)
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "applicant.id_number",
        "message": "an account applies under its own verified ID only",
    }
    get_user_model().objects.filter(username="citizen").update(verified_id_number="")
    unverified = online(as_user)
    assert unverified.status_code == 422 and "not verified" in unverified.json()["errors"][0]["message"]
    # At the window the clerk checks the person's document, and the case says so.
    at_window = new_case(as_user, "clerk", applicant=other_person).json()
    submitted = CaseEvent.objects.get(case_id=at_window["id"], action="submit")
    assert submitted.data["identity_checked_by_clerk"] is True and submitted.actor.username == "clerk"


def test_a_cases_rating_links_can_be_revoked(delivered, api_client):
    import datetime as dt
    from unittest import mock

    from django.test import Client

    from onewindow.evaluation.services import rating_token

    link = f"/rate/{rating_token(delivered)}/"
    assert api_client.get(link).status_code == 200
    admin = Client()
    admin.login(username="admin", password="demo")
    added = admin.post(
        "/admin/evaluation/ratinglinkrevocation/add/", {"case": delivered.pk, "reason": "receipt lost"}
    )
    assert added.status_code == 302
    assert api_client.get(link).status_code == 404
    later = dt.datetime.now(dt.UTC).timestamp() + 5
    with mock.patch("time.time", return_value=later):
        fresh = f"/rate/{rating_token(delivered)}/"
    assert api_client.get(fresh).status_code == 200
