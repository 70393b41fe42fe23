"""Errors for who may do what. The API renders NotFound as 404 and Forbidden as 403."""


class NotFound(Exception):
    """No such object, or one the user may not know exists: other people's cases look absent."""


class Forbidden(Exception):
    pass


class Conflict(Exception):
    """The request conflicts with the current state; `allowed` lists what is possible instead."""

    def __init__(self, message: str, allowed: list[str] | None = None):
        super().__init__(message)
        self.allowed = allowed or []


class Throttled(Exception):
    """Too many requests of this kind from this device or account for now (HTTP 429)."""
