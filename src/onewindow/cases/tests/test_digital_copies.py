"""The dossier's digital copy: what the window scans (or the applicant uploads) is stored with its
SHA-256, who stored it and when, in a statement signed with the receiving unit's key; the case page
says whether that statement still holds, and the file comes back with its digest."""

import base64
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from reportlab.pdfgen.canvas import Canvas

from onewindow.cases import services
from onewindow.cases.models import CaseMaterial
from onewindow.core import seals
from onewindow.core.models import User
from onewindow.ops.demo import load_region_catalog

pytestmark = pytest.mark.django_db
ITEM = "1.001612"  # filed at Minh An ward, decided by Hội An city


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, text)
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def filed(demo, today):
    load_region_catalog("quang-nam")
    ward = User.objects.get(username="clerk-vn49-50301")
    case, _created = services.submit_case(
        ward,
        services.Submission(
            item=ITEM,
            channel="window",
            applicant=services.Applicant(
                name="Lê Thị Mai", id_type="vn_citizen_id", id_number="049190004321"
            ),
        ),
    )
    page = Client()
    page.force_login(ward)
    return case, ward, page


def test_a_window_scan_is_stored_signed_with_the_clerk_and_time(filed):
    case, ward, page = filed
    scan = _pdf("Tờ khai đăng ký hộ kinh doanh")
    answer = page.post(
        f"/cases/{case.pk}/materials/household_business_form/",
        {"file": SimpleUploadedFile("scan.pdf", scan, content_type="application/pdf")},
    )
    assert answer.status_code == 302
    material = CaseMaterial.objects.get(case=case, code="household_business_form")
    assert material.sha256 == hashlib.sha256(scan).hexdigest() and material.digitised_by == ward
    statement = seals.check_attestation(material.attestation)
    assert statement["stored_by"] == "clerk-vn49-50301" and statement["role"] == "clerk"
    assert statement["case"] == case.number and statement["sha256"] == material.sha256

    shown = page.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Scanned at the window" in shown and "signed statement verified" in shown
    copy = page.get(f"/cases/{case.pk}/materials/household_business_form/file")
    assert copy.content == scan and copy["Content-Type"] == "application/pdf"
    assert copy["Repr-Digest"] == f"sha-256=:{base64.b64encode(hashlib.sha256(scan).digest()).decode()}:"

    # A copy changed behind the platform's back no longer matches its signed statement.
    CaseMaterial.objects.filter(pk=material.pk).update(sha256="0" * 64)
    shown = page.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the signed statement does not verify" in shown


def test_a_bad_scan_is_refused_by_field_and_nothing_is_stored(filed):
    case, _ward, page = filed
    answer = page.post(
        f"/cases/{case.pk}/materials/household_business_form/",
        {"file": SimpleUploadedFile("scan.pdf", b"not a pdf at all", content_type="application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    material = CaseMaterial.objects.get(case=case, code="household_business_form")
    assert not material.file and not material.sha256 and not material.attestation
    missing = page.post(f"/cases/{case.pk}/materials/household_business_form/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and "Choose a file to upload." in missing.content.decode()


def test_once_accepted_the_window_no_longer_replaces_copies(filed):
    case, ward, page = filed
    required = {m.code: "received" for m in case.materials.all() if m.required}
    from onewindow.payments import services as payments

    payments.record_at_window(ward, case.pk)
    services.act(ward, case.pk, services.ActionInput("accept", materials=required))
    answer = page.post(
        f"/cases/{case.pk}/materials/household_business_form/",
        {"file": SimpleUploadedFile("scan.pdf", _pdf("late"), content_type="application/pdf")},
    )
    assert answer.status_code == 409
    assert page.get(f"/cases/{case.pk}/materials/household_business_form/file").status_code == 404
