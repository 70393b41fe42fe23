"""Official documents leave the platform sealed: `seal(pdf, department code, name, reason)` signs a PDF
in the department's name. The certificates component registers the signer when it loads (PAdES with
the department's signing certificate, certificates/pdf.py); without one, documents stay unsigned.
Components that print documents (cases' receipts and decisions) call this, not the certificates."""

from __future__ import annotations

from collections.abc import Callable

Sealer = Callable[[bytes, str, str, str], bytes]
_sealer: Sealer | None = None


def register(sealer: Sealer) -> None:
    global _sealer
    _sealer = sealer


def seal(pdf: bytes, department_code: str, department_name: str, reason: str) -> bytes:
    return _sealer(pdf, department_code, department_name, reason) if _sealer else pdf
