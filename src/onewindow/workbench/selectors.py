"""What each role's start page shows: its own work first. Reads only; each figure comes with the
address of the list behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.cases import states
from onewindow.cases.models import Case
from onewindow.cases.selectors import visible_cases
from onewindow.core import clock
from onewindow.core.models import User
from onewindow.hotline import selectors as hotline

RUNNING = (states.ACCEPTED, states.IN_REVIEW)
ENDED = (states.APPROVED, states.DENIED, states.DELIVERED, states.REFUSED, states.WITHDRAWN)


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    url: str = ""


def _cases_url(**query) -> str:
    return reverse("cases") + ("?" + urlencode(query) if query else "")


def applicant(user: User) -> dict:
    """My cases with their clocks; what I must do (supplements, ratings); my appointments."""
    from onewindow.evaluation.services import expected_round, rating_token
    from onewindow.hall.selectors import my_appointments

    mine = visible_cases(user).order_by("-id")
    to_rate = [
        (case, reverse("rate", args=[rating_token(case)]))
        for case in mine.filter(status__in=ENDED)[:20]
        if expected_round(case) == 1
    ][:5]
    return {
        "cases": list(mine[:10]),
        "supplements": list(mine.filter(status=states.SUPPLEMENT_REQUESTED)),
        "to_rate": to_rate,
        "appointments": [a for a in my_appointments(user) if a.date >= clock.today()][:5],
    }


def clerk(user: User) -> dict:
    """My window, today's visitors, cases I took in today, deliveries waiting, online filings to accept."""
    from onewindow.hall.models import Ticket, Window

    today = clock.today()
    mine = visible_cases(user)
    window = Window.objects.select_related("hall").filter(clerk=user).first()
    visitors = Ticket.objects.filter(clerk=user, service_date=today).select_related("category")
    return {
        "window": window,
        "halls": list(user.halls.all()),
        "visitors": list(visitors.order_by("-issued_at")[:10]),
        "visitors_count": visitors.count(),
        "taken_today": list(mine.filter(taken_by=user, submitted_at__date=today).order_by("-id")[:10]),
        "figures": [
            Figure(
                _("Filed online, waiting to be accepted"),
                mine.filter(status=states.SUBMITTED).count(),
                _cases_url(status=states.SUBMITTED),
            ),
            Figure(
                _("Decided, waiting for delivery"),
                mine.filter(status__in=(states.APPROVED, states.DENIED), delivered_at__isnull=True).count(),
                _cases_url(status=states.APPROVED),
            ),
            Figure(
                _("Waiting for a supplement"),
                mine.filter(status=states.SUPPLEMENT_REQUESTED).count(),
                _cases_url(status=states.SUPPLEMENT_REQUESTED),
            ),
        ],
        "to_deliver": list(
            mine.filter(status__in=(states.APPROVED, states.DENIED), delivered_at__isnull=True).order_by(
                "decided_on"
            )[:10]
        ),
    }


def reviewer(user: User) -> dict:
    """My department's queue with late and due-soon cases first; the cases assigned to me."""
    today = clock.today()
    queue = visible_cases(user).filter(status__in=RUNNING).order_by(F("due_date").asc(nulls_last=True), "id")
    return {
        "queue": list(queue[:15]),
        "assigned": list(queue.filter(assignee=user)[:10]),
        "figures": [
            Figure(_("Running in my department"), queue.count(), _cases_url(status=states.IN_REVIEW)),
            Figure(_("Late"), queue.filter(due_date__lt=today).count(), _cases_url(late=1)),
            Figure(
                _("Due within three days"),
                queue.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=3)).count(),
                _cases_url(due_within=3, sort="due"),
            ),
            Figure(
                _("12345 tickets for my department"),
                hotline.department_inbox(user).count(),
                reverse("hotline-inbox"),
            ),
        ],
    }


def agent(user: User) -> dict:
    """The hotline agent's day: tickets waiting for dispatch, callbacks to make, tickets supervised."""
    waiting = hotline.dispatch_queue()
    return {
        "dispatch_queue": list(waiting[:10]),
        "figures": [
            Figure(_("Waiting for dispatch"), waiting.count(), reverse("hotline-desk")),
            Figure(_("Callbacks to make"), hotline.callback_list().count(), reverse("hotline-callbacks")),
            Figure(
                _("Near or past their limit"), hotline.supervision_board().count(), reverse("hotline-desk")
            ),
        ],
    }


def supervisor(user: User) -> dict:
    """The day at a glance: filed and decided today, the on-time rate, waits per hall, bad ratings
    and rectifications near their deadline, the index ranking and its change."""
    from onewindow.evaluation import selectors as evaluation
    from onewindow.hall.models import Hall, Ticket

    today, now = clock.today(), clock.now()
    cases = Case.objects.all()
    last_30 = today - dt.timedelta(days=30)
    decided = cases.filter(decided_on__gt=last_30, decided_on__lte=today, due_date__isnull=False)
    decided_counts = decided.aggregate(
        n=Count("id"), on_time=Count("id", filter=Q(decided_on__lte=F("due_date")))
    )
    on_time = decided_counts["on_time"] / decided_counts["n"] if decided_counts["n"] else None
    index_query = urlencode({"since": last_30 + dt.timedelta(days=1), "until": today})
    halls = []
    for hall in Hall.objects.annotate(
        waiting=Count(
            "tickets", filter=Q(tickets__status=Ticket.Status.WAITING, tickets__service_date=today)
        ),
        oldest=Min(
            "tickets__issued_at", filter=Q(tickets__status=Ticket.Status.WAITING, tickets__service_date=today)
        ),
    ).order_by("position", "code"):
        longest = round((now - hall.oldest).total_seconds() / 60) if hall.oldest else 0
        halls.append((hall, hall.waiting, longest))
    first = today - dt.timedelta(days=13)
    filed = dict(
        cases.filter(submitted_at__date__gte=first, submitted_at__date__lte=today)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    days = [first + dt.timedelta(days=n) for n in range(14)]
    filed_by_day = [(f"{day:%m-%d}", filed.get(day, 0)) for day in days]
    # The last 30 days, compared with the 30 before: early in a month, the month alone says little.
    ranking = evaluation.index_table("department", last_30 + dt.timedelta(days=1), today)
    rectifications = evaluation.rectifications_for(user, "open")
    return {
        "figures": [
            Figure(_("Filed today"), filed.get(today, 0), _cases_url()),
            Figure(_("Decided today"), cases.filter(decided_on=today).count(), _index_url(today, today)),
            Figure(
                _("Running and late"),
                cases.filter(status__in=RUNNING, due_date__lt=today).count(),
                _cases_url(late=1),
            ),
            Figure(
                _("Decided on time, last 30 days"),
                f"{on_time:.1%}" if on_time is not None else "—",
                _index_url(last_30, today),
            ),
            Figure(_("Open rectifications"), rectifications.count(), reverse("rectifications")),
        ],
        "index_query": index_query,
        "halls": halls,
        "filed_by_day": filed_by_day,
        "ranking": ranking,
        "rectifications": list(rectifications[:8]),
        "late_rectifications": evaluation.rectifications_for(user, "late").count(),
    }


def _index_url(since: dt.date, until: dt.date) -> str:
    """The index dashboard for the period: every department's figures, each linking to its cases."""
    return reverse("index") + "?" + urlencode({"since": since, "until": until})
