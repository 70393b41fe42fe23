"""core.rows: plain SQL read into the same model instances the ORM would give."""

import datetime as dt

import pytest
from django.db import connection

from onewindow.cases import selectors
from onewindow.cases.models import Case, CaseEvent, CaseMaterial
from onewindow.cases.services import Applicant, Submission, submit_case
from onewindow.catalog.models import Department, ServiceItem
from onewindow.core import rows
from onewindow.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    citizen = User.objects.get(username="citizen")
    applicant = Applicant(name="张三", id_type="resident_id", id_number="11010519491231002X")
    found, _ = submit_case(citizen, Submission("GA-002", applicant, {"basis": "job"}, "online", {}))
    return found


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_fetch_gives_what_the_orm_gives(case):
    sql = (
        f"SELECT {rows.columns(Case, 'c')}, {rows.columns(ServiceItem, 'i')} FROM cases_case c "
        "JOIN catalog_serviceitem i ON i.id = c.item_id WHERE c.id = %s"
    )
    found, item = rows.fetch_one(sql, [case.pk], Case, ServiceItem)
    assert _fields(found) == _fields(Case.objects.get(pk=case.pk))
    assert _fields(item) == _fields(ServiceItem.objects.get(pk=case.item_id))
    assert isinstance(found.answers, dict) and found.answers == {"basis": "job"}
    assert found.submitted_at.tzinfo is not None
    assert not found._state.adding


def test_a_missing_left_joined_row_is_none_and_nothing_found_is_none(case):
    sql = (
        f"SELECT {rows.columns(Case, 'c')}, {rows.columns(User, 'a')} FROM cases_case c "
        "LEFT JOIN core_user a ON a.id = c.assignee_id WHERE c.id = %s"
    )
    found, assignee = rows.fetch_one(sql, [case.pk], Case, User)
    assert found.pk == case.pk and assignee is None
    assert rows.fetch_one(sql, [-1], Case, User) is None


def test_case_for_detail_loads_everything_the_answer_shows(case, django_assert_num_queries):
    supervisor = User.objects.get(username="supervisor")
    materials = [m.code for m in case.materials.order_by("id")]
    # The case with item, department, assignee; suspensions; materials; history; the catalog stamp:
    # one message on PostgreSQL (counted as one query), one query each on SQLite.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 5):
        found = selectors.case_for_detail(supervisor, case.pk)
    with django_assert_num_queries(0):
        assert (found.item.code, found.department.code) == ("GA-002", case.department.code)
        assert found.assignee is None
        assert [m.code for m in found.materials.all()] == materials
        assert list(found.suspensions.all()) == []
        assert [(e.action, e.actor.username) for e in selectors.case_history(found)] == [
            ("submit", "citizen")
        ]
        found.machine_state()


def test_fetch_together_answers_each_query_in_order(case):
    materials = list(case.materials.order_by("id"))
    one_case = f"SELECT {rows.columns(Case, 'c')} FROM cases_case c WHERE c.id = %s"
    other_materials = (
        f"SELECT {rows.columns(CaseMaterial, 'm')} FROM cases_casematerial m "
        "WHERE m.case_id = %s AND m.code <> %s ORDER BY m.id"
    )
    code = CaseMaterial._meta.get_field("code")
    found, missing, others, codes, count = rows.fetch_together(
        (one_case, [case.pk], rows.instances(Case)),
        (one_case, [-1], rows.instances(Case)),
        (other_materials, [case.pk, materials[0].code], rows.instances(CaseMaterial)),
        ("SELECT m.code FROM cases_casematerial m WHERE m.case_id = %s", [case.pk], rows.values({"c": code})),
        ("SELECT count(*) FROM cases_casematerial WHERE case_id = %s", [case.pk], lambda rows: rows[0][0]),
    )
    assert [row[0].pk for row in found] == [case.pk]
    assert found[0][0].answers == case.answers  # the ORM's converters applied (JSON)
    assert missing == []
    assert [row[0].pk for row in others] == [m.pk for m in materials[1:]]
    assert sorted(row["c"] for row in codes) == sorted(m.code for m in materials)
    assert count == len(materials)


def test_case_for_detail_keeps_to_what_the_user_may_see(case):
    reviewer = User.objects.filter(role="reviewer").exclude(department=case.department).first()
    other_citizen = User.objects.filter(role="citizen").exclude(username="citizen").first()
    assert selectors.case_for_detail(reviewer, case.pk) is None
    if other_citizen is not None:
        assert selectors.case_for_detail(other_citizen, case.pk) is None
    assert selectors.case_for_detail(User.objects.get(username="citizen"), case.pk).pk == case.pk
    inactive = User.objects.get(username="supervisor")
    inactive.is_active = False
    assert selectors.case_for_detail(inactive, case.pk) is None


def test_case_history_attaches_actors(case, django_assert_num_queries):
    with django_assert_num_queries(0):  # a case just filed knows the entry it wrote
        assert [e.action for e in selectors.case_history(case)] == ["submit"]
    case = type(case).objects.get(pk=case.pk)
    with django_assert_num_queries(1):
        events = selectors.case_history(case)
        assert [(e.action, e.actor.username) for e in events] == [("submit", "citizen")]
    assert [e.pk for e in events] == list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))


def test_calendar_overrides_read_by_plain_sql_count(demo):
    from onewindow.catalog.models import CalendarOverride
    from onewindow.catalog.selectors import department_calendar

    department = Department.objects.first()
    holiday = dt.date(2026, 6, 3)  # a Wednesday
    assert department_calendar(department).is_working_day(holiday)
    CalendarOverride.objects.create(department=department, date=holiday, kind="closure", reason="typhoon")
    assert not department_calendar(department).is_working_day(holiday)
