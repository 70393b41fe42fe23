"""The closed loop through the API, and the working-day limit with a suspension and an extension."""

import datetime as dt

import pytest

from onewindow.core.workdays import base_calendar, working_days_between
from onewindow.evaluation.models import Rating
from onewindow.hotline.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "ticket_type": "complaint",
    "title": "单位欠缴社保",
    "body": "我所在的公司连续三个月没有给员工缴纳社会保险，请人社部门核查。",
    "channel": "phone",
    "caller_name": "王女士",
    "caller_phone": "13800138000",
    "address": "南城街道宏图路 88 号",
    "region": "441900003",
}


def new_ticket(as_user, username="agent", **overrides):
    response = as_user(username, "post", "/api/v1/tickets", {**COMPLAINT, **overrides})
    assert response.status_code == 201, response.content
    return response.json()


def act(as_user, username, number, action, expect=200, **body):
    response = as_user(username, "post", f"/api/v1/tickets/{number}/actions", {"action": action, **body})
    assert response.status_code == expect, response.content
    return response.json()


def test_the_limit_runs_in_working_days_pauses_for_a_suspension_and_takes_one_approved_extension(
    as_user, today
):
    ticket = new_ticket(as_user)  # Monday 2025-03-03, a complaint: 15 working days
    number = ticket["number"]
    assert ticket["status"] == "registered" and ticket["limit_days"] == 15
    assert ticket["caller_phone"] == "138****8000"
    act(as_user, "agent", number, "dispatch", department="rsj")
    signed = act(as_user, "reviewer-rsj", number, "sign")
    calendar = base_calendar("CN")
    assert signed["clock"]["due_date"] == "2025-03-24"  # 15 working days after Monday 3 March

    today.set(dt.date(2025, 3, 5))
    act(as_user, "reviewer-rsj", number, "suspend", note="等待社保稽核现场检查")
    today.set(dt.date(2025, 3, 10))  # Wednesday to the next Monday: 3 working days paused
    resumed = act(as_user, "reviewer-rsj", number, "resume")
    paused = working_days_between(calendar, dt.date(2025, 3, 5), dt.date(2025, 3, 10))
    assert paused == 3 and resumed["clock"]["suspended_working_days"] == 3
    assert resumed["clock"]["due_date"] == "2025-03-27"

    act(as_user, "supervisor", number, "approve_extension", expect=409)  # nothing asked for yet
    act(as_user, "reviewer-rsj", number, "request_extension", days=99, note="需要调取银行流水", expect=422)
    asked = act(as_user, "reviewer-rsj", number, "request_extension", days=5, note="需要调取银行流水")
    assert asked["extension_requested_days"] == 5 and asked["clock"]["due_date"] == "2025-03-27"
    act(as_user, "reviewer-rsj", number, "approve_extension", expect=403)  # not the department's to approve
    extended = act(as_user, "supervisor", number, "approve_extension")
    assert extended["extension_days"] == 5 and extended["clock"]["due_date"] == "2025-04-03"
    act(as_user, "reviewer-rsj", number, "request_extension", days=3, note="再延一次", expect=409)

    today.set(dt.date(2025, 4, 7))  # past the extended limit (4 April is Qingming, a holiday)
    late = as_user("agent", "get", f"/api/v1/tickets/{number}")
    assert late.status_code == 200, late.content
    late = late.json()
    assert late["clock"]["late"] is True, late


def test_a_complaint_goes_round_the_loop_with_a_return_and_an_unhappy_callback(
    as_user, today, worker, mailoutbox
):
    number = new_ticket(as_user, caller_email="wang@example.com")["number"]
    act(as_user, "agent", number, "dispatch", department="zj")
    act(as_user, "reviewer-rsj", number, "sign", expect=404)  # another department's: not even seen
    returned = act(as_user, "reviewer-zj", number, "return", note="社保缴纳不属于住建局职责")
    assert returned["status"] == "registered" and returned["department"] is None and returned["returns"] == 1
    act(as_user, "agent", number, "dispatch", department="rsj", helpers=["scjg"])
    act(as_user, "reviewer-scjg", number, "assist", note="该公司营业执照正常")
    act(as_user, "reviewer-rsj", number, "handle", note="x", expect=409)  # sign first
    act(as_user, "reviewer-rsj", number, "sign")
    act(as_user, "reviewer-rsj", number, "handle", expect=422)  # a note is required
    act(as_user, "reviewer-rsj", number, "handle", note="已责令公司补缴三个月社保")
    replied = act(as_user, "reviewer-rsj", number, "reply", note="经核查，公司已承诺本月内补缴。")
    assert replied["status"] == "replied"

    reopened = act(as_user, "agent", number, "callback", satisfied=False, note="至今未补缴")
    assert reopened["status"] == "dispatched" and reopened["department"] == "rsj" and reopened["reopened"]
    act(as_user, "reviewer-rsj", number, "sign")
    act(as_user, "reviewer-rsj", number, "handle", note="已立案稽核，公司已补缴")
    act(as_user, "reviewer-rsj", number, "reply", note="公司已于 3 月 6 日补缴。")
    closed = act(as_user, "agent", number, "callback", satisfied=True, level=5)
    assert closed["status"] == "closed" and closed["satisfied"] is True

    history = as_user("agent", "get", f"/api/v1/tickets/{number}/events").json()
    assert [e["action"] for e in history] == [
        "register", "dispatch", "return", "dispatch", "assist", "sign", "handle", "reply", "callback",
        "sign", "handle", "reply", "callback",
    ]  # fmt: skip
    ratings = Rating.objects.filter(hotline_ticket__number=number).order_by("round")
    assert [(r.round, r.level, r.department.code) for r in ratings] == [(1, 2, "rsj"), (2, 5, "rsj")]
    assert hasattr(ratings[0], "rectification")  # the unhappy callback is a bad rating to rectify
    # The caller was told of each reply and of the closure (by email and SMS), once the worker ran.
    assert mailoutbox == [] and worker() == 6
    assert [m.to for m in mailoutbox] == [["wang@example.com"]] * 3
    assert "经核查" in mailoutbox[0].body and "3 月 6 日" in mailoutbox[1].body
    assert number in mailoutbox[2].body and "12345" in mailoutbox[2].subject


