"""The payment gateway adapter: one interface (create a payment and send the payer to its page, take
its signed notice, query it, refund it, fetch a day's statement) and the adapter for the reference
gateway (`paygate.py`). Another gateway (a bank's, a national payment platform's) is another class
with the same methods, named in ONEWINDOW_PAYMENT_GATEWAY."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from . import protocol
from .reconcile import Line


class GatewayError(Exception):
    """The gateway could not be reached or refused the request; the message says which."""


@dataclass(frozen=True)
class Started:
    gateway_id: str
    pay_url: str


@dataclass(frozen=True)
class GatewayPayment:
    reference: str
    status: str  # pending, paid, cancelled
    amount: Decimal
    transaction: str = ""
    paid_at: dt.datetime | None = None


@dataclass(frozen=True)
class RefundDone:
    transaction: str
    amount: Decimal


class PaymentGateway(Protocol):
    code: str

    def create(
        self,
        reference: str,
        amount: Decimal,
        currency: str,
        description: str,
        return_url: str,
        notify_url: str,
    ) -> Started: ...

    def verify_notice(self, method: str, path: str, headers: dict, body: bytes) -> tuple[str, GatewayPayment]:
        """(message id, the payment as the notice tells it), or protocol.VerificationError."""

    def query(self, reference: str) -> GatewayPayment: ...

    def refund(self, reference: str, refund_reference: str, amount: Decimal, reason: str) -> RefundDone: ...

    def statement(self, day: dt.date) -> list[Line]: ...


def gateway() -> PaymentGateway:
    return import_string(settings.ONEWINDOW_PAYMENT_GATEWAY)()


class ReferenceGateway:
    code = "reference"

    def __init__(self):
        self.url = settings.ONEWINDOW_PAYGATE_URL
        self.merchant = settings.ONEWINDOW_PAYGATE_MERCHANT
        self.secret = settings.ONEWINDOW_PAYGATE_SECRET

    def _call(self, method: str, path: str, document: dict | None = None) -> tuple[int, dict]:
        try:
            return protocol.call(self.secret, method, f"{self.url}{path}", document)
        except OSError as error:
            raise GatewayError(f"the payment gateway cannot be reached ({error})") from error

    def create(self, reference, amount, currency, description, return_url, notify_url) -> Started:
        status, answer = self._call(
            "POST",
            "/v1/payments",
            {
                "merchant": self.merchant,
                "reference": reference,
                "amount": str(amount),
                "currency": currency,
                "description": description[:200],
                "return_url": return_url,
                "notify_url": notify_url,
            },
        )
        if status not in (200, 201):
            raise GatewayError(f"the payment gateway refused the payment: {answer.get('error', status)}")
        return Started(answer["id"], answer["pay_url"])

    def verify_notice(self, method, path, headers, body) -> tuple[str, GatewayPayment]:
        msg_id = protocol.verify(self.secret, method, path, headers, body)
        return msg_id, _payment(json.loads(body))

    def query(self, reference) -> GatewayPayment:
        status, answer = self._call("GET", f"/v1/payments/{reference}")
        if status != 200:
            raise GatewayError(
                f"the payment gateway does not know {reference}: {answer.get('error', status)}"
            )
        return _payment(answer)

    def refund(self, reference, refund_reference, amount, reason) -> RefundDone:
        status, answer = self._call(
            "POST",
            f"/v1/payments/{reference}/refunds",
            {"refund_reference": refund_reference, "amount": str(amount), "reason": reason},
        )
        if status not in (200, 201):
            raise GatewayError(f"the payment gateway refused the refund: {answer.get('error', status)}")
        return RefundDone(answer["transaction"], Decimal(answer["amount"]))

    def statement(self, day) -> list[Line]:
        status, answer = self._call("GET", f"/v1/statements/{day.isoformat()}")
        if status != 200:
            raise GatewayError(f"the payment gateway gave no statement: {answer.get('error', status)}")
        return [
            Line(line["kind"], line["reference"], Decimal(line["amount"]), line.get("transaction", ""))
            for line in answer["lines"]
        ]


def _payment(document: dict) -> GatewayPayment:
    paid_at = document.get("paid_at")
    return GatewayPayment(
        reference=str(document["reference"]),
        status=str(document["status"]),
        amount=Decimal(str(document["amount"])),
        transaction=str(document.get("transaction") or ""),
        paid_at=dt.datetime.fromisoformat(paid_at) if paid_at else None,
    )
