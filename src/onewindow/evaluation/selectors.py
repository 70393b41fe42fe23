"""Reads for ratings: a department's public figures, rectification work lists, and the
service-quality index with its rankings and the cases behind each figure."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy

from onewindow.cases.models import Case
from onewindow.cases.states import CLOCK_STATES
from onewindow.catalog.models import Department, ItemStatus, Region, ServiceItem
from onewindow.core import clock
from onewindow.core.models import SUPERVISORS, Role, User

from . import index as index_rules
from . import productivity, rollups
from . import rectification as stages
from .models import BAD_LEVELS, Level, Rating, Rectification


@dataclass(frozen=True)
class PublicFigures:
    counts: list[tuple[int, str, int]]  # level, label, ratings
    total: int
    bad: int
    rectified: int

    @property
    def rectification_rate(self) -> float | None:
        return None if not self.bad else self.rectified / self.bad


def public_figures(department) -> PublicFigures:
    """Counts per level of the ratings that count (appeals upheld are left out), and the share of
    bad ratings whose rectification is closed."""
    counted = Rating.objects.filter(department=department, excluded=False)
    by_level = dict(counted.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    bad = counted.filter(level__in=BAD_LEVELS)
    rectified = bad.filter(rectification__stage=stages.CLOSED, rectification__outcome="rectified").count()
    return PublicFigures(
        counts=[(value, label, by_level.get(value, 0)) for value, label in Level.choices],
        total=sum(by_level.values()),
        bad=bad.count(),
        rectified=rectified,
    )


def published_replies(department, limit: int = 5):
    return (
        Rectification.objects.filter(
            department=department,
            stage=stages.CLOSED,
            outcome="rectified",
            rating__consent_to_publish=True,
            rating__excluded=False,
        )
        .exclude(reply="")
        .select_related("rating")
        .order_by("-closed_at")[:limit]
    )


def rectifications_for(user, state: str = "open"):
    found = Rectification.objects.select_related("rating", "rating__case", "department", "owner")
    if user.role == Role.REVIEWER:
        found = found.filter(Q(department_id=user.department_id) | Q(owner=user))
    elif user.role not in SUPERVISORS:
        found = found.filter(owner=user)
    if state == "open":
        found = found.exclude(stage=stages.CLOSED)
    elif state == "late":
        found = found.exclude(stage=stages.CLOSED).filter(due_date__lt=clock.today())
    return found.order_by("due_date", "id")


# The service-quality index ---------------------------------------------------------------------


LEVELS = ("department", "region")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """ "2025-06" → June 2025; "2025" → the year. ValueError for anything else."""
    if len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
        year, month = int(period[:4]), int(period[5:])
        if 1 <= month <= 12:
            return checked_range(
                dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1])
            )
    if len(period) == 4 and period.isdigit():
        return checked_range(dt.date(int(period), 1, 1), dt.date(int(period), 12, 31))
    raise ValueError("use YYYY-MM or YYYY")


MAX_DAYS = 3660  # ten years: enough for any report, small enough for the dates around it


def checked_range(since: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    """The period, or ValueError when it is reversed, longer than ten years or outside 2000–2100."""
    if since > until:
        raise ValueError("since comes after until")
    if (until - since).days > MAX_DAYS:
        raise ValueError("a period is at most ten years")
    if since.year < 2000 or until.year > 2100:
        raise ValueError("give dates between 2000 and 2100")
    return since, until


def previous_bounds(since: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same kind just before: the previous month or year, else the same length."""
    if (
        since.day == 1
        and until == period_bounds(f"{until:%Y-%m}")[1]
        and since.month == until.month
        and since.year == until.year
    ):
        last = since - dt.timedelta(days=1)
        return last.replace(day=1), last
    if (since.month, since.day, until.month, until.day) == (1, 1, 12, 31) and since.year == until.year:
        return since.replace(year=since.year - 1), until.replace(year=until.year - 1)
    length = until - since
    return since - length - dt.timedelta(days=1), since - dt.timedelta(days=1)


