from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from `onewindow token USERNAME`."""

    def authenticate(self, request, token):
        api_token = ApiToken.objects.for_raw_token(token)
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


bearer = BearerToken()
