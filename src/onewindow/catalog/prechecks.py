"""Material pre-checks (预审): rules attached to a material, run on an upload and on typed-in data.

A rule is JSON, for example
    {"rule": "file", "types": ["pdf", "jpeg", "png"], "max_bytes": 5000000, "max_pages": 10}
    {"rule": "resident_id", "field": "id_number", "min_age": 60}
    {"rule": "uscc", "field": "uscc"}      {"rule": "vn_citizen_id", "field": "id_number"}
    {"rule": "required", "fields": ["name", "id_number"]}
    {"rule": "not_expired", "field": "valid_until"}
Each gives a pass or a fail with the reason, so an applicant can fix what fails before coming in.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from onewindow.core.ids import resident_id_birth_date, resident_id_problem, uscc_problem, vietnam_id_problem

FILE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FILE_ENDINGS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "docx": ".docx"}
RULES = ("file", "resident_id", "uscc", "vn_citizen_id", "required", "not_expired")
# An image is refused from its header above this size, before a pixel is decoded: a small PNG can
# declare 13,000 × 13,000 pixels and take 650 MB to open (a decompression bomb).
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CheckResult:
    rule: str
    passed: bool
    reason: str
    fields: tuple[str, ...] = ()  # the typed-in fields it read (the ones to fix when it fails)

    def as_dict(self) -> dict:
        found = {"rule": self.rule, "passed": self.passed, "reason": self.reason}
        return found | {"fields": list(self.fields)} if self.fields else found

    def errors(self) -> list[tuple[str, str]]:
        """(input field, message) for a failed check: `file`, or each data field it read."""
        if self.passed:
            return []
        if self.rule == "file" or not self.fields:
            return [("file" if self.rule == "file" else f"data.{self.rule}", self.reason)]
        return [(f"data.{name}", self.reason) for name in self.fields]


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def typed_fields(checks) -> list[str]:
    """The typed-in fields a material's checks read (asked beside its upload), in order, once each."""
    fields = []
    for check in checks or ():
        for name in [check.get("field")] + list(check.get("fields", [])):
            if name and name not in fields:
                fields.append(name)
    return fields


def spec_errors(checks: Any) -> list[tuple[str, str]]:
    """Problems in a material's check list, as (path, message) pairs (admin and catalog import)."""
    if checks in (None, []):
        return []
    if not isinstance(checks, list):
        return [("checks", "must be a list of rules")]
    errors = []
    for index, check in enumerate(checks):
        path = f"checks[{index}]"
        if not isinstance(check, Mapping) or check.get("rule") not in RULES:
            errors.append((path, f"each check needs a rule: one of {', '.join(RULES)}"))
            continue
        rule = check["rule"]
        allowed = {
            "file": {"types", "max_bytes", "max_pages"},
            "required": {"fields"},
            "resident_id": {"field", "min_age", "max_age"},
        }.get(rule, {"field"})
        for key in set(check) - allowed - {"rule"}:
            errors.append((f"{path}.{key}", f"not a setting of {rule}; use {', '.join(sorted(allowed))}"))
        if rule == "file":
            bad = [t for t in check.get("types", []) if t not in FILE_TYPES]
            if bad:
                errors.append((f"{path}.types", f"unknown types {bad}; use {', '.join(FILE_TYPES)}"))
            for key in ("max_bytes", "max_pages"):
                if key in check and (not isinstance(check[key], int) or check[key] < 1):
                    errors.append((f"{path}.{key}", "must be a whole number above 0"))
        elif rule == "required":
            if not isinstance(check.get("fields"), list) or not check["fields"]:
                errors.append((f"{path}.fields", "name the fields that must be filled in"))
        elif not isinstance(check.get("field"), str):
            errors.append((f"{path}.field", "name the field to check"))
    return errors


def _file_type(upload: Upload) -> str | None:
    from onewindow.core.uploads import sniff_content_type

    return sniff_content_type(upload.content[:16], io.BytesIO(upload.content))


