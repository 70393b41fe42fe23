"""The retirement trigger: a citizen reaching the statutory retirement age within 90 days is offered the
retirement bundle once, whichever days the trigger runs; no offer for those who asked for none."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.ids import resident_id_check_digit
from onewindow.policies import proactive

RETIREMENT = proactive.Trigger("retirement-90", "retirement", 90, "bundle:retirement")


def resident(born: dt.date, male: bool) -> str:
    first17 = f"441900{born:%Y%m%d}01{1 if male else 2}"
    return first17 + resident_id_check_digit(first17)


def test_a_man_reaching_the_age_within_90_days_is_offered_the_bundle_exactly_once():
    man = proactive.Person(resident(dt.date(1966, 3, 10), male=True), "王建国")  # 60 years 4 months
    assert proactive.event_date(RETIREMENT, man) == dt.date(2026, 7, 10)
    assert proactive.due_offers(RETIREMENT, [man], dt.date(2026, 4, 10), set()) == []  # 91 days ahead
    offers = proactive.due_offers(RETIREMENT, [man], dt.date(2026, 4, 11), set())
    assert offers == [
        proactive.Offer("retirement-90", man.id_number, dt.date(2026, 7, 10), "bundle:retirement", "sms")
    ]
    offered = {(o.trigger, o.id_number) for o in offers}
    assert proactive.due_offers(RETIREMENT, [man], dt.date(2026, 4, 12), offered) == []
    assert proactive.due_offers(RETIREMENT, [man], dt.date(2026, 7, 10), set()) == []  # the day itself: past


def test_no_offer_for_someone_who_asked_for_no_notices():
    quiet = proactive.Person(resident(dt.date(1966, 3, 10), male=True), "李", notices=False)
    assert proactive.due_offers(RETIREMENT, [quiet], dt.date(2026, 6, 1), set()) == []


@given(st.dates(dt.date(1950, 1, 1), dt.date(1990, 12, 31)), st.booleans(), st.integers(0, 400))
def test_running_daily_offers_each_person_once_at_most(born, male, start):
    person = proactive.Person(resident(born, male), "x")
    first = dt.date(2010, 1, 1) + dt.timedelta(days=start)
    offered: set[tuple[str, str]] = set()
    total = 0
    for day in range(0, 200, 1):
        offers = proactive.due_offers(RETIREMENT, [person], first + dt.timedelta(days=day), offered)
        offered |= {(o.trigger, o.id_number) for o in offers}
        total += len(offers)
    assert total <= 1
