"""Writes to e-certificates: issue, re-issue, suspend, reinstate, revoke; the departments' keys; the
transparency log. Each change is signed and appended to the log in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from onewindow.catalog.models import Department
from onewindow.core import clock, events
from onewindow.core.errors import FieldError, InvalidInput
from onewindow.core.ids import id_problem
from onewindow.core.models import SUPERVISORS, Role, User
from onewindow.core.permissions import Conflict, Forbidden

from . import identifiers, merkle, signing
from .models import (
    Certificate,
    CertificateStatus,
    CertificateType,
    HolderKind,
    LogEntry,
    LogNode,
    SigningKey,
    TreeHead,
)

LOG_OWNER = "log"
ISSUERS = frozenset({Role.REVIEWER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN})
STATUS_ACTIONS = {
    "suspend": (CertificateStatus.VALID, CertificateStatus.SUSPENDED),
    "reinstate": (CertificateStatus.SUSPENDED, CertificateStatus.VALID),
    "revoke": (CertificateStatus.VALID, CertificateStatus.REVOKED),
}


# Keys ---------------------------------------------------------------------------------------------


def active_key(owner: str, department: Department | None = None, algorithm: str = "Ed25519") -> SigningKey:
    """The owner's key that signs now (made on first use)."""
    key = SigningKey.objects.filter(owner=owner, retired_at__isnull=True).first()
    if key is None:
        kid, public = signing.new_key(owner, algorithm)
        key = SigningKey.objects.create(
            owner=owner,
            department=department,
            kid=kid,
            algorithm=algorithm,
            public_jwk=public,
            created_at=clock.now(),
        )
    return key


def rotate_key(department: Department, algorithm: str = "Ed25519") -> SigningKey:
    """Retires the department's key (what it signed still verifies) and makes a new one."""
    SigningKey.objects.filter(owner=department.code, retired_at__isnull=True).update(retired_at=clock.now())
    return active_key(department.code, department, algorithm)


def published_keys(owner: str | None = None) -> list[dict]:
    """The public keys (JWK set members), retired ones included: old signatures stay verifiable."""
    keys = SigningKey.objects.all()
    if owner:
        keys = keys.filter(owner=owner)
    return [k.public_jwk for k in keys.order_by("created_at", "id")]


# Documents ----------------------------------------------------------------------------------------


def document(certificate: Certificate) -> dict:
    """What is signed: the metadata and the surface data (GB/T 36901's two parts)."""
    kind = certificate.certificate_type
    return {
        "identifier": certificate.identifier,
        "type": kind.code,
        "type_name": kind.name,
        "issuer": certificate.issuer.code,
        "issuer_name": certificate.issuer.name,
        "holder": {
            "kind": certificate.holder_kind,
            "id": certificate.holder_id,
            "name": certificate.holder_name,
        },
        "surface": certificate.surface,
        "issued_at": certificate.issued_at.isoformat(timespec="seconds"),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "version": certificate.version,
        "supersedes": certificate.supersedes.identifier if certificate.supersedes_id else None,
    }


def _surface_errors(schema: dict, surface: dict) -> list[FieldError]:
    errors = []
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if surface.get(name) in (None, ""):
            errors.append(FieldError(f"surface.{name}", "required"))
    for name, value in surface.items():
        if name not in properties:
            errors.append(FieldError(f"surface.{name}", "not a field of this certificate type"))
        elif properties[name].get("type") == "string" and not isinstance(value, str):
            errors.append(FieldError(f"surface.{name}", "text expected"))
        elif isinstance(value, str) and len(value) > properties[name].get("maxLength", 500):
            errors.append(FieldError(f"surface.{name}", "too long"))
    return errors


@dataclass
class Issuance:
    type_code: str
    holder_id: str
    holder_name: str
    surface: dict
    valid_from: dt.date | None = None


def check_issuance(data: Issuance) -> CertificateType:
    """The type of a valid issuance, or InvalidInput naming each bad field."""
    return _checked(data)


# A person holds certificates under a Chinese or a Vietnamese citizen number, an enterprise under
# its USCC or its Vietnamese enterprise code.
HOLDER_ID_TYPES = {
    HolderKind.PERSON: ("resident_id", "vn_citizen_id"),
    HolderKind.ENTERPRISE: ("uscc", "vn_enterprise"),
}


