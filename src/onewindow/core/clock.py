"""The platform's notion of "now". Tests replace `now` to move time (the legal clock depends on it)."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())
