"""Shared test fixtures: the demo catalog is loaded once per test database; an injected clock; API calls
as a demo user."""

import datetime as dt

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from onewindow.ops.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Uploads, the hotline's model and the signing keys go to a fresh folder per test, never into the
    data folder of a developer's instance."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.HOTLINE_MODEL_DIR = tmp_path / "hotline-model"
    settings.TRADING_MODEL_DIR = tmp_path / "trading-model"
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    # Each test's tokens are found in its own database state (core/tests/test_token_cache.py keeps them).
    settings.ONEWINDOW_TOKEN_CACHE_SECONDS = 0


@pytest.fixture
def worker(db):
    """Runs the queued background tasks in this process, as `onewindow worker` would; returns how many."""
    from onewindow.core.tasks import run_queued

    return lambda: run_queued().ran


@pytest.fixture
def demo(db):
    """The demo catalog and users. Reloaded inside the test if a transactional test flushed them."""
    from onewindow.catalog.models import ServiceItem
    from onewindow.ops.demo import load_demo

    if not ServiceItem.objects.exists():
        load_demo()


@pytest.fixture
def api_client(demo):
    from django.test import Client

    return Client()


@pytest.fixture
def token_for(demo):
    from onewindow.core.models import ApiToken, User

    def issue(username: str) -> str:
        return ApiToken.issue(User.objects.get(username=username))[1]

    return issue


def pytest_collection_modifyitems(config, items):
    # Browser tests flush the database (their server runs in another thread): run them last.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


class Today:
    """An injected clock: tests set the day and move it forward."""

    def __init__(self, monkeypatch, day: dt.date):
        self.day = day
        from onewindow.core import clock

        monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(self.day, dt.time(10), dt.UTC))

    def set(self, day: dt.date):
        self.day = day


@pytest.fixture
def today(monkeypatch):
    return Today(monkeypatch, dt.date(2025, 3, 3))  # a Monday


@pytest.fixture
def as_user(api_client, token_for):
    tokens = {}

    def request(username, method, url, body=None, **headers):
        tokens.setdefault(username, token_for(username))
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {tokens[username]}", **headers}
        if method == "get":
            return api_client.get(url, body or {}, **kwargs)
        return api_client.post(url, body or {}, content_type="application/json", **kwargs)

    return request
