"""The hotline's API: register tickets, move them through the loop, read their history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
from typing import Literal

from ninja import Field, Header, Query, Router, Schema, Status

from onewindow.core.auth import bearer
from onewindow.core.models import APPLICANTS
from onewindow.core.pagination import PageParams, paginate

from . import selectors, services, states
from .models import Ticket, TicketChannel, TicketType

router = Router(tags=["hotline"], auth=bearer)


class HotlineTicketIn(Schema):
    ticket_type: Literal[tuple(TicketType.values)]
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=5000)
    channel: Literal[tuple(TicketChannel.values)] = TicketChannel.API
    caller_name: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=32)
    caller_email: str = Field("", max_length=254)
    anonymous: bool = False
    address: str = Field("", max_length=300)
    region: str = Field("", max_length=32, description="Region code")
    latitude: decimal.Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: decimal.Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    emergency: bool = False


class ClockOut(Schema):
    due_date: dt.date
    working_days_used: int
    working_days_left: int
    suspended_working_days: int
    late: bool


class HotlineTicketOut(Schema):
    number: str
    ticket_type: str
    emergency: bool
    channel: str
    status: str
    title: str
    body: str
    caller_name: str
    caller_phone: str = Field(..., description="Masked")
    anonymous: bool
    address: str
    region: str | None
    latitude: decimal.Decimal | None
    longitude: decimal.Decimal | None
    category: str
    suggestions: list = Field(..., description="The model's likeliest [category, confidence] pairs")
    dispatched_by: str
    department: str | None
    helpers: list[str]
    returns: int
    reopened: bool
    handling: str
    reply: str
    answered_at_once: bool
    merged_into: str | None
    satisfied: bool | None
    registered_at: dt.datetime
    limit_days: int
    extension_days: int
    extension_requested_days: int
    supervision: str
    clock: ClockOut | None
    allowed_actions: list[str]


class TicketPage(Schema):
    count: int
    items: list[HotlineTicketOut]


class TicketFilters(PageParams):
    status: Literal[tuple(states.STATES)] | None = None
    department: str | None = Field(None, max_length=32)
    ticket_type: Literal[tuple(TicketType.values)] | None = None


class HotlineActionIn(Schema):
    action: Literal[states.ACTIONS]
    note: str = Field("", max_length=5000)
    department: str = Field("", max_length=32, description="dispatch: the lead department's code")
    helpers: list[str] = Field(
        default_factory=list, max_length=20, description="dispatch: helping departments"
    )
    category: str = Field("", max_length=100, description="dispatch: the ticket's category")
    satisfied: bool | None = Field(None, description="callback: is the caller satisfied?")
    level: int | None = Field(None, ge=1, le=5, description="callback: the caller's rating, 1–5")
    days: int | None = Field(None, ge=1, le=365, description="request_extension: working days")
    article: int | None = Field(None, description="answer: the knowledge article used")
    into: str = Field("", max_length=32, description="merge: the number of the ticket to merge into")


class TicketEventOut(Schema):
    at: dt.datetime
    action: str
    actor_role: str
    from_status: str
    to_status: str
    note: str
    data: dict


def ticket_out(ticket: Ticket, user) -> dict:
    running = selectors.running_clock(ticket)
    staff = user.role not in APPLICANTS
    return {
        **{
            f: getattr(ticket, f)
            for f in (
                "number",
                "ticket_type",
                "emergency",
                "channel",
                "status",
                "title",
                "body",
                "anonymous",
                "address",
                "latitude",
                "longitude",
                "category",
                "dispatched_by",
                "returns",
                "reopened",
                "handling",
                "reply",
                "answered_at_once",
                "satisfied",
                "registered_at",
                "limit_days",
                "extension_days",
                "extension_requested_days",
                "supervision",
            )
        },  # fmt: skip
        "caller_name": ticket.caller_name,
        "caller_phone": ticket.masked_phone,
        "region": ticket.region.code if ticket.region_id else None,
        "suggestions": ticket.suggestions if staff else [],
        "department": ticket.department.code if ticket.department_id else None,
        "helpers": sorted(h.code for h in ticket.helpers.all()),
        "merged_into": ticket.merged_into.number if ticket.merged_into_id else None,
        "clock": dataclasses.asdict(running) if running else None,
        "allowed_actions": states.allowed_actions(ticket.machine_state()) if staff else [],
    }


@router.post(
    "/tickets",
    response={200: HotlineTicketOut, 201: HotlineTicketOut},
    summary="Register a ticket (routed at once if sure); a retry with its Idempotency-Key gets it again",
)
def create_ticket(
    request,
    payload: HotlineTicketIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    ticket, created = services.register_once(
        services.TicketInput(**payload.dict()), request.auth, idempotency_key
    )
    out = ticket_out(selectors.get_ticket(request.auth, ticket.number), request.auth)
    return Status(201 if created else 200, out)


@router.get("/tickets", response=TicketPage, summary="Tickets this user may see, newest first")
def list_tickets(request, filters: Query[TicketFilters]):
    tickets = selectors.visible_tickets(request.auth).prefetch_related("suspensions", "helpers")
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.department:
        tickets = tickets.filter(department__code=filters.department)
    if filters.ticket_type:
        tickets = tickets.filter(ticket_type=filters.ticket_type)
    return paginate(tickets.order_by("-id"), filters, lambda t: ticket_out(t, request.auth))


@router.get(
    "/tickets/{number}", response=HotlineTicketOut, summary="A ticket with its time limit and next actions"
)
def get_ticket(request, number: str):
    return ticket_out(selectors.get_ticket(request.auth, number), request.auth)


@router.post(
    "/tickets/{number}/actions", response=HotlineTicketOut, summary="Dispatch, sign, return, handle, reply…"
)
def ticket_action(request, number: str, payload: HotlineActionIn):
    ticket = selectors.get_ticket(request.auth, number)
    # As it is after the step (a returned ticket leaves the department that returned it).
    return ticket_out(
        services.act(ticket, payload.action, request.auth, **payload.dict(exclude={"action"})), request.auth
    )


@router.get(
    "/tickets/{number}/events", response=list[TicketEventOut], summary="The ticket's history, oldest first"
)
def ticket_history(request, number: str):
    return list(selectors.ticket_events(selectors.get_ticket(request.auth, number)))
