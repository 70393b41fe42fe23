"""Writes to the hall: tickets, windows, calls and appointments. One transaction each, a row lock
where two people could race (the category for numbering and booking, the hall for calling), and one
`HallEvent` per change."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case
from onewindow.catalog.calendars import calendar
from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import SUPERVISORS, Role, User, secret_digest
from onewindow.core.permissions import Conflict, Forbidden, NotFound, Throttled
from onewindow.core.workdays import UnknownYear

from . import rules
from .models import Appointment, Category, Hall, HallEvent, KioskDevice, Priority, Ticket, Window

WINDOW_STAFF = {Role.CLERK, Role.ADMIN}
KIOSK_SALT = "onewindow.kiosk"
KIOSK_COOKIE = "onewindow_kiosk"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed at kiosks


def _log(hall: Hall, action: str, *, actor=None, window=None, ticket=None, appointment=None, **data):
    HallEvent.objects.create(
        hall=hall,
        at=clock.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        window=window,
        ticket=ticket,
        appointment=appointment,
        data=data,
    )


def category_of(hall: Hall, code: str, field: str = "category", lock: bool = False) -> Category:
    categories = Category.objects.select_for_update() if lock else Category.objects
    category = categories.filter(hall=hall, code=code).first()
    if category is None:
        known = ", ".join(hall.categories.values_list("code", flat=True))
        raise InvalidInput(
            [
                FieldError(
                    field,
                    _("Unknown category %(code)s; this hall has: %(known)s") % {"code": code, "known": known},
                )
            ]
        )
    return category


# Tickets -------------------------------------------------------------------------------------


def _new_ticket(category: Category, now: dt.datetime, **fields) -> Ticket:
    """The next number of the category today. The caller holds the category's row lock."""
    day = timezone.localdate(now)
    last = Ticket.objects.filter(
        category=category, service_date=day, transferred_from__isnull=True
    ).aggregate(last=Max("sequence"))["last"]
    sequence = (last or 0) + 1
    return Ticket.objects.create(
        hall_id=category.hall_id,
        category=category,
        service_date=day,
        sequence=sequence,
        number=rules.ticket_number(category.prefix, sequence),
        arrived_at=now,
        issued_at=now,
        **fields,
    )


# Kiosk devices and who may issue tickets -----------------------------------------------------------


def is_hall_staff(user, hall: Hall) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.role in SUPERVISORS:
        return True
    return user.role == Role.CLERK and hall.staff.filter(pk=user.pk).exists()


def enroll_kiosk(hall: Hall, user: User, name: str) -> tuple[KioskDevice, str]:
    """Make the screen `user` stands at a kiosk of `hall`; returns the device and the value of the
    cookie it keeps (its id and secret, signed)."""
    if not is_hall_staff(user, hall):
        raise Forbidden(_("Only the hall's staff enrol kiosks."))
    name = name.strip()[:100]
    if not name:
        raise InvalidInput([FieldError("name", _("Name the device (where it stands)."))])
    secret = secrets.token_urlsafe(24)
    device = KioskDevice.objects.create(
        hall=hall, name=name, secret_digest=secret_digest(secret), enrolled_by=user, enrolled_at=clock.now()
    )
    _log(hall, "enrol_kiosk", actor=user, device=device.pk, name=name)
    return device, signing.dumps({"device": device.pk, "secret": secret}, salt=KIOSK_SALT)


