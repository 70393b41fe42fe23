"""A real browser walks the retirement guide to its checklist."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, demo):
    # No JavaScript: the guide must work with plain links and forms.
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def test_retirement_guide_to_printable_checklist(page):
    page.goto("/")
    page.get_by_label("搜索事项").fill("退休")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="职工基本养老保险退休待遇申领").click()
    page.get_by_role("link", name="开始情形引导").click()

    page.get_by_label("灵活就业人员（个人申报）").check()
    page.get_by_role("button", name="继续").click()
    page.get_by_label("因病或非因工致残提前退休").check()
    page.get_by_role("button", name="继续").click()

    # Back to the previous question keeps the answer, and changing it is possible.
    page.get_by_role("link", name="返回上一步").click()
    assert page.get_by_label("因病或非因工致残提前退休").is_checked()
    page.get_by_label("正常退休（达到法定退休年龄）").check()
    page.get_by_role("button", name="继续").click()

    # Continuing without choosing shows an error on the same question.
    page.get_by_role("button", name="继续").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("没有").check()
    page.get_by_role("button", name="继续").click()
    page.get_by_label("已满15年").check()
    page.get_by_role("button", name="继续").click()

    assert page.get_by_role("heading", level=1).inner_text() == "您的办事清单：职工基本养老保险退休待遇申领"
    materials = page.locator("table.materials tbody th").all_inner_texts()
    assert [m.split("\n")[0] for m in materials] == [
        "居民身份证",
        "居民户口簿",
        "《职工基本养老保险待遇申领表》",
        "近期一寸免冠彩色照片",
        "社会保障卡（金融功能已激活）",
    ]
    assert "承诺 10 个工作日内办结" in page.locator(".facts").inner_text()

    # The printed checklist leaves out navigation.
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    pdf_ready = page.locator("table.materials").is_visible()
    assert pdf_ready


def test_language_switcher_without_javascript(page):
    page.goto("/services/RS-001/")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="修改").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Claiming the basic pension on retirement"
    assert page.get_by_role("link", name="Start the situation guide").is_visible()
