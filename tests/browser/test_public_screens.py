"""Public screens as the devices they run on: the kiosk has no way out and goes back to its start
after the idle time (with a script, and without one after a ticket); the display board says it is
reconnecting while the server cannot be reached and catches up with the calls it missed; the
ageing-friendly switch stays on from page to page."""

import re

import pytest

from onewindow.core.models import User
from onewindow.hall import services as hall_services
from onewindow.hall.models import Hall, Window

from ..instances import region_instance
from .test_hall_flow import hall_open  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HALL = "DG-CENTRE"


@pytest.fixture
def kiosks(settings):
    settings.ONEWINDOW_OPEN_KIOSKS = True  # any browser is a kiosk here (the hall test enrols one)
    settings.ONEWINDOW_KIOSK_IDLE_SECONDS = 2


def test_the_kiosk_has_no_way_out_and_returns_to_its_start(browser, live_server, demo, hall_open, kiosks):  # noqa: F811
    kiosk = browser.new_context(locale="en-US", base_url=live_server.url).new_page()
    kiosk.goto(f"/hall/{HALL}/kiosk/")
    assert kiosk.locator("nav").count() == 0 and kiosk.locator(".site-header").count() == 0
    hrefs = kiosk.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(f"/hall/{HALL}/kiosk/") or h == "#main" for h in hrefs), hrefs
    assert kiosk.get_by_role("link", name="Start over").is_visible()
    assert kiosk.get_by_label("Language").is_visible()
    size = kiosk.get_by_role("button", name=re.compile("^A ")).bounding_box()
    assert size["height"] >= 48 and size["width"] >= 48

    kiosk.get_by_label("Have an appointment? Enter or scan its code").fill("HALF-TYPED")
    kiosk.wait_for_timeout(3000)  # idle: back to an empty start page
    assert kiosk.get_by_label("Have an appointment? Enter or scan its code").input_value() == ""

    # Without a script: the ticket page of a ticket just taken goes back to the kiosk by itself.
    plain = browser.new_context(
        java_script_enabled=False, locale="en-US", base_url=live_server.url
    ).new_page()
    plain.goto(f"/hall/{HALL}/kiosk/")
    plain.get_by_role("button", name=re.compile("^A ")).click()
    assert plain.locator(".ticket-number").inner_text() == "A001"
    assert plain.locator("nav").count() == 0
    plain.wait_for_url(f"**/hall/{HALL}/kiosk/", timeout=6000)


def test_the_board_says_it_is_reconnecting_and_catches_up(browser, live_server, demo, hall_open, kiosks):  # noqa: F811
    board = browser.new_context(locale="en-US", base_url=live_server.url).new_page()
    board.goto(f"/hall/{HALL}/board/")
    assert board.locator("nav").count() == 0
    assert not board.locator("#board-connection").is_visible()
    board.route("**/board/live/", lambda route: route.abort())  # the network drops
    board.locator("#board-connection").wait_for(state="visible", timeout=8000)
    assert "Reconnecting" in board.locator("#board-connection").inner_text()

    hall = Hall.objects.get(code=HALL)
    ticket = hall_services.issue_ticket(hall, hall.categories.first().code, "none", source="kiosk")
    clerk = User.objects.get(username="clerk")
    hall_services.sign_in(clerk, Window.objects.filter(hall=hall).order_by("number").first().pk)
    assert hall_services.call_next(clerk).number == ticket.number

    board.unroute("**/board/live/")  # back: the missed call shows, the warning goes
    board.locator(".board-latest .ticket-number", has_text=ticket.number).wait_for(timeout=8000)
    board.locator("#board-connection").wait_for(state="hidden", timeout=8000)
    latest = board.locator(".board-latest .ticket-number").bounding_box()
    heading = board.locator("h1").bounding_box()
    assert latest["height"] > heading["height"]  # the called number is the largest thing there


