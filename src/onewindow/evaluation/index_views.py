"""The index dashboard for supervisors: rankings per department or locality, a unit's indicators,
the cases behind every figure, CSV and XLSX exports."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import charts, clock
from onewindow.core.exports import SafeCsvWriter, safe_row
from onewindow.core.models import SUPERVISORS

from . import productivity as productivity_rules
from . import selectors

GROUP_NAMES = {
    "publicity": gettext_lazy("Publicity"),
    "progress": gettext_lazy("Progress"),
    "online": gettext_lazy("Online service"),
    "digitisation": gettext_lazy("Digitisation"),
    "satisfaction": gettext_lazy("Satisfaction"),
}
INDICATOR_NAMES = {
    "catalog_complete": gettext_lazy("Catalog entries complete"),
    "catalog_fresh": gettext_lazy("Catalog entries updated within a year"),
    "on_time": gettext_lazy("Decided on time (suspensions excluded)"),
    "few_supplements": gettext_lazy("At most one supplement request"),
    "processing_time": gettext_lazy("Working days used per promised day"),
    "items_online": gettext_lazy("Items available online"),
    "filed_online": gettext_lazy("Cases filed online"),
    "paid_online": gettext_lazy("Fees paid online"),
    "electronic_results": gettext_lazy("Results issued electronically"),
    "digitised_dossiers": gettext_lazy("Materials kept as files"),
    "digitised_results": gettext_lazy("Results kept as e-certificates"),
    "shared_data": gettext_lazy("Materials replaced by shared data"),
    "satisfied": gettext_lazy("Ratings not bad"),
    "rectified": gettext_lazy("Bad ratings rectified"),
    "complaints": gettext_lazy("Complaints per case"),
    "overdue": gettext_lazy("Running cases overdue (today)"),
}


def _analysts_only(request):
    if request.user.role not in SUPERVISORS:
        raise Http404(_("The index dashboard is for supervisors."))


def _parse(request) -> tuple[str, dt.date, dt.date, str]:
    level = request.GET.get("level") if request.GET.get("level") in selectors.LEVELS else "department"
    period = request.GET.get("period", "")
    try:
        if request.GET.get("since") and request.GET.get("until"):
            since, until = sorted(
                (dt.date.fromisoformat(request.GET["since"]), dt.date.fromisoformat(request.GET["until"]))
            )
            since, until = selectors.checked_range(since, until)
            period = ""
        else:
            since, until = selectors.period_bounds(period or f"{clock.today():%Y-%m}")
            period = period or f"{since:%Y-%m}"
    except ValueError:
        raise Http404(_("Give the period as YYYY-MM or YYYY, or since and until as dates.")) from None
    if since > until:
        since, until = until, since
    return level, since, until, period


def _within(request) -> str:
    """The area the index is limited to: a top region's code, or "" for the whole platform."""
    code = request.GET.get("within", "")
    return code if code in {r.code for r in selectors.areas()} else ""


@login_required
def dashboard(request):
    _analysts_only(request)
    level, since, until, period = _parse(request)
    within = _within(request)
    rows = selectors.index_table(level, since, until, within=within)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(rows, level, since, until, export)
    if export == "766":
        return _national_export(rows, level, since, until)
    chart = charts.bars(
        [(r.unit.name[:12], round(r.score.total or 0, 1)) for r in rows], _("Index score (out of 100)")
    )
    return render(
        request,
        "evaluation/index.html",
        {
            "rows": rows,
            "level": level,
            "since": since,
            "until": until,
            "period": period,
            "groups": GROUP_NAMES,
            "chart": chart,
            "areas": selectors.areas(),
            "within": within,
            "tiers": selectors.TIERS,
        },
    )


# Decision 766's groups in the order and words of the national portal's published table, and its
# classification by total score.
NATIONAL_GROUPS = [
    ("publicity", "Công khai, minh bạch (18)"),
    ("progress", "Tiến độ giải quyết (20)"),
    ("online", "Dịch vụ trực tuyến (22)"),
    ("satisfaction", "Mức độ hài lòng (18)"),
    ("digitisation", "Số hóa hồ sơ (22)"),
]
NATIONAL_CLASSES = [(90, "Xuất sắc"), (80, "Tốt"), (70, "Khá"), (50, "Trung bình"), (0, "Yếu")]


