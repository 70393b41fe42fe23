"""`onewindow demo --live`: the service centre keeps moving while a visitor watches.

Every few seconds one thing happens, through the same services as the pages: a visitor takes a
ticket at the city centre's kiosk, a window calls, starts or finishes a ticket, a case is filed, or
a running case takes its next step (acceptance, review, decision, delivery, rating). The hall moves
in its opening hours only (a closed hall issues no tickets); cases move at any hour. Three clerks
(clerk02 … clerk04) work the first windows, so `clerk` stays free for the visitor.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import threading
from collections import Counter

from django.db import close_old_connections, connections

from onewindow.cases.models import Case
from onewindow.catalog.models import ServiceItem
from onewindow.core import clock
from onewindow.core.models import User
from onewindow.core.workdays import UnknownYear

from . import history

log = logging.getLogger("onewindow.live")
LIVE_CLERKS = ("clerk02", "clerk03", "clerk04")
SERVICE_STEPS = 3  # steps a window spends serving a ticket before it finishes


class _Now:
    """The history's moments, but always now: the live centre runs on the real clock."""

    def next(self) -> dt.datetime:
        return clock.now()


class LiveCentre:
    def __init__(self, seed: int | None = None, hall_code: str = "DG-CENTRE"):
        self.rng = random.Random(seed)
        self.hall_code = hall_code
        self.plans: list[history.Plan] = []
        self.rectifications: list[int] = []
        self.made: Counter = Counter()
        self.serving_steps: Counter = Counter()

    @functools.cached_property
    def users(self) -> dict[str, User]:
        return history.demo_users()

    @functools.cached_property
    def items(self) -> list[ServiceItem]:
        return history.published_items_with_parts()

    def step(self) -> str:
        """One thing happens; a short description of it (empty when nothing could)."""
        from onewindow.hall.models import Hall

        hall = Hall.objects.filter(code=self.hall_code).first()
        if hall is not None and self._hall_open(hall):
            choice = self.rng.random()
            if choice < 0.35:
                return self._visitor_arrives(hall)
            if choice < 0.75:
                return self._windows_work(hall)
        if self.plans and self.rng.random() < 0.6:
            return self._advance_a_case()
        return self._file_a_case()

    def _hall_open(self, hall) -> bool:
        from onewindow.hall.services import is_open

        try:
            return is_open(hall, clock.now())
        except UnknownYear:
            return False

    def _visitor_arrives(self, hall) -> str:
        from onewindow.hall.services import issue_ticket

        categories = list(hall.categories.values_list("code", flat=True))
        ticket = issue_ticket(hall, self.rng.choice(categories))
        self.made["tickets"] += 1
        return f"ticket {ticket.number} taken"

    def _windows_work(self, hall) -> str:
        from onewindow.hall import services as hall_services
        from onewindow.hall.models import Ticket

        windows = list(hall.windows.order_by("number")[: len(LIVE_CLERKS)])
        clerks = {u.username: u for u in User.objects.filter(username__in=LIVE_CLERKS)}
        window = self.rng.choice(windows)
        clerk = clerks.get(LIVE_CLERKS[windows.index(window)])
        if clerk is None:
            return ""
        if window.clerk_id != clerk.pk:
            if window.clerk_id is not None:
                return ""  # a person signed in here: leave their window alone
            hall_services.sign_in(clerk, window.pk)
            return f"{clerk.username} opens window {window.number}"
        ticket = hall_services.current_ticket(window)
        if ticket is None:
            called = hall_services.call_next(clerk)
            if called is None:
                return ""
            self.made["calls"] += 1
            return f"window {window.number} calls {called.number}"
        if ticket.status == Ticket.Status.CALLED:
            hall_services.start_service(clerk, ticket.pk)
            return f"window {window.number} serves {ticket.number}"
        self.serving_steps[ticket.pk] += 1
        if self.serving_steps[ticket.pk] < SERVICE_STEPS:
            return ""
        hall_services.finish_service(clerk, ticket.pk)
        self.made["served"] += 1
        return f"window {window.number} finishes {ticket.number}"

    def _file_a_case(self) -> str:
        plan = history.file_case(
            self.rng, history.CENTRE, self.items, self.users, clock.today(), _Now(), self.made
        )
        if plan is None:
            return ""
        plan.due = clock.today()
        self.plans.append(plan)
        return f"case {_number(plan.case_id)} filed"

    def _advance_a_case(self) -> str:
        plan = self.rng.choice(self.plans)
        today = clock.today()
        before = sum(self.made.values())
        # Every later step is "today": the live centre runs at the visitor's pace, not the law's.
        going = history.advance_case(
            self.rng,
            history.CENTRE,
            plan,
            self.users,
            today,
            [today] * 30,
            _Now(),
            self.made,
            self.rectifications,
        )
        if not going:
            self.plans.remove(plan)
        if sum(self.made.values()) == before:
            return ""
        number, status = Case.objects.values_list("number", "status").get(pk=plan.case_id)
        return f"case {number} is {status}"

    def run(self, stop: threading.Event, pace: float, announce=log.info) -> None:
        """Steps every `pace` seconds (a little more or less) until `stop` is set; `announce` hears
        what happened."""
        try:
            while not stop.wait(pace * self.rng.uniform(0.5, 1.5)):
                close_old_connections()
                try:
                    what = self.step()
                except history.REFUSED_STEPS as refused:
                    what = f"refused: {refused}"
                if what:
                    announce(f"live: {what}")
        finally:
            connections.close_all()


def _number(case_id: int) -> str:
    return Case.objects.values_list("number", flat=True).get(pk=case_id)


def start(pace: float = 4.0, seed: int | None = None, announce=log.info) -> threading.Event:
    """Runs a LiveCentre in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    centre = LiveCentre(seed)
    threading.Thread(target=centre.run, args=(stop, pace, announce), name="live-centre", daemon=True).start()
    return stop
