"""The envelope of every message between two regions: a compact JWS by the sending platform's key
(the key its trust list names), over {id, from, to, kind, sent_at, payload}. The receiver knows the
sender only through a trust list it imported after confirming the key's fingerprint."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from django.conf import settings

from onewindow.certificates import signing
from onewindow.certificates.models import TrustedRegion
from onewindow.core import clock

TYP = "onewindow-message+json"
# A message older than this is not taken (a captured message cannot be played back much later; the
# outbox stops retrying long before).
LONGEST_DELAY = dt.timedelta(days=14)


class MessageRefused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def seal(to: str, kind: str, payload: dict) -> tuple[uuid.UUID, str]:
    from onewindow.certificates.services import LOG_OWNER, active_key

    message_id = uuid.uuid4()
    key = active_key(LOG_OWNER)
    document = {
        "id": str(message_id),
        "from": settings.ONEWINDOW_REGION_NAME,
        "to": to,
        "kind": kind,
        "sent_at": clock.now().isoformat(timespec="seconds"),
        "payload": payload,
    }
    return message_id, signing.sign(document, key.kid, key.algorithm, typ=TYP)


def digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def unseal(token: str) -> dict:
    """The message, if a trusted region signed it for us; MessageRefused with the HTTP status otherwise."""
    token = token.strip()
    try:
        header = json.loads(signing.b64decode(token.split(".")[0]))
        claimed = json.loads(signing.b64decode(token.split(".")[1]))
        sender = str(claimed["from"]) if isinstance(header, dict) else ""
    except (ValueError, KeyError, IndexError, TypeError):
        sender = ""
    if not sender:
        raise MessageRefused(400, "not a signed message")
    if header.get("typ") != TYP:
        raise MessageRefused(400, "not a cross-region message")
    region = TrustedRegion.objects.filter(name=sender).first()
    if region is None:
        raise MessageRefused(403, f"unknown signer: no trust list of {sender!r} was imported here")
    try:
        document = signing.verify(token, [region.platform_key])
    except signing.VerificationError as error:
        raise MessageRefused(401, f"the signature does not verify: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        raise MessageRefused(400, "the message has no payload")
    if document.get("to") != settings.ONEWINDOW_REGION_NAME:
        raise MessageRefused(400, f"the message is for {document.get('to')!r}")
    try:
        sent_at = dt.datetime.fromisoformat(document["sent_at"])
        uuid.UUID(document["id"])
    except (KeyError, ValueError, TypeError):
        raise MessageRefused(400, "the message has no valid id or time") from None
    now = clock.now()
    if not now - LONGEST_DELAY <= sent_at <= now + dt.timedelta(minutes=10):
        raise MessageRefused(400, "the message is too old (or from the future)")
    return document
