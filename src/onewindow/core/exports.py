"""Spreadsheet exports (CSV, XLSX) that a spreadsheet program opens as data, never as formulas."""

from __future__ import annotations

import csv

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula (=HYPERLINK(…), +cmd|…, @SUM…) gets a leading
    apostrophe, so it shows as the text it is; numbers, dates and empty cells stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


class SafeCsvWriter:
    """csv.writer with every cell through safe_cell."""

    def __init__(self, file):
        self._writer = csv.writer(file)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
