"""Working-day calendars as data: the libraries' years, official years loaded by an administrator, and
each department's own days.

An official year is loaded from the notice that publishes it (the State Council's 部分节假日安排的通知,
Vietnam's decisions on Tết and swapped days, or a department's own closures) as a YAML or CSV file:
everything is checked first, then every year is written or none, and each problem names its line.
A load is an append-only CalendarYear row; loading sends `calendar_years_loaded`, on which the cases
recompute every provisional due date in the same transaction.

YAML: one year, or several under `years:`::

    calendar: CN                  # or `department: rsj` for a department's own days
    year: 2027
    source: {title: 国务院办公厅关于2027年部分节假日安排的通知, date: 2026-11-12}
    days_off:
      - {date: 2027-01-01, name: 元旦}
      - {from: 2027-02-05, to: 2027-02-11, name: 春节}
    working_days:
      - {date: 2027-02-14, name: 春节调休上班}

CSV, a day per row: `calendar,department,year,date,kind,name,source_title,source_date` with `kind`
`off` or `working` (one of `calendar` and `department` filled in).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from typing import Annotated

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import ValidationError as PydanticValidationError

from onewindow.core.workdays import CALENDAR_CODES, Calendar, OfficialYear, base_calendar

from .cache import StampedCache
from .models import CalendarOverride, CalendarYear, Department
from .transfer import CatalogImportError, Problem, _dotted, _line, _load_with_lines

logger = logging.getLogger(__name__)

# Sent inside the loading transaction with `years` (the CalendarYear rows written) and `actor`.
calendar_years_loaded = Signal()

WARN_FROM_MONTH = 10  # from 1 October, a calendar in use without next year's schedule is reported


# --- reads ------------------------------------------------------------------------------------------

_calendars = StampedCache()


def _in_force(rows) -> list[CalendarYear]:
    """The newest load of each (calendar, department, year) among rows ordered oldest first."""
    newest = {}
    for row in rows:
        newest[(row.calendar, row.department_id, row.year)] = row
    return list(newest.values())


def _official(row: CalendarYear) -> OfficialYear:
    return OfficialYear(row.year, row.dates("days_off"), row.dates("working_days"))


def _load_calendar(code: str) -> Calendar:
    loaded = CalendarYear.objects.filter(calendar=code, department__isnull=True).order_by("loaded_at", "id")
    return base_calendar(code).with_years(_official(row) for row in _in_force(loaded))


def calendar(code: str) -> Calendar:
    """A national calendar (CN, VN, WEEKDAYS) with the official years loaded for it."""
    return _calendars.get(("calendar", code), lambda key: _load_calendar(key[1]))


def _load_department_calendar(key) -> Calendar:
    _, department_id, code = key
    overrides = CalendarOverride.objects.filter(department_id=department_id).values_list("date", "kind")
    closures = {day for day, kind in overrides if kind == CalendarOverride.Kind.CLOSURE}
    extra = {day for day, kind in overrides if kind == CalendarOverride.Kind.WORKING}
    loaded = CalendarYear.objects.filter(department_id=department_id).order_by("loaded_at", "id")
    for row in _in_force(loaded):
        closures |= row.dates("days_off")
        extra |= row.dates("working_days")
    return calendar(code).with_overrides(closures=closures, extra_working_days=extra)


def department_calendar(department: Department) -> Calendar:
    """The department's working-day calendar with its local closures and extra working days."""
    return _calendars.get(("department", department.pk, department.calendar), _load_department_calendar)


def calendars_in_use() -> list[str]:
    codes = set(Department.objects.values_list("calendar", flat=True))
    return sorted(code for code in codes if code != "WEEKDAYS")


def missing_next_year(today: dt.date, codes: list[str] | None = None) -> list[str]:
    """From 1 October: the calendars (by default those in use) whose next year is still provisional."""
    if today.month < WARN_FROM_MONTH:
        return []
    next_year = dt.date(today.year + 1, 1, 1)
    codes = calendars_in_use() if codes is None else codes
    return [code for code in codes if calendar(code).is_provisional(next_year)]


def warn_if_next_year_missing(today: dt.date) -> list[str]:
    missing = missing_next_year(today)
    for code in missing:
        logger.warning(
            "the %s working-day calendar for %s is not published: due dates in %s are provisional "
            "until it is loaded (onewindow workdays import FILE)",
            code,
            today.year + 1,
            today.year + 1,
        )
    return missing


