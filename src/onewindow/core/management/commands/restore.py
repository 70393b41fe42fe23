import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Restore a backup made by `onewindow backup`: replaces the database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing everything")

    def handle(self, *args, archive, yes, **options):
        from subprocess import CalledProcessError

        from onewindow.core.backup import restore

        if not archive.exists():
            raise CommandError(f"no file {archive}")
        if not yes and input("Replace the database and the uploaded files? [y/N] ").strip().lower() != "y":
            raise CommandError("nothing restored")
        try:
            manifest = restore(archive)
        except (ValueError, CalledProcessError) as error:
            raise CommandError(str(getattr(error, "stderr", "") or error)) from error
        self.stdout.write(json.dumps({"restored": str(archive), **manifest}))
