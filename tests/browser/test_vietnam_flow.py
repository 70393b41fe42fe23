"""The Vietnamese province end to end, in Vietnamese, in a real browser without JavaScript: a citizen
files a fully online procedure at her ward for what the city decides, uploads her papers, pays the
fee on the reference gateway's page, the ward's one-stop section accepts it, Hội An city's office
decides, the result is kept as an e-certificate and delivered electronically; the receipt (Mẫu số
01) and the payment receipt print in Vietnamese."""

import io

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from onewindow.cases.models import Case
from onewindow.certificates.models import Certificate
from onewindow.core.models import User
from onewindow.ops.demo import load_region_catalog
from onewindow.payments.models import Payment
from onewindow.payments.tests.conftest import paygate  # noqa: F401 (fixture)

from .test_case_flow import press, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ITEM = "1.001612"  # đăng ký thành lập hộ kinh doanh: 100.000 đ before acceptance, fully online


def _pdf_text(page, url: str) -> str:
    answer = page.request.get(url)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
    return " ".join(text.split())


def _scan(path, text: str) -> str:
    canvas = Canvas(str(path))
    canvas.drawString(72, 770, text)
    canvas.save()
    return str(path)


# The gateway's notice would come while the pages write (SQLite's live server shares one connection):
# the return page asks the gateway instead, and the notice comes after the test.
@pytest.mark.parametrize("paygate", [{"notice_delay": 600}], indirect=True)
def test_filed_at_the_ward_paid_online_decided_by_the_city_delivered_online(
    browser,
    live_server,
    demo,
    paygate,  # noqa: F811
    tmp_path,
):
    load_region_catalog("quang-nam")
    citizen = signed_in(browser, live_server, "citizen-vn", locale="vi-VN")
    citizen.goto(f"/services/{ITEM}/")
    assert "Ủy ban nhân dân phường Minh An" in citizen.locator("main").inner_text()
    citizen.locator(f"a[href^='/services/{ITEM}/checklist/']").first.click()
    citizen.locator(f"a.button[href^='/services/{ITEM}/apply/']").click()  # "Nộp trực tuyến" here
    citizen.get_by_label("Tên người nộp").fill("Trần Văn Bình")
    citizen.get_by_label("Loại giấy tờ").select_option("vn_citizen_id")
    citizen.get_by_label("Số giấy tờ").fill("049190001234")
    citizen.get_by_label("Nơi nộp hồ sơ và nhận kết quả").select_option("hoian-minhan")
    press(citizen, "Nộp hồ sơ")
    case = Case.objects.get(applicant_user__username="citizen-vn")
    assert (case.department.code, case.receiving_department.code) == ("hoian-tckh", "hoian-minhan")

    # Her papers, uploaded and pre-checked; the digital copies are signed in the ward's name.
    for code in ("household_business_form", "id_card"):
        citizen.locator(f"#file-{code}").set_input_files(_scan(tmp_path / f"{code}.pdf", code))
        citizen.locator(f"form[action$='/materials/{code}/'] button").click()
    assert citizen.locator("td .ok").count() == 2

    citizen.get_by_role("button", name="Thanh toán trực tuyến").click()
    citizen.wait_for_url(f"{paygate.url}/pay/**")
    citizen.get_by_role("button", name="Thanh toán (Pay)").click()
    citizen.wait_for_url(f"**/cases/{case.pk}/")
    payment = Payment.objects.get(case=case, status="paid")
    assert (
        "Biên lai thu phí, lệ phí".upper()
        in _pdf_text(citizen, f"/payments/{payment.reference}/receipt.pdf").upper()
    )

    ward = signed_in(browser, live_server, "clerk-vn49-50301", locale="vi-VN")
    ward.goto(f"/cases/{case.pk}/")
    press(ward, "Tiếp nhận")
    receipt = _pdf_text(ward, f"/cases/{case.pk}/receipt.pdf")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert "ỦY BAN NHÂN DÂN PHƯỜNG MINH AN" in receipt and "Đăng ký thành lập hộ kinh doanh" in receipt

    city = signed_in(browser, live_server, "reviewer-hoian-tckh", locale="vi-VN")
    city.goto(f"/cases/{case.pk}/")
    for _step in Case.objects.get(pk=case.pk).review_steps[1:]:
        press(city, "Hoàn thành bước này")
    press(city, "Chấp thuận")
    kept = Certificate.objects.get(case=case)
    assert (kept.certificate_type.code, kept.issuer.code) == ("VN_HOUSEHOLD_BUSINESS", "hoian-tckh")

    ward.reload()
    ward.locator("#deliver-method").select_option("electronic")
    press(ward, "Trả kết quả")
    case.refresh_from_db()
    assert (case.status, case.delivery_method) == ("delivered", "electronic")
    assert [e.action for e in case.events.order_by("at", "pk")][:4] == [
        "submit",
        "upload",
        "upload",
        "fee_paid",
    ]
    citizen.goto(f"/cases/{case.pk}/")
    assert "049190001234" in citizen.locator("body").inner_text()  # her own number, in full, to her


def test_axe_core_finds_no_wcag_21_aa_violation_on_the_provinces_staff_and_applicant_pages(
    browser, live_server, demo
):
    from axe_playwright_python.sync_playwright import Axe

    from onewindow.cases import services as case_services

    from .test_public_screens import WCAG_21_AA

    load_region_catalog("quang-nam")
    case, _created = case_services.submit_case(
        User.objects.get(username="citizen-vn"),
        case_services.Submission(
            item=ITEM,
            applicant=case_services.Applicant("Trần Văn Bình", "vn_citizen_id", "049190001234"),
            receiving_unit="hoian-minhan",
        ),
    )
    axe, found = Axe(), {}
    pages = {
        "citizen-vn": ["/account/notices/", f"/services/{ITEM}/apply/", f"/cases/{case.pk}/"],
        "clerk-vn49-50301": [f"/cases/{case.pk}/"],
        "supervisor": [
            "/evaluation/index/?level=region&within=VN49",
            "/evaluation/productivity/?within=VN49",
        ],
    }
    for username, urls in pages.items():
        context = browser.new_context(locale="vi-VN", base_url=live_server.url)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill("demo")
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        for url in urls:
            answer = page.goto(url)
            assert answer.status == 200 and "/accounts/login/" not in page.url, (username, url)
            violations = axe.run(page, options=WCAG_21_AA).response["violations"]
            if violations:
                found[f"{username} {url}"] = [
                    (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
                ]
        context.close()
    assert found == {}
