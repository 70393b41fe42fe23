"""What each case and each rating adds to the daily figures of its department (pure).

The index sums these counters over a period. The same definitions are kept twice on purpose: here,
applied to each change as it is written (the running totals), and in `rollups.raw_daily_figures`
as SQL over the raw rows (the recomputation). A test checks that both always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from onewindow.cases.states import CLOCK_STATES

ONLINE_CHANNELS = frozenset({"online", "mobile"})
RUNNING = frozenset(CLOCK_STATES)
NO_DUE = dt.date(9999, 12, 31)  # the "day" of running cases without a due date yet
SHARED = frozenset({"shared_data", "passed_on"})
BAD_LEVELS = frozenset({1, 2})

CASE_COUNTERS = (
    "submitted",  # by the day of submission
    "submitted_online",
    "intakes_settled",  # first visit decided (accepted, or sent back for a supplement or refused)
    "came_back",
    "decided",  # by the day of decision
    "decided_on_time",
    "decided_few_supplements",  # at most one supplement request
    "working_days_used",
    "promised_days",
    "materials_total",
    "materials_shared",
    "materials_digitised",
    "delivered",  # by the day of delivery
    "delivered_electronic",
)
RATING_COUNTERS = ("ratings", "ratings_level_sum", "ratings_bad", "ratings_bad_rectified")
COMPLAINT_COUNTERS = ("complaints",)  # hotline complaints, by the day they were registered
PERIOD_COUNTERS = CASE_COUNTERS + RATING_COUNTERS + COMPLAINT_COUNTERS  # counted on the day it happened
# Running cases counted on their due date (not an event): summed over all days it gives the cases
# running now, and over the days before today those overdue, without scanning the cases.
COUNTERS = (*PERIOD_COUNTERS, "running_due")


@dataclass(frozen=True)
class CaseFacts:
    department_id: int
    status: str
    submitted_on: dt.date
    channel: str
    first_visit_complete: bool | None
    decided_on: dt.date | None
    due_date: dt.date | None
    supplement_requests: int
    working_days_used: int | None
    promised_days: int
    materials_total: int
    materials_shared: int
    materials_digitised: int
    delivered_on: dt.date | None
    delivery_method: str


@dataclass(frozen=True)
class RatingFacts:
    department_id: int | None
    rated_on: dt.date
    level: int
    excluded: bool
    rectified: bool


Key = tuple[int, dt.date, str]  # department, day, counter


def case_contributions(case: CaseFacts | None) -> Counter:
    found: Counter = Counter()
    if case is None:
        return found
    d = case.department_id
    found[(d, case.submitted_on, "submitted")] += 1
    if case.channel in ONLINE_CHANNELS:
        found[(d, case.submitted_on, "submitted_online")] += 1
    if case.first_visit_complete is not None:
        found[(d, case.submitted_on, "intakes_settled")] += 1
        if not case.first_visit_complete:
            found[(d, case.submitted_on, "came_back")] += 1
    if case.decided_on is not None:
        day = case.decided_on
        found[(d, day, "decided")] += 1
        if case.due_date is None or case.decided_on <= case.due_date:
            found[(d, day, "decided_on_time")] += 1
        if case.supplement_requests <= 1:
            found[(d, day, "decided_few_supplements")] += 1
        found[(d, day, "working_days_used")] += case.working_days_used or 0
        found[(d, day, "promised_days")] += case.promised_days
        found[(d, day, "materials_total")] += case.materials_total
        found[(d, day, "materials_shared")] += case.materials_shared
        found[(d, day, "materials_digitised")] += case.materials_digitised
    if case.status in RUNNING:
        found[(d, case.due_date or NO_DUE, "running_due")] += 1
    if case.delivered_on is not None:
        found[(d, case.delivered_on, "delivered")] += 1
        if case.delivery_method == "electronic":
            found[(d, case.delivered_on, "delivered_electronic")] += 1
    return +found  # drop zero entries


def rating_contributions(rating: RatingFacts | None) -> Counter:
    found: Counter = Counter()
    if rating is None or rating.excluded or rating.department_id is None:
        return found
    key = (rating.department_id, rating.rated_on)
    found[(*key, "ratings")] += 1
    found[(*key, "ratings_level_sum")] += rating.level
    if rating.level in BAD_LEVELS:
        found[(*key, "ratings_bad")] += 1
        if rating.rectified:
            found[(*key, "ratings_bad_rectified")] += 1
    return found


@dataclass(frozen=True)
class ComplaintFacts:
    """A hotline ticket: a complaint counts against the department it was dispatched to (a merged
    duplicate does not count twice)."""

    department_id: int | None
    registered_on: dt.date
    ticket_type: str
    status: str


def complaint_contributions(ticket: ComplaintFacts | None) -> Counter:
    found: Counter = Counter()
    if ticket and ticket.department_id and ticket.ticket_type == "complaint" and ticket.status != "merged":
        found[(ticket.department_id, ticket.registered_on, "complaints")] += 1
    return found


def delta(before: Counter, after: Counter) -> dict[Key, int]:
    """What to add to the running totals when a row changes from `before` to `after`."""
    keys = set(before) | set(after)
    return {k: after[k] - before[k] for k in keys if after[k] != before[k]}
