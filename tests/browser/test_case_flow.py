"""A case from the window through the back office to delivery, in a real browser without JavaScript."""

import pytest

from onewindow.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, username, locale="zh-CN"):
    """A page without JavaScript, signed in through the login form (found by its fields, in any
    language)."""
    context = browser.new_context(java_script_enabled=False, locale=locale, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo")
    page.locator("#id_password").press("Enter")
    return page


def press(page, label):
    page.get_by_role("button", name=label, exact=True).click()


def test_window_intake_back_office_review_and_delivery(browser, live_server, demo):
    clerk = signed_in(browser, live_server, "clerk")
    clerk.goto("/services/RS-001/guide/")
    for answer in ("企业职工（由单位申报）", "正常退休（达到法定退休年龄）", "没有", "已满15年"):
        clerk.get_by_label(answer).check()
        press(clerk, "继续")
    clerk.get_by_role("link", name="窗口登记此申请").click()
    clerk.get_by_label("申请人姓名或名称").fill("李四")
    clerk.get_by_label("证件号码").fill("11010519491231002X")
    press(clerk, "登记办件")
    assert "已登记" in clerk.get_by_role("status").inner_text()
    number = clerk.get_by_role("heading", level=1).inner_text().split()[-1]
    press(clerk, "受理")
    assert "已受理" in clerk.locator(".meta .status").inner_text()

    reviewer = signed_in(browser, live_server, "reviewer-rsj")
    reviewer.get_by_role("link", name="办件", exact=True).click()
    reviewer.get_by_role("link", name=number).click()
    press(reviewer, "完成本审批环节")
    assert "审查中" in reviewer.locator(".meta .status").inner_text()
    press(reviewer, "准予")
    assert "准予" in reviewer.locator(".meta .status").inner_text()

    clerk.reload()
    clerk.get_by_label("送达", exact=True).select_option("window")
    press(clerk, "送达结果")
    assert "已出件" in clerk.locator(".meta .status").inner_text()
    pickup = clerk.locator(".facts strong").inner_text()
    case = Case.objects.get(number=number)
    assert (case.status, case.pickup_code) == ("delivered", pickup)
    assert [e.action for e in case.events.all()] == ["submit", "accept", "review", "approve", "deliver"]
    history = clerk.locator(".timeline li").all_inner_texts()
    assert len(history) == 5 and "reviewer-rsj" in history[3]
