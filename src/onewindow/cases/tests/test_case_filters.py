"""The case list's filters: the API's plain SQL and the pages' ORM query run the same conditions; both
must pick exactly the cases the rules describe, NULL due dates and all."""

import datetime as dt
import itertools

import pytest

from onewindow.cases import selectors, states
from onewindow.cases.models import Case
from onewindow.cases.services import Applicant, Submission, submit_case
from onewindow.core.models import User

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 3)
# (status, due in days from today or None, decided in days from today or None)
SHAPES = [
    ("submitted", None, None),
    ("accepted", -1, None),  # running, overdue
    ("in_review", 0, None),
    ("in_review", 3, None),
    ("supplement_requested", 9, None),
    ("in_review", None, None),  # running without a due date
    ("decided", 2, 4),  # decided after its due date
    ("decided", 5, 1),
    ("decided", None, 0),
    ("delivered", -5, -6),
]


def late(case) -> bool:
    running_late = case.status in states.CLOCK_STATES and case.due_date is not None and case.due_date < TODAY
    decided_late = (
        case.decided_on is not None and case.due_date is not None and case.decided_on > case.due_date
    )
    return running_late or decided_late


def due_within(case, days) -> bool:
    return (
        case.status in states.CLOCK_STATES
        and case.due_date is not None
        and case.due_date <= TODAY + dt.timedelta(days=days)
    )


@pytest.fixture
def cases(demo, today):
    citizen = User.objects.get(username="citizen")
    applicant = Applicant(name="张三", id_type="resident_id", id_number="11010519491231002X")
    made = []
    for status, due, decided in SHAPES:
        case, _ = submit_case(citizen, Submission("GA-002", applicant, {"basis": "job"}, "online", {}))
        Case.objects.filter(pk=case.pk).update(
            status=status,
            due_date=TODAY + dt.timedelta(days=due) if due is not None else None,
            decided_on=TODAY + dt.timedelta(days=decided) if decided is not None else None,
        )
        made.append(case.pk)
    return list(Case.objects.filter(pk__in=made).select_related("item", "department"))


def test_api_list_and_pages_pick_what_the_rules_say(cases):
    supervisor = User.objects.get(username="supervisor")
    department = cases[0].department.code
    grid = itertools.product(
        ([], ["in_review"], ["accepted", "decided"]),
        (None, department, "no-such-department"),
        (None, "GA-002", "NO-SUCH-ITEM"),
        (None, 0, 5),
        (None, True, False),
    )
    for status, department_code, item, within, is_late in grid:
        filters = {"status": status, "department": department_code, "item": item}
        filters.update(due_within=within, late=is_late)
        expected = [
            c.pk
            for c in cases
            if (not status or c.status in status)
            and department_code in (None, c.department.code)
            and item in (None, c.item.code)
            and (within is None or due_within(c, within))
            and (is_late is None or late(c) == is_late)
        ]
        count, page = selectors.case_page(supervisor, filters, limit=100, count_up_to=1000)
        ours = [row["id"] for row in page if row["id"] in {c.pk for c in cases}]
        assert ours == sorted(expected, reverse=True), filters
        pages = selectors.filter_cases(selectors.visible_cases(supervisor), today=TODAY, **filters)
        assert sorted(pages.filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True)) == sorted(
            expected
        ), filters


def test_the_page_counts_up_to_its_cap_and_continues_before_a_cursor(cases):
    supervisor = User.objects.get(username="supervisor")
    ids = sorted((c.pk for c in cases), reverse=True)
    count, page = selectors.case_page(supervisor, {}, limit=3, before=ids[1], count_up_to=4)
    assert count == 5  # four and "more"
    assert [row["id"] for row in page] == ids[2:5]
    assert page[0]["item__code"] == "GA-002" and isinstance(page[0]["submitted_at"], dt.datetime)


def test_each_role_lists_only_what_it_may_see(cases):
    citizen, other = User.objects.get(username="citizen"), User.objects.filter(role="reviewer").first()
    mine = {c.pk for c in cases}
    assert {row["id"] for row in selectors.case_page(citizen, {}, limit=100, count_up_to=1000)[1]} >= mine
    seen = {row["id"] for row in selectors.case_page(other, {}, limit=100, count_up_to=1000)[1]}
    assert (seen & mine == mine) == (other.department_id == cases[0].department_id)