def _catalog_figures(today: dt.date) -> dict[int, Counter]:
    found: dict[int, Counter] = {}
    # A procedure every commune performs counts at each of them, as at its reference unit.
    performers: dict[int, list[int]] = {}
    for item_id, department_id in ServiceItem.receiving_departments.through.objects.filter(
        serviceitem__status=ItemStatus.PUBLISHED, serviceitem__decided_by_receiver=True
    ).values_list("serviceitem_id", "department_id"):
        performers.setdefault(item_id, []).append(department_id)
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).annotate(
        material_count=Count("materials", distinct=True), step_count=Count("steps", distinct=True)
    )
    for item in items.only(
        "department_id", "legal_basis", "acceptance_conditions", "legal_days", "immediate", "contact_phone",
        "location", "valid_from", "channel_online", "channel_mobile", "max_visits",
    ):  # fmt: skip
        complete = all(
            [item.legal_basis, item.acceptance_conditions, item.legal_days is not None or item.immediate,
             item.contact_phone, item.location, item.material_count, item.step_count]
        )  # fmt: skip
        for department_id in (item.department_id, *performers.get(item.pk, ())):
            c = found.setdefault(department_id, Counter())
            c["items"] += 1
            c["items_complete"] += complete
            c["items_fresh"] += bool(item.valid_from and item.valid_from > today - dt.timedelta(days=365))
            c["items_online"] += item.channel_online or item.channel_mobile
            c["items_immediate"] += item.immediate
            c["items_one_visit"] += item.max_visits <= 1
            c["items_no_visit"] += item.max_visits == 0
    return found


def _running_figures(today: dt.date) -> dict[int, Counter]:
    return rollups.running_now(today)


@dataclass(frozen=True)
class Unit:
    level: str
    code: str
    name: str
    department_ids: tuple[int, ...]
    tier: int = 0  # a locality's depth in its area (0: the province or city, 1: districts, 2: communes)


# Localities are ranked within their tier, as Decision 766 ranks provinces, districts and communes.
TIERS = {
    0: gettext_lazy("Province or city"),
    1: gettext_lazy("Districts and towns"),
    2: gettext_lazy("Communes, wards and villages"),
}


def areas() -> list[Region]:
    """What the index can be limited to: the top regions."""
    from onewindow.catalog.selectors import areas as top_regions

    return top_regions()


def units(level: str, within: str = "") -> list[Unit]:
    """The departments, or the localities with departments, of the whole platform or of the area
    `within` (a top region's code)."""
    regions = list(Region.objects.all())
    children: dict[int | None, list[Region]] = {}
    for r in regions:
        children.setdefault(r.parent_id, []).append(r)
    depth: dict[int, int] = {}
    level_regions = [(r, 0) for r in children.get(None, [])]
    while level_regions:
        for region, n in level_regions:
            depth[region.pk] = n
        level_regions = [(c, n + 1) for region, n in level_regions for c in children.get(region.pk, [])]
    top = next((r for r in children.get(None, []) if r.code == within), None)
    departments = list(Department.objects.all())
    if top is not None:
        area = {top.pk}
        frontier = [top]
        while frontier:
            frontier = [c for r in frontier for c in children.get(r.pk, [])]
            area |= {c.pk for c in frontier}
        departments = [d for d in departments if d.region_id in area]
        regions = [r for r in regions if r.pk in area]
    if level == "department":
        return [Unit(level, d.code, d.tr(), (d.pk,)) for d in departments]

    def subtree(region) -> set[int]:
        ids = {region.pk}
        for child in children.get(region.pk, []):
            ids |= subtree(child)
        return ids

    found = []
    for region in regions:
        ids = subtree(region)
        members = tuple(d.pk for d in departments if d.region_id in ids)
        if members:
            found.append(Unit(level, region.code, region.tr(), members, min(depth[region.pk], 2)))
    return found


