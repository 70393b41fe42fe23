"""Matching support policies to enterprise profiles: all policies against all enterprises at once
(vectorised, see eligibility.py), and one enterprise against all policies when its profile changes.
Each run keeps the matches (eligible or one requirement short) and returns what is new, for notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from onewindow.core import clock

from . import eligibility
from .models import EnterpriseProfile, Match, Policy, PolicyStatus

PROFILE_FIELDS = (
    "industry",
    "region",
    "size",
    "founded",
    "employees",
    "revenue",
    "tax_credit",
    *eligibility.SET_FIELDS,
)


def published(today: dt.date):
    return Policy.objects.filter(status=PolicyStatus.PUBLISHED, valid_from__lte=today).exclude(
        valid_until__lt=today
    )


def load_columns(today: dt.date) -> tuple[list[int], eligibility.Columns]:
    """Every profile as columns, read in one query (ids in the columns' order)."""
    rows = list(EnterpriseProfile.objects.order_by("pk").values_list("pk", *PROFILE_FIELDS))
    ids = [row[0] for row in rows]
    values = {name: [row[i + 1] for row in rows] for i, name in enumerate(PROFILE_FIELDS)}
    return ids, eligibility.Columns(values, today)


@dataclass
class MatchRun:
    policies: int
    enterprises: int
    eligible: int
    near_misses: int
    new_eligible: list[tuple[int, int]]  # (policy id, profile id): eligible now, not before
    written: int  # rows added and removed (a re-run writes only what changed)


def match_all(today: dt.date | None = None) -> MatchRun:
    """Every published policy against every enterprise. Eligible pairs are kept (added and removed as
    they change, so a re-run writes little); near misses are counted, and shown when asked for."""
    today = today or clock.today()
    ids, columns = load_columns(today)
    policies = list(published(today))
    eligible_now: set[tuple[int, int]] = set()
    near_misses = 0
    for policy in policies:
        eligible, near = eligibility.match(policy.rule, columns)
        eligible_now.update((policy.pk, ids[i]) for i in eligible.nonzero()[0])
        near_misses += int((near >= 0).sum())
    before = set(Match.objects.values_list("policy_id", "profile_id"))
    added, removed = eligible_now - before, before - eligible_now
    now = clock.now()
    with transaction.atomic():
        for policy_id in {p for p, _profile in removed}:
            gone = [profile for p, profile in removed if p == policy_id]
            for start in range(0, len(gone), 5000):
                Match.objects.filter(policy_id=policy_id, profile_id__in=gone[start : start + 5000]).delete()
        Match.objects.bulk_create(
            (Match(policy_id=p, profile_id=profile, eligible=True, found_at=now) for p, profile in added),
            batch_size=5000,
        )
    return MatchRun(
        policies=len(policies),
        enterprises=len(ids),
        eligible=len(eligible_now),
        near_misses=near_misses,
        new_eligible=sorted(added),
        written=len(added) + len(removed),
    )


def profile_changed(profile: EnterpriseProfile, today: dt.date | None = None) -> list[Policy]:
    """One enterprise against every published policy after its profile changed; the policies it has
    become eligible for."""
    today = today or clock.today()
    facts = profile.as_profile()
    before = set(Match.objects.filter(profile=profile).values_list("policy_id", flat=True))
    eligible = {p.pk: p for p in published(today) if eligibility.evaluate(p.rule, facts, today).eligible}
    with transaction.atomic():
        Match.objects.filter(profile=profile).exclude(policy_id__in=list(eligible)).delete()
        Match.objects.bulk_create(
            [
                Match(policy_id=pk, profile=profile, eligible=True, found_at=clock.now())
                for pk in eligible
                if pk not in before
            ]
        )
    return [policy for pk, policy in eligible.items() if pk not in before]
