"""The legal clock of a case, as a pure function of dates.

The clock starts at acceptance; the due date is acceptance + the promised limit (+ an extension) in
the department's working days. Suspensions (supplement requests, expert review, hearings) stop it:
the working days after a suspension starts, up to and including the day it ends, do not count and
push the due date out by exactly that many working days. Immediate items are due the day they are
accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onewindow.core.workdays import Calendar, add_calendar_days, add_working_days, working_days_between


@dataclass(frozen=True)
class Clock:
    due_date: dt.date
    working_days_used: int
    working_days_left: int
    suspended_working_days: int
    late: bool
    # The due date rests on a year whose official calendar is not published yet (core/workdays.py).
    provisional: bool = False


def suspended_days(calendar: Calendar, suspensions, until: dt.date) -> int:
    """Working days inside suspensions [(started, ended or None)], counting open ones up to `until`."""
    total = 0
    for started, ended in suspensions:
        end = min(ended or until, until)
        if end > started:
            total += working_days_between(calendar, started, end)
    return total


def clock(
    calendar: Calendar,
    accepted_on: dt.date,
    promised_days: int,
    today: dt.date,
    *,
    suspensions=(),
    extension_days: int = 0,
    immediate: bool = False,
    calendar_days: bool = False,
    decided_on: dt.date | None = None,
) -> Clock:
    stop = decided_on or today
    paused = suspended_days(calendar, suspensions, stop)
    limit = 0 if immediate else promised_days + extension_days
    if calendar_days:
        paused_calendar = sum(
            max(0, (min(ended or stop, stop) - started).days) for started, ended in suspensions
        )
        due = add_calendar_days(calendar, accepted_on, limit + paused_calendar) if limit else accepted_on
    else:
        due = add_working_days(calendar, accepted_on, limit + paused)
    used = max(0, working_days_between(calendar, accepted_on, stop) - paused)
    return Clock(
        due_date=due,
        working_days_used=used,
        working_days_left=limit - used,
        suspended_working_days=paused,
        late=stop > due,
        provisional=calendar.is_provisional(accepted_on, max(due, stop)),
    )
