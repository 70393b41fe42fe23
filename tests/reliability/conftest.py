"""Reliability tests run against real instances (`tests/instances.py`)."""

import os

import pytest

from onewindow.core.bench import new_postgres_database

from ..instances import Instance


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ONEWINDOW_DATA_DIR"}}
    env["ONEWINDOW_DATA_DIR"] = str(tmp_path_factory.mktemp("instance"))
    url, drop = os.environ.get("DATABASE_URL", ""), None
    if url.startswith("postgres"):
        env["DATABASE_URL"], drop = new_postgres_database(url, f"onewindow_reliability_{os.getpid()}")

    found = Instance(env)
    found.run("demo", "--no-serve", "--history-weeks", "0")
    yield found
    found.kill()
    if drop:
        drop()
