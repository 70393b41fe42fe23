import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from onewindow.cases.services import send_apologies
from onewindow.catalog.calendars import warn_if_next_year_missing
from onewindow.core import clock
from onewindow.core.workdays import UnknownYear


class Command(BaseCommand):
    help = "Case housekeeping. `apologize`: send apology notices for cases about to be late (run daily)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        apologize = sub.add_parser("apologize", help="notices for running cases due within one working day")
        apologize.add_argument("--date", help="act as if today were YYYY-MM-DD")

    def handle(self, *args, action, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date {date!r} is not YYYY-MM-DD") from None
        warn_if_next_year_missing(today or clock.today())
        try:
            sent = send_apologies(today)
        except UnknownYear as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({"apologies_sent": len(sent), "cases": [c.number for c in sent]}))
