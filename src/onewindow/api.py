"""The JSON API under /api/v1/: one NinjaAPI, one router per component, one error shape.

Errors: {"detail": "...", "errors": [{"field": "...", "message": "..."}]} with a 4xx status.
"""

import pydantic_core
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from onewindow.cases.api import router as cases_router
from onewindow.catalog.api import router as catalog_router
from onewindow.certificates.api import router as certificates_router
from onewindow.core.api import router as core_router
from onewindow.core.errors import InvalidInput
from onewindow.core.permissions import Conflict, Forbidden, NotFound, Throttled
from onewindow.core.workdays import UnknownYear
from onewindow.crossregion.api import router as crossregion_router
from onewindow.evaluation.api import router as evaluation_router
from onewindow.hall.api import router as hall_router
from onewindow.hotline.api import router as hotline_router
from onewindow.integrations.api import router as integrations_router
from onewindow.knowledge.api import router as knowledge_router
from onewindow.policies.api import router as policies_router
from onewindow.trading.api import router as trading_router


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON (Chinese and Vietnamese text as itself, not as \\u escapes), encoded by pydantic's
    serializer: dates and times are encoded natively instead of one Python call each (a page of 50
    cases has 150). Anything it does not know (lazy translations, say) goes to ninja's encoder."""

    def render(self, request, data, *, response_status):
        return pydantic_core.to_json(data, fallback=_fallback_encoder.default)


_fallback_encoder = NinjaJSONEncoder()


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="OneWindow API",
    version="1",
    description="One window for every government service: catalog, situation guides and checklists.",
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _field(loc) -> str:
    # Ninja prefixes locations with where the value came from ("body", "query", "path"); the body's
    # own name ("payload") is an implementation detail too.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "data", "body", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "(request)"


def _error(request, status: int, detail: str, errors=()):
    return api.create_response(request, {"detail": detail, "errors": list(errors)}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in exc.errors]
    return _error(request, 422, "Invalid input", errors)


@api.exception_handler(InvalidInput)
def on_invalid_input(request, exc):
    body = {"detail": exc.detail, "errors": [e.as_dict() for e in exc.errors], **exc.extra}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "Authentication required: send Authorization: Bearer <token>")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, exc.status_code, str(exc.message))


@api.exception_handler(NotFound)
def on_hidden(request, exc):
    return _error(request, 404, str(exc) or "Not found")


@api.exception_handler(Forbidden)
def on_forbidden(request, exc):
    return _error(request, 403, str(exc))


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    return _error(request, 429, str(exc))


@api.exception_handler(Conflict)
def on_conflict(request, exc):
    return api.create_response(
        request, {"detail": str(exc), "errors": [], "allowed_actions": exc.allowed}, status=409
    )


@api.exception_handler(UnknownYear)
def on_unknown_year(request, exc):
    # Beyond every rule the calendars know (past 2099): nothing changed.
    return _error(request, 503, f"{exc}; load that year's official calendar (onewindow workdays import)")


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # A number beyond what the database stores (an id or offset of 2**70): bad input, nothing written.
    return _error(
        request, 422, "A value is out of range", [{"field": "(request)", "message": "out of range"}]
    )


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    return on_data_error(request, exc)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, str(exc) or "Not found")


api.add_router("/", core_router)
api.add_router("/", catalog_router)
api.add_router("/", cases_router)
api.add_router("/", hall_router)
api.add_router("/", evaluation_router)
api.add_router("/", integrations_router)
api.add_router("/", hotline_router)
api.add_router("/", knowledge_router)
api.add_router("/", certificates_router)
api.add_router("/", crossregion_router)
api.add_router("/", trading_router)
api.add_router("/", policies_router)
