"""Values kept in memory for as long as the catalog stamp stays the same.

Every write to a catalog model renews the stamp in its transaction (signals.py), so an app server
that reads the stamp (one query) before it uses a kept value sees an edit made through any other
server at once. A value is always loaded after the stamp it is kept under was read, so a change
committed in between is at worst loaded early, never missed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

# Within a request the stamp is read once, whatever it reads from the catalog: the request sees one
# state of the catalog (the one at its first read), and this process's own catalog writes forget it.
_request_stamp: ContextVar[list | None] = ContextVar("catalog_stamp_of_request", default=None)


STAMP_SQL = "SELECT value FROM catalog_catalogstamp WHERE id = 1"


def current_stamp() -> str | None:
    memo = _request_stamp.get()
    if memo and memo[0] is not None:
        return memo[0]
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL)
        return remember_stamp(cursor.fetchall())


def remember_stamp(found: list[tuple]) -> str | None:
    """The stamp from the rows of STAMP_SQL, kept for the rest of the request unless it has one: a read
    that sends other queries first (rows.fetch_together) can send this one with them."""
    stamp = found[0][0] if found else None
    memo = _request_stamp.get()
    if memo is not None and memo[0] is None:
        memo[0] = stamp
    return stamp


def forget_request_stamp() -> None:
    memo = _request_stamp.get()
    if memo:
        memo[0] = None


class OneStampPerRequest:
    """Middleware: the catalog stamp is read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_stamp.set([None])
        try:
            return self.get_response(request)
        finally:
            _request_stamp.reset(token)


class StampedCache:
    def __init__(self):
        self.stamp, self.values = None, {}

    def get(self, key: Hashable, load: Callable[[Hashable], T]) -> T:
        stamp = current_stamp()
        if stamp is None:  # an emptied database: nothing to compare with, so nothing kept
            return load(key)
        if stamp != self.stamp:
            self.stamp, self.values = stamp, {}
        values = self.values
        if key not in values:
            values[key] = load(key)
        return values[key]
