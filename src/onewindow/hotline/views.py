"""The hotline's pages: the agent desk, a ticket with its next steps, the department inbox, the
callback list, the supervision board, hot spots, and the caller's "My requests"."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.catalog.models import Department, Region
from onewindow.core import clock
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import APPLICANTS, SUPERVISORS, Role
from onewindow.core.params import int_param
from onewindow.core.permissions import Conflict, Forbidden, NotFound
from onewindow.core.views import report_refusal
from onewindow.knowledge import selectors as knowledge
from onewindow.knowledge import services as knowledge_services

from . import dispatch, hotspots, selectors, services, states
from .models import CategoryRoute, HotSpotFix, Ticket, TicketChannel, TicketType

AGENTS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
DEPARTMENT_STAFF = frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN})
TICKET_FIELDS = (
    "ticket_type", "title", "body", "caller_name", "caller_phone", "caller_email", "address", "region",
    "latitude", "longitude",
)  # fmt: skip


def _only(request, roles) -> None:
    if request.user.role not in roles:
        raise Http404(_("This page is for hotline staff."))


def _decimal(value: str, name: str, errors: list):
    try:
        return services.coordinate(value)
    except ValueError:
        errors.append(FieldError(name, _("a number such as 23.020673")))
        return None


def _register(post, channel: str, user):
    """The ticket from a form, or InvalidInput naming every bad field (numbers that do not parse too)."""
    unreadable = []
    data = services.TicketInput(
        ticket_type=post.get("ticket_type", ""),
        title=post.get("title", ""),
        body=post.get("body", ""),
        channel=channel,
        caller_name=post.get("caller_name", ""),
        caller_phone=post.get("caller_phone", ""),
        caller_email=post.get("caller_email", ""),
        anonymous=post.get("anonymous") == "1",
        address=post.get("address", ""),
        region=post.get("region", ""),
        latitude=_decimal(post.get("latitude"), "latitude", unreadable),
        longitude=_decimal(post.get("longitude"), "longitude", unreadable),
        emergency=post.get("emergency") == "1",
    )
    if unreadable:
        raise InvalidInput(unreadable + services.input_errors(data))
    return services.register(data, user)


def _form_context(form, errors) -> dict:
    return {
        "form": form,
        "errors": {e.field: e.message for e in errors},
        "error_list": errors,
        "types": TicketType.choices,
        "regions": Region.objects.order_by("code"),
    }


DESK_CHANNELS = (TicketChannel.PHONE, TicketChannel.SMS, TicketChannel.EMAIL)


@login_required
def desk(request):
    """Register a ticket while on the phone, with the knowledge base beside the form; "Suggest" shows
    the model's likeliest categories and the articles for what was typed so far, without registering."""
    _only(request, AGENTS | {Role.CLERK})
    form = {name: request.POST.get(name, "") for name in (*TICKET_FIELDS, "channel")}
    errors, suggestions = [], []
    query = request.GET.get("q", "").strip()[:300]
    if request.method == "POST" and request.POST.get("preview"):
        suggestions = dispatch.suggestions_for(form["title"], form["body"])
        query = form["title"].strip()[:300] or form["body"].strip()[:60]
    elif request.method == "POST":
        channel = form["channel"] if form["channel"] in DESK_CHANNELS else TicketChannel.PHONE
        try:
            ticket = _register(request.POST, channel, request.user)
        except InvalidInput as error:
            errors = error.errors
        else:
            messages.success(request, _("Ticket %(number)s registered.") % {"number": ticket.number})
            return redirect("hotline-ticket", number=ticket.number)
    found = knowledge.search_articles(query) if query else []
    if query:
        knowledge_services.record_search(query, found, "agent")
    routes = {r.category: r.department for r in CategoryRoute.objects.select_related("department")}
    context = {
        **_form_context(form, errors),
        "query": query,
        "articles": found,
        "suggestions": [(category, confidence, routes.get(category)) for category, confidence in suggestions],
        "channels": [(c, TicketChannel(c).label) for c in DESK_CHANNELS],
        "queue": selectors.dispatch_queue()[:30],
    }
    return render(request, "hotline/desk.html", context, status=422 if errors else 200)


def _visible(request, number) -> Ticket:
    try:
        return selectors.get_ticket(request.user, number)
    except NotFound:
        raise Http404(_("No such ticket.")) from None


