import datetime as dt

import pytest

from onewindow.cases.models import Case, CaseEvent
from onewindow.core.workdays import base_calendar, working_days_between

VALID_ID = "11010519491231002X"
ANSWERS = {"insured_as": "employee", "retire_type": "normal", "other_province": "none", "years": "enough"}
# RS-001's materials for ANSWERS, all brought to the window
RETIREMENT_MATERIALS = (
    "id_card",
    "household_register",
    "pension_application_form",
    "personnel_file",
    "photo",
    "bank_card",
)
RECEIVED = dict.fromkeys(RETIREMENT_MATERIALS, "received")


def new_case(as_user, username="clerk", **overrides):
    body = {
        "item": "RS-001",
        "channel": "window",
        "answers": ANSWERS,
        "materials": RECEIVED,
        "applicant": {
            "name": "张三",
            "id_type": "resident_id",
            "id_number": VALID_ID,
            "phone": "13800138000",
        },
    }
    body.update(overrides)
    return as_user(username, "post", "/api/v1/cases", body)


def act(as_user, username, case_id, action, **body):
    return as_user(username, "post", f"/api/v1/cases/{case_id}/actions", {"action": action, **body})


def test_a_case_through_a_supplement_request_moves_the_due_date_by_the_suspended_days(as_user, today):
    created = new_case(as_user)
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["number"].startswith("441900-20250303-")
    assert case["status"] == "submitted" and case["due_date"] is None

    accepted = act(as_user, "clerk", case["id"], "accept").json()
    assert accepted["status"] == "accepted"
    assert accepted["due_date"] == "2025-03-05"  # employee, normal retirement: 2 working days

    today.set(dt.date(2025, 3, 4))
    supplement = act(
        as_user,
        "reviewer-rsj",
        case["id"],
        "request_supplement",
        note="档案缺少招工表",
        supplement=["personnel_file"],
    )
    assert supplement.status_code == 200, supplement.content
    assert supplement.json()["status"] == "supplement_requested"

    today.set(dt.date(2025, 3, 10))  # a week later the applicant brings the file
    resubmitted = act(
        as_user, "clerk", case["id"], "resubmit", materials={"personnel_file": "original_seen"}
    ).json()
    assert resubmitted["status"] == "accepted"
    suspended = working_days_between(base_calendar("CN"), dt.date(2025, 3, 4), dt.date(2025, 3, 10))
    assert suspended == 4
    assert resubmitted["suspended_working_days"] == 4
    assert resubmitted["due_date"] == "2025-03-11"  # 5 March + exactly 4 working days
    assert (resubmitted["working_days_used"], resubmitted["working_days_left"]) == (1, 1)

    approved = act(as_user, "reviewer-rsj", case["id"], "review").json()
    assert approved["status"] == "in_review"
    approved = act(as_user, "reviewer-rsj", case["id"], "approve").json()
    assert approved["status"] == "approved" and approved["late"] is False
    delivered = act(as_user, "clerk", case["id"], "deliver", delivery_method="window").json()
    assert delivered["status"] == "delivered" and len(delivered["pickup_code"]) == 6
    assert [e["action"] for e in delivered["events"]] == [
        "submit",
        "accept",
        "request_supplement",
        "resubmit",
        "review",
        "approve",
        "deliver",
    ]
    assert delivered["events"][2]["data"]["supplement"] == ["personnel_file"]


def test_idempotent_submission(as_user, today):
    body_first = as_user("clerk", "post", "/api/v1/cases", _body(), HTTP_IDEMPOTENCY_KEY="retry-1")
    again = as_user("clerk", "post", "/api/v1/cases", _body(), HTTP_IDEMPOTENCY_KEY="retry-1")
    assert body_first.status_code == again.status_code == 201
    assert body_first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1
    changed = as_user("clerk", "post", "/api/v1/cases", _body(channel="post"), HTTP_IDEMPOTENCY_KEY="retry-1")
    assert changed.status_code == 409
    assert Case.objects.count() == 1