# A call made at a window of the separate server, on a Monday morning when the hall is open.
CALL_AT_A_WINDOW = f"""
import datetime as dt, json
from django.utils import timezone
from onewindow.core import clock
from onewindow.core.models import User
from onewindow.hall import services
from onewindow.hall.models import Hall, Window
with clock.at(timezone.make_aware(dt.datetime(2025, 3, 3, 10))):
    hall = Hall.objects.get(code="{HALL}")
    services.issue_ticket(hall, hall.categories.order_by("code").first().code, "none", source="kiosk")
    clerk = User.objects.get(username="clerk")
    services.sign_in(clerk, Window.objects.filter(hall=hall).order_by("number").first().pk)
    print(json.dumps(services.call_next(clerk).number))
"""


def test_the_board_recovers_by_itself_when_the_server_stops_and_starts_again(browser, tmp_path_factory):
    server, drop = region_instance(tmp_path_factory, "board")
    try:
        server.start()
        board = browser.new_context(locale="en-US").new_page()
        board.goto(f"{server.url}/hall/{HALL}/board/")
        assert not board.locator("#board-connection").is_visible()

        server.stop()
        board.locator("#board-connection").wait_for(state="visible", timeout=10000)
        assert "Reconnecting" in board.locator("#board-connection").inner_text()
        assert board.locator("h1").is_visible()  # the last board stays up meanwhile
        number = server.query(CALL_AT_A_WINDOW)  # a window calls while the board is cut off

        server.start()
        board.locator(".board-latest .ticket-number", has_text=number).wait_for(timeout=10000)
        board.locator("#board-connection").wait_for(state="hidden", timeout=10000)
    finally:
        server.kill()
        if drop:
            drop()


def test_the_larger_text_switch_stays_on_from_page_to_page(browser, live_server, demo):
    page = browser.new_context(java_script_enabled=False, locale="en-US", base_url=live_server.url).new_page()
    page.goto("/departments/")
    page.get_by_role("button", name="Larger text, higher contrast").click()
    assert "large" in page.locator("body").get_attribute("class")
    page.get_by_role("link", name="All services").click()
    assert "large" in page.locator("body").get_attribute("class")
    page.get_by_role("button", name="Standard text").click()
    assert "large" not in page.locator("body").get_attribute("class")


def test_on_a_phone_the_checklist_is_cards_and_the_menu_opens_without_a_script(browser, live_server, demo):
    phone = browser.new_context(
        java_script_enabled=False,
        locale="en-US",
        base_url=live_server.url,
        viewport={"width": 375, "height": 812},
    ).new_page()
    phone.goto("/services/RS-006/checklist/")
    table = phone.locator("table.materials")
    assert table.evaluate("t => getComputedStyle(t).display") == "block"
    assert table.locator("thead").evaluate("h => h.getBoundingClientRect().height") <= 1
    row = table.locator("tbody tr").first
    assert "Acceptance standard:" in row.evaluate(
        "r => r.innerText + getComputedStyle(r.cells[5], '::before').content"
    )
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing wider than the screen
    menu = phone.get_by_role("link", name="All services")
    assert not menu.is_visible()
    phone.locator(".site-menu > summary").click()
    assert menu.is_visible()

    wide = browser.new_context(java_script_enabled=False, locale="en-US", base_url=live_server.url).new_page()
    wide.goto("/services/RS-006/checklist/")
    assert wide.get_by_role("link", name="All services").is_visible()  # a bar, no toggle
    assert not wide.locator(".site-menu > summary").is_visible()
    assert wide.locator("table.materials").evaluate("t => getComputedStyle(t).display") == "table"


def test_on_a_phone_the_case_pages_are_cards(browser, live_server, demo, today):
    from onewindow.cases import services as case_services

    from .test_case_flow import signed_in

    case, _created = case_services.submit_case(
        User.objects.get(username="clerk"),
        case_services.Submission(
            item="GA-002",
            answers={"basis": "job"},
            channel="window",
            applicant=case_services.Applicant(
                name="王五", id_type="resident_id", id_number="11010519491231002X"
            ),
        ),
    )
    phone = signed_in(browser, live_server, "clerk", locale="en-US")
    phone.set_viewport_size({"width": 375, "height": 812})
    for url in ("/cases/", f"/cases/{case.pk}/"):
        phone.goto(url)
        table = phone.locator("table.data").first
        assert table.evaluate("t => getComputedStyle(t).display") == "block", url
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, url
    labelled = phone.locator("table.data td[data-label]").first
    assert "Required:" in labelled.evaluate("c => getComputedStyle(c, '::before').content")