@login_required
def ticket_page(request, number):
    ticket = _visible(request, number)
    user = request.user
    running = selectors.running_clock(ticket)
    staff = user.role not in APPLICANTS
    allowed = [
        action
        for action in states.allowed_actions(ticket.machine_state())
        if user.role in states.ACTION_ROLES[action]
    ] if staff else []  # fmt: skip
    query = request.GET.get("q", "").strip()[:300] or (ticket.title if "answer" in allowed else "")
    context = {
        "ticket": ticket,
        "clock": running,
        "events": selectors.ticket_events(ticket) if staff else ticket.events.filter(action__in=PUBLIC_STEPS),
        "allowed": allowed,
        "staff": staff,
        "departments": Department.objects.all(),
        "categories": CategoryRoute.objects.select_related("department"),
        "duplicates": selectors.possible_duplicates(ticket) if "merge" in allowed else [],
        "articles": knowledge.search_articles(query, limit=5) if "answer" in allowed and query else [],
        "query": query,
        "merged": ticket.merged.all(),
        "target": ticket.merged_into,
    }
    return render(request, "hotline/ticket.html", context)


# What a caller sees of their ticket's history: the steps, not the internal notes.
PUBLIC_STEPS = ("register", "dispatch", "sign", "reply", "callback", "close", "answer", "merge")


@login_required
@require_POST
def ticket_act(request, number):
    ticket = _visible(request, number)
    post = request.POST
    action = post.get("action", "")
    try:
        services.act(
            ticket,
            action,
            request.user,
            note=post.get("note", ""),
            department=post.get("department", ""),
            helpers=post.getlist("helpers"),
            category=post.get("category", ""),
            satisfied={"yes": True, "no": False}.get(post.get("satisfied", "")),
            level=int_param(post, "level", None, low=1, high=5),
            days=int_param(post, "days", None, low=1, high=365),
            article=int_param(post, "article", None, low=1, high=2**31),
            into=post.get("into", "").strip(),
        )
    except (InvalidInput, Conflict, Forbidden, NotFound) as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": action})
    if selectors.visible_tickets(request.user).filter(pk=ticket.pk).exists():
        return redirect("hotline-ticket", number=ticket.number)
    return redirect("hotline-inbox")  # returned: no longer this department's


@login_required
def inbox(request):
    _only(request, DEPARTMENT_STAFF)
    tickets = selectors.department_inbox(request.user).prefetch_related("suspensions")[:200]
    return render(request, "hotline/inbox.html", {"tickets": tickets, "today": clock.today()})


@login_required
def callbacks(request):
    _only(request, AGENTS)
    return render(request, "hotline/callbacks.html", {"tickets": selectors.callback_list()[:200]})


@login_required
def supervision(request):
    _only(request, SUPERVISORS)
    since = clock.today() - dt.timedelta(days=90)
    context = {
        "tickets": selectors.supervision_board()[:200],
        "returns": selectors.returns_report(since),
        "extensions": Ticket.objects.filter(extension_requested_days__gt=0).select_related("department"),
        "since": since,
    }
    return render(request, "hotline/supervision.html", context)


@login_required
def hot_spots(request):
    _only(request, SUPERVISORS)
    today = clock.today()
    window = int_param(request.GET, "days", hotspots.WINDOW_DAYS, low=1, high=60)
    found = hotspots.hot_spots_now(today, window)
    fixes = [
        (fix, hotspots.before_and_after(fix.topic, fix.place, fix.fixed_on, today))
        for fix in HotSpotFix.objects.select_related("by")[:20]
    ]
    context = {
        "spots": found,
        "window": window,
        "fixes": fixes,
        "kinds": HotSpotFix.Kind.choices,
        "today": today,
    }
    return render(request, "hotline/hot_spots.html", context)


@login_required
@require_POST
def link_fix(request):
    _only(request, SUPERVISORS)
    post = request.POST
    try:
        hotspots.link_fix(
            request.user,
            topic=post.get("topic", ""),
            place=post.get("place", ""),
            kind=post.get("kind", ""),
            reference=post.get("reference", ""),
            note=post.get("note", ""),
        )
    except InvalidInput as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("The fix is recorded; this page now compares before and after."))
    return redirect("hotline-hot-spots")


@login_required
def my_requests(request):
    return render(request, "hotline/my_requests.html", {"tickets": selectors.my_requests(request.user)[:100]})


def new_request(request):
    """The public web form (a logged-in caller finds it again under "My requests")."""
    form = {name: request.POST.get(name, "") for name in TICKET_FIELDS}
    errors = []
    if request.method == "POST":
        channel = TicketChannel.MOBILE if request.POST.get("mobile") == "1" else TicketChannel.WEB
        try:
            ticket = _register(request.POST, channel, request.user)
        except InvalidInput as error:
            errors = error.errors
        else:
            return render(request, "hotline/registered.html", {"ticket": ticket})
    context = _form_context(form, errors)
    return render(request, "hotline/new_request.html", context, status=422 if errors else 200)


def track(request, token):
    """A ticket's progress by the link sent to the caller (no login: the token is the secret)."""
    ticket = Ticket.objects.filter(tracking_token=token).select_related("department").first()
    if ticket is None:
        raise Http404(_("No such ticket."))
    events = ticket.events.filter(action__in=PUBLIC_STEPS).order_by("at", "id")
    return render(request, "hotline/track.html", {"ticket": ticket, "events": events})
