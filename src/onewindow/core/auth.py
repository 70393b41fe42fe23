import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken
from .permissions import Forbidden

LAST_USED_PRECISION = dt.timedelta(minutes=1)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from `onewindow token USERNAME`."""

    def authenticate(self, request, token):
        api_token = ApiToken.objects.for_raw_token(token)
        if api_token is None:
            return None
        now = timezone.now()
        # "Last used" to the minute: one write a minute per token, not one per request.
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        scope = required_scope(request.method, request.path)
        if not api_token.allows(scope):
            raise Forbidden(f"this token's scopes ({', '.join(api_token.scopes)}) do not include {scope}")
        request.user = api_token.user
        return api_token.user


def required_scope(method: str, path: str) -> str:
    """ "<area>:read" for GET and HEAD, "<area>:write" otherwise; the area is the first part of the path
    after /api/v1/ ("cases", "events", "hall", …)."""
    area = path.split("/api/v1/", 1)[-1].strip("/").split("/", 1)[0] or "api"
    return f"{area}:{'read' if method in ('GET', 'HEAD', 'OPTIONS') else 'write'}"


bearer = BearerToken()


def optional_user(request):
    """The user of a Bearer token if the request carries one (None without); an invalid token is an
    authentication error, never a silent anonymous request."""
    from ninja.errors import AuthenticationError

    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    user = bearer.authenticate(request, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise AuthenticationError()
    return user
