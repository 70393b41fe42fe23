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
    UnknownYear,
    add_calendar_days,
    add_working_days,
    base_calendar,
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


def test_dates_outside_the_known_years_are_errors():
    with pytest.raises(UnknownYear, match="2004–2026"):
        CN.is_working_day(D(2027, 1, 4))
    with pytest.raises(UnknownYear):
        add_working_days(CN, D(2026, 12, 28), 10)  # would run into 2027
    with pytest.raises(UnknownYear):
        working_days_between(CN, D(2003, 12, 30), D(2004, 1, 5))


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
    with pytest.raises(CommandError, match="knows the years"):
        call_command("workdays", "add", "--calendar", "CN", "--from", "2030-01-01", "--days", "1")
    with pytest.raises(CommandError, match="not a date"):
        call_command("workdays", "between", "--calendar", "CN", "2025-13-01", "2025-02-07")


def test_department_overrides(demo):
    rsj = Department.objects.get(code="rsj")
    CalendarOverride.objects.create(department=rsj, date=D(2025, 3, 10), kind="closure", reason="系统升级")
    assert add_working_days(department_calendar(rsj), D(2025, 3, 7), 1) == D(2025, 3, 11)
    out = io.StringIO()
    call_command("workdays", "add", "--department", "rsj", "--from", "2025-03-07", "--days", "1", stdout=out)
    assert out.getvalue().strip() == "2025-03-11"
