from hypothesis import given
from hypothesis import strategies as st

from onewindow.certificates.identifiers import ALPHABET, identifier, is_valid


def test_an_identifier_encodes_type_issuer_year_and_serial_with_a_check_character():
    value = identifier("RETIRE", "rsj", 2026, 42)
    assert value.startswith("RETIRE-rsj-2026-0000042-") and is_valid(value)


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=2, max_size=8), st.integers(0, 9_999_999),
       st.integers(0, 20), st.sampled_from(ALPHABET))  # fmt: skip
def test_any_single_changed_character_is_caught(type_code, serial, position, replacement):
    value = identifier(type_code, "rsj", 2026, serial)
    position %= len(value)
    changed = value[:position] + replacement + value[position + 1 :]
    if changed.upper() != value.upper() and value[position] != "-":
        assert not is_valid(changed)
