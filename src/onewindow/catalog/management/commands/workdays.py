import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from onewindow.catalog import calendars
from onewindow.catalog.models import Department
from onewindow.catalog.transfer import CatalogImportError
from onewindow.core import clock as platform_clock
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
    help = (
        "Working-day calendars: `add` prints a due date, `between` counts working days (each marked "
        "provisional when it rests on a year not yet published), `import` loads official years, "
        "`recompute` recomputes provisional due dates, `status` lists the years each calendar knows."
    )

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
        load = sub.add_parser("import", help="load official years from a YAML or CSV file (all or nothing)")
        load.add_argument("file")
        sub.add_parser(
            "recompute", help="recompute every provisional due date with the calendars as they are"
        )
        sub.add_parser("status", help="each calendar in use: its published and provisional years (JSON)")

    def handle(self, *args, action, **options):
        if action == "import":
            return self.load(options["file"])
        if action == "recompute":
            from onewindow.cases.services import recompute_due_dates

            moved = recompute_due_dates()
            for case, before, after in moved:
                self.stdout.write(f"{case.number}: {before} → {after}")
            self.stdout.write(f"{len(moved)} due dates moved")
            return
        if action == "status":
            return self.status()
        cal = self.calendar(options["calendar"], options["department"])
        start = _date(options["start"])
        try:
            if action == "add":
                if options["days"] < 0:
                    raise CommandError("--days must be 0 or more")
                answer = add_working_days(cal, start, options["days"])
                text, end = answer.isoformat(), answer
            else:
                end = _date(options["end"])
                text = str(working_days_between(cal, start, end))
        except UnknownYear as error:
            raise CommandError(str(error)) from error
        if years := cal.provisional_years_between(start, end):
            text += (
                f" (provisional: the {cal.code} calendar for {', '.join(map(str, years))} is not published)"
            )
        self.stdout.write(text)

    def calendar(self, code, department):
        if department:
            found = Department.objects.filter(code=department).first()
            if found is None:
                raise CommandError(f"unknown department {department!r}")
            return calendars.department_calendar(found)
        try:
            return calendars.calendar(code)
        except DatabaseError:  # no database yet (before `onewindow migrate`): the libraries alone
            self.stderr.write("no database: official years loaded by an administrator are not included")
            return base_calendar(code)

    def load(self, path):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            written = calendars.import_calendar_file(text, path)
        except CatalogImportError as error:
            for problem in error.problems:
                self.stderr.write(f"{path}:{problem.line or '?'}: {problem.field}: {problem.message}")
            raise CommandError(f"{path}: {len(error.problems)} problem(s); nothing was loaded") from error
        for row in written:
            self.stdout.write(f"loaded {row}")

    def status(self):
        today = platform_clock.today()
        report = {}
        for code in calendars.calendars_in_use() or ["CN"]:
            cal = calendars.calendar(code)
            published_through = min(cal.provisional_years, default=cal.last_year + 1) - 1
            report[code] = {
                "published_through": published_through,
                "provisional_from": published_through + 1,
                "computable_until": cal.last_year,
                "next_year_missing": bool(calendars.missing_next_year(today, [code])),
            }
        self.stdout.write(json.dumps(report, indent=2))
