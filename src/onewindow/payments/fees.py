"""What a case costs, as pure functions: the item's fee (fixed, or as a situation rule sets it) for
the case or for each copy, in the currency of the department's country.

Vietnamese đồng have no minor unit in use; yuan have fen. Amounts are Decimals, quantized to the
currency's unit, never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MAX_COPIES = 50
# The department's working-day calendar says which country it is in, and so its currency.
CURRENCY_OF_CALENDAR = {"VN": "VND"}
DEFAULT_CURRENCY = "CNY"
_UNIT = {"VND": Decimal("1"), "CNY": Decimal("0.01")}


class FeeError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Fee:
    unit_amount: Decimal
    copies: int
    currency: str

    @property
    def amount(self) -> Decimal:
        return quantize(self.unit_amount * self.copies, self.currency)

    @property
    def due(self) -> bool:
        return self.amount > 0


def currency_for(calendar: str) -> str:
    return CURRENCY_OF_CALENDAR.get(calendar, DEFAULT_CURRENCY)


def quantize(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(_UNIT.get(currency, Decimal("0.01")), rounding=ROUND_HALF_UP)


def fee_for(situation_fee, per_copy: bool, copies: int, currency: str) -> Fee:
    """The fee of one case: `situation_fee` is the item's fee after its situation rules (the rules'
    `fee` limit); per copy, it is charged for each of `copies` (1 to MAX_COPIES)."""
    if isinstance(copies, bool) or not isinstance(copies, int):
        raise FeeError("copies", "must be a whole number")
    if not per_copy:
        copies = 1
    elif not 1 <= copies <= MAX_COPIES:
        raise FeeError("copies", f"must be between 1 and {MAX_COPIES}")
    unit = quantize(Decimal(str(situation_fee)), currency)
    if unit < 0:
        raise FeeError("fee", "a fee cannot be negative")
    return Fee(unit, copies, currency)


def display(amount: Decimal, currency: str) -> str:
    """50000 VND → "50.000 ₫" (Vietnamese grouping); 12.5 CNY → "¥12.50"."""
    amount = quantize(amount, currency)
    if currency == "VND":
        return f"{int(amount):,}".replace(",", ".") + " ₫"
    return f"¥{amount:,.2f}"