def test_callers_see_their_own_tickets_only_and_bad_input_names_the_field(as_user, today):
    mine = new_ticket(as_user, "citizen", channel="web", caller_phone="")
    other = new_ticket(as_user)
    listed = as_user("citizen", "get", "/api/v1/tickets").json()
    assert [t["number"] for t in listed["items"]] == [mine["number"]]
    assert as_user("citizen", "get", f"/api/v1/tickets/{other['number']}").status_code == 404
    assert mine["allowed_actions"] == [] and mine["suggestions"] == []
    act(as_user, "citizen", mine["number"], "dispatch", department="rsj", expect=403)

    bad = as_user("agent", "post", "/api/v1/tickets", {**COMPLAINT, "region": "nowhere", "title": " "})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"region", "title"}
    bad = as_user("agent", "post", "/api/v1/tickets", {**COMPLAINT, "latitude": "91"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "latitude"
    act(as_user, "agent", other["number"], "dispatch", department="nope", expect=422)
    assert Ticket.objects.count() == 2 and TicketEvent.objects.filter(action="dispatch").count() == 0


def test_a_dispatched_complaint_counts_against_its_department_and_a_merged_duplicate_does_not(as_user, today):
    from onewindow.evaluation import rollups
    from onewindow.evaluation.models import DailyFigure

    first = new_ticket(as_user)["number"]
    second = new_ticket(as_user, title="公司欠缴社保（再次来电）")["number"]
    rollups.fold()
    assert not DailyFigure.objects.filter(complaints__gt=0).exists()  # not dispatched yet: no department
    act(as_user, "agent", first, "dispatch", department="rsj")
    act(as_user, "agent", second, "dispatch", department="rsj")
    rollups.fold()
    row = DailyFigure.objects.get(department__code="rsj", day=dt.date(2025, 3, 3))
    assert row.complaints == 2
    act(as_user, "agent", second, "merge", into=first)
    rollups.fold()
    row.refresh_from_db()
    assert row.complaints == 1
    raw = rollups.raw_daily_figures(dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    assert raw[(row.department_id, dt.date(2025, 3, 3), "complaints")] == 1


def test_a_retried_registration_with_the_same_key_returns_the_first_ticket(as_user, today):
    first = as_user("agent", "post", "/api/v1/tickets", COMPLAINT, HTTP_IDEMPOTENCY_KEY="call-1")
    again = as_user("agent", "post", "/api/v1/tickets", COMPLAINT, HTTP_IDEMPOTENCY_KEY="call-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] and Ticket.objects.count() == 1
    other = as_user(
        "agent", "post", "/api/v1/tickets", {**COMPLAINT, "title": "另一件事"}, HTTP_IDEMPOTENCY_KEY="call-1"
    )
    assert other.status_code == 409 and Ticket.objects.count() == 1


def test_merged_callers_hear_the_reply_and_the_closure_of_the_ticket_they_were_merged_into(
    as_user, today, worker, mailoutbox
):
    first = new_ticket(as_user, caller_email="a@example.com")["number"]
    second = new_ticket(as_user, caller_phone="13900000000", caller_email="b@example.com")["number"]
    act(as_user, "agent", second, "merge", into=first)
    assert as_user("agent", "get", f"/api/v1/tickets/{second}").json()["merged_into"] == first
    act(as_user, "agent", first, "dispatch", department="rsj")
    act(as_user, "reviewer-rsj", first, "sign")
    act(as_user, "reviewer-rsj", first, "handle", note="已处理")
    act(as_user, "reviewer-rsj", first, "reply", note="公司已补缴社保。")
    act(as_user, "agent", first, "close", note="来电人电话无法接通")
    worker()
    to_b = [m for m in mailoutbox if m.to == ["b@example.com"]]
    assert len(to_b) == 2 and second in to_b[0].subject and "公司已补缴社保" in to_b[0].body


def test_a_ticket_with_coordinates_registers_and_half_a_position_is_refused(as_user, today):
    placed = new_ticket(as_user, latitude="23.020673", longitude="113.751799")
    assert placed["latitude"] == "23.020673" or float(placed["latitude"]) == 23.020673
    half = as_user("agent", "post", "/api/v1/tickets", {**COMPLAINT, "latitude": None, "longitude": 179.0})
    assert half.status_code == 422 and half.json()["errors"][0]["field"] == "latitude"
    keyed = as_user("agent", "post", "/api/v1/tickets", {**COMPLAINT, "longitude": 1, "latitude": 2},
                    HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    assert keyed.status_code == 201
