"""Trust lists for mutual recognition between regions: this platform's issuers, their keys and its
certificate types, signed by the platform's log key; another region's list imported once an
administrator has confirmed the fingerprint of the key that signed it (compared by telephone or on the
other region's published page), after which its certificates verify here with their origin shown."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import transaction

from onewindow.catalog.models import Department
from onewindow.core import clock

from . import signing
from .models import CertificateType, SigningKey, TrustedRegion


class TrustListError(ValueError):
    pass


def key_fingerprint(jwk: dict) -> str:
    public = {k: jwk[k] for k in ("kty", "crv", "x", "y") if k in jwk}
    return hashlib.sha256(signing.canonical(public)).hexdigest()


def export() -> str:
    """This platform's trust list, signed (a compact JWS)."""
    from .services import LOG_OWNER, active_key

    platform = active_key(LOG_OWNER)
    keys: dict[str, list[dict]] = {}
    for key in SigningKey.objects.exclude(owner=LOG_OWNER).order_by("created_at", "id"):
        keys.setdefault(key.owner, []).append(key.public_jwk)
    issuers = [
        {"code": d.code, "name": d.name, "keys": keys[d.code]}
        for d in Department.objects.all()
        if d.code in keys
    ]
    document = {
        "region": settings.ONEWINDOW_REGION_NAME,
        "issued_at": clock.now().isoformat(timespec="seconds"),
        "platform_key": platform.public_jwk,
        "issuers": issuers,
        "certificate_types": [
            {"code": t.code, "name": t.name, "issuer": t.department.code}
            for t in CertificateType.objects.select_related("department")
        ],
    }
    return signing.sign(document, platform.kid, platform.algorithm)


def read(token: str) -> tuple[dict, str]:
    """The list and the fingerprint of the key that signed it; TrustListError if it is not a list
    signed by the key it names."""
    try:
        unverified = json.loads(signing.b64decode(token.strip().split(".")[1]))
        platform_key = unverified["platform_key"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise TrustListError("not a trust list") from None
    try:
        document = signing.verify(token.strip(), [platform_key])
    except signing.VerificationError as error:
        raise TrustListError(f"the trust list's signature does not verify: {error}") from None
    return document, key_fingerprint(platform_key)


@transaction.atomic
def import_list(token: str, confirmed_fingerprint: str) -> TrustedRegion:
    document, fingerprint = read(token)
    if confirmed_fingerprint.strip().lower() != fingerprint:
        raise TrustListError(f"the fingerprint confirmed does not match the list's key ({fingerprint})")
    if document["region"] == settings.ONEWINDOW_REGION_NAME:
        raise TrustListError("this is our own trust list")
    region, _created = TrustedRegion.objects.update_or_create(
        name=document["region"],
        defaults={
            "platform_key": document["platform_key"],
            "fingerprint": fingerprint,
            "issuers": document["issuers"],
            "certificate_types": document["certificate_types"],
            "list_issued_at": document["issued_at"],
            "imported_at": clock.now(),
        },
    )
    return region


def foreign_keys() -> dict[str, tuple[str, dict]]:
    """kid → (region, JWK) of every imported issuer key."""
    found = {}
    for region in TrustedRegion.objects.all():
        for issuer in region.issuers:
            for key in issuer.get("keys", []):
                found[key["kid"]] = (region.name, key)
    return found
