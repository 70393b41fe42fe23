import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from onewindow.core import clock
from onewindow.hall.queueing import PreReviewScenario, erlang_c, simulate, simulate_hall, simulate_pre_review


class Command(BaseCommand):
    help = (
        "The service hall: `erlang` (Erlang C, M/M/c) and `simulate` (SimPy) print JSON; `simulate --hall` "
        "simulates a hall from its history (with --comprehensive for the what-if); `pre-review` runs the "
        "pre-review scenario of docs/hall.md; `no-shows` records "
        "missed appointments (run every few minutes)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        erlang = sub.add_parser("erlang", help="Erlang C for one queue")
        sim = sub.add_parser("simulate", help="SimPy: one queue from the flags, or a hall from its history")
        for command in (erlang, sim):
            command.add_argument("--arrivals-per-hour", type=float)
            command.add_argument("--service-minutes", type=float)
            command.add_argument("--windows", type=int)
        sim.add_argument("--hours", type=float, default=1000, help="one queue: hours simulated")
        sim.add_argument("--seed", type=int, default=1)
        sim.add_argument("--hall", help="simulate this hall from its recorded tickets")
        sim.add_argument("--since", type=dt.date.fromisoformat, help="history from (default: 30 days ago)")
        sim.add_argument("--until", type=dt.date.fromisoformat, help="history to (default: today)")
        sim.add_argument("--days", type=int, default=100, help="hall: opening days simulated")
        sim.add_argument(
            "--comprehensive",
            nargs="*",
            default=[],
            metavar="WINDOW",
            help="hall: make these windows comprehensive",
        )
        sub.add_parser("no-shows", help="Record booked appointments whose check-in has closed as no-shows")
        pre_review = sub.add_parser(
            "pre-review", help="The pre-review scenario (docs/hall.md): the mean wait before and after"
        )
        pre_review.add_argument("--days", type=int, default=200, help="opening days simulated")
        pre_review.add_argument("--seed", type=int, default=1)

    def handle(self, *args, action, **options):
        if action == "no-shows":
            from onewindow.hall.services import record_no_shows

            self.stdout.write(json.dumps({"no_shows": record_no_shows()}))
            return
        try:
            if action == "pre-review":
                result = simulate_pre_review(PreReviewScenario(), options["days"], options["seed"])
            elif action == "simulate" and options["hall"]:
                result = self._simulate_hall(options)
            else:
                result = self._one_queue(action, options)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _one_queue(self, action, options) -> dict:
        missing = [
            f"--{k.replace('_', '-')}"
            for k in ("arrivals_per_hour", "service_minutes", "windows")
            if options[k] is None
        ]
        if missing:
            raise CommandError(f"give {', '.join(missing)} (or --hall CODE to simulate a hall)")
        a, s, w = options["arrivals_per_hour"], options["service_minutes"], options["windows"]
        figures = (
            erlang_c(a, s, w) if action == "erlang" else simulate(a, s, w, options["hours"], options["seed"])
        )
        return {"method": action, **figures.as_dict()}

    def _simulate_hall(self, options) -> dict:
        from onewindow.hall.models import Hall
        from onewindow.hall.selectors import hall_model

        hall = Hall.objects.filter(code=options["hall"]).first()
        if hall is None:
            raise CommandError(f"no hall {options['hall']}")
        until = options["until"] or clock.today()
        since = options["since"] or until - dt.timedelta(days=29)
        model = hall_model(hall, since, until)
        result = {
            "method": "simulate_hall",
            "hall": hall.code,
            "history": {"since": since.isoformat(), "until": until.isoformat(), "days": model.days_observed},
            "now": simulate_hall(model, options["days"], options["seed"]),
        }
        if options["comprehensive"]:
            changed = model.with_comprehensive(options["comprehensive"])
            result["comprehensive"] = options["comprehensive"]
            result["what_if"] = simulate_hall(changed, options["days"], options["seed"])
        return result
