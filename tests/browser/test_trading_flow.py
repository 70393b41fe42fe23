"""An electronic bid guarantee in a real browser: a bidder orders it, the reference guarantor (its own
process) issues it through the signed API, the tendering party verifies it at opening in one click,
and it is released when the tender is awarded."""

import datetime as dt
import io
import time

import pytest

from onewindow.trading.models import Guarantee

from .test_case_flow import press, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bid_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setAuthor("王工")
    canvas.drawString(100, 700, "Bid for the water mains")
    canvas.save()
    return buffer.getvalue()


def test_guarantee_ordered_issued_verified_at_opening_and_released(
    browser,
    live_server,
    settings,
    parties,
    tender,
    start_guarantor,
    worker,
    today,  # noqa: F811
):
    settings.ONEWINDOW_PUBLIC_URL = live_server.url
    guarantor = start_guarantor()
    bidder = signed_in(browser, live_server, "bidder-1", locale="en-US")
    bidder.goto(f"/trading/tenders/{tender.code}/")
    bidder.get_by_role("link", name="Order a bid guarantee").click()
    assert "fee 200.00" in bidder.locator("main").inner_text()
    bidder.get_by_label("Bank account the fee is paid from").fill("6222 0202 0011 2233")
    press(bidder, "Order the guarantee")
    assert "Ordered" in bidder.locator(".guarantee-status").inner_text()
    started = time.monotonic()
    worker()  # the task queue hands the order to the guarantor, which answers on its own
    for _ in range(100):
        bidder.reload()
        if bidder.locator(".guarantee-status").inner_text() == "Issued":
            break
        time.sleep(0.1)
    assert bidder.locator(".guarantee-status").inner_text() == "Issued"
    assert time.monotonic() - started < 10
    number = Guarantee.objects.get(tender=tender).number
    assert number in bidder.locator("h1").inner_text()
    assert guarantor.name in bidder.locator("main").inner_text()

    bidder.goto(f"/trading/tenders/{tender.code}/")
    bidder.get_by_role("link", name="Submit a bid").click()
    bidder.get_by_label("Bid amount (yuan)").fill("17350000")
    bidder.get_by_label("Bid document (PDF)").set_input_files(
        {"name": "bid.pdf", "mimeType": "application/pdf", "buffer": bid_pdf()}
    )
    press(bidder, "Submit the bid")
    assert "sealed until the opening" in bidder.get_by_role("status").inner_text()

    today.set(dt.date(2025, 3, 24))  # the deadline has passed
    owner = signed_in(browser, live_server, "owner-co", locale="en-US")
    owner.goto(f"/trading/tenders/{tender.code}/")
    press(owner, "Open the bids")
    assert "opened" in owner.get_by_role("status").inner_text()
    press(owner, f"Verify {number}")
    assert f"Guarantee {number} is valid" in owner.get_by_role("status").inner_text()
    owner.get_by_label("wins lot 1").check()
    press(owner, "Award")
    assert "awarded" in owner.get_by_role("status").inner_text()
    assert "Released" in owner.locator("table.guarantees").inner_text()
    notices = owner.locator("ol.notices").inner_text()
    assert "Bid opening record" in notices and "Award notice" in notices and "17350000" in notices
