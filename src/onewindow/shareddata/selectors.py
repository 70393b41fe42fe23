"""Reads: the certificates a holder may use, what a case uses and how it stands now, the holder's
consents and access log, commitment bars, the post-verification work list and report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.certificates import selectors as certificate_selectors
from onewindow.certificates.models import Certificate, CertificateStatus
from onewindow.core import clock
from onewindow.core.models import SUPERVISORS, Role, User

from .models import (
    CertificateUse,
    Commitment,
    Consent,
    CreditRecord,
    DataSource,
    Prefill,
    SharedDataSettings,
    SharedMaterial,
    Verification,
)


def usable_certificates(
    holder_id: str, today: dt.date | None = None, by: str = "material"
) -> dict[str, Certificate]:
    """material code (or type code, `by="type"`) → the holder's newest valid, shareable certificate
    standing for it."""
    today = today or clock.today()
    found: dict[str, Certificate] = {}
    certificates = (
        Certificate.objects.filter(
            holder_id=holder_id.strip().upper(),
            status=CertificateStatus.VALID,
            valid_from__lte=today,
            certificate_type__shareable=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("certificate_type", "issuer")
        .order_by("-issued_at", "-id")
    )
    for certificate in certificates:
        key = (
            certificate.certificate_type.code if by == "type" else certificate.certificate_type.material_code
        )
        if key:
            found.setdefault(key, certificate)
    return found


def usable_by_type(holder_id: str, today: dt.date | None = None) -> dict[str, Certificate]:
    """certificate type code → the holder's newest usable certificate of that type."""
    return {c.certificate_type.code: c for c in usable_certificates(holder_id, today, by="type").values()}


@dataclass(frozen=True)
class SharedView:
    """A material met by a certificate, as the reviewer sees it: the certificate's content and what
    holds now (signature, status, and whether it is still the version used at filing)."""

    shared: SharedMaterial
    status: str  # the certificate's status now (valid, suspended, revoked, expired, superseded)
    signature_ok: bool
    problem: str

    @property
    def flagged(self) -> bool:
        return self.status != certificate_selectors.VALID or not self.signature_ok

    @property
    def certificate(self) -> Certificate:
        return self.shared.certificate


def shared_materials(case: Case) -> list[SharedView]:
    views = []
    rows = (
        SharedMaterial.objects.filter(material__case=case)
        .select_related("material", "certificate__certificate_type", "certificate__issuer", "consent")
        .order_by("material_id")
    )
    for shared in rows:
        checked = certificate_selectors.verify_signed(shared.certificate.jws)
        problem = checked.problem
        if not problem and checked.fingerprint != shared.fingerprint:
            problem = "the certificate's signed text changed since filing"
        views.append(SharedView(shared, checked.status, not problem, problem))
    return views


def consents_of(holder_id: str):
    return Consent.objects.filter(holder_id=holder_id).select_related("case", "bundle_case", "asked_by")


def uses_of(holder_id: str):
    return CertificateUse.objects.filter(holder_id=holder_id).select_related(
        "certificate__certificate_type", "case", "user", "department"
    )


def withdrawable(consent: Consent, now: dt.datetime | None = None) -> bool:
    now = now or clock.now()
    return consent.used_at is None and consent.withdrawn_at is None and consent.expires_at > now


def commitment_bar(holder_id: str, today: dt.date | None = None) -> CreditRecord | None:
    """The record barring `holder_id` from commitments today, if any."""
    today = today or clock.today()
    return (
        CreditRecord.objects.filter(
            holder_id=holder_id.strip().upper(), barred_from__lte=today, barred_until__gte=today
        )
        .order_by("-barred_until")
        .first()
    )


def credit_records_of(holder_id: str):
    return CreditRecord.objects.filter(holder_id=holder_id.strip().upper())


def visible_verifications(user: User):
    found = Verification.objects.select_related(
        "commitment__case__item", "commitment__material", "department", "verified_by"
    )
    if user.role in SUPERVISORS:
        return found
    if user.role == Role.REVIEWER:
        return found.filter(department_id=user.department_id)
    return found.none()


def case_commitments(case: Case):
    return Commitment.objects.filter(case=case).select_related("material", "verification")


@dataclass(frozen=True)
class CommitmentFigures:
    department: str
    made: int
    verified: int
    verified_on_time: int
    found_false: int
    pending: int
    overdue: int


def commitment_report(
    since: dt.date, until: dt.date, today: dt.date | None = None
) -> list[CommitmentFigures]:
    """Per department: commitments made in the period (by filing day), how many of their
    verifications were done, done on time, found false, still pending and overdue."""
    today = today or clock.today()
    made = Counter(
        Commitment.objects.filter(signed_at__date__gte=since, signed_at__date__lte=until).values_list(
            "case__department__code", flat=True
        )
    )
    verifications = Verification.objects.filter(
        commitment__signed_at__date__gte=since, commitment__signed_at__date__lte=until
    ).select_related("department")
    counts: dict[str, Counter] = {}
    for verification in verifications:
        counter = counts.setdefault(verification.department.code, Counter())
        if verification.outcome in (Verification.Outcome.CONFIRMED, Verification.Outcome.FALSE):
            counter["verified"] += 1
            counter["on_time"] += verification.on_time
            counter["false"] += verification.outcome == Verification.Outcome.FALSE
        elif verification.outcome == Verification.Outcome.PENDING:
            counter["pending"] += 1
            counter["overdue"] += verification.due_on < today
    rows = []
    for code in sorted(set(made) | set(counts)):
        found = counts.get(code, Counter())
        rows.append(
            CommitmentFigures(
                code, made[code], found["verified"], found["on_time"], found["false"], found["pending"],
                found["overdue"],
            )
        )  # fmt: skip
    return rows


def prefill_for(user: User, token: str) -> Prefill | None:
    """The caller's own prefilled values, while they are kept."""
    if not token or not user.is_authenticated:
        return None
    hours = SharedDataSettings.current().prefill_hours
    return Prefill.objects.filter(
        token=token, caller=user, created_at__gte=clock.now() - dt.timedelta(hours=hours)
    ).first()


def data_sources(case: Case):
    return DataSource.objects.filter(case=case)


def prefill_target(kind: str, code: str):
    """The item or bundle whose questions are prefilled (`kind`: item or bundle), its questions, and
    its guide's address; None when there is no such published service."""
    from onewindow.catalog import selectors as catalog_selectors
    from onewindow.catalog.models import Bundle, ServiceItem

    try:
        if kind == "item":
            item = catalog_selectors.published_item(code)
            return item, list(item.questions.all()), reverse("guide", args=[code])
        bundle = Bundle.objects.filter(code=code).first()
        if bundle is None:
            return None
        items = catalog_selectors.bundle_items(bundle)
    except ServiceItem.DoesNotExist:
        return None
    questions = [q for item in items.values() for q in item.questions.all()]
    return bundle, questions, reverse("bundle-guide", args=[code])


def prefilled_guide_url(guide_url: str, found: Prefill) -> str:
    """The guide with the answers read from registers filled in, and the prefill's token (which the
    application form reads the name from)."""
    query = {f"a.{q}": entry["value"] for q, entry in found.values["answers"].items()}
    return guide_url + "?" + urlencode(query | {"prefill": found.token})