def unit_figures(unit: Unit, period: dict, catalog: dict, running: dict) -> dict:
    figures_ = Counter()
    for department_id in unit.department_ids:
        figures_ += period.get(department_id, Counter())
        figures_ += catalog.get(department_id, Counter())
        figures_ += running.get(department_id, Counter())
    # Every counter the index may use is present (zero rather than missing), except the fees paid:
    # a unit that takes no fee on the platform has no "paid online" indicator (its points go to the
    # others of its group) rather than a zero.
    base = {name: 0 for name in (*rollups.figures.COUNTERS, "items", "items_complete", "items_fresh",
                                 "items_online", "items_immediate", "items_one_visit", "items_no_visit",
                                 "running", "running_overdue", "results", "results_digitised")}  # fmt: skip
    return index_rules.derived({**base, **figures_})


@dataclass(frozen=True)
class IndexRow:
    unit: Unit
    figures: dict
    score: index_rules.Score
    previous_total: float | None
    rank: int = 0
    previous_rank: int | None = None

    @property
    def change(self) -> float | None:
        if self.score.total is None or self.previous_total is None:
            return None
        return self.score.total - self.previous_total

    @property
    def ratios(self) -> dict:
        """Dongguan's catalog ratios and the come-back rate."""
        f = self.figures

        def share(a, b):
            return f[a] / f[b] if f.get(b) else None

        return {
            "immediate": share("items_immediate", "items"),
            "online": share("items_online", "items"),
            "at_most_one_visit": share("items_one_visit", "items"),
            "no_visit": share("items_no_visit", "items"),
            "nearby": None,  # items handled at town and village points: not in the catalog data yet
            "come_back": share("came_back", "intakes_settled"),
        }


def _period_totals(since: dt.date, until: dt.date) -> dict[int, Counter]:
    """The running totals of the period, with the fees paid in it (how many, how many online) and the
    approvals whose result was kept as an e-certificate."""
    from onewindow.certificates.selectors import results_kept
    from onewindow.payments.selectors import online_share

    found = rollups.totals(since, until)
    for department_id, row in online_share(since=since, until=until).items():
        found.setdefault(department_id, Counter()).update(
            payments=row["payments"], payments_online=row["payments_online"]
        )
    for department_id, row in results_kept(since, until).items():
        found.setdefault(department_id, Counter()).update(
            results=row["results"], results_digitised=row["results_digitised"]
        )
    return found


def index_table(level: str, since: dt.date, until: dt.date, config=None, within: str = "") -> list[IndexRow]:
    """Every unit of the level (in the area `within`, if given) scored for the period, ranked within
    its tier, with its change since the period before."""
    config = config or index_rules.default_config()
    today = clock.today()
    catalog, running = _catalog_figures(until), _running_figures(today)
    now_totals = _period_totals(since, until)
    before_totals = _period_totals(*previous_bounds(since, until))
    rows = []
    for unit in units(level, within):
        figures_ = unit_figures(unit, now_totals, catalog, running)
        before = index_rules.score(config, unit_figures(unit, before_totals, catalog, running))
        rows.append(IndexRow(unit, figures_, index_rules.score(config, figures_), before.total))
    ranked = _ranked(rows, lambda r: r.score.total)
    previous = {r.unit.code: r.rank for r in _ranked(rows, lambda r: r.previous_total)}
    return [
        IndexRow(r.unit, r.figures, r.score, r.previous_total, r.rank, previous.get(r.unit.code))
        for r in ranked
    ]


def _ranked(rows, key) -> list[IndexRow]:
    ordered = sorted(rows, key=lambda r: (r.unit.tier, key(r) is None, -(key(r) or 0), r.unit.code))
    places: Counter = Counter()
    ranked = []
    for r in ordered:
        places[r.unit.tier] += 1
        ranked.append(
            IndexRow(r.unit, r.figures, r.score, r.previous_total, places[r.unit.tier], r.previous_rank)
        )
    return ranked


