"""Signed PDFs: a certificate as a PAdES-signed document with the department's seal, and each kind of
trouble reported by its name."""

import io

import pytest

from onewindow.certificates import pdf, selectors, services
from onewindow.certificates.demo import load_types
from onewindow.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(demo):
    load_types()
    return services.issue(
        services.Issuance("RETIREMENT", "11010519491231002X", "李明", {"retired_on": "2026-11-30"}),
        User.objects.get(username="reviewer-rsj"),
    )


def test_a_signed_certificate_pdf_verifies_and_each_problem_has_its_own_answer(
    certificate, settings, tmp_path
):
    signed = pdf.certificate_pdf(certificate, "https://example.test/certificates/verify/x/")
    verdict = pdf.verify_pdf(signed, status_of=lambda identifier: selectors.verdict(identifier).status)
    assert verdict.ok and verdict.identifier == certificate.identifier and "rsj" in verdict.signer

    changed = bytearray(signed)
    position = signed.index(b"/Subject")
    changed[position + 12] ^= 0x01  # one byte inside the signed range
    assert "modified after signing" in pdf.verify_pdf(bytes(changed)).message

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")  # an update appended after the signature
    writer.update_root()
    appended = io.BytesIO()
    writer.write(appended)
    assert "modified after signing" in pdf.verify_pdf(appended.getvalue()).message

    services.change_status(certificate, "revoke", User.objects.get(username="reviewer-rsj"), "错误签发")
    revoked = pdf.verify_pdf(signed, status_of=lambda identifier: selectors.verdict(identifier).status)
    assert not revoked.ok and "revoked" in revoked.message

    settings.CERTIFICATE_KEY_DIR = tmp_path / "another-region"  # another CA: its root is not trusted here
    foreign_root = pdf.root_certificate()
    assert "unknown signer" in pdf.verify_pdf(signed, trust_roots=[foreign_root]).message
    assert (
        "not signed" in pdf.verify_pdf(b"%PDF-1.4\n%%EOF").message
        or "readable" in pdf.verify_pdf(b"x").message
    )


def test_the_holder_downloads_the_signed_pdf_and_the_command_checks_it(certificate, client, tmp_path):
    from django.core.management import CommandError, call_command

    client.force_login(User.objects.get(username="citizen"))
    response = client.get(f"/certificates/{certificate.identifier}/signed.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("certs", "verify-pdf", str(path), stdout=out)
    assert out.getvalue().startswith("VALID") and certificate.identifier in out.getvalue()
    changed = bytearray(response.content)
    changed[response.content.index(b"/Subject") + 12] ^= 0x01
    path.write_bytes(bytes(changed))
    with pytest.raises(CommandError, match="NOT VALID"):
        call_command("certs", "verify-pdf", str(path))


def test_the_cases_receipts_are_sealed_on_the_same_path(certificate):
    from onewindow.cases.documents import receipt_pdf
    from onewindow.cases.models import Case
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    case = Case.objects.filter(accepted_on__isnull=False).select_related("department", "item").first()
    verdict = pdf.verify_pdf(receipt_pdf(case, "https://example.test/track/x/"))
    assert verdict.ok and case.department.code in verdict.signer
