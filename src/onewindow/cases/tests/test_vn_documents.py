"""A Vietnamese unit prints the one-stop forms of Thông tư 01/2018/TT-VPCP in Vietnamese: the receipt
with its appointment date (Mẫu số 01), the supplement request (02), the refusal (03)."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from onewindow.cases import services, vn_documents
from onewindow.core.models import User
from onewindow.ops.demo import load_region_catalog

pytestmark = pytest.mark.django_db
ITEM = "1.001653"  # đổi, cấp lại Giấy xác nhận khuyết tật, at Minh An ward


@pytest.fixture
def clerk(demo, today):
    load_region_catalog("quang-nam")
    return User.objects.get(username="clerk")


def _file(clerk):
    case, _created = services.submit_case(
        clerk,
        services.Submission(
            item=ITEM,
            channel="window",
            applicant=services.Applicant(
                name="Nguyễn Thị Lan", id_type="vn_citizen_id", id_number="049190001234"
            ),
        ),
    )
    return case


def _text(client, url) -> str:
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    return " ".join(text.split())  # lines wrapped on the page read as one


def test_the_receipt_and_the_supplement_request_print_in_vietnamese(clerk):
    case = _file(clerk)
    page = Client()
    page.force_login(clerk)
    assert page.get(f"/cases/{case.pk}/forms/supplement.pdf").status_code == 404  # not reached yet
    services.act(clerk, case.pk, services.ActionInput("request_supplement", note="Đơn chưa ký",
                                                      supplement=["disability_replace_form"]))  # fmt: skip
    text = _text(page, f"/cases/{case.pk}/forms/supplement.pdf")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Mẫu số 02" in text
    assert "Đơn đề nghị đổi, cấp lại Giấy xác nhận khuyết tật" in text and "Đơn chưa ký" in text
    assert "049190001234" not in text  # the ID number is masked

    services.act(
        clerk,
        case.pk,
        services.ActionInput(
            "resubmit", materials={"disability_replace_form": "received", "id_card": "original_seen"}
        ),
    )
    services.act(
        clerk,
        case.pk,
        services.ActionInput(
            "accept", materials={"disability_replace_form": "received", "id_card": "original_seen"}
        ),
    )
    text = _text(page, f"/cases/{case.pk}/receipt.pdf")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Ủy ban nhân dân phường Minh An".upper() in text and "Thời gian trả kết quả" in text
    shown = page.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"/cases/{case.pk}/forms/supplement.pdf" in shown


def test_a_refusal_prints_its_reason_and_a_chinese_case_has_no_vietnamese_forms(clerk):
    case = _file(clerk)
    services.act(clerk, case.pk, services.ActionInput("refuse", note="Không thuộc thẩm quyền của phường"))
    page = Client()
    page.force_login(clerk)
    text = _text(page, f"/cases/{case.pk}/forms/refusal.pdf")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Không thuộc thẩm quyền của phường" in text
    chinese, _created = services.submit_case(
        clerk,
        services.Submission(item="GA-002", answers={"basis": "job"}, channel="window",
                            applicant=services.Applicant(name="王五", id_type="resident_id",
                                                         id_number="11010519491231002X")),
    )  # fmt: skip
    assert vn_documents.available(chinese) == []
    assert page.get(f"/cases/{chinese.pk}/forms/refusal.pdf").status_code == 404
