"""What the `onewindow bench …` commands share: latency figures, and running the measurement in a
child process on its own database (a temporary SQLite file, a temporary database on a PostgreSQL
server, or an existing PostgreSQL database kept between runs)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit


def figures(seconds: list[float]) -> dict:
    """count, per second, mean and p50/p95/p99 in milliseconds of a list of durations."""
    ordered = sorted(seconds)

    def at(share):
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {
        "count": len(ordered),
        "per_second": round(len(ordered) / sum(ordered), 1) if ordered else 0,
        "mean_ms": round(1000 * statistics.fmean(ordered), 3) if ordered else None,
        "p50_ms": at(0.5),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
    }


def run_child(benchmark: str, args: list[str], db: str | None, keep: bool = False) -> dict:
    """Runs `onewindow bench BENCHMARK --inside ARGS` against the database and returns its JSON line.
    With `keep`, `db` itself is used (and kept); otherwise a temporary database is made and dropped."""
    with tempfile.TemporaryDirectory(prefix="onewindow-bench-") as folder:
        env = {**os.environ, "ONEWINDOW_DATA_DIR": folder}
        drop = None
        if db and not db.startswith(("postgres://", "postgresql://")):
            raise ValueError("--db takes a postgres:// URL; leave it out for a temporary SQLite database")
        if db and keep:
            env["DATABASE_URL"] = _existing_postgres_database(db)
        elif db:
            env["DATABASE_URL"], drop = new_postgres_database(
                db, f"onewindow_bench_{benchmark}_{os.getpid()}"
            )
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        try:
            out = subprocess.run(
                [sys.executable, "-m", "onewindow.cli", "bench", benchmark, "--inside", *args],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as error:
            raise ValueError(f"the benchmark failed:\n{error.stderr[-3000:]}") from None
        finally:
            if drop:
                drop()
    return json.loads(out.stdout.strip().splitlines()[-1])


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _existing_postgres_database(url: str) -> str:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return url


def new_postgres_database(url: str, name: str):
    """An empty database `name` on the server of `url` (replacing one left by a crashed run): its
    URL, and a function that drops it. For benchmarks and the tests that start real servers."""
    import psycopg

    parts = urlsplit(url)
    admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop
