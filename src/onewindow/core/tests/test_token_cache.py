"""A process keeps the API tokens it found valid for a few seconds: one round trip less per request,
and a token revoked elsewhere still stops working within those seconds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.core.auth import TokenCache
from onewindow.core.models import ApiToken, User


class Ticking:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def cache(settings):
    settings.ONEWINDOW_TOKEN_CACHE_SECONDS = 5
    return TokenCache(monotonic=Ticking())


def test_a_token_revoked_by_another_process_stops_working_within_the_cache_seconds(demo, cache):
    user = User.objects.get(username="supervisor")
    _token, raw = ApiToken.issue(user)
    assert cache.get(raw).user.username == "supervisor"
    with CaptureQueriesContext(connection) as asked:
        assert cache.get(raw) is not None
    assert len(asked) == 0
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())  # another process revokes
    cache.monotonic.now += 4.9
    assert cache.get(raw) is not None  # still within its seconds
    cache.monotonic.now += 0.2
    assert cache.get(raw) is None


def test_a_deactivated_user_and_an_expired_token_stop_working(demo, cache):
    user = User.objects.get(username="citizen")
    _token, raw = ApiToken.issue(user)
    token = cache.get(raw)
    User.objects.filter(pk=user.pk).update(is_active=False)
    cache.monotonic.now += 5
    assert cache.get(raw) is None
    User.objects.filter(pk=user.pk).update(is_active=True)
    soon = timezone.now() + dt.timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=soon)
    assert cache.get(raw) is not None
    kept = cache.found[token.digest][1]
    kept.expires_at = ApiToken.objects.get(pk=token.pk).expires_at = soon - dt.timedelta(seconds=2)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=kept.expires_at)
    assert cache.get(raw) is None  # expiry is checked on every request, within the seconds too


def test_an_unknown_token_is_never_kept_and_each_request_gets_its_own_user(demo, cache):
    assert cache.get("ow_not-a-token") is None
    assert cache.found == {}
    _token, raw = ApiToken.issue(User.objects.get(username="clerk"))
    first, second = cache.get(raw), cache.get(raw)
    first.user.some_annotation = True
    assert not hasattr(second.user, "some_annotation") and first.user is not second.user


def test_the_api_answers_401_once_a_revoked_token_has_left_the_cache(demo, api_client, settings, monkeypatch):
    from onewindow.core import auth

    settings.ONEWINDOW_TOKEN_CACHE_SECONDS = 2
    clock = Ticking()
    monkeypatch.setattr(auth, "tokens", TokenCache(monotonic=clock))
    user = User.objects.get(username="supervisor")
    _token, raw = ApiToken.issue(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert api_client.get("/api/v1/cases", **headers).status_code == 200
    ApiToken.revoke_all(user)
    clock.now += 2
    assert api_client.get("/api/v1/cases", **headers).status_code == 401
