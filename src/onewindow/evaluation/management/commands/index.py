import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "The service-quality index: `rebuild` its running totals from the raw cases and ratings."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="after bulk loads or restores; default: every day with data")
        rebuild.add_argument("--since", type=dt.date.fromisoformat)
        rebuild.add_argument("--until", type=dt.date.fromisoformat)

    def handle(self, *args, action, since, until, **options):
        from onewindow.evaluation import rollups

        if (since is None) != (until is None):
            raise CommandError("give both --since and --until, or neither")
        rows = rollups.rebuild(since, until) if since else rollups.rebuild_all()
        self.stdout.write(json.dumps({"rebuilt_rows": rows}))
