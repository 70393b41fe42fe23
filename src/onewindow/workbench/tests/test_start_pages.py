"""Every role lands on a start page that shows its work, and every link on it opens for that role."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import Client

from onewindow.cases.models import Case
from onewindow.core import clock
from onewindow.ops.history import build_history
from onewindow.workbench.selectors import RUNNING

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)  # a Monday
ROLES = ("citizen", "resident-01", "enterprise", "clerk", "reviewer-ga", "supervisor", "admin")


@pytest.fixture
def history(demo, monkeypatch):
    moment = dt.datetime.combine(TODAY, dt.time(10), dt.UTC)
    with transaction.atomic():
        build_history(seed=3, weeks=4, per_day=14, until=TODAY)
        monkeypatch.setattr(clock, "now", lambda: moment)
        yield
        transaction.set_rollback(True)


def page_for(username):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=username, password="demo")
    return client, client.get("/start/")


def test_logging_in_lands_on_the_start_page(demo):
    client = Client()
    response = client.post("/accounts/login/", {"username": "clerk", "password": "demo"})
    assert response["Location"] == "/start/"


def test_each_role_finds_its_work(history):
    texts = {}
    for username in ROLES:
        _client, response = page_for(username)
        assert response.status_code == 200, username
        texts[username] = response.content.decode()
    assert "My cases" in texts["resident-01"] and "My appointments" in texts["resident-01"]
    residents = "".join(page_for(f"resident-{n:02d}")[1].content.decode() for n in range(1, 31))
    assert "Rate case" in residents and 'href="/cases/' in residents  # ended cases to rate, running ones
    assert (
        "Waiting for delivery" in texts["clerk"] and "Filed online, waiting to be accepted" in texts["clerk"]
    )
    assert (
        "My department&#x27;s queue" in texts["reviewer-ga"]
        or "My department's queue" in texts["reviewer-ga"]
    )
    # The queue marks late cases: shown for the department with the most of them in this history.
    late = (
        Case.objects.filter(status__in=RUNNING, due_date__lt=TODAY)
        .values_list("department__code", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    assert late, "the history has late cases"
    assert 'class="late"' in page_for(f"reviewer-{late[0]}")[1].content.decode()
    supervisor = texts["supervisor"]
    assert "Decided on time, last 30 days" in supervisor and "%" in supervisor
    assert "<svg" in supervisor and "Service-quality index, last 30 days" in supervisor
    ranking = supervisor.split("Service-quality index, last 30 days", 2)[2]
    assert "/evaluation/index/department/gjj/" in ranking


def test_every_link_on_a_start_page_opens_for_its_role(history):
    for username in ROLES:
        client, response = page_for(username)
        links = set(re.findall(r'href="(/[^"#]*)"', response.content.decode()))
        links -= {"/accounts/logout/"}
        refused = {link: client.get(link.replace("&amp;", "&")).status_code for link in links}
        assert {link: code for link, code in refused.items() if code != 200} == {}, username
