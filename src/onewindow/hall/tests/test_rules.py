import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.hall import rules
from onewindow.hall.rules import Counter, OpeningHours, Waiting

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
TOL = dt.timedelta(minutes=10)


def at(minutes):
    return T0 + dt.timedelta(minutes=minutes)


def test_ticket_numbers():
    assert rules.ticket_number("A", 1) == "A001"
    assert rules.ticket_number("B", 42) == "B042"
    assert rules.ticket_number("AB", 1000) == "AB1000"
    with pytest.raises(ValueError):
        rules.ticket_number("A", 0)


def test_due_appointment_then_priority_then_arrival():
    ordinary = Waiting(1, "A", "none", at(0))
    elderly = Waiting(2, "A", "elderly", at(5))
    appointment = Waiting(3, "A", "appointment", at(1), appointment_at=at(25))
    counter = Counter(9, None)
    # At 09:10 the appointment (09:25) is not due yet: the elderly visitor first, then by arrival.
    assert rules.next_ticket([ordinary, elderly, appointment], counter, at(10), TOL).id == 2
    assert rules.next_ticket([ordinary, appointment], counter, at(10), TOL).id == 1
    # From 09:15 (10 minutes' tolerance) the appointment goes first.
    assert rules.next_ticket([ordinary, elderly, appointment], counter, at(15), TOL).id == 3


def test_two_due_appointments_by_slot_time():
    early_slot = Waiting(1, "A", "appointment", at(3), appointment_at=at(20))
    late_slot = Waiting(2, "A", "appointment", at(0), appointment_at=at(30))
    assert rules.next_ticket([late_slot, early_slot], Counter(1, None), at(25), TOL).id == 1


def test_dedicated_windows_and_transfers():
    a = Waiting(1, "A", "none", at(0))
    b = Waiting(2, "B", "none", at(1))
    to_window_7 = Waiting(3, "A", "none", at(0), transferred_to_window=7, transferred_at=at(12))
    dedicated_b = Counter(5, frozenset({"B"}))
    assert rules.next_ticket([a, b, to_window_7], dedicated_b, at(15), TOL).id == 2
    assert rules.next_ticket([a, to_window_7], dedicated_b, at(15), TOL) is None
    # The transferred visitor is called first at window 7 and nowhere else.
    assert rules.next_ticket([a, b, to_window_7], Counter(7, None), at(15), TOL).id == 3
    assert rules.next_ticket([a, b, to_window_7], Counter(6, None), at(15), TOL).id == 1


waiting_tickets = st.lists(
    st.builds(
        Waiting,
        id=st.integers(1, 10_000),
        category=st.sampled_from("ABC"),
        priority=st.sampled_from(["none", "elderly", "disabled", "pregnant", "appointment"]),
        arrived_at=st.integers(0, 300).map(at),
        appointment_at=st.one_of(st.none(), st.integers(0, 400).map(at)),
    ),
    max_size=30,
    unique_by=lambda w: w.id,
)


@given(waiting_tickets, st.integers(0, 400), st.sets(st.sampled_from("ABC")))
def test_the_called_ticket_is_servable_and_none_servable_ranks_before_it(tickets, minute, categories):
    now = at(minute)
    counter = Counter(1, frozenset(categories) if categories else None)
    chosen = rules.next_ticket(tickets, counter, now, TOL)
    servable = [t for t in tickets if rules.may_serve(counter, t)]
    assert (chosen is None) == (not servable)
    if chosen:
        assert rules.may_serve(counter, chosen)
        key = rules.call_key(chosen, now, TOL)
        assert all(rules.call_key(t, now, TOL) >= key for t in servable)
        # Nobody of a lower rank jumps a due appointment or a priority group.
        if any(rules.is_due(t, now, TOL) for t in servable):
            assert rules.is_due(chosen, now, TOL)
        elif any(t.priority in rules.PRIORITY_GROUPS for t in servable):
            assert chosen.priority in rules.PRIORITY_GROUPS


@given(waiting_tickets, st.integers(0, 400))
def test_positions_count_up_from_one_per_category(tickets, minute):
    now = at(minute)
    for category in "ABC":
        mine = [t for t in tickets if t.category == category]
        positions = sorted(rules.position(t, tickets, now, TOL) for t in mine)
        assert positions == list(range(1, len(mine) + 1))


def test_expected_wait():
    assert rules.expected_wait_minutes(1, 10, 2) == 5.0
    assert rules.expected_wait_minutes(4, 9, 3) == 12.0
    assert rules.expected_wait_minutes(3, 10, 0) is None


def test_day_slots_skip_the_break_and_the_end():
    hours = OpeningHours(dt.time(9), dt.time(17), dt.time(12), dt.time(14))
    slots = rules.day_slots(hours, 30)
    assert slots[0] == dt.time(9) and slots[-1] == dt.time(16, 30)
    assert dt.time(11, 30) in slots and dt.time(12) not in slots and dt.time(13, 30) not in slots
    assert len(slots) == 12
    odd = rules.day_slots(OpeningHours(dt.time(9), dt.time(12, 10), dt.time(10, 15), dt.time(10, 45)), 45)
    assert odd == [dt.time(9), dt.time(10, 45)]


@given(
    st.integers(6 * 60, 12 * 60),
    st.integers(60, 10 * 60),
    st.integers(5, 120),
    st.one_of(st.none(), st.tuples(st.integers(0, 600), st.integers(1, 180))),
)
def test_slots_always_fit_inside_opening_hours_and_outside_the_break(opens, length, minutes, pause):
    closes = min(opens + length, 23 * 60 + 59)
    to_time = lambda m: dt.time(m // 60, m % 60)  # noqa: E731
    hours = OpeningHours(to_time(opens), to_time(closes))
    if pause:
        start = min(opens + pause[0], closes - 1)
        end = min(start + pause[1], closes)
        if end > start:
            hours = OpeningHours(to_time(opens), to_time(closes), to_time(start), to_time(end))
    slots = [s.hour * 60 + s.minute for s in rules.day_slots(hours, minutes)]
    assert slots == sorted(set(slots))
    for slot in slots:
        assert opens <= slot and slot + minutes <= closes
        if hours.break_start:
            b0 = hours.break_start.hour * 60 + hours.break_start.minute
            b1 = hours.break_end.hour * 60 + hours.break_end.minute
            assert slot + minutes <= b0 or slot >= b1
    assert all(b - a >= minutes for a, b in zip(slots, slots[1:], strict=False))


def test_check_in_window():
    start = at(60)
    early, tol = dt.timedelta(minutes=30), dt.timedelta(minutes=10)
    assert rules.check_in_problem(at(29), start, early, tol) == "too_early"
    assert rules.check_in_problem(at(30), start, early, tol) is None
    assert rules.check_in_problem(at(70), start, early, tol) is None
    assert rules.check_in_problem(at(71), start, early, tol) == "too_late"


def test_distribution_by_hand():
    d = rules.distribution([60, 120, 600, 1200, 30], target=600)
    assert d.count == 5
    assert d.mean == 402
    assert d.median == 120
    assert d.p90 == 1200
    assert d.max == 1200
    assert d.under_target == 0.8
    assert rules.distribution([]).count == 0
