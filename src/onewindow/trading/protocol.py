"""The guarantor API's signatures: Standard Webhooks' asymmetric scheme (https://www.standardwebhooks.com/,
"Asymmetric signatures"), used by the platform and by guarantors alike. Pure functions.

Every message, either way, carries `webhook-id` (a nonce: a message id is taken once),
`webhook-timestamp` (seconds; messages older or newer than the tolerance are refused) and
`webhook-signature` (`v1a,` + base64 Ed25519 over `{id}.{timestamp}.{body}`). Keys are written as the
specification's `whsk_` (private: the 32-byte seed and the 32-byte public key) and `whpk_` (public).
Asymmetric, so that a guarantee issued by a bank verifies against the bank's key alone: the platform
cannot forge one.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_PREFIX, PUBLIC_PREFIX = "whsk_", "whpk_"
TOLERANCE_SECONDS = 5 * 60
_RAW = serialization.Encoding.Raw


class SignatureRefused(ValueError):
    """A message that must not be taken, with why (for the 401 answer and the log)."""


def new_key() -> tuple[str, str]:
    """A fresh (private, public) pair in the specification's notation."""
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    return PRIVATE_PREFIX + base64.b64encode(seed + public).decode(), PUBLIC_PREFIX + base64.b64encode(
        public
    ).decode()


def public_of(private: str) -> str:
    return PUBLIC_PREFIX + base64.b64encode(_decode(private, PRIVATE_PREFIX, 64)[32:]).decode()


def _decode(key: str, prefix: str, length: int) -> bytes:
    if not key.startswith(prefix):
        raise SignatureRefused(f"the key does not start with {prefix}")
    try:
        raw = base64.b64decode(key[len(prefix) :], validate=True)
    except ValueError:
        raise SignatureRefused("the key is not base64") from None
    if len(raw) != length:
        raise SignatureRefused(f"the key is not {length} bytes")
    return raw


def _content(msg_id: str, timestamp: int, body: bytes) -> bytes:
    return f"{msg_id}.{timestamp}.".encode() + body


def signed_headers(private: str, body: bytes, timestamp: int, msg_id: str | None = None) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    key = Ed25519PrivateKey.from_private_bytes(_decode(private, PRIVATE_PREFIX, 64)[:32])
    signature = base64.b64encode(key.sign(_content(msg_id, timestamp, body))).decode()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1a,{signature}",
    }


def verify(
    public: str, headers: dict[str, str], body: bytes, now: int | None, tolerance: int = TOLERANCE_SECONDS
) -> str:
    """The message id if `headers` sign `body` with the key of `public` and (unless `now` is None: a
    stored message checked again later) the timestamp is within `tolerance` of `now`."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id, stamp, signatures = (
        lowered.get(h, "") for h in ("webhook-id", "webhook-timestamp", "webhook-signature")
    )
    if not msg_id or not stamp or not signatures:
        raise SignatureRefused("missing webhook-id, webhook-timestamp or webhook-signature")
    if len(msg_id) > 100:
        raise SignatureRefused("webhook-id is longer than 100 characters")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureRefused("webhook-timestamp is not a number of seconds") from None
    if now is not None and abs(now - timestamp) > tolerance:
        raise SignatureRefused("webhook-timestamp is too old or too new")
    key = Ed25519PublicKey.from_public_bytes(_decode(public, PUBLIC_PREFIX, 32))
    content = _content(msg_id, timestamp, body)
    for offered in signatures.split():
        version, _comma, encoded = offered.partition(",")
        if version != "v1a":
            continue
        try:
            key.verify(base64.b64decode(encoded, validate=True), content)
        except (InvalidSignature, ValueError):
            continue
        return msg_id
    raise SignatureRefused("no v1a signature verifies with the registered key")


def post_signed(private_key: str, url: str, document: dict, timeout: float = 10.0) -> int:
    """POST `document` as JSON to `url`, signed with `private_key`; the HTTP status (the platform's
    applications and notices, the guarantor's answers). Timestamps run on the wall clock, not the
    platform's business clock: replay windows are real time."""
    body = json.dumps(document, ensure_ascii=False).encode()
    headers = signed_headers(private_key, body, int(time.time()))
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (a registered party)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
