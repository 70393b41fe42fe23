"""Identity numbers: Chinese resident ID (GB 11643), Chinese USCC (GB 32100), Vietnamese citizen ID.

Pure functions: `*_problem(value)` returns None when valid, else a message naming what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100 alphabet: digits and capital letters without I, O, Z, S, V.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_problem(number: str, today: dt.date | None = None) -> str | None:
    number = (number or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "a resident ID number has 17 digits followed by a digit or X"
    try:
        born = resident_id_birth_date(number)
    except ValueError:
        return "the birth date in the number (digits 7–14) is not a real date"
    if born < dt.date(1900, 1, 1) or born > (today or dt.date.today()):
        return "the birth date in the number (digits 7–14) is out of range"
    if resident_id_check_digit(number[:17]) != number[17]:
        return f"the check digit is wrong (expected {resident_id_check_digit(number[:17])})"
    return None


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    code = (code or "").strip().upper()
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return (
            "a unified social credit code has 18 characters: digits and capital letters except I, O, Z, S, V"
        )
    if not code[2:8].isdigit():
        return "characters 3–8 of a unified social credit code are the region's digits"
    if uscc_check_character(code[:17]) != code[17]:
        return f"the check character is wrong (expected {uscc_check_character(code[:17])})"
    return None


def vietnam_id_problem(number: str) -> str | None:
    """Citizen identity number (CCCD): 12 digits; digit 4 encodes the century and sex (0–9)."""
    number = (number or "").strip()
    if not re.fullmatch(r"\d{12}", number):
        return "a Vietnamese citizen ID number has 12 digits"
    if not 1 <= int(number[:3]) <= 96:
        return "the first three digits are not a province code (001–096)"
    return None


# A Vietnamese enterprise's code (mã số doanh nghiệp, its tax code): the tenth digit checks the first
# nine with these weights.
_VN_ENTERPRISE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def vietnam_enterprise_check_digit(first9: str) -> str | None:
    """10 − (weighted sum mod 11); None when that is 10 (no code is issued with such a body)."""
    check = 10 - sum(w * int(d) for w, d in zip(_VN_ENTERPRISE_WEIGHTS, first9, strict=True)) % 11
    return str(check) if check < 10 else None


def vietnam_enterprise_problem(number: str) -> str | None:
    """Mã số doanh nghiệp: 10 digits, a branch's 10 digits, a dash and 001–999."""
    number = (number or "").strip()
    if not re.fullmatch(r"\d{10}(-\d{3})?", number):
        return "a Vietnamese enterprise code has 10 digits (a branch's: 10 digits, a dash and 3)"
    if number[2:9] == "0000000" or number.endswith("-000"):
        return "the sequence part cannot be all zeros"
    if number[9] != vietnam_enterprise_check_digit(number[:9]):
        return "the check digit (the 10th) does not match: check the number"
    return None


ID_TYPES = {
    "resident_id": resident_id_problem,
    "uscc": uscc_problem,
    "vn_citizen_id": vietnam_id_problem,
    "vn_enterprise": vietnam_enterprise_problem,
}


def id_problem(id_type: str, number: str) -> str | None:
    check = ID_TYPES.get(id_type)
    if check is None:
        return f"unknown ID type {id_type!r}; use one of {', '.join(ID_TYPES)}"
    return check(number)


def mask(number: str) -> str:
    """All but the first and last two characters hidden (all of a short one): for pages and logs."""
    number = str(number or "")
    if len(number) <= 6:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


# Resident IDs (15 or 18 characters), USCCs (18) and Vietnamese citizen IDs (12 digits), as they may
# turn up inside free text such as a logged request line, also glued to letters ("id=…", "x110…").
_ID_LIKE = re.compile(
    r"(?<!\d)(?:\d{17}[\dXx]|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{15}|\d{12})(?!\d)"
)


def mask_in_text(text: str) -> str:
    """`text` with everything that looks like an ID number masked, percent-encoded ones too (the
    text is URL-decoded first, as a logged address may hide an ID behind %31%31…)."""
    if "%" in text:
        text = unquote(text)
    return _ID_LIKE.sub(lambda found: mask(found.group()), text)
