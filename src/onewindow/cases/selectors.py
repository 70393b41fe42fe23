"""Reads of cases: what each role may see, and a case's clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q, QuerySet

from onewindow.catalog.models import DaysUnit, Department, ServiceItem
from onewindow.catalog.selectors import department_calendar, item_rules
from onewindow.core import clock as platform_clock
from onewindow.core import rows, seals
from onewindow.core.models import STAFF, Role, User
from onewindow.core.workdays import UnknownYear, add_working_days

from . import states
from .clock import Clock, clock
from .models import BundleCase, Case, CaseEvent, CaseMaterial, Suspension

# Staff who see every case; the ID numbers they see are unmasked for clerks and reviewers only.
_SEE_ALL = {Role.ADMIN, Role.SUPERVISOR}
# Who may reveal a full ID number or phone (masked until revealed, and each reveal recorded).
SEES_ID_NUMBERS = {Role.ADMIN, Role.CLERK, Role.REVIEWER}


# What a list shows of each case (the API's CaseSummary), read as values: a page of 50 models with
# their items and departments took longer to build than the database took to find them.
SUMMARY_FIELDS = (
    "id",
    "number",
    "status",
    "item__code",
    "item__name",
    "item__translations",
    "item__version",
    "department__code",
    "department__name",
    "department__translations",
    "channel",
    "submitted_at",
    "accepted_on",
    "due_date",
    "due_date_provisional",
    "decided_on",
)


@dataclass(frozen=True)
class Scope:
    """The cases a user may see, as an ORM condition and as the same condition in SQL on `c`."""

    condition: Q
    sql: str = ""
    params: tuple = ()


# A window clerk's service centre: the departments of the regions of the halls they staff.
_CLERK_DEPARTMENTS = (
    "SELECT d.id FROM catalog_department d JOIN hall_hall h ON h.region_id = d.region_id "
    "JOIN hall_hall_staff s ON s.hall_id = h.id WHERE s.user_id = %s"
)


def clerk_centre(user: User) -> QuerySet[Department]:
    """The departments whose cases a window clerk takes in and hands back: those of the regions of the
    halls they staff."""
    return Department.objects.filter(region__halls__staff=user)


def _visibility(user: User) -> Scope | None:
    """What limits `user` to the cases they may see; None when they see none. Supervisors see every
    case; a clerk those their service centre's departments decide or receive and those they took in; a
    reviewer their department's; an applicant their own."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in _SEE_ALL:
        return Scope(Q())
    if user.role == Role.CLERK:
        centre = clerk_centre(user).values("id")
        return Scope(
            Q(department_id__in=centre) | Q(receiving_department_id__in=centre) | Q(taken_by_id=user.pk),
            f" AND (c.department_id IN ({_CLERK_DEPARTMENTS}) OR c.receiving_department_id IN "
            f"({_CLERK_DEPARTMENTS}) OR c.taken_by_id = %s)",
            (user.pk, user.pk, user.pk),
        )
    if user.role == Role.REVIEWER:
        return Scope(Q(department_id=user.department_id), " AND c.department_id = %s", (user.department_id,))
    return Scope(Q(applicant_user_id=user.pk), " AND c.applicant_user_id = %s", (user.pk,))


def visible_cases(user: User) -> QuerySet[Case]:
    cases = Case.objects.select_related("item", "department")
    scope = _visibility(user)
    return cases.none() if scope is None else cases.filter(scope.condition)


def _case_sql() -> str:
    return (
        f"SELECT {rows.columns(Case, 'c')}, {rows.columns(ServiceItem, 'i')}, "
        f"{rows.columns(Department, 'd')}, {rows.columns(User, 'a')} FROM cases_case c "
        "JOIN catalog_serviceitem i ON i.id = c.item_id JOIN catalog_department d ON d.id = c.department_id "
        "LEFT JOIN core_user a ON a.id = c.assignee_id WHERE c.id = %s"
    )


def case_for_detail(user: User, case_id: int) -> Case | None:
    """A case `user` may see, with its item, department, assignee, suspensions and materials loaded:
    what a case's page and its API answer show. Every case read asks, so the SQL is plain (rows.py)."""
    scope = _visibility(user)
    if scope is None:
        return None
    found = rows.fetch_one(
        _case_sql() + scope.sql, [case_id, *scope.params], Case, ServiceItem, Department, User
    )
    if found is None:
        return None
    case, item, department, assignee = found
    for name, related in (("item", item), ("department", department), ("assignee", assignee)):
        rows.attach(case, name, related)
    children = {
        "suspensions": (Suspension, "ORDER BY s.started_on, s.id"),
        "materials": (CaseMaterial, "ORDER BY s.id"),
    }
    for name, (model, order) in children.items():
        sql = f"SELECT {rows.columns(model, 's')} FROM {model._meta.db_table} s WHERE s.case_id = %s {order}"
        rows.prefetched(case, name, [row[0] for row in rows.fetch(sql, [case.pk], model)])
    return case


