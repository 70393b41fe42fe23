"""Query and form parameters of pages, read with their limits. A value out of bounds is a 400 that
names the parameter (BadParameterMiddleware), never a 500 from deep inside a query."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

# Dates a page can mean: calendars and statistics cover no more than this.
FIRST_DATE, LAST_DATE = dt.date(1949, 1, 1), dt.date(2099, 12, 31)


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


def int_param(params, name: str, default=None, *, low: int = 0, high: int = 10**6):
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
        raise BadParameter(name, _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high})
    return int(value)


def date_param(params, name: str, default=None):
    value = (params.get(name) or "").strip()
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("a date as YYYY-MM-DD")) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise BadParameter(
            name, _("a date from %(first)s to %(last)s") % {"first": FIRST_DATE, "last": LAST_DATE}
        )
    return day


class BadParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BadParameter):
            return None
        text = _("The parameter %(name)s must be %(message)s.") % {
            "name": exception.name,
            "message": exception.message,
        }
        return HttpResponse(
            f'<!doctype html><title>400</title><p role="alert">{escape(text)}</p>', status=400
        )
