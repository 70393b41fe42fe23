"""`onewindow demo --no-serve` end to end, as `make demo` runs it: a real SQLite file in a data folder."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ONEWINDOW = Path(sys.executable).with_name("onewindow")


@pytest.mark.skipif(not ONEWINDOW.exists(), reason="the onewindow script is not installed")
def test_demo_prepares_a_wal_database_with_a_generated_secret_and_is_idempotent(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ONEWINDOW_DATA_DIR"}}
    data_dir = tmp_path / "instance"
    run = lambda: subprocess.run(  # noqa: E731
        [ONEWINDOW, "demo", "--no-serve", "--data-dir", str(data_dir), "--history-weeks", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    import yaml

    demo_file = Path(__file__).parents[1] / "src/onewindow/catalog/fixtures/demo_catalog.yaml"
    entries = sum(len(rows) for rows in yaml.safe_load(demo_file.read_text(encoding="utf-8")).values())
    first = run()
    assert f"{entries} created" in first.stdout and "25 demo users created" in first.stdout
    assert "8 demo cases and " in first.stdout and " tickets of hall history created" in first.stdout
    assert "written through the services" in first.stdout
    secret = (data_dir / "secret_key").read_text()
    assert len(secret) >= 50
    assert oct((data_dir / "secret_key").stat().st_mode)[-3:] == "600"
    with sqlite3.connect(data_dir / "onewindow.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        published = connection.execute("SELECT count(*) FROM catalog_serviceitem WHERE status='published'")
        assert published.fetchone()[0] >= 40
    second = run()
    assert f"0 created, 0 updated, {entries} unchanged; 0 demo users created" in second.stdout
    assert "0 demo cases and 0 tickets of hall history created" in second.stdout
    assert (data_dir / "secret_key").read_text() == secret