# What an applicant reads of their case's history: the role that acted, never the person; the notes
# written to them (what to supplement, why refused or denied), not staff's internal notes.
PUBLIC_NOTES = frozenset({"submit", "request_supplement", "refuse", "deny", "resubmit", "withdraw"})
PUBLIC_DATA = frozenset(
    {"supplement", "due_date", "provisional", "from", "new_date", "delivery_method", "material", "channel"}
)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str | None
    actor_role: str
    action: str
    from_status: str
    to_status: str
    note: str
    data: dict


def history_as_seen_by(user: User, case: Case) -> list[HistoryEntry]:
    """The case's history for `user`: staff see all of it, the applicant what is theirs to read."""
    staff = user.role in STAFF
    entries = []
    for event in case_history(case):
        public = staff or event.action in PUBLIC_NOTES
        entries.append(
            HistoryEntry(
                at=event.at,
                actor=(event.actor.username if event.actor else None) if staff else None,
                actor_role=event.actor_role,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                note=event.note if public else "",
                data=event.data if staff else {k: v for k, v in event.data.items() if k in PUBLIC_DATA},
            )
        )
    return entries


def case_history(case: Case) -> list[CaseEvent]:
    """A case's events in order, each with its actor (those of a case just filed: as written)."""
    written = getattr(case, "_prefetched_objects_cache", {}).get("events")
    if written is not None:
        return list(written)
    sql = (
        f"SELECT {rows.columns(CaseEvent, 'e')}, {rows.columns(User, 'u')} FROM cases_caseevent e "
        "LEFT JOIN core_user u ON u.id = e.actor_id WHERE e.case_id = %s ORDER BY e.at, e.id"
    )
    events = []
    for event, actor in rows.fetch(sql, [case.pk], CaseEvent, User):
        rows.attach(event, "actor", actor)
        events.append(event)
    return events


def sees_id_numbers(user: User) -> bool:
    return user.role in SEES_ID_NUMBERS


def record_access(user: User, case: Case, channel: str, reveal: bool = False) -> bool:
    """A staff member's read of a case (its first each day), or a reveal of its full ID number and
    phone (every one); returns whether the numbers may be shown in full. Applicants read their own
    data unrecorded."""
    if user.role not in STAFF:
        return False
    from .models import CaseAccess

    kind = CaseAccess.Kind.REVEAL if reveal and sees_id_numbers(user) else CaseAccess.Kind.READ
    operations = connection.ops
    # One statement, not the ORM's transaction around it: every staff read of a case comes here.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CaseAccess._meta.db_table} (case_id, user_id, kind, day, at, channel) "
            "VALUES (%s, %s, %s, %s, %s, %s)"
            + (" ON CONFLICT DO NOTHING" if kind == CaseAccess.Kind.READ else ""),
            [
                case.pk,
                user.pk,
                kind,
                operations.adapt_datefield_value(platform_clock.today()),
                operations.adapt_datetimefield_value(platform_clock.now()),
                channel,
            ],
        )
    return kind == CaseAccess.Kind.REVEAL


def case_clock(case: Case, today: dt.date | None = None) -> Clock | None:
    """None until the case is accepted (the legal clock starts at acceptance)."""
    if case.accepted_on is None:
        return None
    today = today or platform_clock.today()
    suspensions = [
        (s.started_on, s.ended_on) for s in case.suspensions.all() if s.started_on >= case.accepted_on
    ]
    stopped = case.decided_on
    if stopped is None and case.status not in states.CLOCK_STATES:
        stopped = today  # withdrawn: the clock stops
    return clock(
        department_calendar(case.department),
        case.accepted_on,
        case.promised_days,
        today,
        suspensions=suspensions,
        extension_days=case.extension_days,
        immediate=case.immediate,
        calendar_days=case.item.days_unit == DaysUnit.CALENDAR,
        decided_on=stopped,
    )


def legal_days(case: Case) -> int | None:
    """The legal limit for the case's situation (the item's rules on its answers); None if the item has
    none. The promised limit is stored on the case (`promised_days`)."""
    from onewindow.catalog import rules

    try:
        return rules.resolve(item_rules(case.item), case.answers).limits["legal_days"]
    except rules.AnswersError:  # an answer no longer fits (the case keeps its own version's item)
        return case.item.legal_days


