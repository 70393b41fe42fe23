import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.catalog.models import CalendarOverride, Department
from onewindow.catalog.selectors import department_calendar
from onewindow.core.workdays import (
    OfficialYear,
    UnknownYear,
    add_calendar_days,
    add_working_days,
    base_calendar,
    statutory_days_off_cn,
    working_days_between,
)

D = dt.date
CN, VN, WEEKDAYS = base_calendar("CN"), base_calendar("VN"), base_calendar("WEEKDAYS")


def test_spring_festival_2025_counts_the_adjusted_sunday():
    # Accepted Friday 24 January; Sunday 26 January was a working day; 28 Jan – 4 Feb were off.
    assert CN.is_working_day(D(2025, 1, 26))
    assert not CN.is_working_day(D(2025, 1, 28))
    assert add_working_days(CN, D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert working_days_between(CN, D(2025, 1, 24), D(2025, 2, 7)) == 5


def test_national_day_2025_and_its_working_saturday():
    assert not CN.is_working_day(D(2025, 10, 8))
    assert CN.is_working_day(D(2025, 10, 11))  # Saturday made a working day
    assert add_working_days(CN, D(2025, 9, 30), 1) == D(2025, 10, 9)


def test_vietnam_tet_2025():
    assert not VN.is_working_day(D(2025, 1, 29))
    assert VN.is_working_day(D(2025, 2, 3))
    assert add_working_days(VN, D(2025, 1, 24), 1) == D(2025, 2, 3)


def test_zero_days_is_the_same_day_and_counting_starts_the_next_day():
    assert add_working_days(WEEKDAYS, D(2025, 3, 7), 0) == D(2025, 3, 7)
    assert add_working_days(WEEKDAYS, D(2025, 3, 7), 1) == D(2025, 3, 10)  # Friday → Monday
    assert add_working_days(WEEKDAYS, D(2025, 3, 8), 1) == D(2025, 3, 10)  # accepted on a Saturday


def test_vietnam_swapped_working_saturdays():
    # Saturday 26 April 2025 was worked for Friday 2 May; Saturday 22 August 2026 for Monday 31 August.
    assert VN.is_working_day(D(2025, 4, 26)) and not VN.is_working_day(D(2025, 5, 2))
    assert VN.is_working_day(D(2026, 8, 22)) and not VN.is_working_day(D(2026, 8, 31))
    assert add_working_days(VN, D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add_working_days(VN, D(2026, 8, 21), 1) == D(2026, 8, 22)


def test_years_after_the_published_ones_are_provisional_not_refused():
    assert not CN.is_provisional(D(2026, 12, 31))
    assert CN.is_provisional(D(2027, 1, 4)) and CN.is_provisional(D(2026, 12, 28), D(2027, 1, 8))
    assert not CN.is_working_day(D(2027, 1, 1))  # 元旦, by statute
    assert add_working_days(CN, D(2026, 12, 28), 10) == D(2027, 1, 12)
    assert VN.is_provisional(D(2027, 2, 1)) and not VN.is_provisional(D(2026, 2, 1))
    assert not WEEKDAYS.is_provisional(D(2027, 1, 1), D(2040, 1, 1))


def test_dates_beyond_every_rule_are_errors():
    with pytest.raises(UnknownYear, match="2004–2099"):
        CN.is_working_day(D(2100, 1, 4))
    with pytest.raises(UnknownYear):
        add_working_days(CN, D(2099, 12, 28), 10)  # would run into 2100
    with pytest.raises(UnknownYear):
        working_days_between(CN, D(2003, 12, 30), D(2004, 1, 5))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_festival_days_are_off_in_the_published_years(year):
    # The 2024 revision of 全国年节及纪念日放假办法 applies from 2025: every festival day it fixes is
    # off in the State Council's schedule, and so is every day it makes up for one on a weekend.
    statutory = statutory_days_off_cn(year)
    assert len([name for name in statutory.values() if "补假" not in name]) == 13
    assert all(not CN.is_working_day(day) for day in statutory)


def test_the_statutory_rules_for_2027():
    days = statutory_days_off_cn(2027)
    # Lunar New Year 2027 is Saturday 6 February: the eve (Friday 5th) to the third day (Monday 8th),
    # and the Saturday and Sunday made up on Tuesday 9th and Wednesday 10th.
    assert [d for d, n in sorted(days.items()) if n.startswith("春节")] == [
        D(2027, 2, d) for d in range(5, 11)
    ]
    assert (
        days[D(2027, 4, 5)] == "清明节"
        and days[D(2027, 6, 9)] == "端午节"
        and days[D(2027, 9, 15)] == "中秋节"
    )
    assert {D(2027, 10, 4), D(2027, 10, 5)} <= set(days)  # 国庆 falls on Friday–Sunday
    assert all(day.weekday() < 5 for day, name in days.items() if "补假" in name)


def test_an_official_year_replaces_the_provisional_one():
    official = OfficialYear(
        2027,
        days_off=frozenset({D(2027, 1, 1)} | {D(2027, 2, 5) + dt.timedelta(days=n) for n in range(8)}),
        working_days=frozenset({D(2027, 2, 14), D(2027, 2, 20)}),
    )
    loaded = CN.with_years([official])
    assert not loaded.is_provisional(D(2027, 3, 1)) and loaded.is_provisional(D(2028, 3, 1))
    assert loaded.is_working_day(D(2027, 2, 14)) and not loaded.is_working_day(D(2027, 2, 12))
    assert loaded.is_working_day(D(2027, 4, 5))  # the statutory 清明 is gone: the official year says
    assert CN.is_working_day(D(2027, 2, 11)) and not loaded.is_working_day(D(2027, 2, 11))
    assert not loaded.is_working_day(D(2026, 10, 1))  # other years untouched
    with pytest.raises(ValueError, match="not in 2027"):
        OfficialYear(2027, frozenset({D(2028, 1, 1)}))
    with pytest.raises(ValueError, match="both"):
        OfficialYear(2027, frozenset({D(2027, 2, 6)}), frozenset({D(2027, 2, 6)}))


@settings(max_examples=150, deadline=None)
@given(
    st.sets(st.dates(D(2027, 1, 1), D(2027, 12, 31)), max_size=30),
    st.sets(st.dates(D(2027, 1, 1), D(2027, 12, 31)), max_size=8),
    st.dates(D(2026, 11, 1), D(2027, 12, 31)),
    st.integers(0, 60),
)
def test_a_loaded_year_counts_exactly_its_own_days(off, working, start, days):
    official = OfficialYear(2027, frozenset(off), frozenset(working) - frozenset(off))
    loaded = CN.with_years([official])
    for offset in range(0, 40):
        day = start + dt.timedelta(days=offset)
        if day.year == 2027:
            expected = day in official.working_days or (day not in official.days_off and day.weekday() < 5)
            assert loaded.is_working_day(day) == expected
        elif day.year == 2026:
            assert loaded.is_working_day(day) == CN.is_working_day(day)
    due = add_working_days(loaded, start, days)
    assert working_days_between(loaded, start, due) == days


def test_calendar_days_move_off_a_day_off():
    assert add_calendar_days(CN, D(2025, 1, 24), 7) == D(2025, 2, 5)  # 31 Jan is off → 5 Feb
    assert add_calendar_days(WEEKDAYS, D(2025, 3, 3), 30) == D(2025, 4, 2)


def test_overrides_close_days_and_add_working_days():
    local = WEEKDAYS.with_overrides(
        closures=[D(2025, 3, 10)], extra_working_days=[D(2025, 3, 8), D(2025, 3, 10)]
    )
    assert local.is_working_day(D(2025, 3, 8))
    assert not local.is_working_day(D(2025, 3, 10))  # a closure wins
    assert add_working_days(local, D(2025, 3, 7), 2) == D(2025, 3, 11)


known_dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 10, 31))
calendars = st.sampled_from([CN, VN, WEEKDAYS])


