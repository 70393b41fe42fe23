"""Reads of hotline tickets: who sees which, their time limit, possible duplicates, the work lists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from onewindow.cases.clock import Clock, clock
from onewindow.catalog.calendars import calendar
from onewindow.catalog.selectors import department_calendar
from onewindow.core import clock as platform_clock
from onewindow.core.models import APPLICANTS, SUPERVISORS, Role, User
from onewindow.core.permissions import NotFound
from onewindow.core.workdays import UnknownYear

from . import similarity, states
from .models import HotlineSettings, Ticket, TicketEvent

DEFAULT_CALENDAR = "CN"  # a ticket not yet dispatched runs on the platform's calendar


def ticket_calendar(ticket: Ticket):
    return department_calendar(ticket.department) if ticket.department_id else calendar(DEFAULT_CALENDAR)


def ticket_clock(ticket: Ticket, today: dt.date | None = None) -> Clock | None:
    """The time limit from the day it started (registration, or reopening), paused by suspensions and
    pushed out by the approved extension; it stops when the caller is replied to."""
    today = today or platform_clock.today()
    started = ticket.clock_started_on
    suspensions = [(s.started_on, s.ended_on) for s in ticket.suspensions.all() if s.started_on >= started]
    try:
        return clock(
            ticket_calendar(ticket),
            started,
            ticket.limit_days,
            today,
            suspensions=suspensions,
            extension_days=ticket.extension_days,
            immediate=ticket.limit_days == 0 and not ticket.extension_days,
            decided_on=ticket.replied_on,
        )
    except UnknownYear:
        return None


def running_clock(ticket: Ticket) -> Clock | None:
    """The time limit while it runs (None once the caller is replied to, or before a calendar exists)."""
    return ticket_clock(ticket) if ticket.status in states.CLOCK_STATES else None


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Agents, supervisors and administrators see every ticket; department staff their department's
    (as lead or helper); callers their own."""
    tickets = Ticket.objects.select_related("department", "region")
    if not user.is_authenticated:
        return tickets.none()
    if user.role in SUPERVISORS or user.role == Role.AGENT:
        return tickets
    if user.role in APPLICANTS:
        return tickets.filter(caller_user=user)
    if user.department_id:
        return tickets.filter(Q(department_id=user.department_id) | Q(helpers=user.department_id)).distinct()
    return tickets.none()


def get_ticket(user: User, number: str) -> Ticket:
    ticket = visible_tickets(user).filter(number=number).prefetch_related("suspensions", "helpers").first()
    if ticket is None:
        raise NotFound(f"no ticket {number}")
    return ticket


def ticket_events(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("at", "id")


def possible_duplicates(ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """Open tickets that may be the same request: the same caller, or a similar text at the same place,
    registered within the duplicate window."""
    window = HotlineSettings.current().duplicate_window_days
    since = ticket.registered_at - dt.timedelta(days=window)
    candidates = (
        Ticket.objects.filter(status__in=states.OPEN_STATES, registered_at__gte=since)
        .exclude(pk=ticket.pk)
        .select_related("department")
        .order_by("-registered_at")
    )
    same_caller = Q()
    if ticket.caller_phone:
        same_caller |= Q(caller_phone=ticket.caller_phone)
    if ticket.caller_user_id:
        same_caller |= Q(caller_user_id=ticket.caller_user_id)
    same_place = Q()
    if ticket.region_id:
        same_place |= Q(region_id=ticket.region_id)
    if ticket.address:
        same_place |= Q(address=ticket.address)
    found = list(candidates.filter(same_caller)[:limit]) if same_caller else []
    if same_place:
        text = f"{ticket.title} {ticket.body}"
        for other in candidates.filter(same_place).exclude(pk__in=[t.pk for t in found])[:200]:
            if similarity.similar(text, f"{other.title} {other.body}"):
                found.append(other)
    return found[:limit]


def dispatch_queue() -> QuerySet[Ticket]:
    """Registered tickets waiting for an agent (returned ones first, then the oldest)."""
    return (
        Ticket.objects.filter(status=states.REGISTERED)
        .select_related("region")
        .order_by("-emergency", "-returns", "registered_at")
    )


def department_inbox(user: User) -> QuerySet[Ticket]:
    tickets = visible_tickets(user).filter(status__in=(states.DISPATCHED, states.SIGNED, states.HANDLED))
    return tickets.order_by("-emergency", "due_date", "id")


def callback_list() -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(status=states.REPLIED).select_related("department").order_by("replied_on", "id")
    )


def supervision_board() -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(status__in=states.CLOCK_STATES)
        .exclude(supervision="")
        .select_related("department")
        .order_by("due_date", "id")
    )


def returns_report(since: dt.date) -> list[dict]:
    """Departments by how often they returned tickets since `since` (the reasons are in the events)."""
    return list(
        TicketEvent.objects.filter(action="return", at__date__gte=since)
        .values("data__department")
        .annotate(returns=Count("id"))
        .order_by("-returns")
    )


def my_requests(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(caller_user=user).select_related("department").order_by("-id")