def case_clock_or_error(case: Case, today: dt.date | None = None) -> tuple[Clock | None, str]:
    """For pages and reads: the clock, or why it cannot be computed (a year the calendar does not know)."""
    try:
        return case_clock(case, today), ""
    except UnknownYear as error:
        return None, str(error)


def filter_cases(
    cases: QuerySet[Case],
    *,
    status=None,
    department=None,
    item=None,
    due_within=None,
    late=None,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    today = today or platform_clock.today()
    if status:
        cases = cases.filter(status__in=status if isinstance(status, list | tuple) else [status])
    # The code is looked up in a subquery, not joined: PostgreSQL then plans with the id as a value
    # and walks the (department, status, id) index backwards for a newest-first page (0.1 ms, not 2.4).
    if department:
        cases = cases.filter(department_id=Department.objects.filter(code=department).values("pk")[:1])
    if item:
        cases = cases.filter(item_id__in=ServiceItem.objects.filter(code=item).values("pk"))
    running = Q(status__in=states.CLOCK_STATES)
    if due_within is not None:
        cases = cases.filter(running, due_date__lte=today + dt.timedelta(days=due_within))
    if late is not None:
        is_late = (running & Q(due_date__lt=today)) | Q(
            decided_on__isnull=False, decided_on__gt=F("due_date")
        )
        cases = cases.filter(is_late) if late else cases.exclude(is_late)
    return cases


def come_back_rate(cases: QuerySet[Case], group: str) -> list[dict]:
    """Share of applicants who had to come back (intake supplement or refusal), grouped by item,
    department or month of submission; only cases whose intake is settled count."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    keys = {"item": "item__code", "department": "department__code", "month": "month"}
    settled = cases.filter(first_visit_complete__isnull=False)
    if group == "month":
        settled = settled.annotate(month=TruncMonth("submitted_at"))
    rows = (
        settled.values(keys[group])
        .annotate(cases=Count("id"), came_back=Count("id", filter=Q(first_visit_complete=False)))
        .order_by(keys[group])
    )
    return [
        {
            "key": row[keys[group]].strftime("%Y-%m") if group == "month" else row[keys[group]],
            "cases": row["cases"],
            "came_back": row["came_back"],
            "rate": round(row["came_back"] / row["cases"], 4),
        }
        for row in rows
    ]


def bundle_due_date(parent: BundleCase) -> tuple[dt.date, bool]:
    """Acceptance plus the longest chain of the children's promised days, each in its own calendar;
    and whether that date rests on a provisional year of any of them."""
    children = {c.item.code: c for c in parent.children.select_related("item", "department")}
    finish: dict[str, dt.date] = {}
    pending = dict.fromkeys(children)
    provisional = False
    while pending:
        for code in list(pending):
            child = children[code]
            waits = [w for w in _original_waits(child) if w in children]
            if all(w in finish for w in waits):
                start = max([finish[w] for w in waits], default=parent.accepted_on)
                days = 0 if child.immediate else child.promised_days
                calendar = department_calendar(child.department)
                finish[code] = add_working_days(calendar, start, days)
                provisional |= calendar.is_provisional(parent.accepted_on, finish[code])
                del pending[code]
    return max(finish.values()), provisional


def _original_waits(child: Case) -> list[str]:
    submitted = child.events.filter(action="submit").values_list("data", flat=True).first() or {}
    return submitted.get("waiting_for", [])


@dataclass(frozen=True)
class MaterialView:
    material: CaseMaterial
    copy_verified: bool | None  # the digital copy's signed statement holds; None: no copy
    copy_by_window: bool  # scanned at the window (rather than uploaded by the applicant)
    failed: list = field(default_factory=list)  # the pre-checks a refused upload failed


def materials_with_copies(case: Case, failed: dict | None = None) -> list[MaterialView]:
    """The case's materials with what their digital copies' signed statements say."""
    views = []
    for material in case.materials.all():
        verified, by_window = None, False
        if material.file:
            try:
                statement = seals.check_attestation(material.attestation)
            except seals.AttestationError:
                verified = False
            else:
                verified = (statement.get("case"), statement.get("material"), statement.get("sha256")) == (
                    case.number,
                    material.code,
                    material.sha256,
                )
                by_window = statement.get("role") in STAFF
        views.append(MaterialView(material, verified, by_window, (failed or {}).get(material.code, [])))
    return views
