import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken

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
        request.user = api_token.user
        return api_token.user


bearer = BearerToken()