def kiosk_from_cookie(hall: Hall, value: str) -> KioskDevice | None:
    """The active, enrolled device of `hall` that a browser's kiosk cookie names, or None."""
    try:
        data = signing.loads(value or "", salt=KIOSK_SALT)
        device_id, secret = int(data["device"]), str(data["secret"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return KioskDevice.objects.filter(
        pk=device_id, hall=hall, active=True, secret_digest=secret_digest(secret)
    ).first()


def authorize_issuer(hall: Hall, actor=None, device: KioskDevice | None = None) -> None:
    """Tickets come from the hall's enrolled kiosks or its staff, each at most
    ONEWINDOW_TICKETS_PER_MINUTE a minute; nobody else (a citizen's token, a browser at home) takes
    one or claims a priority group. Appointments are the citizens' way in (check-in)."""
    if device is None and not is_hall_staff(actor, hall):
        raise Forbidden(_("Queue tickets are issued at the hall's kiosks or by its staff."))
    since = clock.now() - dt.timedelta(minutes=1)
    recent = Ticket.objects.filter(issued_at__gte=since)
    recent = recent.filter(device=device) if device else recent.filter(issued_by=actor)
    if recent.count() >= settings.ONEWINDOW_TICKETS_PER_MINUTE:
        raise Throttled(_("Too many tickets from here in the last minute; please wait a moment."))


def issue_ticket(
    hall: Hall,
    category_code: str,
    priority: str = Priority.NONE,
    source: str = Ticket.Source.KIOSK,
    actor=None,
    device: KioskDevice | None = None,
) -> Ticket:
    """A ticket for the next place in line. Callers at the boundary (kiosk page, API) check the
    issuer first with authorize_issuer."""
    if priority not in (Priority.NONE, *rules.PRIORITY_GROUPS):
        choices = ", ".join((Priority.NONE, *rules.PRIORITY_GROUPS))
        raise InvalidInput([FieldError("priority", _("Choose one of: %(choices)s") % {"choices": choices})])
    now = clock.now()
    _ensure_open_day(hall, now)
    with transaction.atomic():
        category = category_of(hall, category_code, lock=True)
        issued_by = actor if actor is not None and actor.is_authenticated else None
        ticket = _new_ticket(
            category, now, priority=priority, source=source, device=device, issued_by=issued_by
        )
        _log(hall, "issue", actor=actor, ticket=ticket, number=ticket.number, priority=priority)
    return ticket


def is_open(hall: Hall, now: dt.datetime) -> bool:
    """Whether the hall takes visitors at `now` (UnknownYear past the calendar's last year)."""
    local = timezone.localtime(now)
    return hall_calendar(hall).is_working_day(local.date()) and hall.opens_at <= local.time() < hall.closes_at


def _ensure_open_day(hall: Hall, now: dt.datetime) -> None:
    try:
        open_now = is_open(hall, now)
    except UnknownYear as error:
        raise InvalidInput([FieldError("date", str(error))]) from error
    if not open_now:
        raise Conflict(
            _("The hall is closed now; it opens on working days from %(opens)s to %(closes)s.")
            % {"opens": f"{hall.opens_at:%H:%M}", "closes": f"{hall.closes_at:%H:%M}"}
        )


# Windows -------------------------------------------------------------------------------------


def _check_window_staff(user: User, window: Window) -> None:
    if user.role not in WINDOW_STAFF:
        raise Forbidden(_("Only window clerks work at windows."))
    if user.role == Role.CLERK and not window.hall.staff.filter(pk=user.pk).exists():
        raise Forbidden(_("You are not on the staff of %(hall)s.") % {"hall": window.hall.name})


@transaction.atomic
def sign_in(user: User, window_id: int) -> Window:
    window = Window.objects.select_for_update().select_related("hall").filter(pk=window_id).first()
    if window is None:
        raise NotFound(_("No such window."))
    _check_window_staff(user, window)
    if window.clerk_id not in (None, user.pk):
        raise Conflict(_("Window %(number)s is taken by another clerk.") % {"number": window.number})
    previous = Window.objects.select_for_update().filter(clerk=user).exclude(pk=window.pk).first()
    if previous is not None:
        _sign_out(user, previous)
    window.clerk, window.state = user, Window.State.OPEN
    window.save(update_fields=["clerk", "state"])
    _log(window.hall, "sign_in", actor=user, window=window)
    return window


def _sign_out(user: User, window: Window) -> None:
    if window.tickets.filter(status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING]).exists():
        raise Conflict(_("Finish or hand over the current ticket before leaving the window."))
    window.clerk, window.state = None, Window.State.CLOSED
    window.save(update_fields=["clerk", "state"])
    _log(window.hall, "sign_out", actor=user, window=window)


def current_window(user: User, lock: bool = False) -> Window:
    windows = Window.objects.select_for_update() if lock else Window.objects
    window = windows.select_related("hall").filter(clerk=user).first()
    if window is None:
        raise Conflict(_("Sign in to a window first."), allowed=["sign_in"])
    return window


@transaction.atomic
def sign_out(user: User) -> None:
    _sign_out(user, current_window(user, lock=True))


@transaction.atomic
def set_window_state(user: User, state: str) -> Window:
    if state not in (Window.State.OPEN, Window.State.PAUSED):
        raise InvalidInput([FieldError("state", _("Choose open or paused; sign out to close."))])
    window = current_window(user, lock=True)
    window.state = state
    window.save(update_fields=["state"])
    _log(window.hall, state, actor=user, window=window)
    return window


# Calling -------------------------------------------------------------------------------------


def waiting_line(hall_id: int, category_ids=None, window_id: int | None = None) -> list[rules.Waiting]:
    """The waiting tickets as the calling rules see them, read as plain rows (the hot path of a call).
    With `category_ids` or `window_id`: only those of these categories or transferred to that window."""
    tickets = Ticket.objects.filter(hall_id=hall_id, status=Ticket.Status.WAITING)
    if category_ids is not None:
        mine = Q(category_id__in=category_ids, target_window__isnull=True)
        tickets = tickets.filter(mine | Q(target_window_id=window_id) if window_id is not None else mine)
    rows = tickets.values_list(
        "id", "category__code", "priority", "arrived_at", "appointment__starts_at", "target_window_id",
        "issued_at", "transferred_from_id",
    )  # fmt: skip
    return [
        rules.Waiting(pk, category, priority, arrived, appointment_at, target, issued if moved else None)
        for pk, category, priority, arrived, appointment_at, target, issued, moved in rows
    ]


def current_ticket(window: Window) -> Ticket | None:
    return (
        window.tickets.filter(status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING])
        .select_related("category")
        .first()
    )


