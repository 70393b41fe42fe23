"""A case submission is written in few statements (docs/performance.md): on PostgreSQL the case, its
number, materials and first history entry in one, with the same rows, running totals and guarantees
as saving each model would give."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases.models import Case, CaseEvent, CaseMaterial, IdempotencyRecord
from onewindow.core.models import Event
from onewindow.evaluation import rollups

from .test_cases_api import ANSWERS, RECEIVED, VALID_ID, new_case

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write")


def test_a_filed_case_has_its_number_materials_history_event_and_figures(as_user, today):
    answer = new_case(as_user).json()
    case = Case.objects.get(pk=answer["id"])
    assert case.number == f"441900-20250303-{case.pk:07d}" == answer["number"]
    assert case.tracking_token and case.status == "submitted" and case.taken_by.username == "clerk"
    materials = CaseMaterial.objects.filter(case=case).order_by("id")
    assert [(m.code, m.status) for m in materials] == [(m["code"], m["status"]) for m in answer["materials"]]
    assert all(m.status == "received" for m in materials) and len(materials) == 6
    (entry,) = CaseEvent.objects.filter(case=case)
    assert (entry.action, entry.to_status, entry.actor.username, entry.data) == (
        "submit",
        "submitted",
        "clerk",
        {"channel": "window", "identity_checked_by_clerk": True},
    )
    assert [e["action"] for e in answer["events"]] == ["submit"]
    assert Event.objects.filter(type="case.filed", subject=f"case:{case.number}").count() == 1
    day = dt.date(2025, 3, 3)
    assert rollups.stored_daily_figures(day, day) == rollups.raw_daily_figures(day, day)
    assert rollups.stored_daily_figures(day, day)[(case.department_id, day, "submitted")] >= 1


def _file(as_user, key, **overrides):
    applicant = {"name": "张三", "id_type": "resident_id", "id_number": VALID_ID}
    body = {
        "item": "RS-001",
        "channel": "window",
        "answers": ANSWERS,
        "materials": RECEIVED,
        "applicant": applicant,
    }
    return as_user("clerk", "post", "/api/v1/cases", {**body, **overrides}, HTTP_IDEMPOTENCY_KEY=key)


def _counts():
    return [model.objects.count() for model in (Case, CaseMaterial, CaseEvent, Event, IdempotencyRecord)]


def test_a_retry_answers_the_first_case_and_writes_nothing_more(as_user, today):
    first = _file(as_user, "retry-1").json()
    counts = _counts()
    again = _file(as_user, "retry-1")
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert _counts() == counts
    other = _file(as_user, "retry-1", channel="post")
    assert other.status_code == 409 and _counts() == counts


@postgres_only
def test_on_postgresql_the_case_and_its_parts_are_one_statement(as_user, today):
    new_case(as_user)  # tokens, the catalog and the calendar kept
    with CaptureQueriesContext(connection) as asked:
        assert _file(as_user, "budget").status_code == 201
    writes = [
        q["sql"]
        for q in asked.captured_queries
        if ("INSERT" in q["sql"] or "UPDATE" in q["sql"]) and "core_apitoken" not in q["sql"]  # the fixture's
    ]
    assert sum(sql.startswith("WITH") for sql in writes) == 1
    # the case with its parts, the running totals' change, the outbox event (with its commit-order
    # lock), the idempotency key
    assert len(writes) == 4, writes
    assert any(sql.startswith("SELECT pg_advisory_xact_lock") and "core_event" in sql for sql in writes)


@postgres_only
def test_numbers_past_seven_digits_keep_every_digit(as_user, today):
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), 12345677)")
    answer = new_case(as_user).json()
    assert answer["id"] == 12345678 and answer["number"] == "441900-20250303-12345678"