def _checked(data: Issuance) -> CertificateType:
    kind = CertificateType.objects.select_related("department").filter(code=data.type_code).first()
    errors = []
    if kind is None:
        errors.append(FieldError("type", f"no certificate type {data.type_code!r}"))
    else:
        problems = [id_problem(t, data.holder_id.strip().upper()) for t in HOLDER_ID_TYPES[kind.holder_kind]]
        if all(problems):
            errors.append(FieldError("holder_id", problems[0]))
        errors += _surface_errors(kind.fields_schema, data.surface)
    if not data.holder_name.strip() or len(data.holder_name) > 200:
        errors.append(FieldError("holder_name", "required, at most 200 characters"))
    if errors:
        raise InvalidInput(errors)
    return kind


def _require_issuer(user: User | None, department: Department) -> None:
    if user is None:
        return  # the platform itself, on a case's approval
    if user.role not in ISSUERS or (user.role not in SUPERVISORS and user.department_id != department.pk):
        raise Forbidden("certificates are issued by their issuing department")


def attest(document: dict, department_code: str, department_name: str) -> str:
    """A record signed with the department's key (core.seals.attest): e.g. a window's scan."""
    department = Department.objects.filter(code=department_code).first()
    key = active_key(department_code, department)
    return signing.sign(document, key.kid, key.algorithm, typ="onewindow-attestation+json")


def check_attestation(token: str) -> dict:
    from onewindow.core.seals import AttestationError

    keys = list(SigningKey.objects.values_list("public_jwk", flat=True))
    try:
        return signing.verify(token, keys)
    except signing.VerificationError as error:
        raise AttestationError(str(error)) from None


def _sign_and_log(certificate: Certificate, action: str) -> Certificate:
    key = active_key(certificate.issuer.code, certificate.issuer)
    certificate.key_id = key.kid
    certificate.jws = signing.sign(document(certificate), key.kid, key.algorithm)
    certificate.save(update_fields=["jws", "key_id", "identifier"])
    append_to_log(certificate, action)
    return certificate


def issue(data: Issuance, user: User | None = None, *, case=None, supersedes: Certificate | None = None):
    """A new signed certificate (or a new version of `supersedes`), appended to the log. Issued from
    a case, it is the deciding department's (a commune issues what every commune performs)."""
    kind = _checked(data)
    _require_issuer(user, kind.department)
    issuer = case.department if case is not None else kind.department
    now = clock.now()
    valid_from = data.valid_from or timezone.localdate(now)
    valid_until = valid_from.replace(year=valid_from.year + kind.valid_years) if kind.valid_years else None
    with events.atomic():
        certificate = Certificate.objects.create(
            identifier=f"pending-{secrets.token_hex(8)}",  # replaced below, once the id is known
            certificate_type=kind,
            issuer=issuer,
            holder_kind=kind.holder_kind,
            holder_id=data.holder_id.strip().upper(),
            holder_name=data.holder_name.strip(),
            surface=data.surface,
            issued_at=now.replace(microsecond=0),
            valid_from=valid_from,
            valid_until=valid_until,
            version=supersedes.version + 1 if supersedes else 1,
            supersedes=supersedes,
            case=case,
        )
        certificate.identifier = identifiers.identifier(kind.code, issuer.code, now.year, certificate.pk)
        _sign_and_log(certificate, "reissue" if supersedes else "issue")
        events.record(
            "certificate.issued",
            subject=f"certificate:{certificate.identifier}",
            department=issuer.code,
            payload={"identifier": certificate.identifier, "type": kind.code, "version": certificate.version},
        )
    return certificate


def reissue(certificate: Certificate, surface: dict, user: User | None) -> Certificate:
    """A change of data: a new version; the old one is superseded (and says so when verified)."""
    if certificate.status not in (CertificateStatus.VALID, CertificateStatus.SUSPENDED):
        raise Conflict(f"a {certificate.status} certificate cannot be re-issued")
    data = Issuance(
        certificate.certificate_type.code, certificate.holder_id, certificate.holder_name, surface
    )
    with events.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.SUPERSEDED)
        return issue(data, user, case=certificate.case, supersedes=certificate)


def change_status(certificate: Certificate, action: str, user: User, reason: str = "") -> Certificate:
    if action not in STATUS_ACTIONS:
        raise InvalidInput([FieldError("action", f"one of {', '.join(STATUS_ACTIONS)}")])
    _require_issuer(user, certificate.issuer)
    if action in ("suspend", "revoke") and not reason.strip():
        raise InvalidInput([FieldError("reason", "required")])
    with events.atomic():
        certificate = Certificate.objects.select_for_update().select_related("issuer").get(pk=certificate.pk)
        expected, target = STATUS_ACTIONS[action]
        if certificate.status != expected and not (action == "revoke" and certificate.status == "suspended"):
            raise Conflict(f"a {certificate.status} certificate cannot be {action}d")
        certificate.status, certificate.status_reason = target, reason.strip()[:300]
        certificate.save(update_fields=["status", "status_reason"])
        append_to_log(certificate, action, reason=certificate.status_reason)
        events.record(
            f"certificate.{action}d" if action != "reinstate" else "certificate.reinstated",
            subject=f"certificate:{certificate.identifier}",
            department=certificate.issuer.code,
            payload={"identifier": certificate.identifier, "status": certificate.status},
        )
    return certificate


