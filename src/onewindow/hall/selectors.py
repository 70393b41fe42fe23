"""Reads for the hall: the display board, a ticket's place in line, free slots, analytics and the
history a capacity simulation starts from."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from onewindow.core import clock

from . import queueing, rules
from .models import Appointment, Category, Hall, HallEvent, Ticket, Window
from .services import booked_count, hall_calendar, slot_problem, waiting_line

HISTORY_DAYS = 30
MIN_HISTORY = 10  # finished services before a category's own mean replaces its planned time


def public_halls():
    return (
        Hall.objects.select_related("region")
        .prefetch_related("categories")
        .annotate(waiting=Count("tickets", filter=Q(tickets__status=Ticket.Status.WAITING)))
    )


@dataclass(frozen=True)
class BoardCall:
    event_id: int
    number: str
    window: str
    at: dt.datetime
    recall: bool


def board(hall: Hall, last: int = 8) -> dict:
    windows = list(hall.windows.select_related("clerk").order_by("position", "number"))
    serving = {
        t.window_id: t
        for t in Ticket.objects.filter(
            window__hall=hall, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING]
        )
    }
    calls = [
        BoardCall(e.pk, e.data.get("number") or e.ticket.number, e.window.number, e.at, e.action == "recall")
        for e in HallEvent.objects.filter(hall=hall, action__in=["call", "recall"])
        .select_related("window", "ticket")
        .order_by("-id")[:last]
    ]
    return {
        "hall": hall,
        "windows": [(w, serving.get(w.pk)) for w in windows],
        "calls": calls,
        "latest": calls[0].event_id if calls else 0,
        "waiting": Ticket.objects.filter(hall=hall, status=Ticket.Status.WAITING).count(),
    }


def waiting_counts(hall: Hall) -> list[tuple]:
    """(category, tickets waiting) for each of the hall's categories."""
    counts = dict(
        Ticket.objects.filter(hall=hall, status=Ticket.Status.WAITING)
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [(c, counts.get(c.pk, 0)) for c in hall.categories.all()]


def service_minutes(category: Category, now: dt.datetime | None = None) -> float:
    """Mean service time of the category over the last 30 days, or its planned time without history."""
    now = now or clock.now()
    finished = Ticket.objects.filter(
        category=category,
        status=Ticket.Status.DONE,
        finished_at__gte=now - dt.timedelta(days=HISTORY_DAYS),
    ).values_list("service_started_at", "finished_at")
    seconds = [(end - start).total_seconds() for start, end in finished if start and end]
    if len(seconds) < MIN_HISTORY:
        return float(category.service_minutes)
    return sum(seconds) / len(seconds) / 60


def open_windows_for(category: Category) -> int:
    return (
        Window.objects.filter(hall_id=category.hall_id, state=Window.State.OPEN)
        .filter(Q(kind=Window.Kind.COMPREHENSIVE) | Q(categories=category))
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class TicketStatus:
    ticket: Ticket
    position: int | None
    expected_wait_minutes: float | None
    open_windows: int


def ticket_status(token: str) -> TicketStatus | None:
    ticket = (
        Ticket.objects.select_related("hall", "category", "window", "appointment").filter(token=token).first()
    )
    if ticket is None:
        return None
    while ticket.status == Ticket.Status.TRANSFERRED and hasattr(ticket, "transferred_to"):
        ticket = Ticket.objects.select_related("hall", "category", "window", "appointment").get(
            pk=ticket.transferred_to.pk
        )
    if ticket.status != Ticket.Status.WAITING:
        return TicketStatus(ticket, None, None, 0)
    now = clock.now()
    waiting = waiting_line(ticket.hall_id, [ticket.category_id], ticket.target_window_id)
    place = rules.position(ticket.waiting(), waiting, now, ticket.hall.tolerance)
    windows = 1 if ticket.target_window_id else open_windows_for(ticket.category)
    wait = rules.expected_wait_minutes(place, service_minutes(ticket.category, now), windows)
    return TicketStatus(ticket, place, wait, windows)


# Appointments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    start: dt.time
    free: int
    problem: str | None  # why it cannot be booked, or None


def slots(category: Category, day: dt.date) -> list[Slot]:
    now = clock.now()
    hall = category.hall
    found = []
    for start in rules.day_slots(hall.hours, hall.slot_minutes):
        problem = slot_problem(hall, day, start, now)
        free = max(0, category.appointment_capacity - booked_count(category, day, start))
        found.append(Slot(start, free, problem.message if problem else None))
    return found


def bookable_days(hall: Hall) -> list[dt.date]:
    today = clock.today()
    calendar = hall_calendar(hall)
    days = [today + dt.timedelta(days=n) for n in range(hall.booking_days_ahead + 1)]
    return [d for d in days if calendar.knows(d) and calendar.is_working_day(d)]


def my_appointments(user):
    return (
        Appointment.objects.filter(applicant_user=user)
        .select_related("hall", "category")
        .order_by("-starts_at")
    )


# Analytics -----------------------------------------------------------------------------------

GROUPS = ("hall", "category", "window", "clerk", "hour", "weekday", "date")


def tickets_between(hall: Hall | None, since: dt.date, until: dt.date):
    """Tickets of the days from `since` to `until` (both included) that were called."""
    tickets = Ticket.objects.filter(service_date__gte=since, service_date__lte=until, called_at__isnull=False)
    if hall is not None:
        tickets = tickets.filter(hall=hall)
    return tickets.select_related("hall", "category", "window", "clerk").order_by("issued_at", "id")


def _group_of(ticket: Ticket, group: str) -> str:
    issued = timezone.localtime(ticket.issued_at)
    return {
        "hall": lambda: ticket.hall.code,
        "category": lambda: f"{ticket.category.prefix} {ticket.category.name}",
        "window": lambda: ticket.window.number if ticket.window else "",
        "clerk": lambda: ticket.clerk.username if ticket.clerk else "",
        "hour": lambda: f"{issued.hour:02d}:00",
        "weekday": lambda: str(issued.isoweekday()),
        "date": lambda: ticket.service_date.isoformat(),
    }[group]()


@dataclass(frozen=True)
class ReportRow:
    group: str
    tickets: int
    waits: rules.Distribution
    services: rules.Distribution


def wait_report(tickets, group: str, target_minutes: int) -> list[ReportRow]:
    """Waits (issue → call) and services (start → finish) per group, in seconds, from the tickets."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}")
    waits, services, counts = defaultdict(list), defaultdict(list), defaultdict(int)
    for ticket in tickets:
        key = _group_of(ticket, group)
        counts[key] += 1
        waits[key].append(ticket.wait_seconds)
        if ticket.service_seconds is not None:
            services[key].append(ticket.service_seconds)
    target = target_minutes * 60
    return [
        ReportRow(key, counts[key], rules.distribution(waits[key], target), rules.distribution(services[key]))
        for key in sorted(counts)
    ]


def wait_histogram(tickets, bucket_minutes: int = 5, buckets: int = 8) -> list[tuple[str, int]]:
    """Counts of waits per bucket (0–5, 5–10, … minutes), the last bucket open-ended."""
    counts = [0] * buckets
    for ticket in tickets:
        index = min(int(ticket.wait_seconds // (bucket_minutes * 60)), buckets - 1)
        counts[index] += 1
    labels = [f"{i * bucket_minutes}–{(i + 1) * bucket_minutes}" for i in range(buckets - 1)]
    return list(zip([*labels, f"≥{(buckets - 1) * bucket_minutes}"], counts, strict=True))


# Capacity planning -----------------------------------------------------------------------------


def hall_model(hall: Hall, since: dt.date, until: dt.date) -> queueing.HallModel:
    """Arrival rates per category and opening hour, and service times, as observed in the history;
    the hall's windows and their categories as they are now."""
    categories = list(hall.categories.all())
    tickets = list(
        Ticket.objects.filter(
            hall=hall, service_date__gte=since, service_date__lte=until, transferred_from__isnull=True
        ).values_list(
            "category__code", "issued_at", "service_started_at", "finished_at", "status", "service_date"
        )
    )
    days = max(1, len({row[5] for row in tickets}))
    hours = queueing.opening_hours(hall.opens_at, hall.closes_at)
    arrivals = {c.code: [0.0] * len(hours) for c in categories}
    samples: dict[str, list[float]] = {c.code: [] for c in categories}
    for code, issued, started, finished, status, _day in tickets:
        hour = timezone.localtime(issued).hour
        if hour in hours:
            arrivals[code][hours.index(hour)] += 1 / days
        if status == Ticket.Status.DONE and started and finished:
            samples[code].append((finished - started).total_seconds() / 60)
    service = {
        c.code: queueing.ServiceTime.observed(samples[c.code])
        if len(samples[c.code]) >= MIN_HISTORY
        else queueing.ServiceTime(float(c.service_minutes))
        for c in categories
    }
    windows = [
        queueing.WindowModel(
            w.number,
            None if w.kind == Window.Kind.COMPREHENSIVE else frozenset(c.code for c in w.categories.all()),
        )
        for w in hall.windows.prefetch_related("categories")
    ]
    return queueing.HallModel(
        opens_hour=hours[0], arrivals=arrivals, service=service, windows=windows, days_observed=days
    )
