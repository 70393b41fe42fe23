"""The outbox: domain events written in the transaction that makes the change.

Components call `record(...)` from their services; whoever delivers events (webhooks, the events API,
later the cross-region exchange) listens to `event_recorded`, which is sent inside the same
transaction, or reads the table by id. Ids are handed out in commit order (see `hold_commit_order`), so a
reader that remembers the last id it saw misses nothing and sees nothing twice.
"""

from __future__ import annotations

from contextlib import ContextDecorator

from django.db import connection, transaction
from django.dispatch import Signal

from . import clock, rows
from .models import Event

# Sent inside the recording transaction with `event=`: a receiver's writes commit or roll back with it.
event_recorded = Signal()

# Any fixed number: the PostgreSQL advisory lock that orders outbox writers.
_OUTBOX_LOCK = 0x0E7E_17
_TAKE_OUTBOX_LOCK = f"SELECT pg_advisory_xact_lock({_OUTBOX_LOCK})"


def hold_commit_order() -> None:
    """On PostgreSQL, two transactions could take ids 7 and 8 and commit 8 first: a reader at that
    moment would skip 7 forever. Writers of events therefore queue on one lock held until commit, so ids
    are committed in order. SQLite lets one writer at a time anyway.

    A service that locks rows after recording an event calls this first, before its row locks, so that
    every writer takes the locks in the same order (no deadlock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_TAKE_OUTBOX_LOCK)


class atomic(ContextDecorator):
    """`transaction.atomic` for a service that writes events: the commit-order lock comes first, before
    any row lock, so that writers never wait for each other in opposite orders.

    `lock_first=False` for a service whose writes before its events only insert new rows (a case
    submission): nothing it holds can be waited for by a writer holding the lock, so it takes the lock
    when it records, just before its commit, and submissions do not queue for one another all along
    their transactions."""

    def __init__(self, lock_first: bool = True):
        self.lock_first = lock_first

    def __enter__(self):
        self._transaction = transaction.atomic()
        self._transaction.__enter__()
        if not self.lock_first:
            return self
        try:
            hold_commit_order()
        except BaseException as error:
            self._transaction.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(self, *exc_info):
        return self._transaction.__exit__(*exc_info)


def record(type: str, subject: str, payload: dict, department: str = "") -> Event:
    """Adds one event to the outbox, in the caller's transaction. Call it last in a service, after the
    rows it describes are written (the lock it takes is held until the commit)."""
    event = Event(type=type, subject=subject, department=department, payload=payload, occurred_at=clock.now())
    with transaction.atomic(savepoint=False):  # a transaction to hold the lock in, not a savepoint per event
        _insert_in_commit_order(event)
        event_recorded.send(sender=Event, event=event)
    return event


def _insert_in_commit_order(event: Event) -> None:
    if connection.vendor != "postgresql":
        event.save()
        return
    # The lock and the insert as one message: one round trip for every event recorded.
    names, placeholders, values = rows.insert_parts(event)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_TAKE_OUTBOX_LOCK}; INSERT INTO {Event._meta.db_table} ({names}) VALUES ({placeholders}) "
            "RETURNING id",
            values,
        )
        cursor.nextset()
        rows.saved(event, cursor.fetchone()[0])


def read(after: int = 0, types: list[str] | None = None, department: str | None = None, limit: int = 100):
    """Events after the cursor `after`, oldest first; only of `types` and of `department` when given."""
    events = Event.objects.filter(id__gt=after)
    if types:
        events = events.filter(type__in=types)
    if department is not None:
        events = events.filter(department=department)
    return list(events.order_by("id")[:limit])