def file_kind(content: bytes) -> str | None:
    """pdf, png, jpeg or docx by the content, or None."""
    content_type = _file_type(Upload("", content))
    return next((k for k, t in FILE_TYPES.items() if t == content_type), None)


def _readable(kind: str, content: bytes) -> tuple[bool, int, str]:
    """(readable, pages, reason) for a PDF or an image."""
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(content))
            return True, len(reader.pages), ""
        if kind in ("png", "jpeg"):
            from PIL import Image

            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size  # from the header: nothing decoded yet
                if width * height > MAX_PIXELS:
                    reason = f"the image is {width}×{height} pixels; at most {MAX_PIXELS // 10**6} megapixels"
                    return False, 1, reason
                image.load()
                if min(image.size) < 200:
                    return False, 1, f"the image is {image.size[0]}×{image.size[1]} pixels: too small to read"
            return True, 1, ""
    except Exception as error:  # noqa: BLE001  (any parser failure means the file cannot be read)
        return False, 0, f"the file cannot be read ({type(error).__name__})"
    return True, 1, ""


def _check_file(check: Mapping, upload: Upload | None) -> CheckResult:
    if upload is None:
        return CheckResult("file", False, "no file was uploaded")
    content_type = _file_type(upload)
    kind = next((k for k, t in FILE_TYPES.items() if t == content_type), None)
    types = check.get("types") or list(FILE_TYPES)
    if kind is None or kind not in types:
        return CheckResult(
            "file", False, f"the content is not one of {', '.join(types)} (whatever the file name says)"
        )
    if "max_bytes" in check and len(upload.content) > check["max_bytes"]:
        return CheckResult(
            "file", False, f"the file is {len(upload.content)} bytes; at most {check['max_bytes']}"
        )
    readable, pages, reason = _readable(kind, upload.content)
    if not readable:
        return CheckResult("file", False, reason)
    if "max_pages" in check and pages > check["max_pages"]:
        return CheckResult("file", False, f"the document has {pages} pages; at most {check['max_pages']}")
    return CheckResult(
        "file", True, f"{kind}, {len(upload.content)} bytes" + (f", {pages} pages" if kind == "pdf" else "")
    )


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def run_checks(
    checks: Sequence[Mapping],
    data: Mapping[str, Any],
    upload: Upload | None = None,
    today: dt.date | None = None,
) -> list[CheckResult]:
    today = today or dt.date.today()
    results = []
    for check in checks or ():
        rule = check["rule"]
        value = str(data.get(check.get("field", ""), "") or "").strip()
        if rule == "file":
            results.append(_check_file(check, upload))
        elif rule == "required":
            empty = [f for f in check["fields"] if not str(data.get(f, "") or "").strip()]
            results.append(
                CheckResult(
                    rule,
                    not empty,
                    f"missing: {', '.join(empty)}" if empty else "all filled in",
                    tuple(empty or check["fields"]),
                )
            )
        elif rule in ("resident_id", "uscc", "vn_citizen_id"):
            problem = {
                "resident_id": lambda v: resident_id_problem(v, today),
                "uscc": uscc_problem,
                "vn_citizen_id": vietnam_id_problem,
            }[rule](value)
            if problem is None and rule == "resident_id":
                age = _age(resident_id_birth_date(value), today)
                if "min_age" in check and age < check["min_age"]:
                    problem = (
                        f"the holder is {age}; this material needs someone aged at least {check['min_age']}"
                    )
                elif "max_age" in check and age > check["max_age"]:
                    problem = (
                        f"the holder is {age}; this material needs someone aged at most {check['max_age']}"
                    )
            results.append(CheckResult(rule, problem is None, problem or "valid", (check["field"],)))
        elif rule == "not_expired":
            try:
                until = dt.date.fromisoformat(value)
            except ValueError:
                results.append(
                    CheckResult(
                        rule, False, f"{check['field']} is not a date (YYYY-MM-DD)", (check["field"],)
                    )
                )
                continue
            expired = until < today
            results.append(
                CheckResult(
                    rule,
                    not expired,
                    f"expired on {until}" if expired else f"valid until {until}",
                    (check["field"],),
                )
            )
    return results
