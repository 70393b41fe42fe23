"""Writes to hotline tickets. Every change goes through `act` (or `register`): one transaction, the
state machine, one history entry and one outbox event."""

from __future__ import annotations

import datetime as dt
import decimal
import secrets
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from onewindow.cases.notifications import send_notice
from onewindow.catalog.models import Department, Region
from onewindow.core import clock, events, idempotency, rows
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import APPLICANTS, SUPERVISORS, Role, User
from onewindow.core.permissions import Conflict, Forbidden

from . import dispatch, hotspots, selectors, states
from .models import (
    CategoryRoute,
    HotlineSettings,
    IdempotencyRecord,
    Supervision,
    Ticket,
    TicketChannel,
    TicketEvent,
    TicketSuspension,
    TicketType,
)

TICKET_PREFIX = "12345"


@dataclass
class TicketInput:
    ticket_type: str
    title: str
    body: str
    channel: str = TicketChannel.PHONE
    caller_name: str = ""
    caller_phone: str = ""
    caller_email: str = ""
    anonymous: bool = False
    address: str = ""
    region: str = ""  # region code
    latitude: decimal.Decimal | None = None
    longitude: decimal.Decimal | None = None
    emergency: bool = False


def coordinate(text: str | None) -> decimal.Decimal | None:
    """A latitude or longitude typed as text (forms, Open311), to six decimals; None when empty,
    ValueError when it is not a finite number ("nan" would fail every comparison later)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = decimal.Decimal(text).quantize(decimal.Decimal("0.000001"))
    except (decimal.InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a number")
    return value


def _input_errors(data: TicketInput) -> tuple[list[FieldError], Region | None]:
    errors = []
    if data.ticket_type not in TicketType.values:
        errors.append(FieldError("ticket_type", f"one of {', '.join(TicketType.values)}"))
    if data.channel not in TicketChannel.values:
        errors.append(FieldError("channel", f"one of {', '.join(TicketChannel.values)}"))
    for name, longest in (("title", 200), ("body", 5000)):
        value = getattr(data, name).strip()
        if not value:
            errors.append(FieldError(name, "required"))
        elif len(value) > longest:
            errors.append(FieldError(name, f"at most {longest} characters"))
    for name, longest in (("caller_name", 100), ("caller_phone", 32), ("address", 300)):
        if len(getattr(data, name)) > longest:
            errors.append(FieldError(name, f"at most {longest} characters"))
    phone = data.caller_phone.strip()
    if phone and not phone.lstrip("+").replace("-", "").replace(" ", "").isdigit():
        errors.append(FieldError("caller_phone", "digits only (with + - or spaces)"))
    if data.caller_email and ("@" not in data.caller_email or len(data.caller_email) > 254):
        errors.append(FieldError("caller_email", "not an email address"))
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = getattr(data, name)
        if value is not None and not (-bound <= value <= bound):
            errors.append(FieldError(name, f"between -{bound} and {bound}"))
    if (data.latitude is None) != (data.longitude is None):
        errors.append(
            FieldError("longitude" if data.longitude is None else "latitude", "give both or neither")
        )
    region = None
    if data.region:
        region = Region.objects.filter(code=data.region).first()
        if region is None:
            errors.append(FieldError("region", f"no region {data.region!r}"))
    return errors, region


def input_errors(data: TicketInput) -> list[FieldError]:
    return _input_errors(data)[0]


def register_once(data: TicketInput, user: User, idempotency_key: str | None) -> tuple[Ticket, bool]:
    """`register` for a client that may retry: (ticket, created); the same key and request give the
    first ticket again, the same key with another request a Conflict."""
    digest = idempotency.request_hash(data)
    return idempotency.once(
        IdempotencyRecord, user, idempotency_key, digest, "ticket", lambda: register(data, user)
    )


def register(data: TicketInput, user: User | None = None, *, category: str = "") -> Ticket:
    """A new ticket, routed at once by the category the caller chose (an Open311 service), a rule or a
    confident model; else it waits for an agent."""
    errors, region = _input_errors(data)
    routes = {r.category: r for r in CategoryRoute.objects.select_related("department")}
    if category and category not in routes:
        errors.append(FieldError("category", f"no category {category!r}"))
    if errors:
        raise InvalidInput(errors)
    config = HotlineSettings.current()
    suggestions = dispatch.suggestions_for(data.title, data.body)
    routing = (
        dispatch.Routing(category, None, suggestions, "service")
        if category
        else dispatch.decide(
            dispatch.rule_category(
                f"{data.title} {data.body}", [(c, r.keyword_list()) for c, r in routes.items()]
            ),
            suggestions,
            config.auto_dispatch_threshold,
            set(routes),
        )
    )
    now = clock.now()
    caller = user if user is not None and user.is_authenticated and user.role in APPLICANTS else None
    with events.atomic():
        ticket = Ticket.objects.create(
            number=secrets.token_hex(8),  # replaced below, once the id is known
            ticket_type=data.ticket_type,
            emergency=data.emergency,
            channel=data.channel,
            title=data.title.strip(),
            body=data.body.strip(),
            words=hotspots.topic_words(f"{data.title} {data.body}"),
            anonymous=data.anonymous,
            caller_user=caller,
            caller_name="" if data.anonymous else data.caller_name.strip(),
            caller_phone=data.caller_phone.strip(),
            caller_email=data.caller_email.strip(),
            address=data.address.strip(),
            region=region,
            latitude=data.latitude,
            longitude=data.longitude,
            predicted_category=routing.suggestions[0][0] if routing.suggestions else "",
            confidence=routing.confidence,
            suggestions=routing.suggestions,
            registered_at=now,
            clock_started_on=clock.today(),
            limit_days=config.limit_for(data.ticket_type, data.emergency),
        )
        ticket.number = f"{TICKET_PREFIX}-{clock.today():%Y%m%d}-{ticket.pk:06d}"
        _refresh_clock(ticket, [])
        ticket.save(update_fields=["number", "due_date"])
        actor = user if user is not None and user.is_authenticated else None
        _record(ticket, actor, "register", "", ticket.status, "", {"channel": ticket.channel})
        if routing.by:
            route = routes[routing.category]
            _dispatch(ticket, None, route.department, [], routing.category, routing.by)
    return ticket


def _refresh_clock(ticket: Ticket, suspensions) -> None:
    rows.prefetched(ticket, "suspensions", list(suspensions))
    running = selectors.ticket_clock(ticket)
    ticket.due_date = running.due_date if running else None


def _role(user: User | None) -> str:
    if user is None:
        return "system"
    if user.role in APPLICANTS:
        return "caller"
    return user.role


def _record(ticket: Ticket, actor: User | None, action: str, from_status: str, to_status: str, note, data):
    entry = TicketEvent.objects.create(
        ticket=ticket,
        at=clock.now(),
        actor=actor,
        actor_role=_role(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    events.record(
        f"ticket.{action}",
        subject=f"ticket:{ticket.number}",
        department=ticket.department.code if ticket.department_id else "",
        payload={
            "ticket": ticket.number,
            "type": ticket.ticket_type,
            "action": action,
            "from_status": from_status,
            "status": to_status,
            "category": ticket.category,
            "due_date": ticket.due_date.isoformat() if ticket.due_date else None,
            "at": entry.at.isoformat(),
            "actor_role": entry.actor_role,
        },
    )
    return entry


def _dispatch(ticket, actor, department, helpers, category, by) -> None:
    before = ticket.status
    ticket.status = states.DISPATCHED
    ticket.department, ticket.category, ticket.dispatched_by = department, category or ticket.category, by
    _refresh_clock(ticket, ticket.suspensions.all())
    ticket.save()
    ticket.helpers.set(helpers)
    data = {"department": department.code, "helpers": [h.code for h in helpers], "by": by}
    if ticket.category:
        data["category"] = ticket.category
    _record(ticket, actor, "dispatch", before, ticket.status, "", data)


def _check_actor(ticket: Ticket, action: str, user: User) -> None:
    if user.role not in states.ACTION_ROLES[action]:
        raise Forbidden(f"a {user.role} cannot {action} a ticket")
    if user.role == Role.REVIEWER:
        helper = ticket.helpers.filter(pk=user.department_id).exists()
        if action == "assist" and not helper:
            raise Forbidden("only a helping department assists")
        if action != "assist" and ticket.department_id != user.department_id:
            raise Forbidden("this ticket is another department's")


def _department(code: str, field: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise InvalidInput([FieldError(field, f"no department {code!r}")])
    return department


def _tell_callers(ticket: Ticket, message: str, **values) -> list[str]:
    """`message` (with %(number)s) to the caller, and to the callers of the tickets merged into this one
    (they share its handling); the channels used for this ticket's own caller."""
    used = None
    for each in (ticket, *ticket.merged.all()):
        subject = _("12345 hotline: your request %(number)s") % {"number": each.number}
        text = message % {"number": each.number, **values}
        channels = send_notice(subject, text, email=each.caller_email, phone=each.caller_phone)
        used = channels if used is None else used
    return used


