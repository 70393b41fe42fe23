import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from onewindow.catalog.models import Department
from onewindow.catalog.selectors import department_calendar
from onewindow.core.workdays import (
    CALENDAR_CODES,
    UnknownYear,
    add_working_days,
    base_calendar,
    working_days_between,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Working-day arithmetic: `add` prints a due date, `between` counts working days."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("add", "the date DAYS working days after FROM (counting starts the next day)"),
            ("between", "the number of working days after FROM up to and including TO"),
        ):
            command = sub.add_parser(name, help=text)
            which = command.add_mutually_exclusive_group(required=True)
            which.add_argument("--calendar", choices=CALENDAR_CODES)
            which.add_argument("--department", help="a department code: its calendar and local overrides")
            if name == "add":
                command.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
                command.add_argument("--days", type=int, required=True)
            else:
                command.add_argument("start", metavar="FROM")
                command.add_argument("end", metavar="TO")

    def handle(self, *args, action, calendar, department, **options):
        if department:
            found = Department.objects.filter(code=department).first()
            if found is None:
                raise CommandError(f"unknown department {department!r}")
            cal = department_calendar(found)
        else:
            cal = base_calendar(calendar)
        try:
            if action == "add":
                if options["days"] < 0:
                    raise CommandError("--days must be 0 or more")
                self.stdout.write(add_working_days(cal, _date(options["start"]), options["days"]).isoformat())
            else:
                self.stdout.write(
                    str(working_days_between(cal, _date(options["start"]), _date(options["end"])))
                )
        except UnknownYear as error:
            raise CommandError(str(error)) from error
