"""The CSV files the model commands read (the hotline's messages, tenders' bids): UTF-8 with or without
a byte-order mark, a header naming the needed columns (others are ignored), at least one row. Every
problem is one line naming the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path


class CsvInputError(ValueError):
    pass


def read_rows(path: str | Path, columns: tuple[str, ...]) -> list[dict]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvInputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise CsvInputError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise CsvInputError(f"{path}: cannot be read ({error.strerror})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise CsvInputError(f"{path}: the file is empty")
    missing = [column for column in columns if column not in reader.fieldnames]
    if missing:
        raise CsvInputError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = list(reader)
    if not rows:
        raise CsvInputError(f"{path}: no rows after the header")
    return rows
