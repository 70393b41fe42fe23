"""The restore drill: back up a demo instance, change it, restore, and find it as it was, on the
database the suite runs on (SQLite, or a fresh PostgreSQL database when DATABASE_URL is set)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onewindow.core.bench import new_postgres_database

ONEWINDOW = Path(sys.executable).with_name("onewindow")


@pytest.fixture
def instance(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ONEWINDOW_DATA_DIR"}}
    env["ONEWINDOW_DATA_DIR"] = str(tmp_path / "instance")
    url = os.environ.get("DATABASE_URL", "")
    drop = None
    if url.startswith("postgres"):
        env["DATABASE_URL"], drop = new_postgres_database(url, f"onewindow_drill_{os.getpid()}")

    def run(*args, stdin=None):
        return subprocess.run(
            [ONEWINDOW, *args], env=env, capture_output=True, text=True, timeout=300, check=True, input=stdin
        ).stdout.strip()

    yield run, Path(env["ONEWINDOW_DATA_DIR"])
    if drop:
        drop()


STATE = (
    "from onewindow.cases.models import Case; from onewindow.catalog.models import LifeEvent; "
    "from onewindow.hall.models import Ticket; "
    "print(Case.objects.count(), Ticket.objects.count(), LifeEvent.objects.filter(code='drill').count())"
)


@pytest.mark.skipif(not ONEWINDOW.exists(), reason="the onewindow script is not installed")
def test_backup_then_restore_brings_back_the_database_and_the_files(instance, tmp_path):
    run, data_dir = instance
    run("demo", "--no-serve", "--history-weeks", "0")
    private = data_dir / "private" / "cases" / "upload.pdf"
    private.parent.mkdir(parents=True, exist_ok=True)
    private.write_bytes(b"%PDF-1.4 the applicant's file")
    before = run("shell", "-c", STATE)
    assert before.endswith(" 0") and int(before.split()[0]) > 0

    archive = tmp_path / "backup.tar"
    assert '"vendor"' in run("backup", str(archive))

    run(
        "shell",
        "-c",
        "from onewindow.catalog.models import LifeEvent as E; "
        "E.objects.create(code='drill', name='x', audience='person')",
    )
    private.unlink()
    assert run("shell", "-c", STATE).endswith(" 1")

    with pytest.raises(subprocess.CalledProcessError):
        run("restore", str(archive), stdin="n\n")  # asks first
    run("restore", "--yes", str(archive))
    assert run("shell", "-c", STATE) == before
    assert private.read_bytes() == b"%PDF-1.4 the applicant's file"
