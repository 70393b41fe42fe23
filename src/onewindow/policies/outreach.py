"""Proactive services run on the platform: the daily job that gathers the subjects and their events
from the registers and the platform's records, makes each trigger's due offers (once per event), tells
the subject on the trigger's channel, and the subject taking an offer up (the bundle or item opened,
prefilled from the registers). Which offers are due is decided by `proactive.py` (pure)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.cases.notifications import send_notice
from onewindow.core import clock, events
from onewindow.core.models import User
from onewindow.core.permissions import Forbidden, NotFound

from . import proactive
from .models import NoticePreference, ProactiveOffer, Trigger


def as_rule(trigger: Trigger) -> proactive.Trigger:
    return proactive.Trigger(
        code=trigger.code,
        event=trigger.event,
        lead_days=trigger.lead_days,
        offer=f"{trigger.offer_kind}:{trigger.offer_code}",
        channel=trigger.channel,
        condition=trigger.condition or {},
    )


def subjects() -> tuple[list[proactive.Subject], dict[str, dict]]:
    """Everyone the platform knows (the population and enterprise registers, the holders of
    certificates, verified accounts) with their events, and each one's contact addresses."""
    from onewindow.certificates.models import Certificate, CertificateStatus
    from onewindow.shareddata.models import RegisterRecord

    names: dict[str, str] = {}
    contacts: dict[str, dict] = defaultdict(dict)
    found: dict[str, list[proactive.Event]] = defaultdict(list)
    for code, holder, values in RegisterRecord.objects.filter(
        register__code__in=("population", "enterprise")
    ).values_list("register__code", "subject_id", "values"):
        names.setdefault(holder, values.get("name", ""))
        if values.get("phone"):
            contacts[holder]["phone"] = values["phone"]
        if code == "enterprise" and values.get("operating_until"):
            found[holder].append(
                proactive.Event(
                    "licence_expiry", dt.date.fromisoformat(values["operating_until"]), "register"
                )
            )
    for holder, name, type_code, valid_until, surface in Certificate.objects.filter(
        status=CertificateStatus.VALID
    ).values_list("holder_id", "holder_name", "certificate_type__code", "valid_until", "surface"):
        names.setdefault(holder, name)
        if type_code == "BIRTH" and surface.get("born_on"):
            found[holder].append(proactive.Event("birth", dt.date.fromisoformat(surface["born_on"]), "BIRTH"))
        if valid_until is not None:
            kind = "licence_expiry" if type_code == "BUSINESS_LICENCE" else "certificate_expiry"
            found[holder].append(proactive.Event(kind, valid_until, type_code))
    quiet = set(
        NoticePreference.objects.filter(proactive_offers=False).values_list(
            "user__verified_id_number", flat=True
        )
    )
    for user in User.objects.filter(is_active=True).exclude(verified_id_number=""):
        names.setdefault(user.verified_id_number, user.get_full_name() or user.username)
        if user.email:
            contacts[user.verified_id_number]["email"] = user.email
    return [
        proactive.Subject(holder, name, notices=holder not in quiet, events=tuple(found[holder]))
        for holder, name in sorted(names.items())
    ], contacts


def run_daily(today: dt.date | None = None) -> dict:
    """Every active trigger's offers for today, each recorded and sent once (scheduled daily)."""
    today = today or clock.today()
    people, contacts = subjects()
    made = {}
    names = {p.holder_id: p.name for p in people}
    for trigger in Trigger.objects.filter(active=True):
        rule = as_rule(trigger)
        offered = set(
            (trigger.code, holder, on) for holder, on in trigger.offers.values_list("holder_id", "event_date")
        )
        count = 0
        for offer in proactive.due_offers(rule, people, today, offered):
            if _make(trigger, offer, names[offer.holder_id], contacts.get(offer.holder_id, {})):
                count += 1
        made[trigger.code] = count
    return made


def _make(trigger: Trigger, offer: proactive.Offer, name: str, contact: dict) -> bool:
    try:
        with transaction.atomic():
            channels = []
            text = _("%(offer)s: we can start it for you, with what the registers already know. %(url)s") % {
                "offer": trigger.name,
                "url": settings.ONEWINDOW_PUBLIC_URL + reverse("my-offers"),
            }
            if trigger.channel == "sms" and contact.get("phone"):
                channels = send_notice(trigger.name, text, phone=contact["phone"])
            elif trigger.channel == "email" and contact.get("email"):
                channels = send_notice(trigger.name, text, email=contact["email"])
            ProactiveOffer.objects.create(
                trigger=trigger,
                holder_id=offer.holder_id,
                holder_name=name,
                event_date=offer.event_date,
                offered_at=clock.now(),
                channels=channels + ["site"],
            )
            events.record("policies.offered", trigger.code, {"event_date": offer.event_date.isoformat()})
    except IntegrityError:  # another run made it first: the unique constraint keeps it to one
        return False
    return True


def own_offer(user: User, offer_id: int) -> ProactiveOffer:
    offer = ProactiveOffer.objects.select_related("trigger").filter(pk=offer_id).first()
    if offer is None or not user.verified_id_number or offer.holder_id != user.verified_id_number.upper():
        raise NotFound("no such offer")
    return offer


def take_up(user: User, offer_id: int) -> str:
    """The subject accepts: the offer is marked taken up, the registers are asked for the answers and
    the address of the bundle's or item's guide, prefilled, is returned."""
    from onewindow.shareddata import selectors as shared_selectors
    from onewindow.shareddata import services as shared_services

    offer = own_offer(user, offer_id)
    target = shared_selectors.prefill_target(offer.trigger.offer_kind, offer.trigger.offer_code)
    if target is None:
        raise Forbidden("the service offered is not published any more")
    _subject, questions, guide_url = target
    with transaction.atomic():
        if offer.taken_up_at is None:
            offer.taken_up_at = clock.now()
            offer.declined_at = None
            offer.save(update_fields=["taken_up_at", "declined_at"])
            events.record("policies.offer_taken_up", offer.trigger.code, {"offer": offer.pk})
        found = shared_services.start_prefill(
            user, user.verified_id_number, questions, f"proactive {offer.trigger.code}"
        )
    return shared_selectors.prefilled_guide_url(guide_url, found)


def decline(user: User, offer_id: int) -> ProactiveOffer:
    offer = own_offer(user, offer_id)
    if offer.taken_up_at is None and offer.declined_at is None:
        offer.declined_at = clock.now()
        offer.save(update_fields=["declined_at"])
    return offer


def set_preference(user: User, **values) -> NoticePreference:
    preference, _created = NoticePreference.objects.get_or_create(user=user)
    for name, value in values.items():
        setattr(preference, name, value)
    preference.save()
    return preference