# The transparency log -----------------------------------------------------------------------------


def append_to_log(certificate: Certificate, action: str, reason: str = "") -> LogEntry:
    """Appends one leaf; called inside the change's transaction. Entries are numbered in commit order
    (the outbox's lock is held until the commit), so the tree only ever grows at its end."""
    events.hold_commit_order()
    last = LogEntry.objects.aggregate(last=Max("index"))["last"]
    index = 0 if last is None else last + 1
    now = clock.now()
    entry = signing.canonical(
        {
            "index": index,
            "action": action,
            "identifier": certificate.identifier,
            "fingerprint": signing.fingerprint(certificate.jws),
            "status": certificate.status,
            "reason": reason,
            "at": now.isoformat(timespec="seconds"),
        }
    ).decode()
    leaf = LogEntry.objects.create(
        index=index,
        entry=entry,
        leaf_hash=merkle.leaf_hash(entry.encode()),
        certificate=certificate,
        at=now,
    )
    perfect = stored_subtrees()
    for level, position in merkle.completed_subtrees(index):
        LogNode.objects.create(
            level=level,
            index=position,
            hash=merkle.node_hash(perfect(level - 1, 2 * position), perfect(level - 1, 2 * position + 1)),
        )
    return leaf


def stored_subtrees(compute=None):
    """perfect(level, index) → the stored hash of that subtree (level 0: a leaf), cached per call.

    With `compute(perfect)`, the proof or root it will ask for: the subtrees it needs are found by a dry
    run and read in two queries, not one at a time (about 400 round trips for a million entries)."""
    cache: dict[tuple[int, int], bytes] = {}
    if compute is not None:
        wanted: set[tuple[int, int]] = set()

        def record(level: int, index: int) -> bytes:
            wanted.add((level, index))
            return bytes(32)

        compute(record)
        _preload(cache, wanted)

    def perfect(level: int, index: int) -> bytes:
        if (level, index) not in cache:
            if level == 0:
                value = LogEntry.objects.values_list("leaf_hash", flat=True).get(index=index)
            else:
                value = LogNode.objects.values_list("hash", flat=True).get(level=level, index=index)
            cache[(level, index)] = bytes(value)
        return cache[(level, index)]

    return perfect


def _preload(cache: dict, wanted: set[tuple[int, int]]) -> None:
    leaves = [index for level, index in wanted if level == 0]
    for index, value in LogEntry.objects.filter(index__in=leaves).values_list("index", "leaf_hash"):
        cache[(0, index)] = bytes(value)
    by_level: dict[int, list[int]] = {}
    for level, index in wanted:
        if level:
            by_level.setdefault(level, []).append(index)
    if by_level:
        condition = Q()
        for level, indexes in by_level.items():
            condition |= Q(level=level, index__in=indexes)
        for level, index, value in LogNode.objects.filter(condition).values_list("level", "index", "hash"):
            cache[(level, index)] = bytes(value)


def tree_head_document(size: int, root_hash: bytes, timestamp: dt.datetime) -> dict:
    return {
        "tree_size": size,
        "root_hash": root_hash.hex(),
        "timestamp": timestamp.isoformat(timespec="seconds"),
    }


def latest_tree_head() -> TreeHead:
    """The signed tree head of the whole log (signed anew when the log has grown)."""
    last = LogEntry.objects.aggregate(last=Max("index"))["last"]  # the index's end, not a count of every row
    size = 0 if last is None else last + 1
    head = TreeHead.objects.filter(size=size).first()
    if head is not None:
        return head
    root_hash = merkle.range_root(0, size, stored_subtrees(lambda p: merkle.range_root(0, size, p)))
    now = clock.now().replace(microsecond=0)
    key = active_key(LOG_OWNER)
    signature = signing.sign(tree_head_document(size, root_hash, now), key.kid, key.algorithm)
    head, _created = TreeHead.objects.get_or_create(
        size=size, defaults={"root_hash": root_hash, "timestamp": now, "signature": signature}
    )
    return head
