"""The running daily figures always equal a recomputation from the raw cases and ratings."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import services as case_services
from onewindow.cases import states
from onewindow.cases.models import Case
from onewindow.catalog.selectors import checklist, published_item
from onewindow.core.errors import InvalidInput
from onewindow.core.permissions import Conflict, Forbidden
from onewindow.core.workdays import base_calendar
from onewindow.evaluation import figures, rollups, services

pytestmark = pytest.mark.django_db

ITEMS = [("GJ-001", {}), ("MZ-001", {"previously_married": "first"}), ("YB-001", {"medical_years": "enough"})]
ACTIONS = ["accept", "review", "approve", "deny", "request_supplement", "resubmit", "deliver", "refuse"]
EVERYTHING = (dt.date(2024, 1, 1), dt.date(2026, 12, 31))


def _working_day_after(day, rng):
    calendar = base_calendar("CN")
    day += dt.timedelta(days=rng.randint(0, 3))
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _act(case, action, users, rng):
    extra = {}
    if action in ("request_supplement",):
        extra = {"note": "缺材料", "supplement": [case.materials.order_by("id").first().code]}
    elif action in ("deny", "refuse"):
        extra = {"note": "不符合条件"}
    elif action in ("accept", "resubmit"):
        extra = {"materials": {m.code: "received" for m in case.materials.all()}}
    elif action == "deliver":
        extra = {"delivery_method": rng.choice(["window", "electronic", "electronic"])}
    for actor in (users["clerk"], users[f"reviewer-{case.department.code}"]):
        try:
            return case_services.act(actor, case.pk, case_services.ActionInput(action=action, **extra))
        except (Forbidden, Conflict, InvalidInput):
            continue
    return None


def random_history(users, today, seed, cases=24):
    rng = random.Random(seed)
    for n in range(cases):
        code, answers = rng.choice(ITEMS)
        materials = {m.code: "received" for m in checklist(published_item(code), answers).materials}
        filed_by = rng.choice(["clerk", "citizen"])
        case, _ = case_services.submit_case(
            users[filed_by],
            case_services.Submission(
                item=code,
                answers=answers,
                channel="window" if filed_by == "clerk" else rng.choice(["online", "mobile"]),
                materials=materials if filed_by == "clerk" else {},
                applicant=case_services.Applicant(
                    name=f"申请人{n}", id_type="resident_id", id_number="11010519491231002X"
                ),
            ),
        )
        for _step in range(rng.randint(0, 7)):
            case = Case.objects.get(pk=case.pk)
            allowed = [a for a in states.allowed_actions(case.machine_state()) if a in ACTIONS]
            if not allowed:
                break
            _act(case, rng.choice(allowed), users, rng)
            today.set(_working_day_after(today.day, rng))
        case = Case.objects.get(pk=case.pk)
        if services.expected_round(case) == 1 and rng.random() < 0.8:
            rating = services.rate_case(
                case,
                1,
                services.RatingInput(level=rng.randint(1, 5), channel="pc"),
                rater=case.applicant_user,
            )
            rectification = getattr(rating, "rectification", None)
            if rating.level <= 2:
                rectification = rating.rectification
                if rng.random() < 0.3:
                    appeal = services.appeal(users["supervisor"], rating.pk, "malicious", "恶意")
                    services.rule(users["supervisor"], appeal.pk, rng.random() < 0.5, "裁定")
                for _stage in range(rng.randint(0, 4)):
                    rectification.refresh_from_db()
                    if rectification.stage == "closed":
                        break
                    services.advance(users["supervisor"], rectification.pk, "处理", satisfied=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_running_totals_equal_the_recomputation(cases, users, today, seed):
    random_history(users, today, seed)
    stored = rollups.stored_daily_figures(*EVERYTHING)
    raw = rollups.raw_daily_figures(*EVERYTHING)
    assert stored == raw
    # And both equal the pure definitions applied to every case and rating.
    by_definition = Counter()
    for case in Case.objects.all():
        by_definition += rollups.case_contributions_of(case)
    from onewindow.evaluation.models import Rating

    for rating in Rating.objects.all():
        by_definition += rollups.rating_contributions_in_db(rating.pk)
    in_range = Counter({k: v for k, v in by_definition.items() if EVERYTHING[0] <= k[1] <= EVERYTHING[1]})
    assert +in_range == raw
    # Running cases without a due date yet are counted on a day of their own.
    no_due = (figures.NO_DUE, figures.NO_DUE)
    assert rollups.stored_daily_figures(*no_due) == rollups.raw_daily_figures(*no_due)
    assert raw[next(k for k in raw if k[2] == "submitted")] > 0
    # Rebuilding from the raw rows changes nothing.
    rollups.rebuild(*EVERYTHING)
    assert rollups.stored_daily_figures(*EVERYTHING) == raw


def test_contributions_by_hand():
    day = dt.date(2025, 3, 3)
    facts = figures.CaseFacts(
        department_id=1, status="approved", submitted_on=day, channel="online", first_visit_complete=False,
        decided_on=day + dt.timedelta(days=9), due_date=day + dt.timedelta(days=8), supplement_requests=2,
        working_days_used=6, promised_days=5, materials_total=4, materials_shared=1, materials_digitised=2,
        delivered_on=None, delivery_method="",
    )  # fmt: skip
    found = figures.case_contributions(facts)
    decided = day + dt.timedelta(days=9)
    assert found == Counter({
        (1, day, "submitted"): 1, (1, day, "submitted_online"): 1, (1, day, "intakes_settled"): 1,
        (1, day, "came_back"): 1, (1, decided, "decided"): 1, (1, decided, "working_days_used"): 6,
        (1, decided, "promised_days"): 5, (1, decided, "materials_total"): 4,
        (1, decided, "materials_shared"): 1, (1, decided, "materials_digitised"): 2,
    })  # fmt: skip
    assert figures.delta(found, Counter()) == {k: -v for k, v in found.items()}


def test_a_save_of_fields_the_figures_ignore_costs_no_figure_work(cases, django_assert_num_queries):
    case = Case.objects.first()
    case.number = case.number + "-X"
    with django_assert_num_queries(1):  # the UPDATE alone: no read of the row, no upsert of totals
        case.save(update_fields=["number"])
    case.status = states.WITHDRAWN
    with CaptureQueriesContext(connection) as captured:
        case.save(update_fields=["status"])
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert any("cases_case" in sql for sql in reads)  # the status counts: its old contribution is read
    assert rollups.stored_daily_figures(*EVERYTHING) == rollups.raw_daily_figures(*EVERYTHING)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pending changes are PostgreSQL's")
def test_on_postgresql_changes_wait_as_plain_rows_until_a_read_folds_them_in_once(cases, users, today):
    from onewindow.evaluation.models import DailyFigure, FigureChange

    rollups.fold()
    before = Counter({k: v for k, v in rollups.stored_daily_figures(*EVERYTHING).items()})
    random_history(users, today, seed=7)
    assert FigureChange.objects.exists()  # written as inserts: no department's row was locked
    rows_before_fold = DailyFigure.objects.count()
    assert rollups.fold() > 0 and not FigureChange.objects.exists()
    assert rollups.fold() == 0  # each change is folded in exactly once
    assert DailyFigure.objects.count() >= rows_before_fold
    stored = rollups.stored_daily_figures(*EVERYTHING)
    assert stored == rollups.raw_daily_figures(*EVERYTHING) and stored != before
