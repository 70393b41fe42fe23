import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Benchmarks that print one JSON line of figures. `hall`: issuing and calling tickets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="benchmark", required=True)
        hall = sub.add_parser("hall", help="ticket issue and call operations on a throwaway database")
        hall.add_argument("--db", help="postgres://… server to use (a temporary database is made there); "
                                       "default: a temporary SQLite file")  # fmt: skip
        hall.add_argument(
            "--tickets", type=int, default=2000, help="tickets issued and called (default 2000)"
        )
        hall.add_argument("--waiting", type=int, default=100, help="tickets kept in line (default 100)")
        hall.add_argument("--windows", type=int, default=10)
        hall.add_argument("--seed", type=int, default=1)
        hall.add_argument("--inside", action="store_true", help=argparse_hidden())

    def handle(self, *args, benchmark, **options):
        from onewindow.hall import bench

        if min(options["tickets"], options["windows"]) < 1 or options["waiting"] < 0:
            raise CommandError("--tickets and --windows must be at least 1, --waiting at least 0")
        sizes = {k: options[k] for k in ("tickets", "waiting", "windows", "seed")}
        try:
            result = bench.measure(**sizes) if options["inside"] else bench.run(options["db"], **sizes)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result))


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