def call_next(user: User) -> Ticket | None:
    """The window's next ticket by the calling rules, or None when nobody waits for it."""
    with transaction.atomic():
        window = current_window(user, lock=True)
        # One caller at a time per hall, so two windows never call the same ticket.
        Hall.objects.select_for_update().filter(pk=window.hall_id).first()
        if window.state != Window.State.OPEN:
            raise Conflict(_("Open the window before calling."), allowed=["open"])
        if current_ticket(window) is not None:
            raise Conflict(
                _("Finish the current ticket first."), allowed=["recall", "start", "finish", "transfer"]
            )
        now = clock.now()
        counter = window.counter()
        categories = None
        if counter.categories is not None:
            categories = window.categories.values_list("pk", flat=True)
        line = waiting_line(window.hall_id, categories, window.pk)
        chosen = rules.next_ticket(line, counter, now, window.hall.tolerance)
        if chosen is None:
            return None
        ticket = Ticket.objects.get(pk=chosen.id)
        ticket.status, ticket.window, ticket.clerk, ticket.called_at = Ticket.Status.CALLED, window, user, now
        ticket.save(update_fields=["status", "window", "clerk", "called_at"])
        _log(window.hall, "call", actor=user, window=window, ticket=ticket, number=ticket.number)
        events.record(
            "hall.ticket_called",
            subject=f"ticket:{ticket.pk}",
            payload={
                "hall": window.hall.code,
                "ticket": ticket.number,
                "window": window.number,
                "waited_seconds": int((now - ticket.issued_at).total_seconds()),
            },
        )
    return ticket


