"""Fixtures the cross-component tests share with the cases' own tests."""

from onewindow.cases.tests.conftest import as_user, today  # noqa: F401
