"""A visit to the service hall in a real browser: a ticket from the kiosk, called at a window, shown
on the display board (which updates itself), finished with the case filed at the visit."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from onewindow.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hall_open(monkeypatch):
    """The live server shares this process: its clock runs from a Monday 10:00, the hall's hours."""
    start, started = timezone.make_aware(dt.datetime(2025, 3, 3, 10)), time.monotonic()
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(seconds=time.monotonic() - started))


def test_kiosk_window_board_and_case(browser, live_server, demo, hall_open):
    from onewindow.cases import services as case_services
    from onewindow.core.models import User
    from onewindow.hall.models import Ticket

    visitor = browser.new_context(
        java_script_enabled=False, locale="en-US", base_url=live_server.url
    ).new_page()
    # A clerk makes this screen a kiosk of the hall, then signs out and leaves it to the visitors.
    visitor.goto("/hall/DG-CENTRE/kiosk/")
    assert visitor.get_by_role("button", name="A Social and medical insurance").count() == 0
    visitor.goto("/accounts/login/?next=/hall/DG-CENTRE/kiosk/")
    visitor.get_by_label("User name").fill("clerk")
    visitor.get_by_label("Password").fill("demo")
    visitor.get_by_role("button", name="Log in").click()
    visitor.get_by_label("Where it stands (for example: entrance, left)").fill("entrance")
    visitor.get_by_role("button", name="Enrol this screen").click()
    visitor.get_by_role("button", name="Log out clerk").click()
    visitor.goto("/hall/DG-CENTRE/kiosk/")
    visitor.get_by_label("Elderly").check()
    visitor.get_by_role("button", name="A Social and medical insurance").click()
    assert visitor.locator(".ticket-number").inner_text() == "A001"
    assert "You are next in line." in visitor.get_by_role("status").inner_text()
    assert visitor.locator(".qr svg").count() == 1

    board = browser.new_context(locale="en-US", base_url=live_server.url).new_page()
    board.goto("/hall/DG-CENTRE/board/")
    assert "No calls yet today." in board.locator(".board-calls").inner_text()

    clerk = browser.new_context(
        java_script_enabled=False, locale="en-US", base_url=live_server.url
    ).new_page()
    clerk.goto("/accounts/login/?next=/hall/DG-CENTRE/window/")
    clerk.get_by_label("User name").fill("clerk")
    clerk.get_by_label("Password").fill("demo")
    clerk.get_by_role("button", name="Log in").click()
    clerk.get_by_label("Sign in to window").select_option(label="01 · Comprehensive (every category)")
    clerk.get_by_role("button", name="Sign in").click()
    clerk.get_by_role("button", name="Call next").click()
    assert "A001" in clerk.locator(".lead .ticket-number").inner_text()

    # The board fetches its live part every few seconds: the call appears without a reload.
    board.locator(".board-latest .ticket-number", has_text="A001").wait_for(timeout=10_000)
    assert board.locator(".board-latest .board-window").inner_text() == "01"

    visitor.reload()
    assert "Please go to window 01." in visitor.get_by_role("status").inner_text()

    clerk.get_by_role("button", name="Start service").click()
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
    clerk.reload()
    assert clerk.get_by_label(f"{case.number}", exact=False).is_checked()
    clerk.get_by_role("button", name="Finish service").click()
    assert clerk.get_by_role("button", name="Call next").is_visible()

    ticket = Ticket.objects.get(number="A001")
    assert ticket.status == "done" and list(ticket.cases.all()) == [case]
    visitor.reload()
    assert "Done" in visitor.get_by_role("status").inner_text()
