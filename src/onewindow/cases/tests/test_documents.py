import datetime as dt
import re

import pytest
from django.test import Client

from onewindow.cases import documents
from onewindow.cases.models import Case

from .test_case_pages import intake, login


def pdf_texts(data: bytes) -> list[str]:
    """The text strings drawn in an uncompressed PDF made with a UTF-16 CID font."""
    texts = []
    for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", data, flags=re.S):
        raw = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), literal)
        raw = re.sub(rb"\\(.)", rb"\1", raw)
        texts.append(raw.decode("utf-16-be", errors="replace"))
    return texts


@pytest.fixture
def accepted_case(demo):
    clerk = login("clerk")
    intake(clerk)
    case = Case.objects.get()
    clerk.post(f"/cases/{case.pk}/act/", {"action": "accept"})
    case.refresh_from_db()
    return clerk, case


def test_receipt_has_the_number_due_date_and_chinese_text_in_a_cjk_font(accepted_case):
    _clerk, case = accepted_case
    data = documents.receipt_pdf(case, "http://testserver/track/x/?t=y", compress=False)
    assert data.startswith(b"%PDF-") and b"/STSong-Light" in data and b"UniGB-UCS2-H" in data
    texts = pdf_texts(data)
    assert "受理通知书" in texts
    assert case.number in texts and case.due_date.isoformat() in texts
    assert any("11**************2X" in t for t in texts)  # the ID number is masked on paper too
    assert not any("11010519491231002X" in t for t in texts)
    assert data.count(b" re f") > 200  # the QR code's modules


def test_receipt_and_decision_pages(accepted_case):
    clerk, case = accepted_case
    response = clerk.get(f"/cases/{case.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert clerk.get(f"/cases/{case.pk}/decision.pdf").status_code == 404  # not decided yet
    reviewer = login("reviewer-rsj")
    reviewer.post(f"/cases/{case.pk}/act/", {"action": "review"})
    reviewer.post(f"/cases/{case.pk}/act/", {"action": "deny", "note": "缴费年限不足"})
    case.refresh_from_db()
    texts = pdf_texts(documents.decision_pdf(case, "http://x/", compress=False))
    assert "不予许可决定书" in texts and "缴费年限不足" in texts
    assert reviewer.get(f"/cases/{case.pk}/decision.pdf").status_code == 200
    assert login("reviewer-ga").get(f"/cases/{case.pk}/receipt.pdf").status_code == 404
    assert Client().get(f"/cases/{case.pk}/receipt.pdf").status_code == 302


def test_receipt_qr_code_points_at_the_public_tracking_page(accepted_case):
    _clerk, case = accepted_case
    from django.test import RequestFactory

    from onewindow.cases.views import tracking_url

    url = tracking_url(RequestFactory().get("/"), case)
    assert url.endswith(f"/track/{case.number}/?t={case.tracking_token}")
    assert Client().get(url.replace("http://testserver", "")).status_code == 200
    assert dt.date.today() >= case.accepted_on
