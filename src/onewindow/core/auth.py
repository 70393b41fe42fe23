import copy
import datetime as dt
import time

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, secret_digest
from .permissions import Forbidden

LAST_USED_PRECISION = dt.timedelta(minutes=1)
TOKEN_CACHE_SIZE = 10_000


class TokenCache:
    """The tokens this process has found valid in the last ONEWINDOW_TOKEN_CACHE_SECONDS, by digest:
    every API request asks, and the answer is a round trip to the database. A token revoked, expired
    or whose user was deactivated stops working within those seconds in every process; expiry is
    checked on every request. Not found is never kept."""

    def __init__(self, monotonic=time.monotonic):
        self.monotonic = monotonic
        self.found: dict[str, tuple[float, ApiToken]] = {}

    def get(self, raw_token: str) -> ApiToken | None:
        seconds = settings.ONEWINDOW_TOKEN_CACHE_SECONDS
        if seconds <= 0:
            return ApiToken.objects.for_raw_token(raw_token)
        digest, now = secret_digest(raw_token), self.monotonic()
        kept = self.found.get(digest)
        if kept is not None and now - kept[0] < seconds:
            token = kept[1]
            if token.expires_at is None or token.expires_at > timezone.now():
                return _own_copy(token)
        token = ApiToken.objects.for_raw_token(raw_token)
        if token is None:
            self.found.pop(digest, None)
            return None
        if len(self.found) >= TOKEN_CACHE_SIZE:
            self.found.clear()
        self.found[digest] = (now, token)
        return _own_copy(token)

    def used(self, token: ApiToken, at: dt.datetime) -> None:
        kept = self.found.get(token.digest)
        if kept is not None:
            kept[1].last_used_at = at


def _own_copy(token: ApiToken) -> ApiToken:
    """A request may annotate its user (cached permissions, say): never the kept instance."""
    mine = copy.copy(token)
    mine.user = copy.copy(token.user)
    return mine


tokens = TokenCache()


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from `onewindow token USERNAME`."""

    def authenticate(self, request, token):
        api_token = tokens.get(token)
        if api_token is None:
            return None
        now = timezone.now()
        # "Last used" to the minute: one write a minute per token, not one per request.
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            tokens.used(api_token, now)
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
