"""The daily reconciliation between a gateway's statement and the platform's payments, as a pure
function: every line of money the gateway moved must match a payment or refund recorded here, with
the same amount, and every payment recorded here as paid that day must be on the statement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    """One movement of money: a payment or a refund, by the platform's reference."""

    kind: str  # "payment" or "refund"
    reference: str
    amount: Decimal
    transaction: str = ""


@dataclass(frozen=True)
class Mismatch:
    kind: str
    reference: str
    problem: str  # "missing_here", "missing_at_gateway", "amount_differs"
    gateway_amount: Decimal | None
    platform_amount: Decimal | None


@dataclass(frozen=True)
class Result:
    matched: int
    mismatches: tuple[Mismatch, ...]
    gateway_total: Decimal
    platform_total: Decimal

    @property
    def balanced(self) -> bool:
        return not self.mismatches


def reconcile(statement: Iterable[Line], recorded: Iterable[Line]) -> Result:
    def keyed(lines):
        found: dict[tuple[str, str], Decimal] = {}
        for line in lines:
            key = (line.kind, line.reference)
            found[key] = found.get(key, Decimal(0)) + Decimal(line.amount)
        return found

    theirs, ours = keyed(statement), keyed(recorded)
    mismatches, matched = [], 0
    for key in sorted(theirs.keys() | ours.keys()):
        gateway, platform = theirs.get(key), ours.get(key)
        if gateway is None:
            mismatches.append(Mismatch(*key, "missing_at_gateway", None, platform))
        elif platform is None:
            mismatches.append(Mismatch(*key, "missing_here", gateway, None))
        elif gateway != platform:
            mismatches.append(Mismatch(*key, "amount_differs", gateway, platform))
        else:
            matched += 1
    return Result(
        matched,
        tuple(mismatches),
        _net(theirs),
        _net(ours),
    )


def _net(lines: dict[tuple[str, str], Decimal]) -> Decimal:
    return sum((amount if kind == "payment" else -amount for (kind, _), amount in lines.items()), Decimal(0))
