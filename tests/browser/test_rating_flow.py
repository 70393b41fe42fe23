"""A bad rating through the receipt's QR code, rectified by staff, closed by the callback."""

import datetime as dt
import io
import re
import time

import pytest
from django.utils import timezone

from onewindow.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def march(monkeypatch):
    start, started = timezone.make_aware(dt.datetime(2025, 3, 3, 10)), time.monotonic()
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(seconds=time.monotonic() - started))


def login(browser, live_server, username):
    page = browser.new_context(java_script_enabled=False, locale="en-US", base_url=live_server.url).new_page()
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    return page


def test_bad_rating_rectified_and_closed_by_the_callback(browser, live_server, demo, march):
    from pypdf import PdfReader

    from onewindow.cases.models import Case
    from onewindow.evaluation.models import Rating
    from onewindow.ops.demo import load_demo_cases

    load_demo_cases()
    case = Case.objects.get(item__code="GJ-001")  # delivered at the window
    clerk = login(browser, live_server, "clerk")
    receipt = clerk.request.get(f"/cases/{case.pk}/receipt.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.body())).pages)
    rating_url = re.search(r"https?://\S+/rate/\S+/", text).group(0)

    rater = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
    rater.goto(rating_url)
    rater.get_by_label("Very dissatisfied").check()
    rater.get_by_label("Too slow").check()
    rater.get_by_label("Comment (optional)").fill("排队太久")
    rater.get_by_label("The department's reply to my rating may be published (without my name).").check()
    rater.get_by_role("button", name="Send rating").click()
    assert "Your rating has been recorded" in rater.get_by_role("status").inner_text()
    rater.goto(rating_url)
    assert "rated already" in rater.get_by_role("status").inner_text()

    supervisor = login(browser, live_server, "supervisor")
    supervisor.goto("/evaluation/rectifications/")
    supervisor.get_by_role("link", name=case.number).click()
    supervisor.get_by_label("Assign to (user name)").fill("clerk")
    supervisor.get_by_role("button", name="Assign").click()

    clerk.goto("/evaluation/rectifications/")
    clerk.get_by_role("link", name=case.number).click()
    for label, note in (
        ("What was found", "属实"),
        ("What was fixed", "增开窗口"),
        ("Reply to the rater", "已增开窗口，谢谢"),
    ):
        clerk.get_by_label(label).fill(note)
        clerk.get_by_role("button", name="Complete this stage").click()
    clerk.get_by_label("Yes").check()
    clerk.get_by_role("button", name="Record the callback and close").click()
    assert "Closed" in clerk.locator(".facts").inner_text()

    rating = Rating.objects.get(case=case)
    assert rating.level == 1 and rating.rectification.outcome == "rectified"
    assert [s.stage for s in rating.rectification.steps.all()] == ["verify", "fix", "reply", "callback"]
    public = browser.new_context(locale="en-US", base_url=live_server.url).new_page()
    public.goto(f"/evaluation/departments/{case.department.code}/")
    assert "已增开窗口，谢谢" in public.locator("main").inner_text()