def act(
    ticket: Ticket,
    action: str,
    user: User,
    *,
    note: str = "",
    department: str = "",
    helpers: list[str] | tuple = (),
    category: str = "",
    satisfied: bool | None = None,
    level: int | None = None,
    days: int | None = None,
    article: int | None = None,
    into: str = "",
) -> Ticket:
    """Takes one step of the closed loop; Conflict (with the allowed actions) when it is not possible now,
    InvalidInput naming the field when something it needs is missing."""
    if action not in states.ACTIONS:
        raise InvalidInput([FieldError("action", f"one of {', '.join(states.ACTIONS)}")])
    note = (note or "").strip()
    if action in states.NEEDS_NOTE and not note:
        raise InvalidInput([FieldError("note", "required for this action")])
    if len(note) > 5000:
        raise InvalidInput([FieldError("note", "at most 5000 characters")])
    with events.atomic():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("department").get(pk=ticket.pk)
        suspensions = list(ticket.suspensions.all())
        rows.prefetched(ticket, "suspensions", suspensions)  # machine_state() reads the same list
        _check_actor(ticket, action, user)
        try:
            after = states.next_state(ticket.machine_state(), action, satisfied=satisfied)
        except states.IllegalTransition as error:
            raise Conflict(str(error), error.allowed) from None
        before = ticket.status
        today = clock.today()
        data: dict = {}
        if action == "dispatch":
            lead = _department(department, "department")
            helping = [_department(code, "helpers") for code in helpers if code != lead.code]
            if category and not CategoryRoute.objects.filter(category=category).exists():
                raise InvalidInput([FieldError("category", f"no category {category!r}")])
            _dispatch(ticket, user, lead, helping, category, "agent")
            return ticket
        if action == "return":
            data["department"] = ticket.department.code
            ticket.returns += 1
            ticket.department, ticket.handler = None, None
            ticket.helpers.clear()
        elif action == "sign":
            ticket.handler = user
        elif action == "suspend":
            suspensions.append(
                TicketSuspension.objects.create(ticket=ticket, reason=note[:500], started_on=today)
            )
        elif action == "resume":
            for suspension in suspensions:
                if suspension.ended_on is None:
                    suspension.ended_on = today
                    suspension.save(update_fields=["ended_on"])
        elif action == "request_extension":
            longest = HotlineSettings.current().max_extension_days
            if not days or not 1 <= days <= longest:
                raise InvalidInput([FieldError("days", f"between 1 and {longest} working days")])
            ticket.extension_requested_days = data["days"] = days
        elif action == "approve_extension":
            ticket.extension_days, ticket.extension_requested_days = ticket.extension_requested_days, 0
            data["days"] = ticket.extension_days
        elif action == "reject_extension":
            ticket.extension_requested_days = 0
        elif action == "handle":
            ticket.handling = note
        elif action == "reply":
            ticket.reply, ticket.replied_on = note, today
            data["notified"] = _tell_callers(
                ticket, _("Reply to your request %(number)s: %(reply)s"), reply=note
            )
        elif action == "callback":
            data.update(_callback(ticket, satisfied, level, note))
            if after.status == states.DISPATCHED:  # reopened, to the same department, with a new limit
                ticket.reopened, ticket.replied_on, ticket.clock_started_on = True, None, today
                ticket.handler = None
        elif action == "answer":
            data.update(_answer_with(ticket, article))
            ticket.reply, ticket.answered_at_once = note, True
        elif action == "merge":
            target = _merge_target(ticket, into)
            ticket.merged_into, data["into"] = target, target.number
        elif action == "supervise":
            ticket.supervision = Supervision.ORDERED
        ticket.status = after.status
        if after.status == states.CLOSED:
            ticket.closed_at = clock.now()
            if action != "callback" or satisfied:
                data["notified"] = _tell_callers(
                    ticket, _("Your request %(number)s is closed. Thank you for calling 12345.")
                )
        _refresh_clock(ticket, suspensions)
        ticket.save()
        _record(ticket, user, action, before, ticket.status, note, data)
    return ticket


