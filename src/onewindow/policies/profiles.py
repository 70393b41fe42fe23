"""An enterprise's profile, assembled from what the platform knows of it (the enterprise register,
its e-certificates, its approved cases, its trading history) and what it declared itself; each value
keeps its source and date. A declared value stands in for the register's and says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput

from . import eligibility
from .models import EnterpriseProfile

# What the enterprise register's record may say, under the profile's names.
REGISTER_FIELDS = ("name", "industry", "region", "founded", "employees", "size")
# What an enterprise may declare (and correct) itself.
DECLARABLE = ("employees", "revenue", "size", "tax_credit", "tags")
TAGS = ("high_tech", "specialised_new", "tech_sme", "little_giant", "export", "startup")
APPROVED = ("approved", "delivered")


def _source(kind: str, on: dt.date | dt.datetime | None, reference: str = "") -> dict:
    day = on.date() if isinstance(on, dt.datetime) else on
    found = {"source": kind, "at": (day or clock.today()).isoformat()}
    return found | {"reference": reference} if reference else found


def platform_values(uscc: str, today: dt.date) -> tuple[dict, dict]:
    """(values, sources) of `uscc` from the registers and the platform's own records."""
    from onewindow.cases.models import Case
    from onewindow.certificates.models import Certificate, CertificateStatus
    from onewindow.shareddata.models import CreditRecord, RegisterRecord
    from onewindow.trading.models import Bid, TrustListEntry

    values: dict = {}
    sources: dict = {}
    record = RegisterRecord.objects.filter(register__code="enterprise", subject_id=uscc).first()
    if record is not None:
        for name in REGISTER_FIELDS:
            if record.values.get(name) not in (None, ""):
                value = record.values[name]
                values[name] = dt.date.fromisoformat(value) if name == "founded" else value
                sources[name] = _source("register:enterprise", today)
    certificates = (
        Certificate.objects.filter(holder_id=uscc, status=CertificateStatus.VALID, valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .values_list("certificate_type__code", "issued_at")
    )
    values["certificates"] = sorted({code for code, _at in certificates})
    sources["certificates"] = _source("certificates", max((at for _c, at in certificates), default=None))
    cases = Case.objects.filter(applicant_id_number=uscc, status__in=APPROVED).values_list(
        "item__code", "decided_on"
    )
    values["approved_items"] = sorted({code for code, _on in cases})
    sources["approved_items"] = _source("cases", max((on for _c, on in cases if on), default=None))
    # Tags come from several places: each keeps its own source (sources["tag_sources"]).
    tag_sources = {}
    won = Bid.objects.filter(bidder_uscc=uscc, winner=True).values_list("submitted_at", flat=True)
    if won:
        tag_sources["bid_winner"] = _source("trading", max(won))
    # A bar for a false commitment, or the trading blacklist: many policies exclude the discredited.
    barred = CreditRecord.objects.filter(holder_id=uscc, barred_from__lte=today, barred_until__gte=today)
    blacklisted = TrustListEntry.objects.filter(uscc=uscc, list="black", valid_from__lte=today)
    if barred.exists() or blacklisted.exclude(valid_until__lt=today).exists():
        tag_sources["credit_barred"] = _source("credit records", today)
    values["tags"] = sorted(tag_sources)
    sources["tag_sources"] = tag_sources
    return values, sources


@transaction.atomic
def refresh(uscc: str, today: dt.date | None = None, declared: dict | None = None) -> EnterpriseProfile:
    """(Re)assemble the profile of `uscc` from the platform's data and its declarations (`declared`:
    new ones replacing those kept)."""
    today = today or clock.today()
    values, sources = platform_values(uscc, today)
    profile = EnterpriseProfile.objects.select_for_update().filter(uscc=uscc).first()
    if profile is None:
        profile = EnterpriseProfile(uscc=uscc, name=values.get("name") or uscc)
    if declared is not None:
        profile.declared = declared
    for name, entry in profile.declared.items():
        declared = _source("declared", dt.date.fromisoformat(entry["at"]))
        if name == "tags":
            values["tags"] = sorted(set(values.get("tags", [])) | set(entry["value"]))
            for tag in entry["value"]:
                sources["tag_sources"].setdefault(tag, declared)
        else:
            values[name] = entry["value"]
            sources[name] = declared
    for name in ("name", *eligibility.FIELDS):
        if name in values and name != "age":
            setattr(profile, name, values[name])
    if "founded" in values:
        profile.founded = values["founded"]
    profile.sources = sources
    profile.updated_at = clock.now()
    profile.save()
    return profile


def parse_declaration(data) -> dict:
    """The declared values from a form or API body, checked field by field (empty: not declared)."""
    errors, found = [], {}
    for name in DECLARABLE:
        raw = data.get(name)
        if name == "tags":
            tags = list(data.getlist("tags")) if hasattr(data, "getlist") else list(raw or [])
            unknown = [t for t in tags if t not in TAGS]
            if unknown:
                errors.append(FieldError("tags", f"unknown tag {unknown[0]!r}; one of {', '.join(TAGS)}"))
            found["tags"] = sorted(set(tags))
            continue
        if raw in (None, ""):
            continue
        if name == "employees":
            if not str(raw).isdigit() or int(raw) > 10_000_000:
                errors.append(FieldError("employees", "a whole number of people, 0 or more"))
            else:
                found[name] = int(raw)
        elif name == "revenue":
            try:
                number = Decimal(str(raw))
            except InvalidOperation:
                number = Decimal(-1)
            if not number.is_finite() or number < 0 or number > 10**9:
                errors.append(FieldError("revenue", "an amount in 10,000 yuan, 0 or more"))
            else:
                found[name] = float(number)
        elif name == "size" and raw not in eligibility.SIZES:
            errors.append(FieldError("size", f"one of {', '.join(eligibility.SIZES)}"))
        elif name == "tax_credit" and raw not in eligibility.TAX_GRADES:
            errors.append(FieldError("tax_credit", "one of A, B, M, C, D"))
        else:
            found[name] = raw
    if errors:
        raise InvalidInput(errors)
    return found


def declare(user, data) -> tuple[EnterpriseProfile, list]:
    """The enterprise's own values (replacing what it declared before), the profile reassembled and
    matched again; returns the profile and the policies it has just become eligible for."""
    from . import services

    if user.role != "enterprise" or not user.verified_id_number:
        raise InvalidInput([FieldError("account", "only a verified enterprise account declares its values")])
    found = parse_declaration(data)
    today = clock.today()
    declared = {
        name: {"value": value, "at": today.isoformat()}
        for name, value in found.items()
        if value not in ([], None)
    }
    with transaction.atomic():
        profile = refresh(user.verified_id_number, today, declared)
        events.record("policies.profile_declared", profile.uscc, {"fields": sorted(profile.declared)})
        new = services.profile_changed(profile, today)
    return profile, new
