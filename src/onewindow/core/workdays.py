"""Working days: pure arithmetic over a calendar of days off and working weekends.

Calendars: CN (State Council holidays and adjusted working weekends, from `chinesecalendar`),
VN (public holidays and swapped working Saturdays, from `holidays`) and WEEKDAYS, each optionally
with local overrides (closure days, extra working days). Counting starts on the working day *after*
the start date, as the administrative time limits do.

A year whose official schedule is not out yet (the State Council publishes China's in November or
December; the libraries follow later) is *provisional*: its days off come from the statutory rules
known in advance (`statutory_days_off`), without the adjusted working weekends that only the notice
fixes. An administrator can load the official year (catalog.calendars), which then replaces both
the library's and the statutory days. Only a date beyond every rule raises UnknownYear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache

ONE_DAY = dt.timedelta(days=1)
CALENDAR_CODES = ("CN", "VN", "WEEKDAYS")
# The lunar tables that the statutory rules rely on end here (holidays' Chinese lunisolar calendar).
LAST_RULED_YEAR = 2099


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
    # Years computed from the statutory rules because their official schedule is not known yet.
    provisional_years: frozenset[int] = field(default_factory=frozenset)

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

    def provisional_years_between(self, start: dt.date, end: dt.date) -> list[int]:
        """The provisional years an answer reading the days between `start` and `end` rests on."""
        first, last = sorted((start.year, end.year))
        return [year for year in range(first, last + 1) if year in self.provisional_years]

    def is_provisional(self, start: dt.date, end: dt.date | None = None) -> bool:
        """Whether an answer that reads the days from `start` to `end` rests on a provisional year."""
        return bool(self.provisional_years_between(start, end or start))

    def with_overrides(
        self, closures: Iterable[dt.date] = (), extra_working_days: Iterable[dt.date] = ()
    ) -> Calendar:
        """This calendar with local closures and extra working days (a closure wins over a working day)."""
        closures, extra = frozenset(closures), frozenset(extra_working_days)
        if not closures and not extra:
            return self
        return replace(
            self,
            days_off=self.days_off | closures,
            working_days=(self.working_days | extra) - closures,
        )

    def with_years(self, years: Iterable[OfficialYear]) -> Calendar:
        """This calendar with official years loaded: each replaces every day the calendar had for its
        year (the library's or the statutory rules') and is no longer provisional."""
        calendar = self
        for year in years:

            def other_years(days, year=year.year):
                return frozenset(day for day in days if day.year != year)

            calendar = replace(
                calendar,
                first_year=min(calendar.first_year, year.year),
                last_year=max(calendar.last_year, year.year),
                days_off=other_years(calendar.days_off) | year.days_off,
                working_days=other_years(calendar.working_days) | year.working_days,
                provisional_years=calendar.provisional_years - {year.year},
            )
        return calendar


@dataclass(frozen=True)
class OfficialYear:
    """One year's official schedule: its holidays and its adjusted working days."""

    year: int
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date] = frozenset()

    def __post_init__(self):
        stray = sorted(d for d in self.days_off | self.working_days if d.year != self.year)
        if stray:
            raise ValueError(f"{stray[0].isoformat()} is not in {self.year}")
        both = sorted(self.days_off & self.working_days)
        if both:
            raise ValueError(f"{both[0].isoformat()} is both a day off and a working day")


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


# The statutory rules -------------------------------------------------------------------------------


def _lunisolar():
    from holidays.calendars.chinese import _ChineseLunisolar

    return _ChineseLunisolar()


def statutory_days_off_cn(year: int) -> dict[dt.date, str]:
    """China's days off fixed in advance by the 全国年节及纪念日放假办法 (as revised in 2024, in force
    from 2025): 元旦 1 day, 春节 4 days (lunar New Year's Eve to the third day), 清明 1, 劳动节 2,
    端午 1, 中秋 1, 国庆 3. Article 6: a festival day that falls on a Saturday or Sunday is made up on
    a working day, taken here as the next weekday that is not already off. The State Council's notice
    then arranges bridges and working weekends; nothing predicts those, so none are guessed."""
    lunar = _lunisolar()
    new_year = lunar.lunar_new_year_date(year)[0]
    festival_days = {
        dt.date(year, 1, 1): "元旦",
        new_year - ONE_DAY: "春节",
        new_year: "春节",
        new_year + ONE_DAY: "春节",
        new_year + 2 * ONE_DAY: "春节",
        lunar.qingming_date(year)[0]: "清明节",
        dt.date(year, 5, 1): "劳动节",
        dt.date(year, 5, 2): "劳动节",
        lunar.dragon_boat_date(year)[0]: "端午节",
        lunar.mid_autumn_date(year)[0]: "中秋节",
        dt.date(year, 10, 1): "国庆节",
        dt.date(year, 10, 2): "国庆节",
        dt.date(year, 10, 3): "国庆节",
    }
    days_off = dict(festival_days)
    for day, name in sorted(festival_days.items()):
        if day.weekday() >= 5:
            make_up = day + ONE_DAY
            while make_up.weekday() >= 5 or make_up in days_off:
                make_up += ONE_DAY
            days_off[make_up] = f"{name}（补假）"
    return days_off


def statutory_days_off_vn(year: int) -> dict[dt.date, str]:
    """Vietnam's public holidays under the Labour Code (art. 112: fixed and lunar holidays, days
    off in lieu of holidays on a weekend), as `holidays` computes them for a year without a
    government decision on swaps."""
    import holidays

    return dict(holidays.country_holidays("VN", years=year, language="en_US").items())


def _vn_published_through() -> int:
    """The last year for which `holidays` carries the government's swap decisions for Vietnam."""
    from holidays.countries.vietnam import VietnamStaticHolidays

    return max(VietnamStaticHolidays.special_public_holidays)


@cache
def base_calendar(code: str) -> Calendar:
    """The calendar as the libraries know it, with the statutory rules after their last year."""
    if code == "CN":
        import chinese_calendar

        years = [day.year for day in chinese_calendar.holidays]
        first, published = min(years), max(years)
        provisional = range(published + 1, LAST_RULED_YEAR + 1)
        statutory = frozenset(day for year in provisional for day in statutory_days_off_cn(year))
        return Calendar(
            "CN",
            first,
            LAST_RULED_YEAR,
            frozenset(chinese_calendar.holidays) | statutory,
            frozenset(chinese_calendar.workdays),
            frozenset(provisional),
        )
    if code == "VN":
        import holidays

        first, published = 2000, _vn_published_through()
        vietnam = holidays.country_holidays("VN", years=range(first, LAST_RULED_YEAR + 1))
        return Calendar(
            "VN",
            first,
            LAST_RULED_YEAR,
            frozenset(vietnam),
            frozenset(vietnam.weekend_workdays),
            frozenset(range(published + 1, LAST_RULED_YEAR + 1)),
        )
    if code == "WEEKDAYS":
        return Calendar("WEEKDAYS", dt.MINYEAR + 1, dt.MAXYEAR - 1)
    raise ValueError(f"unknown calendar {code!r}; use one of {', '.join(CALENDAR_CODES)}")
