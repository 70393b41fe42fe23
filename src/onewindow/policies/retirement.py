"""The statutory retirement age under the gradual reform (全国人大常委会关于实施渐进式延迟法定退休年龄的
决定, 2024-09-13): from 1 January 2025, over fifteen years, men's age goes from 60 to 63 and that of
women retiring at 55 to 58, one month later every four months of birth; women retiring at 50 go to 55,
one month later every two months of birth. Pure; the schedule is data.

A person born in the first month a schedule covers retires one month late; each following step of
birth months adds a month, up to the schedule's most.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    original_age: int  # years
    first_birth_month: tuple[int, int]  # (year, month): the first born who retire later
    months_per_step: int  # births in this many months share one delay
    most_delay: int  # months


SCHEDULES = {
    "male": Schedule(60, (1965, 1), 4, 36),
    "female_55": Schedule(55, (1970, 1), 4, 36),  # women in management and technical posts (cadres)
    "female_50": Schedule(50, (1975, 1), 2, 60),  # women workers
}


def delay_months(category: str, born: dt.date) -> int:
    schedule = SCHEDULES[category]
    first_year, first_month = schedule.first_birth_month
    since = (born.year - first_year) * 12 + (born.month - first_month)
    if since < 0:
        return 0
    return min(schedule.most_delay, since // schedule.months_per_step + 1)


def retirement_age(category: str, born: dt.date) -> tuple[int, int]:
    """(years, months) of the statutory retirement age."""
    total = SCHEDULES[category].original_age * 12 + delay_months(category, born)
    return divmod(total, 12)


def retirement_date(category: str, born: dt.date) -> dt.date:
    """The day the person reaches the statutory retirement age (the same day of the month as the
    birthday, or the month's last day when that month is shorter)."""
    years, months = retirement_age(category, born)
    index = born.year * 12 + (born.month - 1) + years * 12 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(born.day, last_day))


def category_from_id(id_number: str, female_category: str = "female_50") -> str:
    """The schedule of a resident ID's holder: the 17th digit is odd for men. A woman's schedule
    depends on her post, which the ID does not say: the caller's default (workers: 50)."""
    return "male" if int(id_number[16]) % 2 else female_category


def birth_date_from_id(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