# --- files ------------------------------------------------------------------------------------------

Text = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class DayEntry(_Entry):
    date: dt.date | None = None
    first: dt.date | None = Field(None, alias="from")
    last: dt.date | None = Field(None, alias="to")
    name: Text

    @model_validator(mode="after")
    def one_day_or_a_range(self):
        if (self.date is None) == (self.first is None and self.last is None):
            raise ValueError("give either `date`, or `from` and `to`")
        if self.date is None and (self.first is None or self.last is None):
            raise ValueError("a range needs both `from` and `to`")
        if self.first and self.last and not self.first <= self.last <= self.first + dt.timedelta(days=31):
            raise ValueError("`to` must be on or after `from`, at most 31 days later")
        return self

    def days(self) -> list[dt.date]:
        if self.date:
            return [self.date]
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]


class SourceEntry(_Entry):
    title: Text
    date: dt.date


class YearEntry(_Entry):
    calendar: str | None = None
    department: str | None = None
    year: int = Field(ge=1949, le=2200)
    source: SourceEntry
    days_off: list[DayEntry] = []
    working_days: list[DayEntry] = []


class CalendarFile(_Entry):
    years: list[YearEntry] = Field(min_length=1)


@dataclass
class ParsedYear:
    """One year to load, checked: where its parts came from (path or line) for error messages."""

    year: int
    source_title: str
    source_date: dt.date
    calendar: str | None = None
    department: str | None = None
    days_off: dict[dt.date, tuple[str, object]] = field(default_factory=dict)  # date → (name, where)
    working_days: dict[dt.date, tuple[str, object]] = field(default_factory=dict)
    where: object = None


def parse_calendar_file(text: str, filename: str = "") -> list[ParsedYear]:
    """The years in a YAML or CSV calendar file, checked; CatalogImportError names every problem."""
    if filename.lower().endswith(".csv"):
        years, problems = _read_csv(text)
    else:
        years, problems = _read_yaml(text)
    problems += _check(years)
    if problems:
        raise CatalogImportError(problems)
    return years


def _read_yaml(text: str) -> tuple[list[ParsedYear], list[Problem]]:
    data, lines = _load_with_lines(text)
    prefix: tuple = ("years",)
    if isinstance(data, dict) and "years" not in data:
        data, prefix = {"years": [data]}, ()
    try:
        parsed = CalendarFile.model_validate(data)
    except PydanticValidationError as error:
        problems = []
        for problem in error.errors():
            path = tuple(problem["loc"])
            if not prefix and path[:1] == ("years",):
                path = path[2:]
            problems.append(Problem(_line(lines, path), _dotted(path), problem["msg"]))
        return [], problems

    def where(*path):
        path = (*prefix, *path) if prefix else path[2:]
        return _line(lines, path)

    years = []
    for index, entry in enumerate(parsed.years):
        year = ParsedYear(
            entry.year,
            entry.source.title,
            entry.source.date,
            calendar=entry.calendar,
            department=entry.department,
            where=where("years", index),
        )
        for kind in ("days_off", "working_days"):
            target = getattr(year, kind)
            for day_index, day_entry in enumerate(getattr(entry, kind)):
                place = (where("years", index, kind, day_index), f"{kind}[{day_index}]")
                for day in day_entry.days():
                    _add_day(target, day, day_entry.name, place)
        years.append(year)
    return years, []


_CSV_COLUMNS = ("calendar", "department", "year", "date", "kind", "name", "source_title", "source_date")
_CSV_KINDS = {"off": "days_off", "working": "working_days"}