@settings(max_examples=400, deadline=None)
@given(calendars, known_dates, st.integers(0, 40))
def test_adding_then_counting_gives_back_the_count(calendar, start, days):
    due = add_working_days(calendar, start, days)
    assert working_days_between(calendar, start, due) == days
    if days:
        assert calendar.is_working_day(due)  # no due date falls on a day off
        assert working_days_between(calendar, start, due - dt.timedelta(days=1)) == days - 1


@settings(max_examples=300, deadline=None)
@given(calendars, known_dates, known_dates)
def test_counting_is_antisymmetric_and_additive(calendar, a, b):
    assert working_days_between(calendar, a, b) == -working_days_between(calendar, b, a)
    middle = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert working_days_between(calendar, min(a, b), max(a, b)) == working_days_between(
        calendar, min(a, b), middle
    ) + working_days_between(calendar, middle, max(a, b))


@settings(max_examples=200, deadline=None)
@given(known_dates, st.integers(1, 30), st.integers(0, 29))
def test_more_days_never_give_an_earlier_date(start, days, fewer):
    assert add_working_days(CN, start, days) > add_working_days(CN, start, min(fewer, days - 1))


def test_cli(db):
    out = io.StringIO()
    call_command("workdays", "add", "--calendar", "CN", "--from", "2025-01-24", "--days", "5", stdout=out)
    assert out.getvalue().strip() == "2025-02-07"
    out = io.StringIO()
    call_command("workdays", "between", "--calendar", "CN", "2025-01-24", "2025-02-07", stdout=out)
    assert out.getvalue().strip() == "5"
    out = io.StringIO()
    call_command("workdays", "add", "--calendar", "CN", "--from", "2026-12-30", "--days", "2", stdout=out)
    assert out.getvalue().strip() == "2027-01-04 (provisional: the CN calendar for 2027 is not published)"
    for start, answer in (("2025-04-25", "2025-04-26"), ("2026-08-21", "2026-08-22")):
        out = io.StringIO()
        call_command("workdays", "add", "--calendar", "VN", "--from", start, "--days", "1", stdout=out)
        assert out.getvalue().strip() == answer
    with pytest.raises(CommandError, match="knows the years"):
        call_command("workdays", "add", "--calendar", "CN", "--from", "2100-01-01", "--days", "1")
    with pytest.raises(CommandError, match="not a date"):
        call_command("workdays", "between", "--calendar", "CN", "2025-13-01", "2025-02-07")


def test_department_overrides(demo):
    rsj = Department.objects.get(code="rsj")
    CalendarOverride.objects.create(department=rsj, date=D(2025, 3, 10), kind="closure", reason="系统升级")
    assert add_working_days(department_calendar(rsj), D(2025, 3, 7), 1) == D(2025, 3, 11)
    out = io.StringIO()
    call_command("workdays", "add", "--department", "rsj", "--from", "2025-03-07", "--days", "1", stdout=out)
    assert out.getvalue().strip() == "2025-03-11"
