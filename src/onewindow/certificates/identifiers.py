"""Certificate identifiers (pure): type code, issuer code, year and serial, and a check character by
ISO 7064 MOD 37,36 over the rest, e.g. `RETIRE-rsj-2026-0000042-Q`. After GB/T 36903's identifier,
which likewise encodes the certificate type, the issuing authority and a serial."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(text: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) over the letters and digits of `text` (case-insensitive)."""
    p = 36
    for char in text.upper():
        if char not in ALPHABET:
            continue
        s = (p + ALPHABET.index(char)) % 36 or 36
        p = (s * 2) % 37
    return ALPHABET[(37 - p) % 36]


def identifier(type_code: str, issuer_code: str, year: int, serial: int) -> str:
    body = f"{type_code}-{issuer_code}-{year:04d}-{serial:07d}"
    return f"{body}-{check_character(body)}"


def is_valid(value: str) -> bool:
    body, _sep, check = value.rpartition("-")
    return bool(body) and len(check) == 1 and check_character(body) == check.upper()
