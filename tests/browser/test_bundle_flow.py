"""A citizen files the retirement bundle online with uploads, fixes a refused one; the window accepts it."""

import io

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from onewindow.cases.models import BundleCase

from .test_case_flow import press, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "11010519491231002X"


def pdf() -> dict:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "scan")
    canvas.save()
    return {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": buffer.getvalue()}


def png() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 500), "white").save(buffer, "PNG")
    return {"name": "photo.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def upload(page, code, file, **fields):
    page.locator(f"#file-{code}").set_input_files(file)
    for name, value in fields.items():
        page.locator(f"#{code}-{name}").fill(value)
    page.locator(f"form[action$='/materials/{code}/'] button").click()


def test_citizen_files_the_retirement_bundle_with_uploads_and_the_window_accepts_it(
    browser, live_server, demo
):
    citizen = signed_in(browser, live_server, "citizen")
    citizen.goto("/bundles/retirement/guide/")
    for answer in ("企业职工（由单位申报）", "正常退休（达到法定退休年龄）", "没有", "已满15年", "已达到"):
        citizen.get_by_label(answer).check()
        press(citizen, "继续")
    assert "7 份，分开办理需 17 份" in citizen.locator(".facts").inner_text()
    citizen.get_by_role("link", name="在线办理").click()
    citizen.get_by_label("申请人姓名或名称").fill("陈志强")
    citizen.get_by_label("证件号码").fill(ID_NUMBER)
    press(citizen, "提交申请")
    assert "已登记" in citizen.get_by_role("status").inner_text()

    # An executable named .pdf is refused by its content, with the reason, and nothing is kept.
    upload(
        citizen,
        "id_card",
        {"name": "id.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 64},
        id_number=ID_NUMBER,
        valid_until="2035-01-01",
    )
    assert "✗ file" in citizen.locator("main").inner_text()
    upload(citizen, "id_card", pdf(), id_number=ID_NUMBER, valid_until="2035-01-01")
    assert "✓ resident_id" in citizen.locator("main").inner_text()
    upload(citizen, "pension_application_form", pdf(), name="陈志强", id_number=ID_NUMBER)
    for code in ("personnel_file", "bank_card", "medical_years_form", "fund_withdrawal_form"):
        upload(citizen, code, pdf())
    upload(citizen, "photo", png())

    parent = BundleCase.objects.get()
    clerk = signed_in(browser, live_server, "clerk")
    clerk.goto(f"/bundle-cases/{parent.pk}/")
    press(clerk, "受理整个申请")
    statuses = {child.item.code: child.status for child in parent.children.all()}
    assert statuses == {"RS-001": "accepted"} | dict.fromkeys(["YB-001", "GJ-001", "RS-008"], "submitted")
    parent.refresh_from_db()
    assert parent.due_date is not None
    progress = clerk.locator("table.data").first.inner_text()
    assert "等待 RS-001" in progress and "已受理" in progress
