"""The running daily figures: kept up to date on every save of a case, rating or rectification,
recomputed from the raw rows on demand, and summed for the index."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.core import clock

from . import figures
from .models import DailyFigure, FigureChange, Rating, Rectification

FIGURE_TABLE = DailyFigure._meta.db_table
CHANGE_TABLE = FigureChange._meta.db_table


# Facts of one row -------------------------------------------------------------------------------

_CASE_FIELDS = (
    "department_id", "status", "submitted_at", "channel", "first_visit_complete", "decided_on", "due_date",
    "supplement_requests", "working_days_used", "promised_days", "materials_total", "materials_shared",
    "materials_digitised", "delivered_at", "delivery_method",
)  # fmt: skip


def _case_facts(values: dict) -> figures.CaseFacts:
    delivered = values["delivered_at"]
    return figures.CaseFacts(
        department_id=values["department_id"],
        status=values["status"],
        submitted_on=timezone.localdate(values["submitted_at"]),
        channel=values["channel"],
        first_visit_complete=values["first_visit_complete"],
        decided_on=values["decided_on"],
        due_date=values["due_date"],
        supplement_requests=values["supplement_requests"],
        working_days_used=values["working_days_used"],
        promised_days=values["promised_days"],
        materials_total=values["materials_total"],
        materials_shared=values["materials_shared"],
        materials_digitised=values["materials_digitised"],
        delivered_on=timezone.localdate(delivered) if delivered else None,
        delivery_method=values["delivery_method"],
    )


def case_contributions_in_db(pk) -> Counter:
    row = Case.objects.filter(pk=pk).values(*_CASE_FIELDS).first() if pk else None
    return figures.case_contributions(_case_facts(row) if row else None)


def case_contributions_of(case: Case) -> Counter:
    return figures.case_contributions(_case_facts({f: getattr(case, f) for f in _CASE_FIELDS}))


def rating_contributions_in_db(pk) -> Counter:
    row = (
        Rating.objects.filter(pk=pk)
        .values(
            "department_id", "rated_on", "level", "excluded", "rectification__stage", "rectification__outcome"
        )
        .first()
        if pk
        else None
    )
    if row is None:
        return Counter()
    return figures.rating_contributions(
        figures.RatingFacts(
            row["department_id"],
            row["rated_on"],
            row["level"],
            row["excluded"],
            rectified=row["rectification__stage"] == "closed"
            and row["rectification__outcome"] == "rectified",
        )
    )


def complaint_contributions_in_db(pk) -> Counter:
    from django.apps import apps

    ticket = apps.get_model("hotline", "Ticket")
    row = (
        ticket.objects.filter(pk=pk).values("department_id", "registered_at", "ticket_type", "status").first()
        if pk
        else None
    )
    if row is None:
        return Counter()
    return figures.complaint_contributions(
        figures.ComplaintFacts(
            row["department_id"], timezone.localdate(row["registered_at"]), row["ticket_type"], row["status"]
        )
    )


# Running totals ----------------------------------------------------------------------------------


# An insert into the totals that adds to the day's row where it exists.
ADD_ON_CONFLICT = "ON CONFLICT (department_id, day) DO UPDATE SET " + ", ".join(
    f"{c} = {FIGURE_TABLE}.{c} + excluded.{c}" for c in figures.COUNTERS
)


def apply(changes: dict) -> None:
    """Adds each (department, day, counter) amount to the running totals: on PostgreSQL as pending
    changes in one insert (folded in by `fold`), elsewhere (one writer at a time) by an upsert per row."""
    rows: dict[tuple, dict] = defaultdict(dict)
    for (department, day, counter), amount in changes.items():
        rows[(department, day)][counter] = amount
    if not rows:
        return
    columns = ", ".join(figures.COUNTERS)
    placeholders = "(" + ", ".join(["%s"] * (2 + len(figures.COUNTERS))) + ")"
    values = [
        [department, day, *(amounts.get(c, 0) for c in figures.COUNTERS)]
        for (department, day), amounts in rows.items()
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {CHANGE_TABLE} (department_id, day, {columns}) "
                f"VALUES {', '.join([placeholders] * len(values))}",
                [value for row in values for value in row],
            )
            return
        upsert = (
            f"INSERT INTO {FIGURE_TABLE} (department_id, day, {columns}) VALUES {placeholders} "
            + ADD_ON_CONFLICT
        )
        for row in values:
            cursor.execute(upsert, row)


def fold() -> int:
    """Adds the pending changes into the running totals and removes them, in one statement: each change
    is taken by exactly one fold, however many run at once. Returns the (department, day) rows touched."""
    if connection.vendor != "postgresql":
        return 0
    columns = ", ".join(figures.COUNTERS)
    sums = ", ".join(f"sum({c})" for c in figures.COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH moved AS (DELETE FROM {CHANGE_TABLE} RETURNING *) "
            f"INSERT INTO {FIGURE_TABLE} (department_id, day, {columns}) "
            f"SELECT department_id, day, {sums} FROM moved GROUP BY department_id, day {ADD_ON_CONFLICT}"
        )
        return cursor.rowcount


# Recomputation from the raw rows --------------------------------------------------------------


def _day_range(field: str, since: dt.date, until: dt.date) -> Q:
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    if until >= dt.date.max - dt.timedelta(days=1):  # up to the "no due date" day: no end
        return Q(**{f"{field}__gte": start})
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def raw_daily_figures(since: dt.date, until: dt.date, department_ids=None) -> Counter:
    """The same counters as `figures`, computed with SQL from the cases and ratings of the days."""
    from django.db import transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A month of a large city is most of a million cases per grouping: with PostgreSQL's
            # default 4 MB each was sorted on disk, more than twice as slow as hashed in memory.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        return _raw_daily_figures(since, until, department_ids)


def _raw_daily_figures(since: dt.date, until: dt.date, department_ids) -> Counter:
    cases = Case.objects.all()
    ratings = Rating.objects.filter(excluded=False, department__isnull=False)
    if department_ids is not None:
        cases, ratings = (
            cases.filter(department_id__in=department_ids),
            ratings.filter(department_id__in=department_ids),
        )
    found: Counter = Counter()

    _count_rows(
        found,
        cases.filter(_day_range("submitted_at", since, until))
        .annotate(day=TruncDate("submitted_at"))
        .values("department_id", "day")
        .annotate(
            submitted=Count("id"),
            submitted_online=Count("id", filter=Q(channel__in=figures.ONLINE_CHANNELS)),
            intakes_settled=Count("id", filter=Q(first_visit_complete__isnull=False)),
            came_back=Count("id", filter=Q(first_visit_complete=False)),
        ),
        "day",
    )
    _count_rows(
        found,
        cases.filter(decided_on__gte=since, decided_on__lte=until)
        .values("department_id", "decided_on")
        .annotate(
            decided=Count("id"),
            decided_on_time=Count("id", filter=Q(due_date__isnull=True) | Q(decided_on__lte=F("due_date"))),
            decided_few_supplements=Count("id", filter=Q(supplement_requests__lte=1)),
            working_days_used=Sum("working_days_used"),
            promised_days=Sum("promised_days"),
            materials_total=Sum("materials_total"),
            materials_shared=Sum("materials_shared"),
            materials_digitised=Sum("materials_digitised"),
        ),
        "decided_on",
    )
    _count_rows(
        found,
        cases.filter(_day_range("delivered_at", since, until))
        .annotate(day=TruncDate("delivered_at"))
        .values("department_id", "day")
        .annotate(
            delivered=Count("id"),
            delivered_electronic=Count("id", filter=Q(delivery_method="electronic")),
        ),
        "day",
    )
    running = cases.filter(status__in=figures.RUNNING)
    due_in_range = Q(due_date__gte=since, due_date__lte=until)
    if since <= figures.NO_DUE <= until:
        due_in_range |= Q(due_date__isnull=True)
    for row in running.filter(due_in_range).values("department_id", "due_date").annotate(n=Count("id")):
        found[(row["department_id"], row["due_date"] or figures.NO_DUE, "running_due")] += row["n"]
    _count_rows(
        found,
        ratings.filter(rated_on__gte=since, rated_on__lte=until)
        .values("department_id", "rated_on")
        .annotate(
            ratings=Count("id"),
            ratings_level_sum=Sum("level"),
            ratings_bad=Count("id", filter=Q(level__in=figures.BAD_LEVELS)),
            ratings_bad_rectified=Count(
                "id",
                filter=Q(
                    level__in=figures.BAD_LEVELS,
                    rectification__stage="closed",
                    rectification__outcome="rectified",
                ),
            ),
        ),
        "rated_on",
    )
    _count_rows(
        found,
        _complaints(department_ids)
        .filter(_day_range("registered_at", since, until))
        .annotate(day=TruncDate("registered_at"))
        .values("department_id", "day")
        .annotate(complaints=Count("id")),
        "day",
    )
    return found


def _complaints(department_ids=None):
    from django.apps import apps

    tickets = (
        apps.get_model("hotline", "Ticket")
        .objects.filter(ticket_type="complaint", department__isnull=False)
        .exclude(status="merged")
    )
    return tickets if department_ids is None else tickets.filter(department_id__in=department_ids)


def stored_daily_figures(since: dt.date, until: dt.date, department_ids=None) -> Counter:
    fold()
    rows = DailyFigure.objects.filter(day__gte=since, day__lte=until)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    return _count_rows(Counter(), rows.values("department_id", "day", *figures.COUNTERS), "day")


def _count_rows(found: Counter, rows, day_field: str) -> Counter:
    """Adds rows of {department_id, <day_field>, counter: value…} to (department, day, counter) keys."""
    for row in rows:
        department, day = row.pop("department_id"), row.pop(day_field)
        for counter, value in row.items():
            if value:
                found[(department, day, counter)] += value
    return found


def rebuild(since: dt.date, until: dt.date) -> int:
    """Replaces the running totals of the days with a recomputation (after bulk loads); returns rows."""
    from django.db import transaction

    raw = raw_daily_figures(since, until)
    with transaction.atomic():
        FigureChange.objects.filter(day__gte=since, day__lte=until).delete()  # in the recomputation
        DailyFigure.objects.filter(day__gte=since, day__lte=until).delete()
        rows: dict[tuple, dict] = defaultdict(dict)
        for (department, day, counter), value in raw.items():
            rows[(department, day)][counter] = value
        DailyFigure.objects.bulk_create(
            [DailyFigure(department_id=d, day=day, **values) for (d, day), values in rows.items()],
            batch_size=2000,
        )
    return len(rows)


def rebuild_all() -> int:
    """Rebuilds every day that has cases, ratings or complaints, and the running cases without a due date."""
    from django.db.models import Max, Min

    bounds = Case.objects.aggregate(
        first=Min("submitted_at"), last_due=Max("due_date"), last_decided=Max("decided_on")
    )
    first_complaint = _complaints().aggregate(first=Min("registered_at"))["first"]
    firsts = [timezone.localdate(f) for f in (bounds["first"], first_complaint) if f]
    if not firsts:
        return 0
    last_rated = Rating.objects.aggregate(last=Max("rated_on"))["last"]
    last = max(d for d in (bounds["last_due"], bounds["last_decided"], last_rated, clock.today()) if d)
    since = min(firsts)
    return rebuild(since, last + dt.timedelta(days=3)) + rebuild(figures.NO_DUE, figures.NO_DUE)


def totals(since: dt.date, until: dt.date) -> dict[int, Counter]:
    """Counters per department over the days, summed in the database from the running totals."""
    fold()
    rows = (
        DailyFigure.objects.filter(day__gte=since, day__lte=until)
        .values("department_id")
        .annotate(**{c: Sum(c) for c in figures.PERIOD_COUNTERS})
    )
    return {row.pop("department_id"): Counter({k: v or 0 for k, v in row.items()}) for row in rows}


def running_now(today: dt.date) -> dict[int, Counter]:
    """Cases whose clock runs, and those of them past their due date, per department."""
    fold()
    rows = (
        DailyFigure.objects.filter(running_due__gt=0)
        .values("department_id")
        .annotate(running=Sum("running_due"), running_overdue=Sum("running_due", filter=Q(day__lt=today)))
    )
    return {row.pop("department_id"): Counter({k: v or 0 for k, v in row.items()}) for row in rows}


# Keeping the running totals up to date ------------------------------------------------------------


_CASE_FIELD_NAMES = frozenset(name.removesuffix("_id") for name in _CASE_FIELDS)


def _counts_for_figures(raw: bool, update_fields) -> bool:
    """A save changes the figures unless it is a fixture load or writes none of their fields (the
    case number written after the insert, say)."""
    if raw:
        return False
    return update_fields is None or any(
        name.removesuffix("_id") in _CASE_FIELD_NAMES for name in update_fields
    )


def _before_case(sender, instance, raw=False, update_fields=None, **kwargs):
    if _counts_for_figures(raw, update_fields):
        instance._figures_before = case_contributions_in_db(instance.pk)


def _after_case(sender, instance, raw=False, update_fields=None, **kwargs):
    if _counts_for_figures(raw, update_fields):
        apply(figures.delta(getattr(instance, "_figures_before", Counter()), case_contributions_of(instance)))


def _before_rating(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._figures_before = rating_contributions_in_db(instance.pk)


def _after_rating(sender, instance, raw=False, **kwargs):
    if not raw:
        apply(
            figures.delta(
                getattr(instance, "_figures_before", Counter()), rating_contributions_in_db(instance.pk)
            )
        )


def _before_rectification(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._figures_before = rating_contributions_in_db(instance.rating_id)


def _after_rectification(sender, instance, raw=False, **kwargs):
    if not raw:
        after = rating_contributions_in_db(instance.rating_id)
        apply(figures.delta(getattr(instance, "_figures_before", Counter()), after))


def _before_ticket(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._figures_before = complaint_contributions_in_db(instance.pk)


def _after_ticket(sender, instance, raw=False, **kwargs):
    if not raw:
        after = complaint_contributions_in_db(instance.pk)
        apply(figures.delta(getattr(instance, "_figures_before", Counter()), after))


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save, pre_save

    hotline_ticket = apps.get_model("hotline", "Ticket")
    pre_save.connect(_before_ticket, sender=hotline_ticket, dispatch_uid="figures-complaint-before")
    post_save.connect(_after_ticket, sender=hotline_ticket, dispatch_uid="figures-complaint-after")

    pre_save.connect(_before_case, sender=Case, dispatch_uid="figures-case-before")
    post_save.connect(_after_case, sender=Case, dispatch_uid="figures-case-after")
    pre_save.connect(_before_rating, sender=Rating, dispatch_uid="figures-rating-before")
    post_save.connect(_after_rating, sender=Rating, dispatch_uid="figures-rating-after")
    pre_save.connect(_before_rectification, sender=Rectification, dispatch_uid="figures-rect-before")
    post_save.connect(_after_rectification, sender=Rectification, dispatch_uid="figures-rect-after")
