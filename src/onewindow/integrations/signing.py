"""Standard Webhooks signatures (https://www.standardwebhooks.com/, "Symmetric signatures"): pure
functions, used by the sender and by the reference receiver alike.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the signature is HMAC-SHA256 with the
secret's bytes (base64 after the `whsec_` prefix), base64-encoded and labelled `v1,`. Several
signatures may travel in one header, space-separated: that is how a secret rotates without a
delivery failing in between (the sender signs with the old and the new secret for a while).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 5 * 60


class VerificationError(ValueError):
    pass


def new_secret() -> str:
    """24 random bytes, the specification's suggested range (24–64)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_bytes(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise VerificationError("the secret is not base64 after whsec_") from error
    if not key:
        raise VerificationError("the secret is empty")
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: str | bytes) -> str:
    """One `v1,<base64>` signature of the message."""
    body = body.encode() if isinstance(body, str) else body
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], msg_id: str, timestamp: int, body: str | bytes) -> dict[str, str]:
    """The three headers of a delivery, signed with every secret in force."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_),
    }


def verify(
    secrets_: list[str],
    received: dict[str, str],
    body: str | bytes,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> str:
    """The message id if one of the signatures is made with one of `secrets_` and the timestamp is
    within `tolerance` seconds of `now` (replayed old messages fail); raises VerificationError."""
    lowered = {key.lower(): value for key, value in received.items()}
    msg_id, stamp, signatures = (
        lowered.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature")
    )
    if not msg_id or not stamp or not signatures:
        raise VerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError as error:
        raise VerificationError("webhook-timestamp is not a number of seconds") from error
    if abs(now - timestamp) > tolerance:
        raise VerificationError("webhook-timestamp is too old or too new")
    offered = [s.partition(",")[2] for s in signatures.split() if s.startswith("v1,")]
    for secret in secrets_:
        expected = signature(secret, msg_id, timestamp, body).partition(",")[2]
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return msg_id
    raise VerificationError("no signature matches")
