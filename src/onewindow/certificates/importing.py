"""Paper-era certificates imported from CSV or XLSX: every row is checked first, then all are issued in
one transaction, or none; each error names its row and column.

Columns: `type` (a certificate type code), `holder_id`, `holder_name`, optional `valid_from`
(YYYY-MM-DD), and the type's surface fields by name. Other columns are an error (a typo would drop a
field silently)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from onewindow.core import events
from onewindow.core.errors import InvalidInput

from . import services
from .models import CertificateType

FIXED = ("type", "holder_id", "holder_name", "valid_from")


class ImportErrors(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "; ".join(problems[:20]) + (f"; … {len(problems) - 20} more" if len(problems) > 20 else "")
        )


def read_rows(path: Path) -> list[dict]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = [
            ["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ImportErrors([f"{path.name}: not UTF-8 text (save the CSV as UTF-8)"]) from None
        rows = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text))]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise ImportErrors([f"{path.name}: empty"])
    header, *body = rows
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in body]


def check(rows: list[dict]) -> list[services.Issuance]:
    problems, issuances = [], []
    kinds = {k.code: k for k in CertificateType.objects.all()}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        kind = kinds.get(row.get("type", ""))
        if kind is None:
            problems.append(f"row {number}, column type: no certificate type {row.get('type', '')!r}")
            continue
        fields = set(kind.fields_schema.get("properties", {}))
        for column in row:
            if column not in FIXED and column not in fields:
                problems.append(f"row {number}, column {column}: not a field of {kind.code}")
        valid_from = None
        if row.get("valid_from"):
            try:
                valid_from = dt.date.fromisoformat(row["valid_from"])
            except ValueError:
                problems.append(f"row {number}, column valid_from: not a date (YYYY-MM-DD)")
        surface = {k: v for k, v in row.items() if k in fields and v != ""}
        issuance = services.Issuance(
            kind.code, row.get("holder_id", ""), row.get("holder_name", ""), surface, valid_from
        )
        try:
            services.check_issuance(issuance)
        except InvalidInput as error:
            problems += [
                f"row {number}, column {e.field.removeprefix('surface.')}: {e.message}" for e in error.errors
            ]
        issuances.append(issuance)
    if problems:
        raise ImportErrors(problems)
    return issuances


def import_file(path: Path, user=None) -> int:
    issuances = check(read_rows(path))
    with events.atomic():
        for issuance in issuances:
            services.issue(issuance, user)
    return len(issuances)
