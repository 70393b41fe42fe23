"""The hall's API: tickets for kiosks and apps, the window console's calls, appointments, analytics."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from onewindow.core import clock
from onewindow.core.auth import bearer
from onewindow.core.models import SUPERVISORS
from onewindow.core.permissions import Forbidden, NotFound

from . import rules, selectors, services
from .models import Appointment, Hall, Priority, Ticket, Window

router = Router(tags=["hall"], auth=bearer)


class CategoryOut(Schema):
    code: str
    prefix: str
    name: str
    appointment_capacity: int


class HallOut(Schema):
    code: str
    name: str
    level: str
    address: str
    opens_at: str = Field(..., description="HH:MM")
    closes_at: str = Field(..., description="HH:MM")
    wait_target_minutes: int
    categories: list[CategoryOut]
    waiting: int


class TicketIn(Schema):
    category: str = Field(..., max_length=32)
    priority: Literal[(Priority.NONE, *rules.PRIORITY_GROUPS)] = Priority.NONE


class TicketOut(Schema):
    id: int
    number: str
    hall: str
    category: str
    priority: str
    status: str
    window: str | None
    issued_at: dt.datetime
    position: int | None
    expected_wait_minutes: float | None
    url: str = Field(..., description="The live 'my position' page (printed as the ticket's QR code)")


class WindowActionIn(Schema):
    action: Literal["call", "open", "paused", "sign_out"]


class TicketActionIn(Schema):
    action: Literal["recall", "no_show", "start", "finish", "transfer"]
    cases: list[str] = Field(
        default_factory=list, description="finish: numbers of the cases filed at the visit"
    )
    category: str = Field("", max_length=32, description="transfer: to this category's queue")
    window: int | None = Field(None, description="transfer: to this window (id)")


class WindowOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    clerk: str | None
    ticket: TicketOut | None


class SlotOut(Schema):
    start: str = Field(..., description="HH:MM")
    free: int
    bookable: bool
    problem: str | None


class AppointmentIn(Schema):
    hall: str = Field(..., max_length=32)
    category: str = Field(..., max_length=32)
    date: dt.date
    start: str = Field(
        ..., pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local time of the hall"
    )
    phone: str = Field("", max_length=32)
    case_number: str = Field("", max_length=32)


class RescheduleIn(Schema):
    date: dt.date
    start: str = Field(
        ..., pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local time of the hall"
    )


class AppointmentOut(Schema):
    code: str
    hall: str
    category: str
    date: dt.date
    start: str = Field(..., description="HH:MM")
    status: str
    case_number: str
    check_in_url: str


class CheckInIn(Schema):
    code: str = Field(..., max_length=200, description="The appointment code, or its QR code's address")


class Figures(Schema):
    count: int
    mean: float | None
    median: float | None
    p90: float | None
    max: float | None
    under_target: float | None


class ReportRowOut(Schema):
    group: str
    tickets: int
    wait_minutes: Figures
    service_minutes: Figures


class ReportOut(Schema):
    hall: str
    since: dt.date
    until: dt.date
    group: str
    wait_target_minutes: int
    rows: list[ReportRowOut]


class ReportQuery(Schema):
    since: dt.date | None = None
    until: dt.date | None = None
    group: Literal[selectors.GROUPS] = "category"


def _hall(code: str) -> Hall:
    return get_object_or_404(Hall, code=code)


def _ticket_out(request, ticket: Ticket, status: selectors.TicketStatus | None = None) -> dict:
    status = status or selectors.ticket_status(ticket.token)
    ticket = status.ticket
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "hall": ticket.hall.code,
        "category": ticket.category.code,
        "priority": ticket.priority,
        "status": ticket.status,
        "window": ticket.window.number if ticket.window_id else None,
        "issued_at": ticket.issued_at,
        "position": status.position,
        "expected_wait_minutes": status.expected_wait_minutes,
        "url": request.build_absolute_uri(reverse("hall-ticket", args=[ticket.token])),
    }


def _appointment_out(request, appointment: Appointment) -> dict:
    return {
        "code": appointment.code,
        "hall": appointment.hall.code,
        "category": appointment.category.code,
        "date": appointment.date,
        "start": f"{appointment.start:%H:%M}",
        "status": appointment.status,
        "case_number": appointment.case_number,
        "check_in_url": request.build_absolute_uri(
            reverse("hall-check-in-code", args=[appointment.hall.code, appointment.code])
        ),
    }


@router.get("/halls", response=list[HallOut], summary="Service halls with their categories")
def list_halls(request):
    return [
        {
            **{f: getattr(h, f) for f in ("code", "level", "wait_target_minutes")},
            "opens_at": f"{h.opens_at:%H:%M}",
            "closes_at": f"{h.closes_at:%H:%M}",
            "name": h.tr(),
            "address": h.tr("address"),
            "waiting": h.waiting,
            "categories": [
                {
                    "code": c.code,
                    "prefix": c.prefix,
                    "name": c.tr(),
                    "appointment_capacity": c.appointment_capacity,
                }
                for c in h.categories.all()
            ],
        }
        for h in selectors.public_halls()
    ]


@router.post(
    "/halls/{code}/tickets", response={201: TicketOut}, summary="Issue a queue ticket (the hall's staff)"
)
def take_ticket(request, code: str, payload: TicketIn):
    """For the hall's staff (a reception tablet, say); kiosks use their page, citizens book appointments."""
    hall = _hall(code)
    services.authorize_issuer(hall, request.auth)
    ticket = services.issue_ticket(
        hall, payload.category, payload.priority, source=Ticket.Source.API, actor=request.auth
    )
    return Status(201, _ticket_out(request, ticket))