def _body(**overrides):
    body = {
        "item": "RS-001",
        "channel": "window",
        "answers": ANSWERS,
        "materials": RECEIVED,
        "applicant": {"name": "张三", "id_type": "resident_id", "id_number": VALID_ID},
    }
    return {**body, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"item": "NOPE-1"}, "item"),
        (
            {"applicant": {"name": "张三", "id_type": "resident_id", "id_number": "110105194912310021"}},
            "applicant.id_number",
        ),
        (
            {"applicant": {"name": "某公司", "id_type": "uscc", "id_number": "914403001922038216"}},
            "applicant.id_type",
        ),
        ({"applicant": {"name": "张三", "id_type": "passport", "id_number": "E1"}}, "applicant.id_type"),
        ({"answers": {"insured_as": "employee"}}, "answers.retire_type"),
        ({"answers": {**ANSWERS, "pets": "cat"}}, "answers.pets"),
        ({"materials": {"driving_licence": "received"}}, "materials.driving_licence"),
        ({"materials": {"id_card": "lost"}}, "materials.id_card"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_submissions_are_422_naming_the_field_and_write_nothing(as_user, today, overrides, field):
    response = as_user("clerk", "post", "/api/v1/cases", _body(**overrides))
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_wrong_state_is_409_with_the_allowed_actions_and_changes_nothing(as_user, today):
    case = new_case(as_user).json()
    response = act(as_user, "reviewer-rsj", case["id"], "approve")
    assert response.status_code == 409
    assert response.json()["allowed_actions"] == [
        "accept",
        "refuse",
        "request_supplement",
        "assign",
        "withdraw",
    ]
    assert Case.objects.get(pk=case["id"]).status == "submitted"
    assert CaseEvent.objects.filter(case_id=case["id"]).count() == 1


def test_roles(as_user, today):
    case = new_case(as_user).json()
    # a reviewer of another department does not see the case at all
    assert as_user("reviewer-ga", "get", f"/api/v1/cases/{case['id']}").status_code == 404
    assert act(as_user, "reviewer-ga", case["id"], "accept").status_code == 404
    # the right department, the wrong role for this action
    assert act(as_user, "reviewer-rsj", case["id"], "accept").status_code == 403
    # a citizen sees only their own cases
    assert as_user("citizen", "get", f"/api/v1/cases/{case['id']}").status_code == 404
    assert as_user("citizen", "get", "/api/v1/cases").json()["count"] == 0
    # a supervisor sees everything, with ID numbers masked
    seen = as_user("supervisor", "get", f"/api/v1/cases/{case['id']}").json()
    assert seen["applicant"]["id_number"] == "11**************2X"
    # staff read it masked too, unless they reveal it (recorded)
    assert as_user("clerk", "get", f"/api/v1/cases/{case['id']}").json()["applicant"]["id_number"] != VALID_ID
    revealed = as_user("clerk", "get", f"/api/v1/cases/{case['id']}?reveal=true").json()
    assert revealed["applicant"]["id_number"] == VALID_ID
    assert as_user("clerk", "get", "/api/v1/cases", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_citizen_files_online_and_withdraws(as_user, today):
    created = new_case(as_user, "citizen", channel="online", materials={})
    assert created.status_code == 201
    case = created.json()
    assert as_user("citizen", "get", "/api/v1/cases").json()["count"] == 1
    assert act(as_user, "citizen", case["id"], "accept").status_code == 403
    withdrawn = act(as_user, "citizen", case["id"], "withdraw", note="不办了")
    assert withdrawn.json()["status"] == "withdrawn"
    at_window = new_case(as_user, "citizen", channel="window")
    assert at_window.status_code == 422


def test_accept_requires_the_required_materials(as_user, today):
    case = new_case(as_user, materials={"id_card": "original_seen"}).json()
    response = act(as_user, "clerk", case["id"], "accept")
    assert response.status_code == 422
    assert "materials.personnel_file" in [e["field"] for e in response.json()["errors"]]
    fixed = act(as_user, "clerk", case["id"], "accept", materials={k: "received" for k in RECEIVED})
    assert fixed.json()["status"] == "accepted"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("refuse", {}, "note"),
        ("request_supplement", {"note": "缺材料"}, "supplement"),
        ("request_supplement", {"note": "缺材料", "supplement": ["passport"]}, "supplement.passport"),
        ("accept", {"materials": {"passport": "received"}}, "materials.passport"),
    ],
)
def test_actions_with_bad_input_are_422_and_change_nothing(as_user, today, action, body, field):
    case = new_case(as_user).json()
    response = act(as_user, "clerk", case["id"], action, **body)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Case.objects.get(pk=case["id"]).status == "submitted"


