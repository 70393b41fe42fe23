"""Reads of cases: what each role may see, and a case's clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from onewindow.catalog import cache as catalog_cache
from onewindow.catalog.models import DaysUnit, Department, ServiceItem
from onewindow.catalog.selectors import department_calendar, item_rules
from onewindow.core import clock as platform_clock
from onewindow.core import rows, seals
from onewindow.core.models import STAFF, Role, User
from onewindow.core.workdays import UnknownYear, add_working_days

from . import states
from .clock import Clock, clock
from .models import BundleCase, Case, CaseAccess, CaseEvent, CaseMaterial, Suspension

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


_SUMMARY_ALIASES = {"": ("c", Case), "item": ("i", ServiceItem), "department": ("d", Department)}


@cache
def _summary_fields() -> dict:
    """SUMMARY_FIELDS' names → (table alias in the list's SQL, model field)."""
    found = {}
    for name in SUMMARY_FIELDS:
        owner, _, field = name.rpartition("__")
        alias, model = _SUMMARY_ALIASES[owner]
        found[name] = (alias, model._meta.get_field(field))
    return found


@cache
def _summary_reader(vendor: str):  # the converters differ by database
    return rows.values({name: field for name, (_, field) in _summary_fields().items()})


@cache
def _summary_columns() -> str:
    return ", ".join(f'{alias}."{field.column}"' for alias, field in _summary_fields().values())


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


def _children_sql(model: type, order: str) -> str:
    return f"SELECT {rows.columns(model, 's')} FROM {model._meta.db_table} s WHERE s.case_id = %s {order}"


def case_for_detail(user: User, case_id: int, read_on: str | None = None) -> Case | None:
    """A case `user` may see, with its item, department, assignee, suspensions, materials and history
    loaded: what a case's page and its API answer show. Every case read asks, so the SQL is plain
    (rows.py) and goes to the database as one message (the children of a case the user may not see
    are read and dropped). `read_on`: the channel ("api", "page") of a staff member's read, recorded
    in the same message as `record_access` would."""
    scope = _visibility(user)
    if scope is None:
        return None
    recorded = []
    if read_on and user.role in STAFF:
        recorded.append((*_access_sql(user, case_id, CaseAccess.Kind.READ, read_on, scope), None))
    found, suspensions, materials, events, *_ = rows.fetch_together(
        (
            _case_sql() + scope.sql,
            [case_id, *scope.params],
            rows.instances(Case, ServiceItem, Department, User),
        ),
        (_children_sql(Suspension, "ORDER BY s.started_on, s.id"), [case_id], rows.instances(Suspension)),
        (_children_sql(CaseMaterial, "ORDER BY s.id"), [case_id], rows.instances(CaseMaterial)),
        (_history_sql(), [case_id], rows.instances(CaseEvent, User)),
        # The answer's legal days read the item's rules, kept per catalog stamp: the stamp comes along.
        (catalog_cache.STAMP_SQL, [], catalog_cache.remember_stamp),
        *recorded,
    )
    if not found:
        return None
    case, item, department, assignee = found[0]
    for name, related in (("item", item), ("department", department), ("assignee", assignee)):
        rows.attach(case, name, related)
    rows.prefetched(case, "suspensions", [row[0] for row in suspensions])
    rows.prefetched(case, "materials", [row[0] for row in materials])
    rows.prefetched(case, "events", _with_actors(events))
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


def _history_sql() -> str:
    return (
        f"SELECT {rows.columns(CaseEvent, 'e')}, {rows.columns(User, 'u')} FROM cases_caseevent e "
        "LEFT JOIN core_user u ON u.id = e.actor_id WHERE e.case_id = %s ORDER BY e.at, e.id"
    )


def _with_actors(found: list[tuple]) -> list[CaseEvent]:
    for event, actor in found:
        rows.attach(event, "actor", actor)
    return [event for event, _ in found]


def case_history(case: Case) -> list[CaseEvent]:
    """A case's events in order, each with its actor (as loaded with the case, or as just written)."""
    loaded = getattr(case, "_prefetched_objects_cache", {}).get("events")
    if loaded is not None:
        return list(loaded)
    return _with_actors(rows.fetch(_history_sql(), [case.pk], CaseEvent, User))


def sees_id_numbers(user: User) -> bool:
    return user.role in SEES_ID_NUMBERS


def record_access(user: User, case: Case, channel: str, reveal: bool = False) -> bool:
    """A staff member's read of a case (its first each day), or a reveal of its full ID number and
    phone (every one); returns whether the numbers may be shown in full. Applicants read their own
    data unrecorded. (A plain read can come with the case instead: `case_for_detail(read_on=…)`.)"""
    if user.role not in STAFF:
        return False
    kind = CaseAccess.Kind.REVEAL if reveal and sees_id_numbers(user) else CaseAccess.Kind.READ
    # One statement, not the ORM's transaction around it: every staff read of a case comes here.
    with connection.cursor() as cursor:
        cursor.execute(*_access_sql(user, case.pk, kind, channel, Scope(Q())))
    return kind == CaseAccess.Kind.REVEAL


