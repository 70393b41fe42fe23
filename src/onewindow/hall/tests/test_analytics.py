"""The analytics reproduce the waits of recorded tickets exactly."""

import csv
import io

import pytest
from django.test import Client

from onewindow.hall import selectors, services
from onewindow.hall.models import HallEvent

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def run_a_morning(centre, users, hall_clock):
    """Six visitors through two windows, minute by minute (waits and services known by hand)."""
    w1, w7 = centre.windows.get(number="01"), centre.windows.get(number="07")
    clerk, clerk2 = users["clerk"], users["clerk02"]
    services.sign_in(clerk, w1.pk)
    services.sign_in(clerk2, w7.pk)
    a1 = services.issue_ticket(centre, "social")  # 09:30
    hall_clock.advance(minutes=2)
    b1 = services.issue_ticket(centre, "business")  # 09:32
    a2 = services.issue_ticket(centre, "social")  # 09:32
    hall_clock.advance(minutes=3)  # 09:35
    assert services.call_next(clerk).pk == a1.pk  # wait 5 min
    assert services.call_next(clerk2).pk == b1.pk  # wait 3 min
    services.start_service(clerk, a1.pk)
    services.start_service(clerk2, b1.pk)
    hall_clock.advance(minutes=10)  # 09:45
    services.finish_service(clerk, a1.pk)  # service 10 min
    assert services.call_next(clerk).pk == a2.pk  # wait 13 min
    services.start_service(clerk, a2.pk)
    hall_clock.advance(minutes=20)  # 10:05
    services.finish_service(clerk2, b1.pk)  # service 30 min
    services.finish_service(clerk, a2.pk)  # service 20 min
    return a1, b1, a2


def test_report_by_category_and_window_by_hand(centre, users, hall_clock):
    run_a_morning(centre, users, hall_clock)
    tickets = list(selectors.tickets_between(centre, MONDAY, MONDAY))
    by_category = {r.group: r for r in selectors.wait_report(tickets, "category", 15)}
    social = by_category["A 社保医保"]
    assert social.tickets == 2
    assert social.waits.mean == 9 * 60 and social.waits.max == 13 * 60 and social.waits.under_target == 1.0
    assert social.services.mean == 15 * 60
    assert by_category["B 企业开办"].waits.mean == 3 * 60
    by_window = {r.group: r for r in selectors.wait_report(tickets, "window", 10)}
    assert by_window["01"].waits.under_target == 0.5  # 5 within 10 minutes, 13 not
    assert by_window["07"].services.mean == 30 * 60
    by_clerk = {r.group: r.tickets for r in selectors.wait_report(tickets, "clerk", 15)}
    assert by_clerk == {"clerk": 2, "clerk02": 1}
    (hour,) = selectors.wait_report(tickets, "hour", 15)
    assert hour.group == "09:00" and hour.tickets == 3


def test_report_equals_the_waits_in_the_event_log(centre, users, hall_clock):
    """The tickets' times and the append-only log are written separately: both tell the same waits."""
    run_a_morning(centre, users, hall_clock)
    events = HallEvent.objects.filter(hall=centre)
    issued = {e.ticket_id: e.at for e in events.filter(action="issue")}
    called = {e.ticket_id: e.at for e in events.filter(action="call")}
    from_log = sorted((called[t] - issued[t]).total_seconds() for t in called)
    tickets = list(selectors.tickets_between(centre, MONDAY, MONDAY))
    (overall,) = selectors.wait_report(tickets, "hall", 15)
    assert overall.waits.count == len(from_log)
    assert overall.waits.mean == sum(from_log) / len(from_log)
    assert overall.waits.max == from_log[-1]


def test_csv_exports_and_the_supervisor_page(centre, users, hall_clock):
    run_a_morning(centre, users, hall_clock)
    client = Client()
    client.force_login(users["supervisor"])
    url = f"/hall/{centre.code}/analytics/?since={MONDAY}&until={MONDAY}"
    page = client.get(url + "&group=window")
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "13.0" in page.content.decode()
    body = client.get(url + "&export=tickets").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(float(r["wait_seconds"]) for r in rows) == [180.0, 300.0, 780.0]
    report = list(
        csv.DictReader(
            io.StringIO(client.get(url + "&group=window&export=report").content.decode("utf-8-sig"))
        )
    )
    assert {r["window"]: r["wait_mean_min"] for r in report} == {"01": "9.0", "07": "3.0"}
    client.force_login(users["clerk"])
    assert client.get(url).status_code == 404


def test_demo_history_what_if(centre, users, hall_clock, demo):
    from onewindow.hall.demo import load_demo_history

    hall_clock.set(MONDAY, "08:00")
    assert load_demo_history(days=3) > 500
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get(
        f"/hall/{centre.code}/analytics/?since=2025-02-20&until=2025-03-02&comprehensive=07&comprehensive=09&days=3"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "what-if" in text
    assert page.context["what_if"]["now"]["served"] > 500
    assert page.context["what_if"]["changed"]["windows"] == 10
