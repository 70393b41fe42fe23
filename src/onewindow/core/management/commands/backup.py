import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one tar file (SQLite online backup or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="the .tar file to write")

    def handle(self, *args, output, **options):
        from subprocess import CalledProcessError

        from onewindow.core.backup import backup

        try:
            manifest = backup(output)
        except (ValueError, CalledProcessError) as error:
            raise CommandError(str(getattr(error, "stderr", "") or error)) from error
        self.stdout.write(json.dumps({"backup": str(output), **manifest}))
