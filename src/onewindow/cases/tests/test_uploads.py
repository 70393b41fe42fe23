import datetime as dt
import io
import json

import pytest
from django.conf import settings
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from onewindow.cases.models import Case, CaseEvent
from onewindow.catalog.prechecks import Upload, run_checks, spec_errors

from .test_cases_api import VALID_ID, new_case

ID_CHECKS = [
    {"rule": "file", "types": ["pdf", "jpeg", "png"], "max_bytes": 5_000_000},
    {"rule": "resident_id", "field": "id_number", "min_age": 50},
    {"rule": "not_expired", "field": "valid_until"},
]
TODAY = dt.date(2025, 3, 3)


def pdf(pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for page in range(pages):
        canvas.drawString(100, 700, f"page {page + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def png(size: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), "white").save(buffer, "PNG")
    return buffer.getvalue()


EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 200


def results(checks, data, upload=None):
    return {r.rule: (r.passed, r.reason) for r in run_checks(checks, data, upload, today=TODAY)}


def test_a_good_id_card_scan_passes_every_check():
    found = results(ID_CHECKS, {"id_number": VALID_ID, "valid_until": "2030-01-01"}, Upload("id.pdf", pdf()))
    assert all(passed for passed, _ in found.values()), found


@pytest.mark.parametrize(
    ("data", "upload", "rule", "words"),
    [
        (
            {"id_number": VALID_ID, "valid_until": "2030-01-01"},
            Upload("id.pdf", EXECUTABLE),
            "file",
            "not one of",
        ),
        (
            {"id_number": VALID_ID, "valid_until": "2030-01-01"},
            Upload("id.png", png(50)),
            "file",
            "too small",
        ),
        (
            {"id_number": VALID_ID, "valid_until": "2030-01-01"},
            Upload("id.pdf", b"%PDF-1.4 broken"),
            "file",
            "cannot be read",
        ),
        (
            {"id_number": "440101200001010011", "valid_until": "2030-01-01"},
            Upload("id.pdf", pdf()),
            "resident_id",
            "check digit",
        ),
        (
            {"id_number": "110105199001010010", "valid_until": "2030-01-01"},
            Upload("id.pdf", pdf()),
            "resident_id",
            "aged at least 50",
        ),
        (
            {"id_number": VALID_ID, "valid_until": "2024-12-31"},
            Upload("id.pdf", pdf()),
            "not_expired",
            "expired on",
        ),
        (
            {"id_number": VALID_ID, "valid_until": "someday"},
            Upload("id.pdf", pdf()),
            "not_expired",
            "not a date",
        ),
    ],
)
def test_each_failure_gives_its_reason(data, upload, rule, words):
    passed, reason = results(ID_CHECKS, data, upload)[rule]
    assert not passed and words in reason


def test_page_limits_and_required_fields():
    checks = [
        {"rule": "file", "types": ["pdf"], "max_pages": 4},
        {"rule": "required", "fields": ["name", "id_number"]},
    ]
    assert results(checks, {"name": "张三"}, Upload("f.pdf", pdf(6))) == {
        "file": (False, "the document has 6 pages; at most 4"),
        "required": (False, "missing: id_number"),
    }
    assert results(checks, {"name": "张三", "id_number": "1"}, Upload("f.pdf", pdf(2)))["file"][0]


def test_rule_specs_are_validated():
    assert spec_errors([{"rule": "file", "types": ["exe"], "max_pages": 0}]) == [
        ("checks[0].types", "unknown types ['exe']; use pdf, png, jpeg, docx"),
        ("checks[0].max_pages", "must be a whole number above 0"),
    ]
    assert spec_errors([{"rule": "magic"}])[0][0] == "checks[0]"
    assert spec_errors([{"rule": "resident_id"}]) == [("checks[0].field", "name the field to check")]


def upload(api_client, token, case_id, code, name, content, data=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api_client.post(
        f"/api/v1/cases/{case_id}/materials/{code}",
        {"file": SimpleUploadedFile(name, content), "data": json.dumps(data or {})},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_upload_api_refuses_and_keeps_nothing_then_accepts_the_fix(api_client, token_for, as_user, today):
    case = new_case(as_user, "citizen", channel="online", materials={}).json()
    token = token_for("citizen")
    data = {"id_number": VALID_ID, "valid_until": "2030-01-01"}
    refused = upload(api_client, token, case["id"], "id_card", "id.pdf", EXECUTABLE, data)
    assert refused.status_code == 422
    body = refused.json()
    assert body["errors"][0]["field"] == "file" and "not one of" in body["errors"][0]["message"]
    assert {c["rule"]: c["passed"] for c in body["checks"]} == {
        "file": False,
        "resident_id": True,
        "not_expired": True,
    }
    material = Case.objects.get(pk=case["id"]).materials.get(code="id_card")
    assert not material.file and material.status == "missing"
    assert not (settings.PRIVATE_MEDIA_ROOT / "cases" / str(case["id"]) / "id_card").exists()

    accepted = upload(api_client, token, case["id"], "id_card", "id.pdf", pdf(), data)
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["status"] == "received"
    material.refresh_from_db()
    assert material.file.read().startswith(b"%PDF") and material.data == data
    assert not material.file.path.startswith(str(settings.MEDIA_ROOT))  # never served publicly
    assert CaseEvent.objects.filter(case_id=case["id"], action="upload").count() == 1


def test_refused_data_names_the_input_field_and_the_rule_apart(api_client, token_for, as_user, today):
    """Issue 21: without form data an ID card scan is refused on `data.id_number` and `data.valid_until`,
    the fields to send, each with the rule that read it; the API's description says so."""
    case = new_case(as_user, "citizen", channel="online", materials={}).json()
    refused = upload(api_client, token_for("citizen"), case["id"], "id_card", "id.pdf", pdf(), {})
    assert refused.status_code == 422
    errors = {(e["field"], e["rule"]) for e in refused.json()["errors"]}
    assert errors == {("data.id_number", "resident_id"), ("data.valid_until", "not_expired")}
    schema = api_client.get("/api/v1/openapi.json").json()
    upload_doc = schema["paths"]["/api/v1/cases/{case_id}/materials/{material_code}"]["post"]["description"]
    assert "`data.<field>`" in upload_doc and "`checks`" in upload_doc
    item = api_client.get("/api/v1/items/RS-001").json()
    id_card = next(m for m in item["materials"] if m["code"] == "id_card")
    assert {c.get("field") for c in id_card["checks"]} >= {"id_number", "valid_until"}


def test_upload_limits_and_permissions(api_client, token_for, as_user, today, settings):
    case = new_case(as_user, "citizen", channel="online", materials={}).json()
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 1000
    too_big = upload(api_client, token_for("citizen"), case["id"], "photo", "photo.png", png(400))
    assert too_big.status_code == 422 and "limit is 1000" in too_big.json()["errors"][0]["message"]
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 10_000_000
    assert (
        upload(api_client, token_for("enterprise"), case["id"], "photo", "p.png", png(400)).status_code == 404
    )
    assert (
        upload(api_client, token_for("reviewer-rsj"), case["id"], "photo", "p.png", png(400)).status_code
        == 403
    )
    assert (
        upload(api_client, token_for("citizen"), case["id"], "passport", "p.png", png(400)).status_code == 404
    )
    bad_data = api_client.post(
        f"/api/v1/cases/{case['id']}/materials/photo",
        {"data": "[1]"},
        HTTP_AUTHORIZATION=f"Bearer {token_for('citizen')}",
    )
    assert bad_data.status_code == 422
    ok = upload(api_client, token_for("citizen"), case["id"], "photo", "p.png", png(400))
    assert ok.status_code == 201 and ok.json()["checks"][0]["passed"]
