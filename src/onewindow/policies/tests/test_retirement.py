"""The gradual retirement-age reform's schedules (2024 decision, from 2025-01-01)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.policies import retirement as r


@pytest.mark.parametrize(
    ("category", "born", "age"),
    [
        ("male", dt.date(1964, 12, 31), (60, 0)),  # before the reform's first month
        ("male", dt.date(1965, 1, 1), (60, 1)),  # born January–April 1965: one month later
        ("male", dt.date(1965, 4, 30), (60, 1)),
        ("male", dt.date(1965, 5, 1), (60, 2)),
        ("male", dt.date(1976, 12, 1), (63, 0)),  # the 36th step: the full three years
        ("male", dt.date(1990, 6, 1), (63, 0)),
        ("female_55", dt.date(1969, 12, 1), (55, 0)),
        ("female_55", dt.date(1970, 1, 1), (55, 1)),
        ("female_55", dt.date(1981, 12, 1), (58, 0)),
        ("female_50", dt.date(1974, 12, 1), (50, 0)),
        ("female_50", dt.date(1975, 1, 1), (50, 1)),
        ("female_50", dt.date(1975, 3, 1), (50, 2)),  # every two months of birth
        ("female_50", dt.date(1984, 12, 1), (55, 0)),
    ],
)
def test_the_schedules(category, born, age):
    assert r.retirement_age(category, born) == age


def test_the_retirement_date_keeps_the_birthday_or_the_month_end():
    assert r.retirement_date("male", dt.date(1965, 3, 15)) == dt.date(2025, 4, 15)
    assert r.retirement_date("male", dt.date(1966, 1, 31)) == dt.date(2026, 5, 31)  # 60 years 4 months
    assert r.retirement_date("female_50", dt.date(1975, 12, 31)) == dt.date(2026, 6, 30)  # 50 y 6 m


def test_the_id_number_gives_the_birth_date_and_the_schedule():
    assert r.birth_date_from_id("11010519491231002X") == dt.date(1949, 12, 31)
    assert r.category_from_id("11010519491231002X") == "female_50"  # 17th digit 2: a woman
    assert r.category_from_id("110105196601150013") == "male"
    assert r.category_from_id("11010519491231002X", "female_55") == "female_55"


@given(st.sampled_from(sorted(r.SCHEDULES)), st.dates(dt.date(1950, 1, 1), dt.date(2000, 12, 31)))
def test_later_births_never_retire_younger_and_the_delay_stays_within_the_schedule(category, born):
    later = born + dt.timedelta(days=31)
    assert r.retirement_age(category, later) >= r.retirement_age(category, born)
    assert 0 <= r.delay_months(category, born) <= r.SCHEDULES[category].most_delay
    assert r.retirement_date(category, born) > born
