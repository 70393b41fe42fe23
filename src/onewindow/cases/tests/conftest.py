"""Fixtures for case tests: an injected clock and API calls as a demo user."""

import datetime as dt

import pytest

from onewindow.core import clock


class Today:
    """An injected clock: tests set the day and move it forward."""

    def __init__(self, monkeypatch, day: dt.date):
        self.day = day
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
