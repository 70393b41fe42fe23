"""Backups: one tar file with the database (an SQLite online backup, or `pg_dump -Fc`), the
uploaded files (public and private), and a manifest. Restoring checks the manifest first and then
replaces the database and the files."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

FORMAT = 1


def _database() -> dict:
    return settings.DATABASES["default"]


def _pg_env() -> tuple[list[str], dict]:
    db = _database()
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = [
        "-h",
        db.get("HOST") or "localhost",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    return args, env


def backup(output: Path) -> dict:
    """Writes the backup to `output` (a .tar file); returns the manifest."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="onewindow-backup-") as folder:
        folder = Path(folder)
        if vendor == "sqlite":
            source = sqlite3.connect(_database()["NAME"])
            target = sqlite3.connect(folder / "database.sqlite3")
            with target:
                source.backup(target)  # consistent even while the application writes
            source.close()
            target.close()
            database_file = "database.sqlite3"
        elif vendor == "postgresql":
            args, env = _pg_env()
            database_file = "database.pgdump"
            subprocess.run(
                [
                    "pg_dump",
                    *args,
                    "-Fc",
                    "--no-owner",
                    "-f",
                    str(folder / database_file),
                    _database()["NAME"],
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            raise ValueError(f"no backup for the {vendor} database")
        from django.db.migrations.recorder import MigrationRecorder

        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "database": database_file,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "migrations": MigrationRecorder(connection).migration_qs.count(),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w") as archive:
            archive.add(folder / "manifest.json", "manifest.json")
            archive.add(folder / database_file, database_file)
            for name, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
                if Path(root).exists():
                    archive.add(root, name)
    return manifest


def restore(archive_path: Path) -> dict:
    """Replaces the database and the uploaded files with the backup's."""
    with tempfile.TemporaryDirectory(prefix="onewindow-restore-") as folder:
        folder = Path(folder)
        with tarfile.open(archive_path) as archive:
            archive.extractall(folder, filter="data")
        manifest = json.loads((folder / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise ValueError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["vendor"] != connection.vendor:
            raise ValueError(f"this backup is of a {manifest['vendor']} database, not {connection.vendor}")
        connections.close_all()
        if connection.vendor == "sqlite":
            source = sqlite3.connect(folder / manifest["database"])
            target = sqlite3.connect(_database()["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            args, env = _pg_env()
            subprocess.run(
                ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                 "-d", _database()["NAME"], str(folder / manifest["database"])],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
        for name, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
            if Path(root).exists():
                shutil.rmtree(root)
            if (folder / name).exists():
                shutil.copytree(folder / name, root)
    return manifest