def _callback(ticket: Ticket, satisfied: bool, level: int | None, note: str) -> dict:
    from onewindow.evaluation.models import BAD_LEVELS, RatingChannel
    from onewindow.evaluation.services import RatingInput, rate_hotline_ticket

    level = level or (4 if satisfied else 2)
    if (level not in BAD_LEVELS) != satisfied:
        raise InvalidInput([FieldError("level", "a satisfied caller rates 3 to 5, an unhappy one 1 or 2")])
    ticket.satisfied = satisfied
    rating = rate_hotline_ticket(
        ticket, RatingInput(level=level, channel=RatingChannel.PHONE, text=note[:1000])
    )
    return {"satisfied": satisfied, "level": level, "rating_id": rating.pk}


def _answer_with(ticket: Ticket, article_id: int | None) -> dict:
    if article_id is None:
        return {}
    from onewindow.knowledge.selectors import published
    from onewindow.knowledge.services import record_answer

    article = published().filter(pk=article_id).first()
    if article is None:
        raise InvalidInput([FieldError("article", f"no published article {article_id}")])
    ticket.article = article
    record_answer(article)
    return {"article": article.pk}


def _merge_target(ticket: Ticket, number: str) -> Ticket:
    target = Ticket.objects.filter(number=number).first() if number else None
    if target is None:
        raise InvalidInput([FieldError("into", f"no ticket {number!r}")])
    if target.pk == ticket.pk or target.status not in states.OPEN_STATES:
        raise InvalidInput([FieldError("into", "merge into another open ticket")])
    return target


