import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.core.yamlfile import YamlFileError


class Command(BaseCommand):
    help = "Support policies: `import FILE.yaml|.xlsx` (all or nothing, errors by place), `match` (all)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imported = sub.add_parser("import", help="import policies from YAML or XLSX (docs/policies.md)")
        imported.add_argument("file")
        sub.add_parser("match", help="match every published policy against every enterprise (JSON out)")

    def handle(self, *args, action, **options):
        if action == "import":
            from onewindow.policies.transfer import import_policies

            path = Path(options["file"])
            kind = "xlsx" if path.suffix.lower() == ".xlsx" else "yaml"
            try:
                text = path.read_bytes() if kind == "xlsx" else path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{options['file']}: cannot be read ({error})") from None
            try:
                counts = import_policies(text, kind)
            except YamlFileError as error:
                raise CommandError(f"{options['file']}: nothing imported\n{error}") from None
            self.stdout.write(json.dumps(counts))
        else:
            from onewindow.policies.services import match_all

            run = match_all()
            self.stdout.write(
                json.dumps(
                    {
                        "policies": run.policies,
                        "enterprises": run.enterprises,
                        "eligible": run.eligible,
                        "near_misses": run.near_misses,
                        "new": len(run.new_eligible),
                    }
                )
            )
