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
    man = proactive.Subject(resident(dt.date(1966, 3, 10), male=True), "王建国")  # 60 years 4 months
    assert proactive.event_dates(RETIREMENT, man) == [dt.date(2026, 7, 10)]
    assert proactive.due_offers(RETIREMENT, [man], dt.date(2026, 4, 10), set()) == []  # 91 days ahead
    offers = proactive.due_offers(RETIREMENT, [man], dt.date(2026, 4, 11), set())
    assert offers == [
        proactive.Offer("retirement-90", man.holder_id, dt.date(2026, 7, 10), "bundle:retirement", "sms")
    ]
    offered = {(o.trigger, o.holder_id, o.event_date) for o in offers}
    assert proactive.due_offers(RETIREMENT, [man], dt.date(2026, 4, 12), offered) == []
    assert proactive.due_offers(RETIREMENT, [man], dt.date(2026, 7, 10), set()) == []  # the day itself: past


def test_no_offer_for_someone_who_asked_for_no_notices():
    quiet = proactive.Subject(resident(dt.date(1966, 3, 10), male=True), "李", notices=False)
    assert proactive.due_offers(RETIREMENT, [quiet], dt.date(2026, 6, 1), set()) == []


@given(st.dates(dt.date(1950, 1, 1), dt.date(1990, 12, 31)), st.booleans(), st.integers(0, 400))
def test_running_daily_offers_each_person_once_at_most(born, male, start):
    person = proactive.Subject(resident(born, male), "x")
    first = dt.date(2010, 1, 1) + dt.timedelta(days=start)
    offered: set = set()
    total = 0
    for day in range(0, 200, 1):
        offers = proactive.due_offers(RETIREMENT, [person], first + dt.timedelta(days=day), offered)
        offered |= {(o.trigger, o.holder_id, o.event_date) for o in offers}
        total += len(offers)
    assert total <= 1


BIRTH = proactive.Trigger("newborn-30", "birth", 30, "bundle:newborn")
FOOD = proactive.Trigger(
    "food-licence-60", "certificate_expiry", 60, "item:SC-005", condition={"certificate_type": "FOOD_LICENCE"}
)


def test_a_birth_is_offered_after_it_is_registered_and_a_licence_before_it_expires():
    born = proactive.Event("birth", dt.date(2026, 3, 1))
    mother = proactive.Subject(resident(dt.date(1995, 5, 1), male=False), "陈", events=(born,))
    assert proactive.due_offers(BIRTH, [mother], dt.date(2026, 2, 28), set()) == []  # not yet born
    assert [o.event_date for o in proactive.due_offers(BIRTH, [mother], dt.date(2026, 3, 1), set())] == [
        dt.date(2026, 3, 1)
    ]
    assert proactive.due_offers(BIRTH, [mother], dt.date(2026, 3, 31), set()) == []  # 30 days on
    firm = proactive.Subject(
        "91441900MA4W7X2K3X",
        "新晨",
        events=(
            proactive.Event("certificate_expiry", dt.date(2026, 6, 30), "FOOD_LICENCE"),
            proactive.Event("certificate_expiry", dt.date(2026, 6, 30), "BUSINESS_LICENCE"),
        ),
    )
    offers = proactive.due_offers(FOOD, [firm], dt.date(2026, 5, 15), set())
    assert [(o.holder_id, o.offer) for o in offers] == [("91441900MA4W7X2K3X", "item:SC-005")]
    assert proactive.due_offers(FOOD, [firm], dt.date(2026, 4, 30), set()) == []  # 61 days ahead


def test_a_condition_on_sex_and_region_narrows_the_offer():
    men_in_dongguan = proactive.Trigger(
        "r", "retirement", 90, "bundle:retirement", condition={"sex": "male", "region": "4419"}
    )
    man, woman = resident(dt.date(1966, 3, 10), True), resident(dt.date(1966, 3, 10), False)
    today = dt.date(2026, 6, 1)
    subjects = [proactive.Subject(man, "a"), proactive.Subject(woman, "b")]
    assert [o.holder_id for o in proactive.due_offers(men_in_dongguan, subjects, today, set())] == [man]
    elsewhere = proactive.Trigger("r", "retirement", 90, "bundle:retirement", condition={"region": "1101"})
    assert proactive.due_offers(elsewhere, subjects, today, set()) == []


def test_conditions_are_validated_by_place():
    assert proactive.validate_condition({"sex": "m", "colour": "red"}) == [
        ("condition.colour", "unknown; one of certificate_type, sex, region"),
        ("condition.sex", "male or female"),
    ]
    assert proactive.validate_condition({"certificate_type": "FOOD_LICENCE"}) == []