@router.get(
    "/hall-tickets/{token}", response=TicketOut, auth=None, summary="A queue ticket's place in line (public)"
)
def get_ticket(request, token: str):
    status = selectors.ticket_status(token)
    if status is None:
        raise NotFound("No such ticket")
    return _ticket_out(request, status.ticket, status)


@router.get("/halls/{code}/board", summary="The display board: windows and the latest calls")
def get_board(request, code: str):
    data = selectors.board(_hall(code))
    return {
        "waiting": data["waiting"],
        "windows": [
            {"number": w.number, "state": w.state, "ticket": t.number if t else None}
            for w, t in data["windows"]
        ],
        "calls": [
            {"number": c.number, "window": c.window, "at": c.at, "recall": c.recall} for c in data["calls"]
        ],
    }


def _window_out(request, window: Window) -> dict:
    current = services.current_ticket(window)
    return {
        "id": window.pk,
        "number": window.number,
        "kind": window.kind,
        "state": window.state,
        "clerk": window.clerk.username if window.clerk_id else None,
        "ticket": _ticket_out(request, current) if current else None,
    }


@router.post("/hall-windows/{window_id}/sign-in", response=WindowOut, summary="Sign in to a window")
def window_sign_in(request, window_id: int):
    return _window_out(request, services.sign_in(request.auth, window_id))


@router.post(
    "/hall-windows/mine/actions",
    response={200: WindowOut, 204: None},
    summary="At my window: call the next ticket, open, pause or sign out",
)
def my_window_action(request, payload: WindowActionIn):
    user = request.auth
    if payload.action == "sign_out":
        services.sign_out(user)
        return Status(204, None)
    if payload.action == "call":
        services.call_next(user)
    else:
        services.set_window_state(user, payload.action)
    return _window_out(request, services.current_window(user))


@router.post(
    "/hall-tickets/{ticket_id}/actions", response=TicketOut, summary="Recall, start, finish, transfer…"
)
def ticket_action(request, ticket_id: int, payload: TicketActionIn):
    user = request.auth
    ticket = {
        "recall": lambda: services.recall(user, ticket_id),
        "no_show": lambda: services.no_show(user, ticket_id),
        "start": lambda: services.start_service(user, ticket_id),
        "finish": lambda: services.finish_service(user, ticket_id, payload.cases),
        "transfer": lambda: services.transfer(user, ticket_id, payload.category, payload.window),
    }[payload.action]()
    return _ticket_out(request, ticket)


@router.get(
    "/halls/{code}/slots", response=list[SlotOut], summary="Appointment slots of a day, with free places"
)
def list_slots(request, code: str, category: str, date: dt.date):
    found = selectors.slots(services.category_of(_hall(code), category), date)
    return [
        {
            "start": f"{s.start:%H:%M}",
            "free": s.free,
            "bookable": not s.problem and s.free > 0,
            "problem": s.problem,
        }
        for s in found
    ]


@router.post("/appointments", response={201: AppointmentOut}, summary="Book an appointment")
def book_appointment(request, payload: AppointmentIn):
    appointment = services.book(
        request.auth,
        _hall(payload.hall),
        payload.category,
        payload.date,
        dt.time.fromisoformat(payload.start),
        phone=payload.phone,
        case_number=payload.case_number,
    )
    return Status(201, _appointment_out(request, appointment))


@router.get("/appointments", response=list[AppointmentOut], summary="My appointments, latest first")
def list_appointments(request):
    return [_appointment_out(request, a) for a in selectors.my_appointments(request.auth)]


@router.post("/appointments/{code}/cancel", response=AppointmentOut)
def cancel_appointment(request, code: str):
    return _appointment_out(request, services.cancel(request.auth, code))


@router.post("/appointments/{code}/reschedule", response=AppointmentOut)
def reschedule_appointment(request, code: str, payload: RescheduleIn):
    return _appointment_out(
        request, services.reschedule(request.auth, code, payload.date, dt.time.fromisoformat(payload.start))
    )


@router.post("/halls/{code}/check-in", response={201: TicketOut}, summary="Check an appointment in: a ticket")
def check_in(request, code: str, payload: CheckInIn):
    return Status(201, _ticket_out(request, services.check_in(_hall(code), payload.code, actor=request.auth)))


@router.get(
    "/halls/{code}/analytics", response=ReportOut, summary="Waits and services per group (supervisors)"
)
def hall_analytics(request, code: str, query: Query[ReportQuery]):
    if request.auth.role not in SUPERVISORS:
        raise Forbidden("hall analytics are for supervisors")
    hall = _hall(code)
    until = query.until or clock.today()
    since = query.since or until - dt.timedelta(days=29)
    rows = selectors.wait_report(
        selectors.tickets_between(hall, since, until), query.group, hall.wait_target_minutes
    )
    return {
        "hall": hall.code,
        "since": since,
        "until": until,
        "group": query.group,
        "wait_target_minutes": hall.wait_target_minutes,
        "rows": [
            {
                "group": r.group,
                "tickets": r.tickets,
                "wait_minutes": r.waits.minutes(),
                "service_minutes": r.services.minutes(),
            }
            for r in rows
        ],
    }