def _read_csv(text: str) -> tuple[list[ParsedYear], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in _CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        return [], [Problem(1, "(header)", f"missing columns: {', '.join(missing)}")]
    problems: list[Problem] = []
    years: dict[tuple, ParsedYear] = {}
    for row in reader:
        line = reader.line_num

        def bad(column, message, line=line):
            problems.append(Problem(line, column, message))

        values = {column: (row.get(column) or "").strip() for column in _CSV_COLUMNS}
        try:
            year = int(values["year"])
        except ValueError:
            bad("year", f"{values['year']!r} is not a year")
            continue
        dates = {}
        for column in ("date", "source_date"):
            try:
                dates[column] = dt.date.fromisoformat(values[column])
            except ValueError:
                bad(column, f"{values[column]!r} is not a date; use YYYY-MM-DD")
        if values["kind"] not in _CSV_KINDS:
            bad("kind", "use off or working")
        for column in ("name", "source_title"):
            if not values[column]:
                bad(column, "required")
        if len(dates) < 2 or values["kind"] not in _CSV_KINDS or not values["name"]:
            continue
        key = (values["calendar"], values["department"], year)
        parsed = years.setdefault(
            key,
            ParsedYear(
                year,
                values["source_title"],
                dates["source_date"],
                calendar=values["calendar"] or None,
                department=values["department"] or None,
                where=line,
            ),
        )
        if (parsed.source_title, parsed.source_date) != (values["source_title"], dates["source_date"]):
            bad("source_title", f"differs from the source given on line {parsed.where} for this year")
            continue
        _add_day(getattr(parsed, _CSV_KINDS[values["kind"]]), dates["date"], values["name"], (line, "date"))
    return list(years.values()), problems


def _add_day(target: dict, day: dt.date, name: str, place) -> None:
    # A date given twice is kept once with both places, so the check can name the second.
    if day in target:
        target[day] = (target[day][0], (*target[day][1], place))
    else:
        target[day] = (name, (place,))


def _check(years: list[ParsedYear]) -> list[Problem]:
    problems: list[Problem] = []
    departments = set(Department.objects.values_list("code", flat=True))
    seen: set[tuple] = set()

    def problem(where, path, message):
        problems.append(Problem(where if isinstance(where, int) else None, path, message))

    for year in years:
        if (year.calendar is None) == (year.department is None):
            problem(year.where, "calendar", "give either a calendar or a department")
        elif year.calendar and year.calendar not in CALENDAR_CODES:
            problem(
                year.where, "calendar", f"unknown calendar {year.calendar!r}; use {', '.join(CALENDAR_CODES)}"
            )
        elif year.department and year.department not in departments:
            problem(year.where, "department", f"unknown department {year.department!r}")
        key = (year.calendar, year.department, year.year)
        if key in seen:
            problem(year.where, "year", f"{year.year} is given twice for the same calendar")
        seen.add(key)
        if year.source_date > timezone.localdate() + dt.timedelta(days=1):
            problem(year.where, "source.date", "lies in the future")
        for kind in ("days_off", "working_days"):
            for day, (_name, places) in sorted(getattr(year, kind).items()):
                line, path = places[-1]
                if len(places) > 1:
                    problem(line, path, f"{day.isoformat()} is given twice")
                if day.year != year.year:
                    problem(line, path, f"{day.isoformat()} is not in {year.year}")
                if kind == "working_days" and day in year.days_off:
                    problem(line, path, f"{day.isoformat()} is also a day off")
                if kind == "working_days" and year.calendar and day.weekday() < 5:
                    problem(
                        line,
                        path,
                        f"{day.isoformat()} is a weekday: only a weekend day can be made a working day",
                    )
    return problems


# --- writes -----------------------------------------------------------------------------------------


@transaction.atomic
def load_years(years: list[ParsedYear], actor=None) -> list[CalendarYear]:
    """Write checked years (parse_calendar_file) as the official ones, then let the cases follow."""
    departments = {d.code: d for d in Department.objects.all()}
    now = timezone.now()
    written = []
    for year in years:
        department = departments.get(year.department) if year.department else None
        written.append(
            CalendarYear.objects.create(
                calendar=department.calendar if department else year.calendar,
                department=department,
                year=year.year,
                days_off=[{"date": d.isoformat(), "name": n} for d, (n, _) in sorted(year.days_off.items())],
                working_days=[
                    {"date": d.isoformat(), "name": n} for d, (n, _) in sorted(year.working_days.items())
                ],
                source_title=year.source_title,
                source_date=year.source_date,
                loaded_by=actor,
                loaded_at=now,
            )
        )
    calendar_years_loaded.send(sender=CalendarYear, years=written, actor=actor)
    return written


def import_calendar_file(text: str, filename: str = "", actor=None) -> list[CalendarYear]:
    return load_years(parse_calendar_file(text, filename), actor)
