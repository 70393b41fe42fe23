import json

from django.core.management.base import BaseCommand, CommandError

from onewindow.hall.queueing import erlang_c, simulate


class Command(BaseCommand):
    help = "Capacity planning: `erlang` (Erlang C, M/M/c) and `simulate` (SimPy); both print JSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("erlang", "simulate"):
            command = sub.add_parser(name)
            command.add_argument("--arrivals-per-hour", type=float, required=True)
            command.add_argument("--service-minutes", type=float, required=True)
            command.add_argument("--windows", type=int, required=True)
            if name == "simulate":
                command.add_argument("--hours", type=float, default=1000)
                command.add_argument("--seed", type=int, default=1)

    def handle(self, *args, action, arrivals_per_hour, service_minutes, windows, **options):
        try:
            if action == "erlang":
                figures = erlang_c(arrivals_per_hour, service_minutes, windows)
            else:
                figures = simulate(
                    arrivals_per_hour, service_minutes, windows, options["hours"], options["seed"]
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({"method": action, **figures.as_dict()}))
