"""Hall pages: the kiosk, a ticket's live place in line, the display board, the window console,
appointments, and the supervisor's analytics. Every write goes through `services`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onewindow.cases.models import CaseEvent
from onewindow.core import charts, clock
from onewindow.core.errors import InvalidInput
from onewindow.core.exports import SafeCsvWriter
from onewindow.core.models import SUPERVISORS, Role
from onewindow.core.params import FIRST_DATE, date_param, int_param
from onewindow.core.permissions import Conflict, Forbidden, NotFound, Throttled
from onewindow.core.views import report_refusal

from . import queueing, selectors, services
from .models import Hall, Priority, Ticket, Window

APPLICANTS = {Role.CITIZEN, Role.ENTERPRISE}


def _hall(code: str) -> Hall:
    return get_object_or_404(Hall, code=code)


def hall_list(request):
    return render(
        request,
        "hall/list.html",
        {"halls": selectors.public_halls(), "case_number": request.GET.get("case_number", "")[:32]},
    )


# Kiosk and tickets -----------------------------------------------------------------------------


def _kiosk_device(request, hall):
    return services.kiosk_from_cookie(hall, request.COOKIES.get(services.KIOSK_COOKIE, ""))


def kiosk(request, code):
    hall = _hall(code)
    device = _kiosk_device(request, hall)
    staff = services.is_hall_staff(request.user, hall)
    usable = device is not None or staff or settings.ONEWINDOW_OPEN_KIOSKS
    if request.method == "POST":
        try:
            if not settings.ONEWINDOW_OPEN_KIOSKS:
                services.authorize_issuer(hall, request.user, device)
            ticket = services.issue_ticket(
                hall,
                request.POST.get("category", ""),
                request.POST.get("priority") or Priority.NONE,
                source=Ticket.Source.KIOSK,
                actor=request.user,
                device=device,
            )
        except Forbidden as error:
            context = {
                "hall": hall,
                "refusal": str(error),
                "idle_seconds": settings.ONEWINDOW_KIOSK_IDLE_SECONDS,
            }
            return render(request, "hall/kiosk.html", context, status=403)
        except (InvalidInput, Conflict, Throttled) as error:
            report_refusal(request, error)
            return redirect("hall-kiosk", code=hall.code)
        return redirect(reverse("hall-ticket", args=[ticket.token]) + "?new=1")
    return render(
        request,
        "hall/kiosk.html",
        {
            "hall": hall,
            "idle_seconds": settings.ONEWINDOW_KIOSK_IDLE_SECONDS,
            "usable": usable,
            "may_enrol": staff and device is None,
            "categories": hall.categories.all(),
            "priorities": [(v, label) for v, label in Priority.choices if v != Priority.APPOINTMENT],
        },
    )


@login_required
@require_POST
def kiosk_enrol(request, code):
    """Staff make the screen they stand at a kiosk of the hall (a long-lived cookie), then sign out."""
    hall = _hall(code)
    try:
        device, cookie = services.enroll_kiosk(hall, request.user, request.POST.get("name", ""))
    except (Forbidden, InvalidInput) as error:
        report_refusal(request, error)
        return redirect("hall-kiosk", code=hall.code)
    response = redirect("hall-kiosk", code=hall.code)
    response.set_cookie(
        services.KIOSK_COOKIE,
        cookie,
        max_age=5 * 365 * 24 * 3600,
        httponly=True,
        secure=request.is_secure(),
        samesite="Strict",
    )
    messages.success(
        request,
        _("This screen is now the kiosk “%(name)s”. Sign out before leaving it.") % {"name": device.name},
    )
    return response


def check_in(request, code, appointment_code=""):
    """The kiosk's check-in form, and the address an appointment's QR code opens."""
    hall = _hall(code)
    if request.method == "POST":
        try:
            ticket = services.check_in(hall, request.POST.get("code", ""), actor=request.user)
        except InvalidInput as error:
            report_refusal(request, error)
            return redirect("hall-kiosk", code=hall.code)
        return redirect(reverse("hall-ticket", args=[ticket.token]) + "?new=1")
    context = {
        "hall": hall,
        "code": appointment_code.upper(),
        "idle_seconds": settings.ONEWINDOW_KIOSK_IDLE_SECONDS,
    }
    return render(request, "hall/check_in.html", context)


def ticket_page(request, token):
    status = selectors.ticket_status(token)
    if status is None:
        raise Http404(_("No such ticket."))
    new = request.GET.get("new") == "1"  # just issued at a kiosk: the kiosk's page, back to its start
    return render(
        request,
        "hall/ticket.html",
        {
            "base_template": "hall/_kiosk_page.html" if new else "base.html",
            "hall": status.ticket.hall,
            "idle_seconds": settings.ONEWINDOW_KIOSK_IDLE_SECONDS,
            "status": status,
            "ticket": status.ticket,
            "new": new,
            "url": request.build_absolute_uri(reverse("hall-ticket", args=[token])),
        },
    )


# Display board ------------------------------------------------------------------------------


def board(request, code):
    return render(request, "hall/board.html", selectors.board(_hall(code)))


def board_live(request, code):
    """The board's changing part, fetched every few seconds by the board page's script."""
    return render(request, "hall/_board_live.html", selectors.board(_hall(code)))


# Window console ----------------------------------------------------------------------------------


def _staff_only(request):
    if request.user.role not in services.WINDOW_STAFF:
        raise Http404(_("Only window clerks work at windows."))


@login_required
def console(request, code):
    _staff_only(request)
    hall = _hall(code)
    window = Window.objects.filter(clerk=request.user, hall=hall).first()
    current = services.current_ticket(window) if window else None
    filed = []
    if current and current.service_started_at:
        filed = list(
            CaseEvent.objects.filter(actor=request.user, action="submit", at__gte=current.service_started_at)
            .select_related("case")
            .order_by("id")
        )
    waiting = selectors.waiting_counts(hall)
    return render(
        request,
        "hall/console.html",
        {
            "hall": hall,
            "window": window,
            "current": current,
            "filed": [e.case for e in filed],
            "windows": hall.windows.select_related("clerk"),
            "categories": hall.categories.all(),
            "waiting": waiting,
            "max_recalls": hall.max_recalls,
        },
    )


@login_required
@require_POST
def console_act(request, code):
    _staff_only(request)
    hall = _hall(code)
    user, action, post = request.user, request.POST.get("action", ""), request.POST
    ticket_id = int(post["ticket"]) if post.get("ticket", "").isdigit() else 0
    try:
        if action == "sign_in":
            window = hall.windows.filter(pk=int_param(post, "window", 0, high=2**31)).first()
            if window is None:
                raise NotFound(_("No such window."))
            services.sign_in(user, window.pk)
        elif action == "sign_out":
            services.sign_out(user)
        elif action in ("open", "paused"):
            services.set_window_state(user, action)
        elif action == "call":
            if services.call_next(user) is None:
                messages.info(request, _("Nobody is waiting for this window."))
        elif action == "recall":
            services.recall(user, ticket_id)
        elif action == "no_show":
            services.no_show(user, ticket_id)
        elif action == "start":
            services.start_service(user, ticket_id)
        elif action == "finish":
            numbers = post.getlist("cases") + post.get("more_cases", "").replace(",", " ").split()
            services.finish_service(user, ticket_id, numbers)
        elif action == "transfer":
            target = post.get("target", "")
            kind, _sep, value = target.partition(":")
            services.transfer(
                user,
                ticket_id,
                category_code=value if kind == "category" else "",
                window_id=int(value) if kind == "window" and value.isdigit() else None,
            )
        else:
            messages.error(request, _("Unknown action."))
    except (InvalidInput, Conflict, Forbidden, NotFound) as error:
        report_refusal(request, error)
    return redirect("hall-console", code=hall.code)


# Appointments ----------------------------------------------------------------------------------


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
def appointments(request, code):
    """Book (or, with ?reschedule=CODE, move) an appointment: choose a category and day, then a slot."""
    hall = _hall(code)
    if request.user.role not in APPLICANTS:
        raise Http404(_("Appointments are booked by applicants."))
    categories = hall.categories.filter(appointment_capacity__gt=0)
    source = request.POST if request.method == "POST" else request.GET
    moving = source.get("reschedule", "")
    category = categories.filter(code=source.get("category", "")).first()
    days = selectors.bookable_days(hall)
    day = _parse_date(source.get("date", "")) or (days[0] if days else None)
    if request.method == "POST":
        if _parse_date(request.POST.get("date", "")) is None:
            day = None  # a booking names its day: never fall back to the first bookable one
            messages.error(request, _("Choose a day."))
        start = None
        try:
            start = dt.time.fromisoformat(request.POST.get("start", ""))
        except ValueError:
            messages.error(request, _("Choose a time."))
        if start is not None and category is not None and day is not None:
            try:
                if moving:
                    appointment = services.reschedule(request.user, moving, day, start)
                else:
                    appointment = services.book(
                        request.user,
                        hall,
                        category.code,
                        day,
                        start,
                        phone=request.POST.get("phone", "")[:32],
                        case_number=request.POST.get("case_number", "")[:32],
                    )
            except (InvalidInput, Conflict, Forbidden, NotFound) as error:
                report_refusal(request, error)
            else:
                messages.success(
                    request,
                    _("Booked: %(day)s %(time)s, code %(code)s.")
                    % {
                        "day": appointment.date,
                        "time": f"{appointment.start:%H:%M}",
                        "code": appointment.code,
                    },
                )
                return redirect("my-appointments")
        elif category is None:
            messages.error(request, _("Choose a service category."))
    return render(
        request,
        "hall/appointments.html",
        {
            "hall": hall,
            "categories": categories,
            "category": category,
            "days": days,
            "day": day,
            "slots": selectors.slots(category, day) if category and day else [],
            "moving": moving,
            "case_number": source.get("case_number", ""),
        },
    )


@login_required
def my_appointments(request):
    return render(
        request,
        "hall/my_appointments.html",
        {"appointments": selectors.my_appointments(request.user), "now": clock.now()},
    )


@login_required
@require_POST
def appointment_cancel(request, appointment_code):
    try:
        services.cancel(request.user, appointment_code)
        messages.success(request, _("The appointment is cancelled."))
    except (Conflict, NotFound) as error:
        report_refusal(request, error)
    return redirect("my-appointments")


# Analytics ---------------------------------------------------------------------------------------


GROUP_LABELS = {
    "hall": gettext_lazy("Hall"),
    "category": gettext_lazy("Category"),
    "window": gettext_lazy("Window"),
    "clerk": gettext_lazy("Clerk"),
    "hour": gettext_lazy("Hour of the day"),
    "weekday": gettext_lazy("Day of the week (1 = Monday)"),
    "date": gettext_lazy("Date"),
}


def _supervisor_only(request):
    if request.user.role not in SUPERVISORS:
        raise Http404(_("Hall analytics are for supervisors."))


def _period(request) -> tuple[dt.date, dt.date]:
    until = date_param(request.GET, "until") or clock.today()
    since = date_param(request.GET, "since") or max(until - dt.timedelta(days=29), FIRST_DATE)
    return (since, until) if since <= until else (until, since)


@login_required
def analytics(request, code):
    _supervisor_only(request)
    hall = _hall(code)
    since, until = _period(request)
    group = request.GET.get("group") if request.GET.get("group") in selectors.GROUPS else "category"
    tickets = list(selectors.tickets_between(hall, since, until))
    export = request.GET.get("export")
    if export in ("tickets", "report"):
        return _csv(hall, tickets, group, since, until, export)
    report = selectors.wait_report(tickets, group, hall.wait_target_minutes)
    overall = selectors.wait_report(tickets, "hall", hall.wait_target_minutes)
    by_hour = selectors.wait_report(tickets, "hour", hall.wait_target_minutes)
    return render(
        request,
        "hall/analytics.html",
        {
            "hall": hall,
            "since": since,
            "until": until,
            "group": group,
            "groups": GROUP_LABELS.items(),
            "group_label": GROUP_LABELS[group],
            "report": report,
            "overall": overall[0] if overall else None,
            "histogram": charts.bars(selectors.wait_histogram(tickets), _("Tickets by wait (minutes)")),
            "hourly": charts.bars(
                [(row.group, round(row.waits.mean / 60, 1)) for row in by_hour],
                _("Mean wait (minutes) by hour"),
            ),
            "dedicated": hall.windows.filter(kind=Window.Kind.DEDICATED),
            "what_if": _what_if(request, hall, since, until),
        },
    )


def _what_if(request, hall: Hall, since: dt.date, until: dt.date) -> dict | None:
    """ "What if we made these dedicated windows comprehensive": both halls simulated on the history."""
    chosen = request.GET.getlist("comprehensive")
    if not chosen:
        return None
    model = selectors.hall_model(hall, since, until)
    try:
        days = int_param(request.GET, "days", 60, low=1, high=200)
        now_figures = queueing.simulate_hall(model, days=days, seed=1)
        changed = queueing.simulate_hall(model.with_comprehensive(chosen), days=days, seed=1)
    except ValueError as error:
        return {"error": str(error)}
    return {"chosen": chosen, "days": days, "now": now_figures, "changed": changed}


def _csv(hall, tickets, group, since, until, export) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{hall.code}-{export}-{since}-{until}.csv"'
    response.write("\ufeff")  # spreadsheet programs read the Chinese names as UTF-8 with the mark
    out = SafeCsvWriter(response)
    if export == "tickets":
        out.writerow(
            ["date", "number", "category", "priority", "status", "window", "clerk", "issued_at", "called_at",
             "service_started_at", "finished_at", "wait_seconds", "service_seconds"]
        )  # fmt: skip
        local = lambda t: timezone.localtime(t).isoformat() if t else ""  # noqa: E731
        for t in tickets:
            out.writerow(
                [t.service_date, t.number, t.category.code, t.priority, t.status,
                 t.window.number if t.window else "", t.clerk.username if t.clerk else "",
                 local(t.issued_at), local(t.called_at), local(t.service_started_at), local(t.finished_at),
                 t.wait_seconds, "" if t.service_seconds is None else t.service_seconds]
            )  # fmt: skip
        return response
    out.writerow(
        [group, "tickets", "wait_mean_min", "wait_median_min", "wait_p90_min", "wait_max_min",
         "share_within_target", "service_mean_min", "service_median_min"]
    )  # fmt: skip
    for row in selectors.wait_report(tickets, group, hall.wait_target_minutes):
        waits, services_ = row.waits.minutes(), row.services.minutes()
        out.writerow(
            [row.group, row.tickets, waits["mean"], waits["median"], waits["p90"], waits["max"],
             waits["under_target"], services_["mean"], services_["median"]]
        )  # fmt: skip
    return response