def test_extension_once_by_a_supervisor(as_user, today):
    case = new_case(as_user).json()
    act(as_user, "clerk", case["id"], "accept")
    assert act(as_user, "reviewer-rsj", case["id"], "extend", note="需实地核查").status_code == 403
    extended = act(as_user, "supervisor", case["id"], "extend", note="需实地核查").json()
    assert extended["extension_days"] == 10 and extended["due_date"] == "2025-03-19"
    assert act(as_user, "supervisor", case["id"], "extend", note="again").status_code == 409


def test_lists_filter_and_page_with_a_cursor(as_user, today):
    ids = [new_case(as_user).json()["id"] for _ in range(5)]
    act(as_user, "clerk", ids[0], "accept")
    first = as_user("clerk", "get", "/api/v1/cases", {"limit": 2}).json()
    assert first["count"] == 5 and [c["id"] for c in first["items"]] == ids[::-1][:2]
    second = as_user("clerk", "get", "/api/v1/cases", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [c["id"] for c in second["items"]] == ids[::-1][2:4]
    assert as_user("clerk", "get", "/api/v1/cases", {"status": "accepted"}).json()["count"] == 1
    assert as_user("clerk", "get", "/api/v1/cases", {"due_within": 2}).json()["count"] == 1
    today.set(dt.date(2025, 3, 10))
    assert [c["id"] for c in as_user("clerk", "get", "/api/v1/cases", {"late": True}).json()["items"]] == [
        ids[0]
    ]
    assert as_user("reviewer-rsj", "get", "/api/v1/cases").json()["count"] == 5
    assert as_user("reviewer-ga", "get", "/api/v1/cases").json()["count"] == 0
    bad = as_user("clerk", "get", "/api/v1/cases", {"cursor": "garbage"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_a_list_counts_up_to_its_cap_and_says_there_are_more(as_user, today, monkeypatch):
    from onewindow.cases import api

    for _ in range(4):
        new_case(as_user)
    monkeypatch.setattr(api, "LIST_COUNT_CAP", 3)
    page = as_user("clerk", "get", "/api/v1/cases", {"limit": 2}).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (3, True, 2)
    monkeypatch.setattr(api, "LIST_COUNT_CAP", 4)
    page = as_user("clerk", "get", "/api/v1/cases", {"limit": 2}).json()
    assert (page["count"], page["count_capped"]) == (4, False)


def test_events_are_append_only(as_user, today):
    case = new_case(as_user).json()
    event = CaseEvent.objects.get(case_id=case["id"])
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case_id=case["id"]).update(note="x")
    with pytest.raises(TypeError):
        event.delete()


def test_an_expert_review_stops_the_clock_and_blocks_the_decision(as_user, today):
    case = new_case(as_user).json()
    act(as_user, "clerk", case["id"], "accept")  # due 5 March
    bad = act(as_user, "reviewer-rsj", case["id"], "suspend", note="专家评审")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "suspension_kind"
    paused = act(
        as_user, "reviewer-rsj", case["id"], "suspend", note="专家评审", suspension_kind="expert_review"
    )
    assert paused.json()["allowed_actions"] == ["extend", "resume", "assign", "withdraw"]
    assert act(as_user, "reviewer-rsj", case["id"], "approve").status_code == 409
    today.set(dt.date(2025, 3, 7))
    resumed = act(as_user, "reviewer-rsj", case["id"], "resume").json()
    # suspended Monday 3 March, resumed Friday 7 March: Tuesday to Friday do not count
    assert resumed["suspended_working_days"] == 4
    assert resumed["due_date"] == "2025-03-11"  # 5 March + 4 working days
    assert "review" in resumed["allowed_actions"]  # the decision may go on


def test_apology_notice_before_a_case_goes_late(as_user, today, mailoutbox, caplog, worker):
    from django.core.management import call_command

    caplog.set_level("INFO", logger="onewindow.notifications")
    case = new_case(
        as_user,
        applicant={
            "name": "张三",
            "id_type": "resident_id",
            "id_number": VALID_ID,
            "phone": "13800138000",
            "email": "zhang@example.com",
        },
    ).json()
    refused = act(as_user, "clerk", case["id"], "accept", materials={"photo": "missing"})
    worker()
    assert refused.status_code == 422 and mailoutbox == []  # nothing is sent for a change rolled back
    act(as_user, "clerk", case["id"], "accept")  # due Wednesday 5 March
    worker()
    assert mailoutbox[-1].to == ["zhang@example.com"] and "2025-03-05" in mailoutbox[-1].body
    assert "SMS to 13*******00" in caplog.text and "13800138000" not in caplog.text  # masked in logs

    call_command("cases", "apologize", "--date", "2025-03-03")  # two working days left: nothing yet
    assert Case.objects.get(pk=case["id"]).apology_date is None
    today.set(dt.date(2025, 3, 4))
    call_command("cases", "apologize")
    call_command("cases", "apologize")  # once per due date
    worker()
    stored = Case.objects.get(pk=case["id"])
    assert stored.apology_date == dt.date(2025, 3, 12)  # 5 March + 5 working days
    apologies = CaseEvent.objects.filter(case_id=case["id"], action="apology")
    assert apologies.count() == 1
    event = apologies.get()
    assert (event.actor, event.actor_role, event.data["new_date"]) == (None, "system", "2025-03-12")
    assert set(event.data["notified"]) == {"email", "sms"}
    assert "2025-03-12" in mailoutbox[-1].body
    detail = as_user("clerk", "get", f"/api/v1/cases/{case['id']}").json()
    assert detail["apology_date"] == "2025-03-12"
    today.set(dt.date(2025, 3, 6))
    assert as_user("clerk", "get", f"/api/v1/cases/{case['id']}").json()["late"] is True  # still late


def test_a_supervisor_assigns_a_case_to_one_reviewer(as_user, today, django_user_model):
    from onewindow.catalog.models import Department

    django_user_model.objects.create_user(
        "reviewer-rsj-2", password="demo", role="reviewer", department=Department.objects.get(code="rsj")
    )
    case = new_case(as_user).json()
    act(as_user, "clerk", case["id"], "accept")
    assert act(as_user, "reviewer-rsj", case["id"], "assign", assignee="reviewer-rsj").status_code == 403
    wrong = act(as_user, "supervisor", case["id"], "assign", assignee="reviewer-ga")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "assignee"
    assigned = act(as_user, "supervisor", case["id"], "assign", assignee="reviewer-rsj-2").json()
    assert assigned["assignee"] == "reviewer-rsj-2" and assigned["status"] == "accepted"
    other = act(as_user, "reviewer-rsj", case["id"], "review")
    assert other.status_code == 403 and "assigned to reviewer-rsj-2" in other.json()["detail"]
    assert act(as_user, "reviewer-rsj-2", case["id"], "review").json()["status"] == "in_review"


def test_a_case_reaching_into_an_unpublished_year_is_accepted_with_a_provisional_due_date(as_user, today):
    today.set(dt.date(2026, 12, 1))
    case = new_case(as_user).json()
    accepted = act(as_user, "clerk", case["id"], "accept", materials={})
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted" and body["due_date_provisional"] is False  # 20 working days fit 2026

    long_case = new_case(as_user).json()
    today.set(dt.date(2026, 12, 30))
    accepted = act(as_user, "clerk", long_case["id"], "accept").json()
    # Two working days from Wednesday 30 December: 31 December, then 4 January (1 January is 元旦).
    assert accepted["due_date"] == "2027-01-04" and accepted["due_date_provisional"] is True
    accept_event = accepted["events"][-1]
    assert accept_event["data"]["provisional"] is True
    listed = as_user("clerk", "get", "/api/v1/cases", {"status": "accepted"}).json()["items"]
    assert {c["id"]: c["due_date_provisional"] for c in listed}[long_case["id"]] is True
    # Suspension and extension are never refused for lack of next year's calendar either.
    suspended = act(
        as_user, "reviewer-rsj", long_case["id"], "suspend", note="专家评审", suspension_kind="expert_review"
    )
    assert suspended.status_code == 200, suspended.content


def test_come_back_rate_report(as_user, today):
    ids = [new_case(as_user).json()["id"] for _ in range(4)]
    for case_id in ids[:3]:
        act(as_user, "clerk", case_id, "accept")
    act(as_user, "clerk", ids[3], "request_supplement", note="照片不合格", supplement=["photo"])
    act(as_user, "clerk", ids[3], "resubmit", materials={"photo": "received"})
    act(as_user, "clerk", ids[3], "accept")  # accepted on the second visit: still a come-back
    new_case(as_user)  # not decided at the window yet: not counted
    report = as_user("supervisor", "get", "/api/v1/reports/come-back", {"group": "item"}).json()
    assert report["rows"] == [{"key": "RS-001", "cases": 4, "came_back": 1, "rate": 0.25}]
    assert (report["total_cases"], report["rate"]) == (4, 0.25)
    by_month = as_user("supervisor", "get", "/api/v1/reports/come-back", {"group": "month"}).json()
    assert by_month["rows"][0]["key"] == "2025-03"
    by_department = as_user("supervisor", "get", "/api/v1/reports/come-back", {"group": "department"}).json()
    assert by_department["rows"][0]["key"] == "rsj"
    assert (
        as_user("supervisor", "get", "/api/v1/reports/come-back", {"since": "2025-04-01"}).json()["rate"]
        is None
    )
    assert as_user("clerk", "get", "/api/v1/reports/come-back").status_code == 403
    assert as_user("supervisor", "get", "/api/v1/reports/come-back", {"group": "colour"}).status_code == 422


def test_a_case_says_its_own_time_limit_like_the_checklist(as_user, api_client, today):
    """Issue 21: the case detail gives the limits of its situation, as the item checklist does."""
    case = new_case(as_user).json()
    checklist = api_client.post(
        "/api/v1/items/RS-001/checklist", {"answers": ANSWERS}, content_type="application/json"
    ).json()
    assert (case["promised_days"], case["legal_days"], case["immediate"], case["days_unit"]) == (
        checklist["promised_days"], checklist["legal_days"], checklist["immediate"], checklist["days_unit"],
    )  # fmt: skip
    assert case["promised_days"] == 2 and case["legal_days"] == 20  # a normal retirement of an employee


def test_accepting_without_statuses_says_what_to_send(as_user, api_client, today):
    """Issue 21: the 422 names the allowed statuses and the shape of `materials`; so does the schema."""
    case = new_case(as_user, materials={}).json()
    refused = act(as_user, "clerk", case["id"], "accept")
    assert refused.status_code == 422
    error = next(e for e in refused.json()["errors"] if e["field"] == "materials.id_card")
    assert "map of code → status" in error["message"] and "received or original_seen" in error["message"]
    schema = api_client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CaseActionIn"]
    description = schema["properties"]["materials"]["description"]
    assert "map of material code → status" in description and "original_seen" in description
    accepted = act(as_user, "clerk", case["id"], "accept", materials=RECEIVED)
    assert accepted.status_code == 200


def test_a_case_read_asks_the_database_little(as_user, api_client, token_for, django_assert_num_queries):
    from django.db import connection

    case_id = new_case(as_user).json()["id"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for('supervisor')}"}
    api_client.get(f"/api/v1/cases/{case_id}", **headers)  # the token's first use is noted on it
    # The token (not kept between requests in tests); the case with its children, the catalog stamp and
    # the staff read's record (one message on PostgreSQL). The stamp is read once.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 7) as captured:
        answer = api_client.get(f"/api/v1/cases/{case_id}", **headers)
    assert answer.status_code == 200 and answer.json()["legal_days"] is not None
    assert len([q for q in captured.captured_queries if "catalog_catalogstamp" in q["sql"]]) == 1