def national_class(total: float | None) -> str:
    if total is None:
        return ""
    return next(name for floor, name in NATIONAL_CLASSES if total >= floor)


def _national_export(rows, level, since, until) -> HttpResponse:
    """The index as the National Public Service Portal publishes it: per unit, the five groups' points,
    the total and the class, ranked within the unit's tier."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(["STT", "Cấp", "Mã đơn vị", "Tên đơn vị", *(name for _c, name in NATIONAL_GROUPS),
                     "Tổng điểm (100)", "Xếp loại"])  # fmt: skip
    tiers = {0: "Tỉnh", 1: "Huyện", 2: "Xã"} if level == "region" else {0: "Sở, ngành"}
    for r in rows:
        groups = {g.group.code: g.score for g in r.score.groups}
        writer.writerow(
            [r.rank, tiers.get(r.unit.tier, ""), r.unit.code, r.unit.name,
             *(_round(groups.get(code)) for code, _name in NATIONAL_GROUPS),
             _round(r.score.total), national_class(r.score.total)]
        )  # fmt: skip
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chi-so-766-{level}-{since}-{until}.csv"'
    return response


def _table(rows) -> tuple[list[str], list[list]]:
    header = ["rank", "previous_rank", "code", "name", "total", "change", *GROUP_NAMES]
    body = []
    for r in rows:
        groups = {g.group.code: g.score for g in r.score.groups}
        body.append(
            [r.rank, r.previous_rank, r.unit.code, r.unit.name, _round(r.score.total), _round(r.change),
             *(_round(groups.get(code)) for code in GROUP_NAMES)]
        )  # fmt: skip
    return header, body


def _round(value):
    return None if value is None else round(value, 2)


def _export(rows, level, since, until, kind) -> HttpResponse:
    header, body = _table(rows)
    name = f"index-{level}-{since}-{until}"
    if kind == "csv":
        buffer = io.StringIO()
        writer = SafeCsvWriter(buffer)
        writer.writerow(header)
        writer.writerows(body)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "index"
        sheet.append(safe_row(header))
        for line in body:
            sheet.append(safe_row(line))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _unit(level: str, code: str) -> selectors.Unit:
    for unit in selectors.units(level):
        if unit.code == code:
            return unit
    raise Http404(_("No such department or locality."))


@login_required
def unit_detail(request, level, code):
    _analysts_only(request)
    _level, since, until, period = _parse(request)
    rows = selectors.index_table(
        level if level in selectors.LEVELS else "department", since, until, within=_within(request)
    )
    row = next((r for r in rows if r.unit.code == code), None)
    if row is None:
        raise Http404(_("No such department or locality."))
    return render(
        request,
        "evaluation/index_unit.html",
        {
            "row": row,
            "level": level,
            "since": since,
            "until": until,
            "groups": GROUP_NAMES,
            "indicators": INDICATOR_NAMES,
            "linked": selectors.BEHIND,
            "rows_count": len(rows),
        },
    )


@login_required
def cases_behind(request):
    _analysts_only(request)
    level, since, until, _period = _parse(request)
    unit = _unit(level, request.GET.get("code", ""))
    figure = request.GET.get("figure", "")
    try:
        cases = selectors.cases_behind(figure, unit.department_ids, since, until)
    except ValueError as error:
        raise Http404(str(error)) from None
    return render(
        request,
        "evaluation/index_cases.html",
        {
            "unit": unit,
            "figure": figure,
            "since": since,
            "until": until,
            "page": Paginator(cases, 50).get_page(request.GET.get("page")),
        },
    )


@login_required
def productivity(request):
    """Dossiers per official per year against the area's target, and minutes per visitor against
    30 of processing and 15 of waiting, per locality."""
    _analysts_only(request)
    _level, since, until, period = _parse(request)
    within = _within(request)
    return render(
        request,
        "evaluation/productivity.html",
        {
            "rows": selectors.productivity_table(since, until, within),
            "since": since,
            "until": until,
            "period": period,
            "level": "region",
            "areas": selectors.areas(),
            "within": within,
            "tiers": selectors.TIERS,
            "processing_target": productivity_rules.PROCESSING_MINUTES,
            "waiting_target": productivity_rules.WAITING_MINUTES,
        },
    )
