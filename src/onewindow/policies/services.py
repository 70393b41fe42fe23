"""Matching support policies to enterprise profiles: all policies against all enterprises at once
(vectorised, see eligibility.py), and one enterprise against all policies when its profile changes.
Each run keeps the matches (eligible or one requirement short) and returns what is new, for notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from onewindow.cases.notifications import send_notice
from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.models import Role, User
from onewindow.core.permissions import Forbidden
from onewindow.core.tasks import enqueue

from . import eligibility
from .models import (
    Application,
    EnterpriseProfile,
    HowObtained,
    Match,
    NoticePreference,
    Payout,
    PayoutStatus,
    Policy,
    PolicyStatus,
)

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
    """Every profile as columns, read in one query (ids in the columns' order). Read with the cursor,
    not the ORM: both databases hand the set fields over as JSON text, which `Columns` searches
    without decoding (half the time of a full match was decoding 1.5 million small lists)."""
    table = connection.ops.quote_name(EnterpriseProfile._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in PROFILE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {names} FROM {table} ORDER BY id")
        rows = cursor.fetchall()
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


def match_all(today: dt.date | None = None, policies=None) -> MatchRun:
    """Every published policy (or those given) against every enterprise. Eligible pairs are kept
    (added and removed as they change, so a re-run writes little); near misses are counted, and shown
    when asked for."""
    today = today or clock.today()
    ids, columns = load_columns(today)
    policies = list(published(today) if policies is None else policies)
    eligible_now: set[tuple[int, int]] = set()
    near_misses = 0
    for policy in policies:
        eligible, near = eligibility.match(policy.rule, columns)
        eligible_now.update((policy.pk, ids[i]) for i in eligible.nonzero()[0])
        near_misses += int((near >= 0).sum())
    before = set(Match.objects.filter(policy__in=policies).values_list("policy_id", "profile_id"))
    added, removed = eligible_now - before, before - eligible_now
    now = clock.now()
    with transaction.atomic():
        for policy_id in {p for p, _profile in removed}:
            gone = [profile for p, profile in removed if p == policy_id]
            for start in range(0, len(gone), 5000):
                Match.objects.filter(policy_id=policy_id, profile_id__in=gone[start : start + 5000]).delete()
        new_eligible = sorted(added)
        _insert_matches(new_eligible, now)
        notify_new_matches(new_eligible)
    return MatchRun(
        policies=len(policies),
        enterprises=len(ids),
        eligible=len(eligible_now),
        near_misses=near_misses,
        new_eligible=new_eligible,
        written=len(added) + len(removed),
    )


def _insert_matches(pairs: list[tuple[int, int]], now) -> None:
    """Eligible pairs written in bulk: COPY on PostgreSQL, one prepared INSERT run over them in batches
    on SQLite. A full match keeps a million pairs, and building a model instance for each took most
    of its time."""
    table = connection.ops.quote_name(Match._meta.db_table)
    columns = "policy_id, profile_id, eligible, missing, found_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for policy, profile in pairs:
                    copy.write_row((policy, profile, True, -1, now))
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)"
        found_at = Match._meta.get_field("found_at").get_db_prep_value(now, connection)
        for start in range(0, len(pairs), 20000):
            cursor.executemany(
                sql, [(p, profile, True, -1, found_at) for p, profile in pairs[start : start + 20000]]
            )


def match_all_summary() -> dict:
    """The nightly full match (profiles change through the day; deadlines and ages move with the
    date), as the scheduler reports it."""
    run = match_all()
    return {"policies": run.policies, "eligible": run.eligible, "new": len(run.new_eligible)}


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
        notify_new_matches([(pk, profile.pk) for pk in eligible if pk not in before])
    return [policy for pk, policy in eligible.items() if pk not in before]


# ------------------------------------------------------------------------------------------ notices


def wants_policy_notice(preference: NoticePreference | None, policy: Policy) -> bool:
    if preference is None:
        return True
    return preference.policy_notices and (not preference.topics or policy.topic in preference.topics)


def notify_new_matches(pairs: list[tuple[int, int]]) -> int:
    """Tell each enterprise with an account of the policies it has just become eligible for (one
    notice per policy, by the account's email; the matches page lists them too). Queued with the
    current transaction; returns how many notices. Read from the accounts' side: a full match finds
    millions of pairs, of which only those of enterprises with an account can be told."""
    if not pairs:
        return 0
    accounts: dict[str, list[User]] = {}
    for user in User.objects.filter(role=Role.ENTERPRISE, is_active=True).exclude(verified_id_number=""):
        accounts.setdefault(user.verified_id_number, []).append(user)
    told = dict(EnterpriseProfile.objects.filter(uscc__in=list(accounts)).values_list("pk", "uscc"))
    pairs = [(policy, profile) for policy, profile in pairs if profile in told]
    policies = Policy.objects.in_bulk({policy for policy, _profile in pairs})
    users = [user for uscc in set(told.values()) for user in accounts[uscc]]
    preferences = {p.user_id: p for p in NoticePreference.objects.filter(user__in=users)}
    sent = 0
    for policy_id, profile_id in pairs:
        policy = policies[policy_id]
        for user in accounts[told[profile_id]]:
            if not wants_policy_notice(preferences.get(user.pk), policy):
                continue
            until = _(", apply by %(date)s") % {"date": policy.valid_until} if policy.valid_until else ""
            text = _("You meet the conditions of %(title)s (%(issuer)s)%(until)s: %(url)s") % {
                "title": policy.title,
                "issuer": policy.issuer,
                "until": until,
                "url": settings.ONEWINDOW_PUBLIC_URL + reverse("policy", args=[policy.code]),
            }
            send_notice(_("A support policy you match"), text, email=user.email)
            sent += 1
    return sent


# -------------------------------------------------------------------------------- publish and apply


def publish(actor: User, policy: Policy) -> Policy:
    """Publish a policy (its rule checked again) and match it against every enterprise in the
    background; those newly eligible are told."""
    if actor.role != Role.ADMIN:
        raise Forbidden("only administrators publish policies")
    policy.full_clean()
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        policy.status = PolicyStatus.PUBLISHED
        policy.published_at = clock.now()
        policy.save(update_fields=["status", "published_at"])
        events.record("policies.published", policy.code, {"by": actor.username})
        enqueue(match_policy_task, policy.pk)
    return policy


def withdraw(actor: User, policy: Policy) -> Policy:
    """Take a policy out of the library: no longer matched, shown or applied for (what was applied
    for and confirmed stays)."""
    if actor.role != Role.ADMIN:
        raise Forbidden("only administrators withdraw policies")
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        policy.status = PolicyStatus.WITHDRAWN
        policy.save(update_fields=["status"])
        Match.objects.filter(policy=policy).delete()
        events.record("policies.withdrawn", policy.code, {"by": actor.username})
    return policy


@task()
def match_policy_task(policy_id: int) -> dict:
    policy = Policy.objects.filter(pk=policy_id, status=PolicyStatus.PUBLISHED).first()
    if policy is None:
        return {"matched": 0}
    run = match_all(policies=[policy])
    return {"eligible": run.eligible, "new": len(run.new_eligible)}


def own_profile(user: User) -> EnterpriseProfile:
    if user.role != Role.ENTERPRISE or not user.verified_id_number:
        raise Forbidden("only a verified enterprise account has a profile")
    from . import profiles

    found = EnterpriseProfile.objects.filter(uscc=user.verified_id_number).first()
    return found or profiles.refresh(user.verified_id_number)


def _eligible_or_refuse(
    policy: Policy, profile: EnterpriseProfile, how: str, today: dt.date
) -> eligibility.Verdict:
    if policy.status != PolicyStatus.PUBLISHED or policy.valid_from > today:
        raise InvalidInput([FieldError("policy", "this policy is not open")])
    if policy.valid_until and policy.valid_until < today:
        raise InvalidInput([FieldError("policy", f"the deadline {policy.valid_until} has passed")])
    if policy.how != how:
        raise InvalidInput([FieldError("policy", "this policy is not obtained that way")])
    verdict = eligibility.evaluate(policy.rule, profile.as_profile(), today)
    if not verdict.eligible:
        raise InvalidInput([FieldError("policy", "your profile does not meet this policy's conditions")])
    return verdict


def apply(user: User, policy: Policy) -> Application:
    """File the case of a matched policy's catalog item for the enterprise, its profile values
    recorded on the case with their sources; applying twice returns the first application."""
    from onewindow.cases import services as case_services
    from onewindow.shareddata.models import DataSource

    profile = own_profile(user)
    earlier = Application.objects.filter(policy=policy, profile=profile).select_related("case").first()
    if earlier is not None:
        return earlier
    today = clock.today()
    verdict = _eligible_or_refuse(policy, profile, HowObtained.APPLY, today)
    submission = case_services.Submission(
        item=policy.item.code,
        applicant=case_services.Applicant(
            name=profile.name, id_type="uscc", id_number=profile.uscc, email=user.email
        ),
        channel="online",
    )
    with transaction.atomic():
        case, _created = case_services.submit_case(user, submission, f"policy-{policy.code}-{profile.uscc}")
        # The profile values the rule read, each under the rule's name (an age is the founding date).
        read = {c.rule["field"]: "founded" if c.rule["field"] == "age" else c.rule["field"]
                for c in verdict.checks if "field" in c.rule}  # fmt: skip
        DataSource.objects.bulk_create(
            DataSource(
                case=case,
                field=f"profile.{name}",
                value=_shown(getattr(profile, stored)),
                source=profile.sources.get(stored, {}).get("source", "profile"),
                reference=policy.code,
            )
            for name, stored in sorted(read.items())
        )
        application = Application.objects.create(
            policy=policy, profile=profile, case=case, applied_at=clock.now()
        )
        events.record("policies.applied", policy.code, {"case": case.number})
    return application


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)[:300]


def confirm_payout(user: User, policy: Policy, bank_name: str, bank_account: str) -> Payout:
    """An exempt policy's payout: the enterprise confirms the bank account, the record is made (once)."""
    profile = own_profile(user)
    earlier = Payout.objects.filter(policy=policy, profile=profile).first()
    if earlier is not None:
        return earlier
    _eligible_or_refuse(policy, profile, HowObtained.EXEMPT, clock.today())
    errors = []
    if not bank_name.strip():
        errors.append(FieldError("bank_name", "the bank's name is required"))
    account = bank_account.replace(" ", "")
    if not account.isdigit() or not 8 <= len(account) <= 30:
        errors.append(FieldError("bank_account", "the account number: 8 to 30 digits"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        payout = Payout.objects.create(
            policy=policy,
            profile=profile,
            amount=policy.amount,
            bank_name=bank_name.strip()[:100],
            bank_account=account,
            status=PayoutStatus.CONFIRMED,
            confirmed_by=user,
            confirmed_at=clock.now(),
        )
        events.record("policies.payout_confirmed", policy.code, {"amount": str(policy.amount or "")})
    return payout
