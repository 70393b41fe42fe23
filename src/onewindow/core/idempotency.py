"""Writes a client may retry (`Idempotency-Key`): the first answer to a key is the answer to every
retry with the same request, and the same key with another request is a conflict.

Each component keeps its records in its own model (fields `user`, `key`, `request_hash` and a foreign
key to what was made, unique per user and key); these two functions are the rule for all of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError

from . import events
from .permissions import Conflict


def request_hash(payload) -> str:
    """A stable digest of a request's content (dataclasses and dicts alike; decimals and dates as text)."""
    text = json.dumps(payload, default=_plain, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value):
    return value.__dict__ if hasattr(value, "__dict__") else str(value)


def replayed(records, user, key: str | None, digest: str, subject: str):
    """What the key made before (None for a new key); Conflict if it came with another request."""
    if not key:
        return None
    record = records.objects.filter(user=user, key=key).select_related(subject).first()
    if record is None:
        return None
    made = getattr(record, subject)
    if record.request_hash != digest or made is None:
        raise Conflict("this Idempotency-Key was already used with a different request")
    return made


def once(
    records,
    user,
    key: str | None,
    digest: str,
    subject: str,
    write: Callable,
    *,
    look_first: bool = True,
    lock_first: bool = True,
):
    """`write()` in one transaction with the key's record; (what it made, True), or for a retry — or a
    concurrent twin that lost the race — (what the first request made, False).

    `look_first=False` skips looking for the key before writing (a round trip for every request to
    spare the rare retry its work): a retry then writes, meets the key's unique constraint, rolls back
    and answers what the first request made. `lock_first`: see `events.atomic`."""
    if look_first:
        earlier = replayed(records, user, key, digest, subject)
        if earlier is not None:
            return earlier, False
    try:
        with events.atomic(lock_first=lock_first):
            made = write()
            if key:
                records.objects.create(user=user, key=key, request_hash=digest, **{subject: made})
    except IntegrityError:
        earlier = replayed(records, user, key, digest, subject) if key else None
        if earlier is None:
            raise
        return earlier, False
    return made, True