# The cases behind a figure: every number of the dashboard links to them.
BEHIND = {
    "submitted": ("submitted_at", Q()),
    "submitted_online": ("submitted_at", Q(channel__in=rollups.figures.ONLINE_CHANNELS)),
    "intakes_settled": ("submitted_at", Q(first_visit_complete__isnull=False)),
    "came_back": ("submitted_at", Q(first_visit_complete=False)),
    "decided": ("decided_on", Q()),
    "decided_on_time": ("decided_on", Q(due_date__isnull=True) | Q(decided_on__lte=F("due_date"))),
    "decided_late": ("decided_on", Q(decided_on__gt=F("due_date"))),
    "decided_few_supplements": ("decided_on", Q(supplement_requests__lte=1)),
    "results": ("decided_on", Q(approved=True)),
    "results_digitised": ("decided_on", Q(approved=True, result_kept=True)),
    "working_days_used": ("decided_on", Q()),
    "promised_days": ("decided_on", Q()),
    "materials_total": ("decided_on", Q()),
    "materials_shared": ("decided_on", Q(materials_shared__gt=0)),
    "materials_digitised": ("decided_on", Q(materials_digitised__gt=0)),
    "materials_not_shared": ("decided_on", Q()),
    "delivered": ("delivered_at", Q()),
    "delivered_electronic": ("delivered_at", Q(delivery_method="electronic")),
    "running": (None, Q(status__in=CLOCK_STATES)),
    "running_overdue": (None, Q(status__in=CLOCK_STATES)),
}


def cases_behind(figure: str, department_ids, since: dt.date, until: dt.date):
    if figure not in BEHIND:
        raise ValueError(f"no case list behind {figure!r}")
    from onewindow.certificates.selectors import approved_with_result

    field, condition = BEHIND[figure]
    cases = Case.objects.filter(department_id__in=department_ids)
    if figure.startswith("results"):
        cases = approved_with_result(cases)
    cases = cases.filter(condition)
    if figure == "running_overdue":
        cases = cases.filter(due_date__lt=clock.today())
    if field == "decided_on":
        cases = cases.filter(decided_on__gte=since, decided_on__lte=until)
    elif field:
        cases = cases.filter(rollups._day_range(field, since, until))
    return cases.select_related("item", "department").order_by("-id")


@dataclass(frozen=True)
class ProductivityRow:
    unit: Unit
    area_label: str
    figures: productivity.Productivity


def productivity_table(since: dt.date, until: dt.date, within: str = "") -> list[ProductivityRow]:
    """Every locality (of the area `within`): dossiers its one-stop sections took in per official per
    year against its area's target, and its windows' processing and waiting minutes per visitor."""
    from onewindow.catalog.selectors import regions_under
    from onewindow.hall.models import Ticket

    days = (until - since).days + 1
    found = []
    for unit in units("region", within):
        regions = regions_under(unit.code)
        region = regions[0]
        ids = unit.department_ids
        dossiers = Case.objects.filter(
            Q(receiving_department_id__in=ids) | Q(receiving_department__isnull=True, department_id__in=ids),
            submitted_at__date__gte=since,
            submitted_at__date__lte=until,
        ).count()
        officials = (
            User.objects.filter(is_active=True)
            .filter(
                Q(role=Role.REVIEWER, department_id__in=ids) | Q(role=Role.CLERK, halls__region__in=regions)
            )
            .distinct()
            .count()
        )
        waits, services = [], []
        for issued, called, started, finished in Ticket.objects.filter(
            hall__region__in=regions,
            service_date__gte=since,
            service_date__lte=until,
            called_at__isnull=False,
        ).values_list("issued_at", "called_at", "service_started_at", "finished_at"):
            waits.append((called - issued).total_seconds())
            if started and finished:
                services.append((finished - started).total_seconds())
        figures_ = productivity.Productivity(
            dossiers,
            officials,
            days,
            region.area,
            productivity.mean_minutes(services),
            productivity.mean_minutes(waits),
        )
        found.append(ProductivityRow(unit, Region.Area(region.area).label if region.area else "", figures_))
    return sorted(found, key=lambda r: (r.unit.tier, r.unit.code))
