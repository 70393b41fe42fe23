from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from onewindow.payments.reconcile import Line, reconcile


def test_a_planted_mismatch_of_each_kind_is_found():
    def lines(*rows):
        return [Line(kind, reference, Decimal(amount)) for kind, reference, amount in rows]

    statement = lines(("payment", "A-1", "50000"), ("payment", "B-1", "20000"), ("refund", "A-1-R1", "10000"),
                      ("payment", "C-1", "5000"))  # fmt: skip
    recorded = lines(("payment", "A-1", "50000"), ("payment", "B-1", "2000"), ("refund", "A-1-R1", "10000"),
                     ("payment", "D-1", "7000"))  # fmt: skip
    result = reconcile(statement, recorded)
    assert result.matched == 2 and not result.balanced
    assert {(m.reference, m.problem) for m in result.mismatches} == {
        ("B-1", "amount_differs"),
        ("C-1", "missing_here"),
        ("D-1", "missing_at_gateway"),
    }
    assert result.gateway_total == Decimal("65000") and result.platform_total == Decimal("49000")


LINES = st.lists(
    st.builds(
        Line,
        st.sampled_from(["payment", "refund"]),
        st.text("ABC123-", min_size=1, max_size=4),
        st.decimals(min_value=1, max_value=10**7, places=0),
    ),
    max_size=20,
)


@given(LINES, st.randoms())
def test_the_same_movements_in_any_order_balance(lines, random):
    shuffled = list(lines)
    random.shuffle(shuffled)
    result = reconcile(lines, shuffled)
    assert result.balanced and result.gateway_total == result.platform_total


@given(LINES, st.data())
def test_dropping_one_movement_is_always_found(lines, data):
    if not lines:
        return
    dropped = data.draw(st.integers(0, len(lines) - 1))
    kept = lines[:dropped] + lines[dropped + 1 :]
    result = reconcile(lines, kept)
    key = (lines[dropped].kind, lines[dropped].reference)
    assert key in {(m.kind, m.reference) for m in result.mismatches}