def test_the_larger_text_at_200_percent_zoom_loses_no_content(browser, live_server, demo, kiosks):
    # 200 % zoom on a 1280-pixel screen lays pages out 640 CSS pixels wide.
    page = browser.new_context(
        java_script_enabled=False,
        locale="en-US",
        base_url=live_server.url,
        viewport={"width": 640, "height": 800},
    ).new_page()
    page.goto("/departments/")
    page.get_by_role("button", name="Larger text, higher contrast").click()
    for url in (
        "/departments/",
        "/services/",
        "/services/RS-006/",
        "/services/RS-006/checklist/",
        "/services/RS-001/guide/",
        "/policies/",
        "/hall/",
        f"/hall/{HALL}/kiosk/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, url


# Every text node with a Han character, as the first 20 characters of its text, that has no Chinese
# lang on itself or an ancestor (an <option> or <title> carries it on its own element).
UNMARKED_CHINESE = """() => {
  const han = /[\\u3400-\\u4dbf\\u4e00-\\u9fff]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!han.test(node.data) || parent.closest('script, style')) continue;
    const part = parent.closest('[lang]');
    if (!part || !part.lang.toLowerCase().startsWith('zh')) found.push(node.data.trim().slice(0, 20));
  }
  return found;
}"""


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
def test_chinese_content_in_vietnamese_and_english_pages_is_marked_chinese(
    browser, live_server, demo, today, kiosks, locale
):
    from onewindow.policies import demo as policies_demo

    policies_demo.load_demo_policies(enterprises=20, today=today.day)
    page = browser.new_context(locale=locale, base_url=live_server.url).new_page()
    pages = (
        "/",
        "/departments/",
        "/services/?q=%E6%8A%A4%E7%85%A7",
        "/services/RS-006/",
        "/services/RS-006/checklist/",
        "/services/RS-001/guide/",
        "/bundles/retirement/",
        "/bundles/retirement/checklist/",
        "/policies/",
        "/policies/hightech-first-award/",
        "/hall/",
        f"/hall/{HALL}/kiosk/",
        f"/hall/{HALL}/board/",
    )
    with_chinese = []
    for url in pages:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == locale[:2].lower(), url
        assert page.evaluate(UNMARKED_CHINESE) == [], url
        marked = "[...document.querySelectorAll('[lang]')].filter(e => e.getAttribute('lang') == 'zh-Hans')"
        if page.evaluate(f"{marked}.length"):
            with_chinese.append(url)
    assert len(with_chinese) >= 6, with_chinese  # pages whose demo content is partly untranslated


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize(
    "viewport, large", [({"width": 1280, "height": 900}, False), ({"width": 375, "height": 812}, True)]
)
def test_axe_core_finds_no_wcag_21_aa_violation_on_the_public_screens(
    browser, live_server, demo, kiosks, viewport, large
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport=viewport)
    if large:  # the ageing-friendly mode, as its switch leaves it
        context.add_cookies([{"name": "ow_large", "value": "1", "url": live_server.url}])
    page = context.new_page()
    found = {}
    for url in (
        "/",
        "/departments/",
        "/services/",
        "/services/RS-006/",
        "/services/RS-006/checklist/",
        "/services/RS-001/guide/",
        "/bundles/retirement/",
        "/policies/",
        "/hall/",
        f"/hall/{HALL}/kiosk/",
        f"/hall/{HALL}/check-in/",
        f"/hall/{HALL}/board/",
    ):
        page.goto(url)
        violations = axe.run(page, options=WCAG_21_AA).response["violations"]
        if violations:
            found[url] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == {}
    page.goto("/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    broken = axe.run(page, options=WCAG_21_AA).response["violations"]
    assert [v["id"] for v in broken] == ["image-alt"]  # the check itself runs under our CSP
