"""The certificates' public API: verification, the departments' public keys, the transparency log."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from onewindow.core.permissions import NotFound

from . import selectors, services
from .models import masked_name

router = Router(tags=["certificates"])


class VerdictOut(Schema):
    status: str = Field(..., description="valid, suspended, revoked, superseded, expired or unknown")
    problem: str = Field("", description="Why a signed document does not verify (empty when it does)")
    identifier: str | None = None
    type: str | None = None
    issuer: str | None = None
    issued_at: str | None = None
    valid_until: str | None = None
    holder: str | None = Field(None, description="The holder's name, masked")
    fingerprint: str | None = Field(None, description="SHA-256 of the signed certificate (JWS)")
    origin: str = Field("", description="The region that issued it, when another region's trust list vouches")


class VerifyIn(Schema):
    jws: str = Field(..., max_length=20000, description="A downloaded signed certificate (compact JWS)")


def verdict_out(verdict: selectors.Verdict) -> dict:
    c = verdict.certificate
    out = {"status": verdict.status, "problem": verdict.problem, "origin": verdict.origin}
    if verdict.document:
        d = verdict.document
        holder = d.get("holder", {})
        out.update(
            identifier=d.get("identifier"),
            type=d.get("type_name"),
            issuer=d.get("issuer_name"),
            issued_at=d.get("issued_at"),
            valid_until=d.get("valid_until"),
            holder=masked_name(holder.get("name", ""), holder.get("kind", "")),
        )
    if c is not None:
        out.update(
            identifier=c.identifier,
            type=c.certificate_type.name,
            issuer=c.issuer.name,
            issued_at=c.issued_at.isoformat(timespec="seconds"),
            valid_until=c.valid_until.isoformat() if c.valid_until else None,
            holder=c.masked_holder_name,
            fingerprint=verdict.fingerprint,
        )
    return out


@router.get("/verify", response=VerdictOut, auth=None, summary="A certificate's status by its identifier")
def verify_identifier(request, identifier: str = Query(..., max_length=64)):
    return verdict_out(selectors.verdict(identifier))


@router.post("/verify", response=VerdictOut, auth=None, summary="Check a signed certificate and its status")
def verify_document(request, payload: VerifyIn):
    return verdict_out(selectors.verify_signed(payload.jws))


class KeySetOut(Schema):
    keys: list[dict]


@router.get("/certificates/keys", response=KeySetOut, auth=None, summary="Public keys (JWK set), all owners")
def keys(request, owner: str | None = Query(None, max_length=32)):
    if owner in (None, services.LOG_OWNER):
        services.active_key(services.LOG_OWNER)  # an auditor pins the log's key before its first head
    return {"keys": services.published_keys(owner)}


class TrustListOut(Schema):
    trust_list: str = Field(..., description="This platform's issuers, keys and types, signed (compact JWS)")
    fingerprint: str = Field(..., description="SHA-256 of the key that signs it: confirm it before importing")


@router.get("/certificates/trust-list", response=TrustListOut, auth=None, summary="Our signed trust list")
def trust_list(request):
    from . import trust

    token = trust.export()
    return {"trust_list": token, "fingerprint": trust.read(token)[1]}


class TreeHeadOut(Schema):
    tree_size: int
    root_hash: str
    timestamp: str
    signature: str = Field(..., description="JWS by the log's key (see /certificates/keys?owner=log)")


@router.get("/certificates/log/head", response=TreeHeadOut, auth=None, summary="The latest signed tree head")
def tree_head(request):
    head = services.latest_tree_head()
    return {
        "tree_size": head.size,
        "root_hash": bytes(head.root_hash).hex(),
        "timestamp": head.timestamp.isoformat(timespec="seconds"),
        "signature": head.signature,
    }


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    entry: str
    leaf_hash: str
    inclusion_path: list[str]
    root_hash: str


class ConsistencyOut(Schema):
    first: int
    second: int
    consistency_path: list[str]


@router.get("/certificates/log/inclusion", response=InclusionOut, auth=None, summary="An entry's audit path")
def inclusion(
    request, index: int = Query(..., ge=0, le=2**62), tree_size: int | None = Query(None, ge=1, le=2**62)
):
    try:
        return selectors.inclusion(index, tree_size)
    except ValueError as error:
        raise NotFound(str(error)) from None


@router.get("/certificates/log/consistency", response=ConsistencyOut, auth=None, summary="Consistency proof")
def consistency(request, first: int = Query(..., ge=1, le=2**62), second: int = Query(..., ge=1, le=2**62)):
    try:
        return selectors.consistency(first, second)
    except ValueError as error:
        raise NotFound(str(error)) from None
