from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.payments import fees


def test_a_fixed_fee_is_charged_once_whatever_the_copies():
    fee = fees.fee_for(Decimal("50000"), per_copy=False, copies=3, currency="VND")
    assert (fee.amount, fee.copies, fee.due) == (Decimal("50000"), 1, True)


def test_a_fee_per_copy_is_charged_for_each_copy_within_bounds():
    assert fees.fee_for(2000, per_copy=True, copies=7, currency="VND").amount == Decimal("14000")
    for copies, message in ((0, "between 1 and 50"), (51, "between 1 and 50"), ("3", "whole number")):
        with pytest.raises(fees.FeeError, match=message) as refused:
            fees.fee_for(2000, per_copy=True, copies=copies, currency="VND")
        assert refused.value.field == "copies"


def test_dong_have_no_minor_unit_and_yuan_have_fen():
    assert fees.fee_for(Decimal("12345.6"), False, 1, "VND").amount == Decimal("12346")
    assert fees.fee_for(Decimal("12.345"), False, 1, "CNY").amount == Decimal("12.35")
    assert fees.display(Decimal("1500000"), "VND") == "1.500.000 ₫"
    assert fees.display(Decimal("12.5"), "CNY") == "¥12.50"
    assert fees.currency_for("VN") == "VND" and fees.currency_for("CN") == "CNY"


def test_a_free_service_owes_nothing_and_a_negative_fee_is_refused():
    assert not fees.fee_for(0, True, 5, "VND").due
    with pytest.raises(fees.FeeError):
        fees.fee_for(-1, False, 1, "CNY")


@given(
    st.decimals(min_value=0, max_value=10**9, places=2), st.integers(1, 50), st.sampled_from(["VND", "CNY"])
)
def test_the_amount_is_the_unit_times_the_copies_in_the_currency_unit(unit, copies, currency):
    fee = fees.fee_for(unit, True, copies, currency)
    assert fee.amount == fees.quantize(fee.unit_amount * copies, currency)
    assert fee.amount == fee.amount.quantize(Decimal("1") if currency == "VND" else Decimal("0.01"))