def _access_sql(user: User, case_id: int, kind: str, channel: str, scope: Scope) -> tuple[str, list]:
    """The record of `user`'s access to the case, written only if the scope lets them see it."""
    operations = connection.ops
    sql = (
        f"INSERT INTO {CaseAccess._meta.db_table} (case_id, user_id, kind, day, at, channel) "
        f"SELECT c.id, %s, %s, %s, %s, %s FROM cases_case c WHERE c.id = %s{scope.sql}"
        + (" ON CONFLICT DO NOTHING" if kind == CaseAccess.Kind.READ else "")
    )
    params = [
        user.pk,
        kind,
        operations.adapt_datefield_value(platform_clock.today()),
        operations.adapt_datetimefield_value(platform_clock.now()),
        channel,
        case_id,
        *scope.params,
    ]
    return sql, params


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


def _filter_sql(table: str, filters: dict, today: dt.date) -> tuple[str, list]:
    """A case list's filters as SQL conditions on `table` (an alias, or the table's own name for the
    ORM), each after " AND ": the API's list runs them in plain SQL, the pages through the ORM, so
    both filter alike. Filters: status (one or a list), department and item (codes), due_within
    (running cases due within so many days), late (True, False)."""
    date = connection.ops.adapt_datefield_value
    sql, params = "", []
    status = filters.get("status")
    if status:
        statuses = list(status) if isinstance(status, list | tuple) else [status]
        sql += f" AND {table}.status IN ({', '.join(['%s'] * len(statuses))})"
        params += statuses
    # The code is looked up in a subquery, not joined: PostgreSQL then plans with the id as a value
    # and walks the (department, status, id) index backwards for a newest-first page (0.1 ms, not 2.4).
    if filters.get("department"):
        sql += f" AND {table}.department_id = (SELECT id FROM catalog_department WHERE code = %s LIMIT 1)"
        params.append(filters["department"])
    if filters.get("item"):
        sql += f" AND {table}.item_id IN (SELECT id FROM catalog_serviceitem WHERE code = %s)"
        params.append(filters["item"])
    running = f"{table}.status IN ({', '.join(['%s'] * len(states.CLOCK_STATES))})"
    if filters.get("due_within") is not None:
        sql += f" AND {running} AND {table}.due_date <= %s"
        params += [*states.CLOCK_STATES, date(today + dt.timedelta(days=filters["due_within"]))]
    if filters.get("late") is not None:
        # Never NULL (a case without a due date is not late), so that NOT is its exact opposite.
        late = (
            f"COALESCE(({running} AND {table}.due_date < %s) OR ({table}.decided_on IS NOT NULL "
            f"AND {table}.decided_on > {table}.due_date), FALSE)"
        )
        sql += f" AND {late}" if filters["late"] else f" AND NOT {late}"
        params += [*states.CLOCK_STATES, date(today)]
    return sql, params


def filter_cases(cases: QuerySet[Case], *, today: dt.date | None = None, **filters) -> QuerySet[Case]:
    """The cases of `cases` that pass the filters (see `_filter_sql`)."""
    sql, params = _filter_sql(
        connection.ops.quote_name(Case._meta.db_table), filters, today or platform_clock.today()
    )
    if not sql:
        return cases
    return cases.filter(RawSQL(sql.removeprefix(" AND "), params, output_field=BooleanField()))


def case_page(user: User, filters: dict, *, limit: int, before: int | None = None, count_up_to: int):
    """One newest-first page of the cases `user` may see that pass the filters, read as
    SUMMARY_FIELDS, and how many pass (counted up to `count_up_to` + 1): one message to the database,
    in plain SQL (every list of the API asks)."""
    scope = _visibility(user)
    if scope is None:
        return 0, []
    condition, params = _filter_sql("c", filters, platform_clock.today())
    where = f"WHERE TRUE{scope.sql}{condition}"
    params = [*scope.params, *params]
    page_where = where + (" AND c.id < %s" if before is not None else "")
    page_params = params + ([before] if before is not None else [])
    count, page = rows.fetch_together(
        (
            f"SELECT count(*) FROM (SELECT 1 FROM cases_case c {where} LIMIT %s) counted",
            [*params, count_up_to + 1],
            lambda found: found[0][0],
        ),
        (
            f"SELECT {_summary_columns()} FROM cases_case c JOIN catalog_serviceitem i ON i.id = c.item_id "
            f"JOIN catalog_department d ON d.id = c.department_id {page_where} ORDER BY c.id DESC LIMIT %s",
            [*page_params, limit],
            _summary_reader(connection.vendor),
        ),
    )
    return count, page


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
