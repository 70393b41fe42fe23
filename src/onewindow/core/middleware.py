"""Security headers on every response: a strict Content Security Policy (every script and style is
a file of ours; no inline code, no CDN) and a Permissions Policy. The interactive API docs load
Swagger UI with inline code, so that page gets a policy of its own."""

import functools
from urllib.parse import urlsplit

from django.conf import settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'{forms}; "
    "frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://django-ninja.dev; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.docs_prefix = "/api/v1/docs"

    @staticmethod
    @functools.cache
    def _csp(gateway_url: str) -> str:
        # *Pay online* posts here and is redirected to the payment gateway's page: browsers hold
        # form-action to every redirect of a form's submission.
        gateway = urlsplit(gateway_url)
        return CSP.format(forms=f" {gateway.scheme}://{gateway.netloc}" if gateway.netloc else "")

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                DOCS_CSP
                if request.path.startswith(self.docs_prefix)
                else self._csp(settings.ONEWINDOW_PAYGATE_URL)
            )
        response.setdefault("Permissions-Policy", PERMISSIONS)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages with personal data are not kept by browsers or proxies.
            response.setdefault("Cache-Control", "no-store")
        return response


class RequestSizeLimitMiddleware:
    """Refuse a body larger than any upload may be from its Content-Length, before reading a byte of
    it (a 60 MB upload used to be read to disk before its 422). The proxy in front should have the
    same limit (docs/operations.md), since a body without Content-Length is only capped by Django."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            from django.http import JsonResponse

            message = f"the request body is {length} bytes; at most {self.limit} are accepted"
            return JsonResponse(
                {"detail": "Request body too large", "errors": [{"field": "file", "message": message}]},
                status=413,
            )
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """Staff are signed out after ONEWINDOW_STAFF_IDLE_MINUTES without a request: a window clerk's
    screen left open shows other people's cases. The time of the last request is kept in the session,
    written at most once a minute."""

    SESSION_KEY = "onewindow_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings
        from django.contrib.auth import logout

        from .models import STAFF

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.role in STAFF:
            now, last = time.time(), request.session.get(self.SESSION_KEY)
            if last is not None and now - last > settings.ONEWINDOW_STAFF_IDLE_MINUTES * 60:
                logout(request)
            elif last is None or now - last > 60:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)


class LanguageOfPartsMiddleware:
    """Chinese and Vietnamese text in a page of another language marked as such (`core.langparts`). It
    follows LocaleMiddleware, whose language is still active when the response comes back through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.translation import get_language

        from .langparts import mark_language_parts

        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("Content-Encoding")
        ):
            return response
        charset = response.charset or "utf-8"
        page = response.content.decode(charset)
        marked = mark_language_parts(page, get_language() or "")
        if marked is not page:
            response.content = marked.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
