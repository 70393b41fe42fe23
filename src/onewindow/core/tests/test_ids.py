import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.ids import (
    id_problem,
    resident_id_check_digit,
    resident_id_problem,
    uscc_check_character,
    uscc_problem,
    vietnam_enterprise_check_digit,
    vietnam_enterprise_problem,
    vietnam_id_problem,
)

# Published examples: GB 11643's sample number and a real company's USCC (Huawei Technologies Co., Ltd.).
VALID_ID = "11010519491231002X"
VALID_USCC = "914403001922038216"


def test_known_valid_numbers():
    assert resident_id_problem(VALID_ID) is None
    assert resident_id_problem(VALID_ID.lower()) is None
    assert uscc_problem(VALID_USCC) is None
    assert vietnam_id_problem("001099012345") is None


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("11010519491231002", "17 digits"),
        ("110105194912310021", "check digit is wrong (expected X)"),
        ("110105194902300023", "not a real date"),
        ("110105289912310021", "out of range"),
    ],
)
def test_bad_resident_ids(number, words):
    assert words in resident_id_problem(number)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91440300192203821", "18 characters"),
        ("91440300192203821I", "18 characters"),
        ("914403001922038217", "check character is wrong (expected 6)"),
        ("91AB0300192203821X", "region's digits"),
    ],
)
def test_bad_usccs(code, words):
    assert words in uscc_problem(code)


def test_vietnamese_ids_and_unknown_types():
    assert "12 digits" in vietnam_id_problem("12345")
    assert "province code" in vietnam_id_problem("099099012345")
    assert "unknown ID type" in id_problem("passport", "E123")


@given(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_every_generated_resident_id_validates_and_any_other_last_digit_fails(region, born, sequence):
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    number = first17 + resident_id_check_digit(first17)
    assert resident_id_problem(number) is None
    for other in "0123456789X":
        if other != number[-1]:
            assert resident_id_problem(first17 + other) is not None


@given(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9),
)
def test_every_generated_uscc_validates(head, region, body):
    first17 = head + region + body
    assert uscc_problem(first17 + uscc_check_character(first17)) is None


def test_vietnamese_enterprise_codes():
    # A published head-office code and a branch of another company.
    assert vietnam_enterprise_problem("0100233488") is None
    assert vietnam_enterprise_problem("0314409058-002") is None
    assert "check digit" in vietnam_enterprise_problem("0100233480")
    assert "10 digits" in vietnam_enterprise_problem("01002334")
    assert "zeros" in vietnam_enterprise_problem("0314409058-000")
    assert id_problem("vn_enterprise", "0100233488") is None


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9))
def test_exactly_one_tenth_digit_completes_a_code_body_or_none_does(body, wrong):
    check = vietnam_enterprise_check_digit(body)
    valid = [d for d in "0123456789" if vietnam_enterprise_problem(body + d) is None]
    if body[2:] == "0000000":
        assert valid == []
    else:
        assert valid == ([check] if check is not None else [])
