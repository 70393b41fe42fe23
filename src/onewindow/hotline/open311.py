"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /open311/v2/: the hotline's
categories as services, its tickets as service requests, in XML and JSON.

- `services.{fmt}`, `services/{code}.{fmt}` (each service asks one optional attribute: the ticket's type)
- `requests.{fmt}`: GET with `service_request_id` (comma-separated), `service_code`, `start_date`,
  `end_date`, `status` (open, closed); without dates the last 90 days, at most 1000 requests.
  POST with `api_key` (a platform API token allowed `open311:write`), `service_code`, a location
  (`lat` and `long`, or `address_string`), `description` and the caller's optional details; the ticket
  enters the same loop as a phone call's.
- `requests/{id}.{fmt}`
Errors as the specification gives them: `[{"code": 400, "description": "..."}]`, or
`<errors><error><code>400</code><description>...</description></error></errors>`.
"""

from __future__ import annotations

import datetime as dt
import json
from xml.sax.saxutils import escape

from django.db.models import Max
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from onewindow.core import clock
from onewindow.core.errors import InvalidInput
from onewindow.core.models import ApiToken

from . import services, states
from .models import CategoryRoute, Ticket, TicketChannel, TicketType

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code, self.description = code, description


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml(element: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml(k, v) for k, v in value.items())
    elif isinstance(value, list):
        singular = {
            "attributes": "attribute",
            "values": "value",
            "formats": "format",
            "endpoints": "endpoint",
        }.get(element, "item")
        inner = "".join(_xml(singular, v) for v in value)
    else:
        inner = _xml_value(value)
    return f"<{element}>{inner}</{element}>"


def _render(fmt: str, root: str, item: str | None, data, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=str)
    elif item is None:
        body = '<?xml version="1.0" encoding="utf-8"?>' + _xml(root, data)
    else:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            + f"<{root}>{''.join(_xml(item, d) for d in data)}</{root}>"
        )
    return HttpResponse(body, content_type=FORMATS[fmt], status=status)


def _error(fmt: str, code: int, description: str) -> HttpResponse:
    return _render(
        fmt if fmt in FORMATS else "xml",
        "errors",
        "error",
        [{"code": code, "description": description}],
        code,
    )


def open311_view(handler):
    """Checks the format, turns Open311Error into the specification's error response."""

    def view(request, *args, format, **kwargs):
        if format not in FORMATS:
            return _error("xml", 404, f"unknown format {format!r}: use xml or json")
        try:
            return handler(request, format, *args, **kwargs)
        except Open311Error as error:
            return _error(format, error.code, error.description)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return csrf_exempt(view)


def _service(route: CategoryRoute) -> dict:
    return {
        "service_code": route.code,
        "service_name": route.category,
        "description": str(route.department),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(route.keyword_list()),  # the specification's keywords are one string
        "group": route.department.short_name,
    }


@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    endpoint = {
        "specification": SPECIFICATION,
        "url": base,
        "changeset": "2026-12-01T00:00:00Z",
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    data = {
        "changeset": "2026-12-01T00:00:00Z",
        "contact": "12345",
        "key_service": "",
        "endpoints": [endpoint],
    }
    return _render(fmt, "discovery", None, data)


@open311_view
def services_list(request, fmt):
    routes = CategoryRoute.objects.select_related("department").order_by("code")
    return _render(fmt, "services", "service", [_service(r) for r in routes])


@open311_view
def service_definition(request, fmt, code):
    if not CategoryRoute.objects.filter(code=code).exists():
        raise Open311Error(404, f"service_code {code!r} not found")
    attribute = {
        "variable": True,
        "code": "ticket_type",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "What kind of request this is (a report if not given)",
        "order": 1,
        "description": "Type of request",
        "values": [{"key": value, "name": str(label)} for value, label in TicketType.choices],
    }
    return _render(fmt, "service_definition", None, {"service_code": code, "attributes": [attribute]})


def _when(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _request(ticket: Ticket, updated) -> dict:
    due = (
        timezone.make_aware(dt.datetime.combine(ticket.due_date, dt.time(18)))
        if ticket.due_date and ticket.status in states.CLOCK_STATES
        else None
    )
    return {
        "service_request_id": ticket.number,
        "status": "open" if ticket.status in states.OPEN_STATES else "closed",
        "status_notes": ticket.reply,
        "service_name": ticket.category,
        "service_code": ticket.open311_code or "",
        "description": ticket.body,
        "agency_responsible": str(ticket.department) if ticket.department_id else "",
        "service_notice": "",
        "requested_datetime": _when(ticket.registered_at),
        "updated_datetime": _when(updated or ticket.registered_at),
        "expected_datetime": _when(due),
        "address": ticket.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(ticket.latitude) if ticket.latitude is not None else None,
        "long": float(ticket.longitude) if ticket.longitude is not None else None,
        "media_url": "",
    }


def _with_codes(tickets) -> list[tuple[Ticket, object]]:
    codes = dict(CategoryRoute.objects.values_list("category", "code"))
    rows = list(tickets.annotate(updated=Max("events__at")).select_related("department"))
    for ticket in rows:
        ticket.open311_code = codes.get(ticket.category, "")
    return [(t, t.updated) for t in rows]


def _datetime(params, name: str):
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name}: not an ISO 8601 date and time, e.g. 2026-11-05T08:15:30+08:00"
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _find(params):
    tickets = Ticket.objects.order_by("-registered_at")
    if ids := params.get("service_request_id", "").strip():
        return tickets.filter(number__in=[i.strip() for i in ids.split(",") if i.strip()][:MAX_REQUESTS])
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start and end and end < start:
        raise Open311Error(400, "end_date: before start_date")
    end = end or clock.now()
    start = start or end - dt.timedelta(days=DEFAULT_DAYS)
    tickets = tickets.filter(registered_at__gte=start, registered_at__lte=end)
    if code := params.get("service_code", "").strip():
        route = CategoryRoute.objects.filter(code=code).first()
        if route is None:
            raise Open311Error(404, f"service_code {code!r} not found")
        tickets = tickets.filter(category=route.category)
    status = params.get("status", "").strip()
    if status == "open":
        tickets = tickets.filter(status__in=states.OPEN_STATES)
    elif status == "closed":
        tickets = tickets.exclude(status__in=states.OPEN_STATES)
    elif status:
        raise Open311Error(400, "status: open or closed")
    return tickets[:MAX_REQUESTS]


@open311_view
def requests_view(request, fmt):
    if request.method == "POST":
        return _post(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "GET or POST")
    rows = _with_codes(_find(request.GET))
    return _render(fmt, "service_requests", "request", [_request(t, u) for t, u in rows])


@open311_view
def request_view(request, fmt, request_id):
    rows = _with_codes(Ticket.objects.filter(number=request_id))
    if not rows:
        raise Open311Error(404, f"service_request_id {request_id!r} not found")
    return _render(fmt, "service_requests", "request", [_request(t, u) for t, u in rows])


def _number(params, name: str):
    try:
        return services.coordinate(params.get(name, ""))
    except ValueError:
        raise Open311Error(400, f"{name}: not a number") from None


def _post(request, fmt):
    data = request.POST
    token = ApiToken.objects.for_raw_token(data.get("api_key", "").strip()) if data.get("api_key") else None
    if token is None or not token.allows("open311:write") or not token.user.is_active:
        raise Open311Error(403, "api_key: missing or invalid")
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code: required")
    route = CategoryRoute.objects.select_related("department").filter(code=code).first()
    if route is None:
        raise Open311Error(404, f"service_code {code!r} not found")
    latitude, longitude = _number(data, "lat"), _number(data, "long")
    address = data.get("address_string", "").strip()
    if (latitude is None or longitude is None) and not address:
        raise Open311Error(400, "lat and long, or address_string: a location is required")
    ticket_type = data.get("attribute[ticket_type]", "").strip() or TicketType.REPORT
    description = data.get("description", "").strip()
    name = " ".join(p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p)
    ticket_input = services.TicketInput(
        ticket_type=ticket_type,
        title=(description[:40] or route.category),
        body=description or route.category,
        channel=TicketChannel.OPEN311,
        caller_name=name,
        caller_phone=data.get("phone", "").strip(),
        caller_email=data.get("email", "").strip(),
        anonymous=not name,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )
    try:
        ticket = services.register(ticket_input, token.user, category=route.category)
    except InvalidInput as error:
        first = error.errors[0]
        field = {
            "ticket_type": "attribute[ticket_type]",
            "body": "description",
            "caller_phone": "phone",
            "caller_email": "email",
            "latitude": "lat",
            "longitude": "long",
        }.get(first.field, first.field)
        raise Open311Error(400, f"{field}: {first.message}") from None
    answer = [{"service_request_id": ticket.number, "service_notice": "", "account_id": ""}]
    return _render(fmt, "service_requests", "request", answer, status=201)
