"""Signed calls between the platform and a partner's service (a payment gateway, a chat platform),
pure functions used by the platform and by the reference services alike.

Every server-to-server message, either way, is signed as Standard Webhooks' symmetric scheme
(`integrations.signing`: `webhook-id`, `webhook-timestamp`, `webhook-signature`) with the shared
secret, over the method and path as well as the body (`POST /v1/payments\\n{...}`), so that a
signature made for one address cannot be replayed at another. A message keeps its id over retries:
the receiver applies one id once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

from onewindow.integrations import signing

TOLERANCE_SECONDS = 5 * 60
VerificationError = signing.VerificationError


def content(method: str, path: str, body: bytes) -> bytes:
    return f"{method.upper()} {path}\n".encode() + body


def sign(secret: str, method: str, path: str, body: bytes, msg_id: str | None = None) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    return signing.headers([secret], msg_id, int(time.time()), content(method, path, body))


def verify(secret: str, method: str, path: str, headers: dict, body: bytes, now: int | None = None) -> str:
    """The message id, or VerificationError."""
    return signing.verify(
        [secret],
        headers,
        content(method, path, body),
        int(time.time()) if now is None else now,
        TOLERANCE_SECONDS,
    )


def call(
    secret: str, method: str, url: str, document: dict | None = None, msg_id: str | None = None, timeout=10
):
    """A signed request; (status, answer as a dict). A connection failure raises OSError."""
    body = b"" if document is None else json.dumps(document, separators=(",", ":")).encode()
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/json", **sign(secret, method, path, body, msg_id)}
    request = urllib.request.Request(
        url, data=body if method != "GET" else None, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


def _json(raw: bytes) -> dict:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {"error": raw[:200].decode(errors="replace")}
    return answer if isinstance(answer, dict) else {"answer": answer}
