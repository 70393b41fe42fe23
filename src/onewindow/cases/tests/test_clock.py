import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.cases.clock import clock
from onewindow.core.workdays import base_calendar, working_days_between

D = dt.date
CN = base_calendar("CN")


def test_due_date_and_counters_over_spring_festival():
    c = clock(CN, D(2025, 1, 24), 5, today=D(2025, 2, 5))
    assert c.due_date == D(2025, 2, 7)
    assert (c.working_days_used, c.working_days_left, c.late) == (3, 2, False)
    assert clock(CN, D(2025, 1, 24), 5, today=D(2025, 2, 10)).late


def test_a_supplement_request_moves_the_due_date_by_the_suspended_working_days():
    # accepted Mon 3 March, 10 working days → due 17 March; suspended Wed 5 → Tue 11 March = 4 working days
    plain = clock(CN, D(2025, 3, 3), 10, today=D(2025, 3, 4))
    assert plain.due_date == D(2025, 3, 17)
    resumed = clock(
        CN, D(2025, 3, 3), 10, today=D(2025, 3, 12), suspensions=[(D(2025, 3, 5), D(2025, 3, 11))]
    )
    assert resumed.suspended_working_days == 4
    assert resumed.due_date == D(2025, 3, 21)
    assert resumed.working_days_used == 7 - 4


def test_an_open_suspension_keeps_pushing_the_due_date():
    early = clock(CN, D(2025, 3, 3), 10, today=D(2025, 3, 6), suspensions=[(D(2025, 3, 5), None)])
    later = clock(CN, D(2025, 3, 3), 10, today=D(2025, 3, 10), suspensions=[(D(2025, 3, 5), None)])
    assert later.due_date > early.due_date
    assert early.working_days_used == later.working_days_used == 2


def test_extension_and_immediate_items():
    assert clock(CN, D(2025, 3, 3), 10, today=D(2025, 3, 3), extension_days=5).due_date == D(2025, 3, 24)
    same_day = clock(CN, D(2025, 3, 3), 0, today=D(2025, 3, 3), immediate=True)
    assert (same_day.due_date, same_day.late) == (D(2025, 3, 3), False)
    assert clock(CN, D(2025, 3, 3), 0, today=D(2025, 3, 4), immediate=True).late


def test_the_decision_stops_the_clock():
    c = clock(CN, D(2025, 3, 3), 10, today=D(2025, 6, 1), decided_on=D(2025, 3, 14))
    assert (c.late, c.working_days_used) == (False, 9)


def test_calendar_day_limits():
    c = clock(CN, D(2025, 1, 21), 7, today=D(2025, 1, 22), calendar_days=True)
    assert c.due_date == D(2025, 2, 5)  # 28 Jan falls in the Spring Festival: moved to 5 Feb


dates = st.dates(min_value=D(2010, 1, 1), max_value=D(2025, 12, 1))


@settings(max_examples=300, deadline=None)
@given(dates, st.integers(1, 30), st.integers(0, 20), st.integers(0, 20))
def test_suspension_pushes_due_date_by_exactly_its_working_days(accepted, limit, start_after, length):
    started = accepted + dt.timedelta(days=start_after)
    ended = started + dt.timedelta(days=length)
    today = ended + dt.timedelta(days=1)
    base = clock(CN, accepted, limit, today=today)
    paused = clock(CN, accepted, limit, today=today, suspensions=[(started, ended)])
    assert paused.suspended_working_days == working_days_between(CN, started, ended)
    assert working_days_between(CN, base.due_date, paused.due_date) == paused.suspended_working_days
    assert paused.working_days_used + paused.suspended_working_days == working_days_between(
        CN, accepted, today
    )