def supervise_due(today: dt.date | None = None) -> int:
    """Marks running tickets near or past their limit (督办) and tells the supervisors about those that
    just went past it; returns how many marks changed."""
    today = today or clock.today()
    config = HotlineSettings.current()
    changed = 0
    running = Ticket.objects.filter(status__in=states.CLOCK_STATES, due_date__isnull=False).exclude(
        supervision=Supervision.ORDERED
    )
    near_by = today + dt.timedelta(days=config.near_limit_days * 2 + 4)  # wide enough in calendar days
    marked = running.filter(Q(due_date__lte=near_by) | ~Q(supervision=""))
    for ticket in marked.select_related("department").prefetch_related("suspensions"):
        running_clock = selectors.ticket_clock(ticket, today)
        if running_clock is None:
            continue
        if running_clock.late:
            mark = Supervision.OVERDUE
        elif running_clock.working_days_left <= config.near_limit_days:
            mark = Supervision.NEAR
        else:
            mark = Supervision.NONE
        if mark != ticket.supervision:
            with events.atomic():
                Ticket.objects.filter(pk=ticket.pk).update(supervision=mark)
                ticket.supervision = mark
                _record(ticket, None, "supervision", ticket.status, ticket.status, "", {"mark": mark})
                if mark == Supervision.OVERDUE:
                    _escalate(ticket)
            changed += 1
    return changed


def _escalate(ticket: Ticket) -> None:
    text = _("Ticket %(number)s of %(department)s is past its time limit (%(due)s).") % {
        "number": ticket.number,
        "department": ticket.department or "—",
        "due": ticket.due_date,
    }
    for supervisor in User.objects.filter(role__in=SUPERVISORS, is_active=True).exclude(email=""):
        send_notice(_("12345 supervision"), text, email=supervisor.email)
