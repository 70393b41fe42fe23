"""Proactive services: offers made to citizens when a life event is near, before they ask. Pure: the
caller gives the people and what was already offered; a trigger is data.

A trigger names the event, the lead time (days before the event an offer goes out), the offer (a
bundle or item to open prefilled) and the channel. `due_offers` is run daily; it never offers the same
trigger to the same person twice, whatever day it runs, and skips people who asked for no notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import retirement


@dataclass(frozen=True)
class Trigger:
    code: str
    event: str  # "retirement" (more events come with their data: birth, licence or certificate expiry)
    lead_days: int
    offer: str  # the bundle or item to open, prefilled
    channel: str = "sms"


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    notices: bool = True  # the person's own choice: no proactive notices when False
    female_category: str = "female_50"


@dataclass(frozen=True)
class Offer:
    trigger: str
    id_number: str
    event_date: dt.date
    offer: str
    channel: str


def event_date(trigger: Trigger, person: Person) -> dt.date | None:
    if trigger.event == "retirement":
        born = retirement.birth_date_from_id(person.id_number)
        return retirement.retirement_date(
            retirement.category_from_id(person.id_number, person.female_category), born
        )
    raise ValueError(f"unknown event {trigger.event!r}")


def due_offers(
    trigger: Trigger, people: Iterable[Person], today: dt.date, offered: set[tuple[str, str]]
) -> list[Offer]:
    """The offers `trigger` makes today: to each person whose event falls within the lead time from
    today (and is not past), who wants notices and has not had this trigger's offer already
    (`offered`: (trigger code, ID number) pairs)."""
    found = []
    for person in people:
        if not person.notices or (trigger.code, person.id_number) in offered:
            continue
        when = event_date(trigger, person)
        if when is not None and today < when <= today + dt.timedelta(days=trigger.lead_days):
            found.append(Offer(trigger.code, person.id_number, when, trigger.offer, trigger.channel))
    return found
