"""Working days: pure arithmetic over a calendar of days off and working weekends.

Calendars: CN (State Council holidays and adjusted working weekends, from `chinesecalendar`),
VN (public holidays, from `holidays`) and WEEKDAYS, each optionally with local overrides (closure
days, extra working days). Counting starts on the working day *after* the start date, as the
administrative time limits do. A date in a year the calendar does not know raises UnknownYear,
never a silent guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

ONE_DAY = dt.timedelta(days=1)
CALENDAR_CODES = ("CN", "VN", "WEEKDAYS")


class UnknownYear(ValueError):
    def __init__(self, calendar: str, day: dt.date, first: int, last: int):
        super().__init__(f"calendar {calendar} knows the years {first}–{last}, not {day.isoformat()}")
        self.calendar, self.day = calendar, day


@dataclass(frozen=True)
class Calendar:
    code: str
    first_year: int
    last_year: int
    days_off: frozenset[dt.date] = field(default_factory=frozenset)  # holidays and closures
    working_days: frozenset[dt.date] = field(
        default_factory=frozenset
    )  # adjusted working weekends, extra days

    def knows(self, day: dt.date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def check(self, day: dt.date) -> None:
        if not self.knows(day):
            raise UnknownYear(self.code, day, self.first_year, self.last_year)

    def is_working_day(self, day: dt.date) -> bool:
        self.check(day)
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def with_overrides(
        self, closures: Iterable[dt.date] = (), extra_working_days: Iterable[dt.date] = ()
    ) -> Calendar:
        """This calendar with local closures and extra working days (a closure wins over a working day)."""
        closures, extra = frozenset(closures), frozenset(extra_working_days)
        if not closures and not extra:
            return self
        return Calendar(
            code=self.code,
            first_year=self.first_year,
            last_year=self.last_year,
            days_off=self.days_off | closures,
            working_days=(self.working_days | extra) - closures,
        )


def add_working_days(calendar: Calendar, start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (0 → `start` itself, for items decided the same day)."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    calendar.check(start)
    day = start
    while days:
        day += ONE_DAY
        if calendar.is_working_day(day):
            days -= 1
    return day


def working_days_between(calendar: Calendar, start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` comes first."""
    if end < start:
        return -working_days_between(calendar, end, start)
    calendar.check(start)
    calendar.check(end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += calendar.is_working_day(day)
    return count


def add_calendar_days(calendar: Calendar, start: dt.date, days: int) -> dt.date:
    """For limits in calendar days; a due date falling on a day off moves to the next working day."""
    day = start + dt.timedelta(days=days)
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


@cache
def base_calendar(code: str) -> Calendar:
    if code == "CN":
        import chinese_calendar

        years = [day.year for day in chinese_calendar.holidays]
        return Calendar(
            "CN",
            min(years),
            max(years),
            frozenset(chinese_calendar.holidays),
            frozenset(chinese_calendar.workdays),
        )
    if code == "VN":
        import holidays

        first, last = 2000, 2099
        days_off = holidays.country_holidays("VN", years=range(first, last + 1))
        return Calendar("VN", first, last, frozenset(days_off))
    if code == "WEEKDAYS":
        return Calendar("WEEKDAYS", dt.MINYEAR + 1, dt.MAXYEAR - 1)
    raise ValueError(f"unknown calendar {code!r}; use one of {', '.join(CALENDAR_CODES)}")