def _my_ticket(user: User, ticket_id: int, statuses) -> tuple[Window, Ticket]:
    window = current_window(user, lock=True)
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id, window=window).first()
    if ticket is None:
        raise NotFound(_("No such ticket at your window."))
    if ticket.status not in statuses:
        raise Conflict(
            _("Ticket %(number)s is %(status)s.")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    return window, ticket


@transaction.atomic
def recall(user: User, ticket_id: int) -> Ticket:
    window, ticket = _my_ticket(user, ticket_id, [Ticket.Status.CALLED])
    if ticket.recalls >= window.hall.max_recalls:
        raise Conflict(
            _("Called %(times)s times already: record a no-show.") % {"times": ticket.recalls + 1},
            allowed=["no_show"],
        )
    ticket.recalls += 1
    ticket.save(update_fields=["recalls"])
    _log(window.hall, "recall", actor=user, window=window, ticket=ticket, recalls=ticket.recalls)
    return ticket


@transaction.atomic
def no_show(user: User, ticket_id: int) -> Ticket:
    window, ticket = _my_ticket(user, ticket_id, [Ticket.Status.CALLED])
    if ticket.recalls < window.hall.max_recalls:
        raise Conflict(
            _("Recall the ticket %(left)s more times before recording a no-show.")
            % {"left": window.hall.max_recalls - ticket.recalls},
            allowed=["recall"],
        )
    ticket.status, ticket.finished_at = Ticket.Status.NO_SHOW, clock.now()
    ticket.save(update_fields=["status", "finished_at"])
    _log(window.hall, "no_show", actor=user, window=window, ticket=ticket)
    return ticket


@transaction.atomic
def start_service(user: User, ticket_id: int) -> Ticket:
    window, ticket = _my_ticket(user, ticket_id, [Ticket.Status.CALLED])
    ticket.status, ticket.service_started_at = Ticket.Status.SERVING, clock.now()
    ticket.save(update_fields=["status", "service_started_at"])
    _log(window.hall, "start", actor=user, window=window, ticket=ticket)
    return ticket


def _cases_by_number(numbers: list[str]) -> list[Case]:
    numbers = [n.strip() for n in numbers if n.strip()]
    found = {c.number: c for c in Case.objects.filter(number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise InvalidInput(
            [FieldError("cases", _("No case numbered %(numbers)s") % {"numbers": ", ".join(missing)})]
        )
    return list(found.values())


@transaction.atomic
def finish_service(user: User, ticket_id: int, case_numbers: list[str] = ()) -> Ticket:
    """Ends the service; the cases filed at this visit are linked to the ticket."""
    window, ticket = _my_ticket(user, ticket_id, [Ticket.Status.SERVING])
    cases = _cases_by_number(list(case_numbers)) if case_numbers else []
    ticket.status, ticket.finished_at = Ticket.Status.DONE, clock.now()
    ticket.save(update_fields=["status", "finished_at"])
    ticket.cases.add(*cases)
    _log(
        window.hall, "finish", actor=user, window=window, ticket=ticket, cases=sorted(c.number for c in cases)
    )
    return ticket


@transaction.atomic
def transfer(user: User, ticket_id: int, category_code: str = "", window_id: int | None = None) -> Ticket:
    """Sends the visitor on: to another category's queue (keeping their place by arrival) or to one
    window (called there first). Returns the new ticket, which keeps the number."""
    window, ticket = _my_ticket(user, ticket_id, [Ticket.Status.CALLED, Ticket.Status.SERVING])
    if bool(category_code) == bool(window_id):
        raise InvalidInput([FieldError("category", _("Transfer to a category or to a window, not both."))])
    target_window = None
    if window_id:
        target_window = Window.objects.filter(pk=window_id, hall=window.hall).exclude(pk=window.pk).first()
        if target_window is None:
            raise InvalidInput(
                [FieldError("window", _("No other window %(id)s in this hall.") % {"id": window_id})]
            )
        category = ticket.category
    else:
        category = category_of(window.hall, category_code)
    now = clock.now()
    if ticket.service_started_at is None:
        ticket.service_started_at = now
    ticket.status, ticket.finished_at = Ticket.Status.TRANSFERRED, now
    ticket.save(update_fields=["status", "finished_at", "service_started_at"])
    successor = Ticket.objects.create(
        hall=window.hall,
        category=category,
        service_date=ticket.service_date,
        sequence=ticket.sequence,
        number=ticket.number,
        priority=ticket.priority,
        source=Ticket.Source.TRANSFER,
        arrived_at=ticket.arrived_at,
        issued_at=now,
        transferred_from=ticket,
        target_window=target_window,
    )
    _log(
        window.hall,
        "transfer",
        actor=user,
        window=window,
        ticket=ticket,
        to_category=category.code,
        to_window=target_window.number if target_window else "",
        new_ticket=successor.pk,
    )
    return successor


# Appointments ------------------------------------------------------------------------------


def hall_calendar(hall: Hall):
    return calendar(hall.calendar)


def slot_problem(hall: Hall, day: dt.date, start: dt.time, now: dt.datetime) -> FieldError | None:
    """Why `day` at `start` is not a bookable slot of the hall, or None."""
    today = timezone.localdate(now)
    if day < today or day > today + dt.timedelta(days=hall.booking_days_ahead):
        return FieldError(
            "date", _("Book between today and %(days)s days ahead.") % {"days": hall.booking_days_ahead}
        )
    try:
        working = hall_calendar(hall).is_working_day(day)
    except UnknownYear as error:
        return FieldError("date", str(error))
    if not working:
        return FieldError("date", _("%(day)s is not a working day of this hall.") % {"day": day.isoformat()})
    if start not in rules.day_slots(hall.hours, hall.slot_minutes):
        return FieldError(
            "start", _("%(time)s is not a slot start of this hall.") % {"time": f"{start:%H:%M}"}
        )
    if _starts_at(day, start) <= now:
        return FieldError("start", _("This slot has already started."))
    return None


def _starts_at(day: dt.date, start: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, start))


def booked_count(category: Category, day: dt.date, start: dt.time) -> int:
    return (
        Appointment.objects.filter(category=category, date=day, start=start)
        .exclude(status=Appointment.Status.CANCELLED)
        .count()
    )


def _booking_checks(user: User, category: Category, day: dt.date, start: dt.time, now, exclude=None) -> None:
    hall = category.hall
    problem = slot_problem(hall, day, start, now)
    if problem:
        raise InvalidInput([problem])
    if category.appointment_capacity == 0:
        raise InvalidInput([FieldError("category", _("This category takes no appointments."))])
    if booked_count(category, day, start) >= category.appointment_capacity:
        raise InvalidInput([FieldError("start", _("This slot is full; choose another time."))])
    mine = Appointment.objects.filter(applicant_user=user, status=Appointment.Status.BOOKED)
    if exclude is not None:
        mine = mine.exclude(pk=exclude.pk)
    if mine.filter(category=category, date=day).exists():
        raise InvalidInput(
            [FieldError("date", _("You already have an appointment for this service on that day."))]
        )
    if mine.filter(starts_at__gt=now).count() >= settings.ONEWINDOW_APPOINTMENT_LIMIT:
        raise InvalidInput(
            [
                FieldError(
                    "date",
                    _("At most %(limit)s upcoming appointments per person; cancel one first.")
                    % {"limit": settings.ONEWINDOW_APPOINTMENT_LIMIT},
                )
            ]
        )
    recent_no_shows = Appointment.objects.filter(
        applicant_user=user, status=Appointment.Status.NO_SHOW, starts_at__gte=now - dt.timedelta(days=30)
    ).count()
    if recent_no_shows >= settings.ONEWINDOW_APPOINTMENT_NO_SHOW_LIMIT:
        raise InvalidInput(
            [
                FieldError(
                    "date",
                    _(
                        "Booking is paused after %(count)s missed appointments in 30 days; "
                        "please come without one."
                    )
                    % {"count": recent_no_shows},
                )
            ]
        )


def _is_own_case(user: User, number: str) -> bool:
    from onewindow.cases.models import BundleCase

    return (
        Case.objects.filter(number=number, applicant_user=user).exists()
        or BundleCase.objects.filter(number=number, applicant_user=user).exists()
    )


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Appointment.objects.filter(code=code).exists():
            return code


def book(
    user: User,
    hall: Hall,
    category_code: str,
    day: dt.date,
    start: dt.time,
    name: str = "",
    phone: str = "",
    case_number: str = "",
) -> Appointment:
    if user.role not in (Role.CITIZEN, Role.ENTERPRISE):
        raise Forbidden(_("Appointments are booked by applicants."))
    now = clock.now()
    with transaction.atomic():
        # The category's row lock makes capacity and the per-person limits hold under concurrent bookings.
        category = category_of(hall, category_code, lock=True)
        # Limits count per person: two bookings by one account must not pass the checks side by side.
        User.objects.select_for_update().filter(pk=user.pk).first()
        _booking_checks(user, category, day, start, now)
        if case_number and not _is_own_case(user, case_number):
            raise InvalidInput(
                [
                    FieldError(
                        "case_number", _("You have no case numbered %(number)s.") % {"number": case_number}
                    )
                ]
            )
        appointment = Appointment.objects.create(
            code=_new_code(),
            hall=hall,
            category=category,
            date=day,
            start=start,
            starts_at=_starts_at(day, start),
            applicant_user=user,
            applicant_name=(name or user.get_full_name() or user.username)[:200],
            applicant_phone=phone,
            case_number=case_number,
            booked_at=now,
        )
        _log(hall, "book", actor=user, appointment=appointment, slot=f"{day} {start:%H:%M}")
    return appointment


def _my_appointment(user: User, code: str) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("hall", "category")
        .filter(code=code.strip().upper(), applicant_user=user)
        .first()
    )
    if appointment is None:
        raise NotFound(_("No such appointment."))
    if appointment.status != Appointment.Status.BOOKED or appointment.starts_at <= clock.now():
        raise Conflict(_("Only upcoming booked appointments can be changed."))
    return appointment


@transaction.atomic
def cancel(user: User, code: str) -> Appointment:
    appointment = _my_appointment(user, code)
    appointment.status, appointment.changed_at = Appointment.Status.CANCELLED, clock.now()
    appointment.save(update_fields=["status", "changed_at"])
    _log(appointment.hall, "cancel", actor=user, appointment=appointment)
    return appointment


@transaction.atomic
def reschedule(user: User, code: str, day: dt.date, start: dt.time) -> Appointment:
    appointment = _my_appointment(user, code)
    Category.objects.select_for_update().filter(pk=appointment.category_id).first()
    now = clock.now()
    _booking_checks(user, appointment.category, day, start, now, exclude=appointment)
    before = f"{appointment.date} {appointment.start:%H:%M}"
    appointment.date, appointment.start, appointment.starts_at = day, start, _starts_at(day, start)
    appointment.changed_at = now
    appointment.save(update_fields=["date", "start", "starts_at", "changed_at"])
    _log(
        appointment.hall,
        "reschedule",
        actor=user,
        appointment=appointment,
        before=before,
        after=f"{day} {start:%H:%M}",
    )
    return appointment


def check_in(hall: Hall, code: str, actor=None) -> Ticket:
    """The appointment becomes a ticket with the appointment priority, at most once, only in its
    check-in window. `code` may be the bare code or the check-in address printed as its QR code."""
    code = code.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    now = clock.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("category")
            .filter(code=code, hall=hall)
            .first()
        )
        if appointment is None:
            raise InvalidInput(
                [FieldError("code", _("No appointment %(code)s at this hall.") % {"code": code})]
            )
        if appointment.status != Appointment.Status.BOOKED:
            raise InvalidInput(
                [
                    FieldError(
                        "code",
                        _("This appointment is %(status)s.") % {"status": appointment.get_status_display()},
                    )
                ]
            )
        problem = rules.check_in_problem(
            now, appointment.starts_at, dt.timedelta(minutes=hall.check_in_early_minutes), hall.tolerance
        )
        if problem == "too_early":
            raise InvalidInput(
                [
                    FieldError(
                        "code",
                        _("Check-in opens %(minutes)s minutes before your appointment.")
                        % {"minutes": hall.check_in_early_minutes},
                    )
                ]
            )
        if problem == "too_late":
            raise InvalidInput(
                [FieldError("code", _("Your appointment time has passed; please take a ticket."))]
            )
        Category.objects.select_for_update().filter(pk=appointment.category_id).first()
        ticket = _new_ticket(
            appointment.category,
            now,
            priority=Priority.APPOINTMENT,
            source=Ticket.Source.CHECK_IN,
            appointment=appointment,
        )
        appointment.status, appointment.checked_in_at = Appointment.Status.CHECKED_IN, now
        appointment.save(update_fields=["status", "checked_in_at"])
        _log(hall, "check_in", actor=actor, ticket=ticket, appointment=appointment)
    return ticket


def record_no_shows() -> int:
    """Booked appointments whose check-in closed become no-shows (run every few minutes)."""
    now = clock.now()
    made = 0
    for hall in Hall.objects.all():
        late = Appointment.objects.filter(
            hall=hall, status=Appointment.Status.BOOKED, starts_at__lt=now - hall.tolerance
        )
        with transaction.atomic():
            for appointment in late.select_for_update():
                appointment.status, appointment.changed_at = Appointment.Status.NO_SHOW, now
                appointment.save(update_fields=["status", "changed_at"])
                _log(hall, "appointment_no_show", appointment=appointment)
                made += 1
    return made
