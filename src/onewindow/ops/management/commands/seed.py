import datetime as dt
import json
import time

from django.core.management.base import BaseCommand, CommandError

from onewindow.core import clock


class Command(BaseCommand):
    help = "Generate realistic synthetic cases and ratings in bulk (for benchmarks); prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument(
            "--months", type=int, default=12, help="spread over this many months (default 12)"
        )
        parser.add_argument("--until", type=dt.date.fromisoformat, help="last day (default: today)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, cases, months, until, seed, **options):
        from onewindow.cases.seed import seed_cases
        from onewindow.ops.demo import load_demo

        if cases < 1 or months < 1:
            raise CommandError("--cases and --months must be at least 1")
        load_demo()
        started = time.perf_counter()
        try:
            result = seed_cases(cases, until or clock.today(), months=months, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({**result, "seconds": round(time.perf_counter() - started, 1)}))
