"""Proactive services: offers made to citizens and enterprises when a life event is near (or has just
happened), before they ask. Pure: the caller gives the subjects with the events the registers know and
what was already offered; a trigger is data.

A trigger names the event, an optional condition, the lead time, the offer (a bundle or item to open
prefilled) and the channel. Events ahead (retirement, a licence or certificate expiring) are offered
within `lead_days` before the day; an event that has happened (a birth registered) within `lead_days`
after it. `due_offers` is run daily: it never offers the same trigger for the same event twice,
whatever days it runs, and skips those who asked for no offers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from onewindow.core.ids import resident_id_problem

from . import retirement

EVENTS = ("retirement", "birth", "licence_expiry", "certificate_expiry")
PAST_EVENTS = frozenset({"birth"})  # offered after the event; the others before it
CONDITIONS = ("certificate_type", "sex", "region")


@dataclass(frozen=True)
class Trigger:
    code: str
    event: str
    lead_days: int
    offer: str  # "bundle:retirement", "item:SC-003": what opens, prefilled
    channel: str = "sms"
    condition: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """An event a register knows of a subject: a birth registered (`detail`: the child), a licence or
    certificate's expiry (`detail`: its type)."""

    kind: str
    date: dt.date
    detail: str = ""


@dataclass(frozen=True)
class Subject:
    holder_id: str  # resident ID or USCC
    name: str
    notices: bool = True  # the subject's own choice: no proactive offers when False
    events: tuple[Event, ...] = ()
    female_category: str = "female_50"


@dataclass(frozen=True)
class Offer:
    trigger: str
    holder_id: str
    event_date: dt.date
    offer: str
    channel: str


def validate_condition(condition) -> list[tuple[str, str]]:
    """(place, message) for what is wrong with a trigger's condition."""
    if not isinstance(condition, Mapping):
        return [("condition", 'an object, e.g. {"sex": "male"}')]
    problems = [(f"condition.{key}", f"unknown; one of {', '.join(CONDITIONS)}") for key in condition
                if key not in CONDITIONS]  # fmt: skip
    if "sex" in condition and condition["sex"] not in ("male", "female"):
        problems.append(("condition.sex", "male or female"))
    for key in ("certificate_type", "region"):
        if key in condition and (not isinstance(condition[key], str) or not condition[key].strip()):
            problems.append((f"condition.{key}", "a code"))
    return problems


def is_resident_id(holder_id: str) -> bool:
    return len(holder_id) == 18 and resident_id_problem(holder_id) is None


def event_dates(trigger: Trigger, subject: Subject) -> list[dt.date]:
    """The days of `trigger`'s event for `subject` that its condition lets through."""
    condition = trigger.condition
    if "region" in condition:
        # A resident ID starts with the region code; a USCC carries it from the third character.
        region = subject.holder_id[:6] if is_resident_id(subject.holder_id) else subject.holder_id[2:8]
        if not region.startswith(condition["region"]):
            return []
    if "sex" in condition:
        if not is_resident_id(subject.holder_id):
            return []
        male = int(subject.holder_id[16]) % 2 == 1
        if male != (condition["sex"] == "male"):
            return []
    if trigger.event == "retirement":
        if not is_resident_id(subject.holder_id):
            return []
        born = retirement.birth_date_from_id(subject.holder_id)
        category = retirement.category_from_id(subject.holder_id, subject.female_category)
        return [retirement.retirement_date(category, born)]
    wanted = condition.get("certificate_type")
    return [
        event.date
        for event in subject.events
        if event.kind == trigger.event and (wanted is None or event.detail == wanted)
    ]


def within_lead(trigger: Trigger, when: dt.date, today: dt.date) -> bool:
    lead = dt.timedelta(days=trigger.lead_days)
    if trigger.event in PAST_EVENTS:
        return when <= today < when + lead
    return today < when <= today + lead


def due_offers(
    trigger: Trigger, subjects: Iterable[Subject], today: dt.date, offered: set[tuple[str, str, dt.date]]
) -> list[Offer]:
    """The offers `trigger` makes today: for each event of each subject within the lead time, when
    the subject wants offers and has not had this trigger's offer for this event (`offered`:
    (trigger code, holder ID, event date) triples)."""
    found = []
    for subject in subjects:
        if not subject.notices:
            continue
        for when in event_dates(trigger, subject):
            if within_lead(trigger, when, today) and (trigger.code, subject.holder_id, when) not in offered:
                found.append(Offer(trigger.code, subject.holder_id, when, trigger.offer, trigger.channel))
    return found
