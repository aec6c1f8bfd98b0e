"""innovation.numbers: one format for every figure (half-up, the locale's separators, no "-0")."""
from decimal import Decimal

import pytest

from innovation.numbers import format_number, round_half_up, separators


@pytest.mark.parametrize("value, places, locale, expected", [
    ("3.225", 2, "id", "3,23"),          # half-up, where Python's own format gives 3,22
    (3.225, 2, "en", "3.23"),            # a float is read through its shortest repr, not its binary value
    (Decimal("4.5828"), 2, "id", "4,58"),
    ("1234567.891", 2, "id", "1.234.567,89"),
    ("1234567.891", 2, "en", "1,234,567.89"),
    ("-0.001", 2, "id", "0,00"),         # never "-0,00"
    ("-1.005", 2, "en", "-1.01"),        # a tie rounds away from zero on both sides
    ("2.5", 0, "id", "3"),
    (7, 1, "en", "7.0"),
])
def test_format_number(value, places, locale, expected):
    assert format_number(value, places, locale) == expected


def test_format_number_never_raises_in_a_template():
    assert format_number(None) == ""
    assert format_number("") == ""
    assert format_number("n/a") == "n/a"


def test_group_separator_can_be_left_out():
    assert format_number("1234.5", 2, "id", group=False) == "1234,50"


def test_round_half_up_and_separators():
    assert round_half_up("0.125", 2) == Decimal("0.13")
    assert str(round_half_up("-0.004", 2)) == "0.00"
    assert separators("id") == (",", ".")
    assert separators("en") == (".", ",")
