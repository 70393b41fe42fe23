"""An approved case issues its certificate; the holder finds it, its QR page says valid; staff revoke it
and the page says revoked. In a real browser without JavaScript."""

import pytest

from .test_case_flow import press, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approval_issues_a_certificate_that_its_holder_finds_and_staff_revoke(browser, live_server, demo):
    from onewindow.certificates.demo import load_types

    load_types()
    clerk = signed_in(browser, live_server, "clerk")
    clerk.goto("/services/RS-001/guide/")
    for answer in ("企业职工（由单位申报）", "正常退休（达到法定退休年龄）", "没有", "已满15年"):
        clerk.get_by_label(answer).check()
        press(clerk, "继续")
    clerk.get_by_role("link", name="窗口登记此申请").click()
    clerk.get_by_label("申请人姓名或名称").fill("李明")
    clerk.get_by_label("证件号码").fill("11010519491231002X")  # the demo citizen's verified ID
    press(clerk, "登记办件")
    press(clerk, "受理")
    number = clerk.get_by_role("heading", level=1).inner_text().split()[-1]

    reviewer = signed_in(browser, live_server, "reviewer-rsj")
    reviewer.get_by_role("link", name="办件", exact=True).click()
    reviewer.get_by_role("link", name=number).click()
    press(reviewer, "完成本审批环节")
    press(reviewer, "准予")

    citizen = signed_in(browser, live_server, "citizen", locale="en-US")
    citizen.goto("/certificates/mine/")
    citizen.get_by_role("link", name="退休审批表").click()
    identifier = citizen.locator(".meta").inner_text().split()[0]
    verify_url = citizen.locator("figcaption a").get_attribute("href")

    public = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
    public.goto(verify_url)
    assert public.locator("#verdict").get_attribute("data-status") == "valid"
    assert "李*" in public.locator("body").inner_text() and "11010519491231002X" not in public.content()

    reviewer.goto(f"/certificates/{identifier}/")
    reviewer.locator("#reason").fill("错误签发")
    press(reviewer, "注销")
    assert reviewer.locator("#certificate-status").get_attribute("data-status") == "revoked"
    public.reload()
    assert public.locator("#verdict").get_attribute("data-status") == "revoked"
