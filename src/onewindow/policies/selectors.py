"""Reads of the policy library: open policies and their calendar, an enterprise's matches explained
in words (deadlines first), a policy's eligible enterprises and near misses, the offers' take-up."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from onewindow.core import clock
from onewindow.core.ids import mask

from . import eligibility
from .models import EnterpriseProfile, Policy, ProactiveOffer, Trigger
from .services import load_columns, published


@dataclass
class Reason:
    met: bool
    words: list[str]


@dataclass
class PolicyMatch:
    policy: Policy
    reasons: list[Reason] = field(default_factory=list)  # one per requirement, met or not

    @property
    def missing(self) -> list[Reason]:
        return [r for r in self.reasons if not r.met]

    @property
    def eligible(self) -> bool:
        return not self.missing

    @property
    def near_miss(self) -> bool:
        return len(self.missing) == 1


def explained(policy: Policy, profile: eligibility.Profile, today: dt.date) -> PolicyMatch:
    """`profile` against `policy`, each requirement met or not with its conditions in words (one
    evaluation: eligibility and near misses follow from the requirements)."""
    return PolicyMatch(
        policy,
        [
            Reason(met, [eligibility.explain(check) for check in checks])
            for met, checks in eligibility.requirement_results(policy.rule, profile, today)
        ],
    )


def deadline_first(policy: Policy) -> tuple:
    return (policy.valid_until is None, policy.valid_until or dt.date.max, policy.code)


def open_policies(today: dt.date, topic: str = "") -> list[Policy]:
    found = published(today).select_related("item")
    if topic:
        found = found.filter(topic=topic)
    return sorted(found, key=deadline_first)


def calendar(policies: list[Policy]) -> list[tuple[dt.date, list[Policy]]]:
    """The deadlines by month (first day of the month), soonest first; policies without one left out."""
    months: dict[dt.date, list[Policy]] = defaultdict(list)
    for policy in policies:
        if policy.valid_until:
            months[policy.valid_until.replace(day=1)].append(policy)
    return sorted(months.items())


def enterprise_matches(
    profile: EnterpriseProfile, today: dt.date
) -> tuple[list[PolicyMatch], list[PolicyMatch]]:
    """The policies `profile` is eligible for, and those it misses by one requirement, each with its
    reasons in words; deadlines first."""
    facts = profile.as_profile()
    eligible, near = [], []
    for policy in open_policies(today):
        found = explained(policy, facts, today)
        if found.eligible or found.near_miss:
            (eligible if found.eligible else near).append(found)
    return eligible, near


@dataclass
class PolicyReport:
    eligible_count: int
    eligible: list[tuple[EnterpriseProfile, list[Reason]]]
    near_by_requirement: list[tuple[int, str, int]]  # requirement index, in words, how many miss only it
    near: list[tuple[EnterpriseProfile, list[Reason]]]


def matched(policy: Policy, today: dt.date) -> tuple[list[int], list[tuple[int, int]]]:
    """Every enterprise eligible for `policy` (profile ids), and every near miss with the index of
    the requirement it misses; matched on all profiles at once (vectorised)."""
    ids, columns = load_columns(today)
    eligible, near = eligibility.match(policy.rule, columns)
    return [ids[i] for i in eligible.nonzero()[0]], [(ids[i], int(near[i])) for i in (near >= 0).nonzero()[0]]


def policy_report(policy: Policy, today: dt.date, shown: int = 50) -> PolicyReport:
    """Every eligible enterprise and every near miss of `policy` (counted by the requirement missed),
    the first `shown` of each with the reason per requirement."""
    eligible_ids, near = matched(policy, today)
    counts: dict[int, int] = defaultdict(int)
    for _pk, index in near:
        counts[index] += 1
    parts = eligibility.requirements(policy.rule)
    near_ids = [pk for pk, _index in near[:shown]]
    profiles = EnterpriseProfile.objects.in_bulk(eligible_ids[:shown] + near_ids)

    def with_reasons(id_list):
        return [(profiles[pk], explained(policy, profiles[pk].as_profile(), today).reasons) for pk in id_list]

    return PolicyReport(
        eligible_count=len(eligible_ids),
        eligible=with_reasons(eligible_ids[:shown]),
        near_by_requirement=[(index, describe(parts[index]), counts[index]) for index in sorted(counts)],
        near=with_reasons(near_ids),
    )


def policy_rows(policy: Policy, today: dt.date):
    """Every eligible enterprise and every near miss of `policy`, for the export: (name, USCC masked,
    eligible, the requirement missed as written); read in chunks, so that it holds at any size."""
    eligible_ids, near = matched(policy, today)
    parts = [describe(part) for part in eligibility.requirements(policy.rule)]
    wanted = [(pk, True, "") for pk in eligible_ids] + [(pk, False, parts[index]) for pk, index in near]
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        found = EnterpriseProfile.objects.filter(pk__in=[pk for pk, _e, _m in chunk])
        named = {pk: (name, uscc) for pk, name, uscc in found.values_list("pk", "name", "uscc")}
        for pk, is_eligible, missing in chunk:
            yield named[pk][0], mask(named[pk][1]), is_eligible, missing


def describe(rule) -> str:
    """A requirement as written (for staff): field, operator and value, or its parts."""
    for combinator in ("all", "any"):
        if combinator in rule:
            joiner = " and " if combinator == "all" else " or "
            return "(" + joiner.join(describe(part) for part in rule[combinator]) + ")"
    if "not" in rule:
        return "not " + describe(rule["not"])
    value = rule["value"]
    return f"{rule['field']} {rule['op']} {', '.join(value) if isinstance(value, list) else value}"


@dataclass
class TakeUp:
    trigger: Trigger
    offered: int
    taken_up: int
    declined: int

    @property
    def rate(self) -> float | None:
        return self.taken_up / self.offered if self.offered else None


def take_up_report(since: dt.datetime | None = None) -> list[TakeUp]:
    offers = ProactiveOffer.objects.all()
    if since is not None:
        offers = offers.filter(offered_at__gte=since)
    counts = {
        row["trigger"]: row
        for row in offers.values("trigger").annotate(
            offered=Count("id"),
            taken_up=Count("id", filter=Q(taken_up_at__isnull=False)),
            declined=Count("id", filter=Q(declined_at__isnull=False)),
        )
    }
    return [
        TakeUp(t, counts.get(t.pk, {}).get("offered", 0), counts.get(t.pk, {}).get("taken_up", 0),
               counts.get(t.pk, {}).get("declined", 0))
        for t in Trigger.objects.all()
    ]  # fmt: skip


def offers_of(holder_id: str) -> list[ProactiveOffer]:
    return list(ProactiveOffer.objects.filter(holder_id=holder_id.upper()).select_related("trigger"))


def applicant_summary(user) -> dict:
    """What an applicant's start page says of policies and offers: the offers still open, and for an
    enterprise how many policies it meets and which exempt ones wait for its bank account."""
    from .models import Payout

    if not user.verified_id_number:
        return {}
    offers = [o for o in offers_of(user.verified_id_number) if not o.taken_up_at and not o.declined_at]
    found = {"open_offers": offers[:5]}
    if user.role == "enterprise":
        profile = EnterpriseProfile.objects.filter(uscc=user.verified_id_number).first()
        if profile is not None:
            eligible, _near = enterprise_matches(profile, clock.today())
            confirmed = set(Payout.objects.filter(profile=profile).values_list("policy_id", flat=True))
            found["policies_met"] = len(eligible)
            found["to_confirm"] = [
                m.policy for m in eligible if m.policy.how == "exempt" and m.policy.pk not in confirmed
            ][:5]
    return found
