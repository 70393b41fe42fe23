"""The platform's notion of "now". Tests replace `now` to move time (the legal clock depends on it);
the demo's history generator runs the real services at past moments with `at`."""

import contextlib
import contextvars
import datetime as dt

from django.utils import timezone

_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("onewindow_clock_at", default=None)


def now() -> dt.datetime:
    return _at.get() or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def at(moment: dt.datetime):
    """Within this block, `now()` is `moment` (aware): for writing history through the services."""
    token = _at.set(moment)
    try:
        yield
    finally:
        _at.reset(token)
