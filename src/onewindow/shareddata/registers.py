"""Registers behind one interface: a request (register, subject, purpose, caller), a signed answer,
a timeout. `LocalRegister` answers from rows kept on this platform and signs with its own key;
`HttpRegister` asks the register's service and checks its signature. Every question is logged
(`RegisterQuery`); a register that is slow or down raises RegisterUnavailable, and the applicant
goes on with typed data."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from onewindow.certificates import signing
from onewindow.core import clock

from .models import Register, RegisterQuery, RegisterRecord

TYP = "onewindow-register-answer+json"


class RegisterUnavailable(Exception):
    pass


@dataclass(frozen=True)
class RegisterRequest:
    register: str
    subject_id: str
    purpose: str
    caller: str  # who asks (a username), as the register logs it


@dataclass(frozen=True)
class RegisterAnswer:
    register: str
    subject_id: str
    found: bool
    values: dict
    signed: str  # the register's signed answer (compact JWS over the same fields)

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.signed)


def _answer_document(request: RegisterRequest, found: bool, values: dict) -> dict:
    return {
        "register": request.register,
        "subject": request.subject_id,
        "purpose": request.purpose,
        "caller": request.caller,
        "found": found,
        "values": values,
        "at": clock.now().isoformat(timespec="seconds"),
    }


def _read(request: RegisterRequest, document: dict, signed: str) -> RegisterAnswer:
    if document.get("register") != request.register or document.get("subject") != request.subject_id:
        raise RegisterUnavailable("the answer is about another register or subject")
    return RegisterAnswer(request.register, request.subject_id, bool(document.get("found")),
                          dict(document.get("values") or {}), signed)  # fmt: skip


class LocalRegister:
    def __init__(self, register: Register):
        self.register = register

    def lookup(self, request: RegisterRequest) -> RegisterAnswer:
        from onewindow.certificates.services import active_key

        record = RegisterRecord.objects.filter(register=self.register, subject_id=request.subject_id).first()
        document = _answer_document(request, record is not None, record.values if record else {})
        key = active_key(f"register-{self.register.code}"[:32])
        return _read(request, document, signing.sign(document, key.kid, key.algorithm, typ=TYP))


class HttpRegister:
    """GET {url}?subject=…&purpose=…&caller=…, answered with the signed answer as the body."""

    def __init__(self, register: Register):
        self.register = register

    def lookup(self, request: RegisterRequest) -> RegisterAnswer:
        query = urllib.parse.urlencode(
            {"subject": request.subject_id, "purpose": request.purpose, "caller": request.caller}
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 (an address the administrator set)
                f"{self.register.url}?{query}", timeout=self.register.timeout_seconds
            ) as response:
                signed = response.read().decode().strip()
        except (OSError, urllib.error.URLError, UnicodeDecodeError) as error:
            raise RegisterUnavailable(f"{self.register.name} did not answer: {error}") from None
        try:
            document = signing.verify(signed, [self.register.public_jwk or {}])
        except signing.VerificationError as error:
            raise RegisterUnavailable(f"{self.register.name}'s answer does not verify: {error}") from None
        return _read(request, document, signed)


def adapter(register: Register) -> LocalRegister | HttpRegister:
    return HttpRegister(register) if register.kind == Register.Kind.HTTP else LocalRegister(register)


def lookup(register: Register, subject_id: str, purpose: str, caller) -> RegisterAnswer:
    """Ask one register, logged; RegisterUnavailable when it does not answer in time or correctly."""
    request = RegisterRequest(register.code, subject_id.strip().upper(), purpose[:200], caller.username)
    started = time.monotonic()
    outcome, problem, answer = RegisterQuery.Outcome.UNAVAILABLE, "", None
    try:
        answer = adapter(register).lookup(request)
        outcome = RegisterQuery.Outcome.ANSWERED if answer.found else RegisterQuery.Outcome.NOT_FOUND
    except RegisterUnavailable as error:
        problem = str(error)[:300]
        raise
    finally:
        RegisterQuery.objects.create(
            register=register,
            subject_id=request.subject_id,
            purpose=request.purpose,
            caller=caller,
            at=clock.now(),
            outcome=outcome,
            duration_ms=int((time.monotonic() - started) * 1000),
            fingerprint=answer.fingerprint if answer else "",
            problem=problem,
        )
    return answer
