import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.catalog.transfer import CatalogImportError, export_catalog, import_catalog


class Command(BaseCommand):
    help = "Export the whole catalog as YAML to standard output, or import a YAML catalog file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="Write the catalog as YAML to standard output")
        importer = sub.add_parser("import", help="Check a YAML file, then import it (all or nothing)")
        importer.add_argument("file", help="YAML file, or - for standard input")

    def handle(self, *args, action, **options):
        if action == "export":
            self.stdout.write(export_catalog(), ending="")
            return
        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read: {error}") from error
        try:
            summary = import_catalog(text)
        except CatalogImportError as error:
            for problem in error.problems:
                self.stderr.write(f"{path}:{problem.line or '?'}: {problem.field}: {problem.message}")
            raise CommandError(f"{path}: {len(error.problems)} problem(s); nothing was imported") from error
        self.stdout.write(f"Imported {path}: {summary}")
