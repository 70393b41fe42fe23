"""Official documents leave the platform sealed: `seal(pdf, department code, name, reason)` signs a PDF
in the department's name. The certificates component registers the signer when it loads (PAdES with
the department's signing certificate, certificates/pdf.py); without one, documents stay unsigned.
Components that print documents (cases' receipts and decisions) call this, not the certificates.

Records are attested the same way: `attest(document, department code, name)` signs a small JSON
document (a scan's digest, who made it and when) with the department's key and `check_attestation`
gives the document back if the signature holds."""

from __future__ import annotations

from collections.abc import Callable

Sealer = Callable[[bytes, str, str, str], bytes]
_sealer: Sealer | None = None


def register(sealer: Sealer) -> None:
    global _sealer
    _sealer = sealer


def seal(pdf: bytes, department_code: str, department_name: str, reason: str) -> bytes:
    return _sealer(pdf, department_code, department_name, reason) if _sealer else pdf


Attester = Callable[[dict, str, str], str]
Checker = Callable[[str], dict]
_attester: Attester | None = None
_checker: Checker | None = None


class AttestationError(ValueError):
    pass


def register_attestation(attester: Attester, checker: Checker) -> None:
    global _attester, _checker
    _attester, _checker = attester, checker


def attest(document: dict, department_code: str, department_name: str) -> str:
    """A signed statement of `document` in the department's name; "" when nothing signs."""
    return _attester(document, department_code, department_name) if _attester else ""


def check_attestation(token: str) -> dict:
    """The document an attestation signs; AttestationError when it does not verify."""
    if not token or _checker is None:
        raise AttestationError("not attested")
    return _checker(token)
