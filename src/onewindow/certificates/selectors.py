"""Reads: a certificate's verdict for the public check, a holder's certificates, log proofs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from onewindow.core import clock

from . import merkle, services, signing
from .models import Certificate, CertificateStatus, LogEntry

VALID, SUSPENDED, REVOKED, SUPERSEDED, EXPIRED, UNKNOWN = (
    "valid", "suspended", "revoked", "superseded", "expired", "unknown",
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    status: str
    certificate: Certificate | None = None
    problem: str = ""  # why a signed document does not verify
    origin: str = ""  # the region that issued it, for a certificate issued elsewhere
    document: dict | None = None  # what a certificate issued elsewhere says of itself

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.certificate.jws) if self.certificate else ""


def expired(valid_until: dt.date | str | None, today: dt.date) -> bool:
    """Past its validity (a date, or the ISO date a signed document carries; None: without end)."""
    if isinstance(valid_until, str):
        valid_until = dt.date.fromisoformat(valid_until)
    return valid_until is not None and valid_until < today


def status_of(certificate: Certificate, today: dt.date | None = None) -> str:
    if certificate.status == CertificateStatus.VALID and expired(
        certificate.valid_until, today or clock.today()
    ):
        return EXPIRED
    return certificate.status


def verdict(identifier: str) -> Verdict:
    certificate = (
        Certificate.objects.select_related("certificate_type", "issuer").filter(identifier=identifier).first()
    )
    if certificate is None:
        return Verdict(UNKNOWN)
    return Verdict(status_of(certificate), certificate)


def verify_signed(token: str) -> Verdict:
    """A downloaded signed certificate: its signature against the published keys, then its status."""
    from .trust import foreign_keys

    foreign = foreign_keys()
    try:
        signed = signing.verify(
            token.strip(), services.published_keys() + [key for _r, key in foreign.values()]
        )
    except signing.VerificationError as error:
        return Verdict(UNKNOWN, problem=str(error))
    kid = json.loads(signing.b64decode(token.strip().split(".")[0])).get("kid")
    if kid in foreign:
        status = EXPIRED if expired(signed.get("valid_until"), clock.today()) else VALID
        return Verdict(status, origin=foreign[kid][0], document=signed)
    found = verdict(str(signed.get("identifier", "")))
    if found.certificate is not None and found.certificate.jws != token.strip():
        return Verdict(found.status, found.certificate, "this is not the certificate's current signed text")
    return found


def holder_certificates(holder_id: str):
    return (
        Certificate.objects.filter(holder_id=holder_id.strip().upper())
        .select_related("certificate_type", "issuer")
        .order_by("-issued_at")
    )


def inclusion(index: int, size: int | None = None) -> dict:
    """An entry's audit path in the tree of `size` (the latest signed head's by default)."""
    head = services.latest_tree_head()
    size = head.size if size is None else size
    if not 0 <= index < size <= head.size:
        raise ValueError(f"no entry {index} in a tree of {size}")
    perfect = services.stored_subtrees(
        lambda p: (merkle.inclusion_proof_stored(index, size, p), merkle.range_root(0, size, p))
    )
    entry = LogEntry.objects.get(index=index)
    return {
        "leaf_index": index,
        "tree_size": size,
        "entry": entry.entry,
        "leaf_hash": bytes(entry.leaf_hash).hex(),
        "inclusion_path": [h.hex() for h in merkle.inclusion_proof_stored(index, size, perfect)],
        "root_hash": merkle.range_root(0, size, perfect).hex(),
    }


def consistency(first: int, second: int) -> dict:
    head = services.latest_tree_head()
    if not 0 < first <= second <= head.size:
        raise ValueError(f"sizes must satisfy 0 < first ≤ second ≤ {head.size}")
    perfect = services.stored_subtrees(lambda p: merkle.consistency_proof_stored(first, second, p))
    path = merkle.consistency_proof_stored(first, second, perfect)
    return {"first": first, "second": second, "consistency_path": [h.hex() for h in path]}


def approved_with_result(cases):
    """`cases` annotated: `approved` (its decision was an approval) and `result_kept` (a certificate was
    issued from it: the result is data another case can use)."""
    from django.db.models import Exists, OuterRef

    from onewindow.cases.models import CaseEvent

    return cases.annotate(
        approved=Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action="approve")),
        result_kept=Exists(Certificate.objects.filter(case=OuterRef("pk"))),
    )


def results_kept(since: dt.date, until: dt.date) -> dict[int, dict]:
    """Per department, the approvals decided in the period and those whose result was kept as an
    e-certificate: the index's "results digitised"."""
    from django.db.models import Count, Q

    from onewindow.cases.models import Case

    decided = approved_with_result(Case.objects.filter(decided_on__gte=since, decided_on__lte=until))
    rows = (
        decided.filter(approved=True)
        .values("department")
        .annotate(results=Count("id"), results_digitised=Count("id", filter=Q(result_kept=True)))
    )
    return {row["department"]: row for row in rows}
