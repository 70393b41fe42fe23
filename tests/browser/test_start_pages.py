"""Each demo role signs in through the login form, lands on its start page with its work on it, and
every link on that page opens for it (a crawler over the demo roles, in a real browser)."""

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.core import clock
from onewindow.ops.history import build_history

from .test_case_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = dt.date(2025, 6, 30)  # a Monday
ROLES = ("resident-01", "enterprise", "clerk", "reviewer-ga", "supervisor", "admin")


@pytest.fixture
def history(demo, monkeypatch):
    from onewindow.hall.demo import load_demo_halls, load_demo_history

    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
    monkeypatch.setattr(clock, "now", lambda: moment)
    build_history(seed=3, weeks=5, per_day=14, until=TODAY)
    load_demo_halls()
    load_demo_history(days=3)


def start_page(browser, live_server, username):
    page = signed_in(browser, live_server, username, locale="en-GB")
    assert page.url == f"{live_server.url}/start/", username
    return page


def section(page, heading_id):
    return page.locator(f"section[aria-labelledby={heading_id}]")


def test_every_role_finds_its_work_and_every_link_opens(browser, live_server, history):
    pages = {username: start_page(browser, live_server, username) for username in ROLES}

    assert section(pages["resident-01"], "mine").locator("tbody tr").count() > 0
    assert section(pages["enterprise"], "mine").locator("tbody tr").count() > 0
    assert section(pages["clerk"], "pickup").locator("li").count() > 0
    queue = section(pages["reviewer-ga"], "queue")
    assert queue.locator("tbody tr").count() > 0

    supervisor = pages["supervisor"]
    figures = supervisor.locator(".figure-value").all_inner_texts()
    assert figures and "—" not in figures
    ranking = section(supervisor, "ranking").locator("tbody tr")
    assert ranking.count() >= 10
    for row in ranking.all_inner_texts():
        if "Housing Provident Fund" in row or "Public Security" in row:
            assert "—" not in row, row  # departments with history have a score and a change

    for username, page in pages.items():
        links = page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
        links = sorted({link.split("#")[0] for link in links} - {"/accounts/logout/"})
        assert links, username
        answers = {link: page.context.request.get(link).status for link in links}
        assert {link: status for link, status in answers.items() if status != 200} == {}, username
