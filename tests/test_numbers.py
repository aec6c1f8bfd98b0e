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


def test_the_page_locale_is_read_once_per_request_and_follows_force_locale(app, monkeypatch):
    import flask_babel

    import innovation.numbers as numbers

    calls = []
    real = flask_babel.get_locale
    monkeypatch.setattr(numbers, "get_locale", lambda: calls.append(1) or real())
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert [format_number("1234.5") for _ in range(50)] == ["1,234.50"] * 50
        assert len(calls) <= 1
        with flask_babel.force_locale("id"):
            assert format_number("1234.5") == "1.234,50"
        assert format_number("-0.001") == "0.00"
    assert numbers.page_locale() == "id"  # outside a request: Indonesian


def test_num_filter_uses_the_pages_locale(app):
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ a|num }} {{ b|num }} {{ c|num(0) }}")
        values = {"a": Decimal("4.3400"), "b": -0.001, "c": 1234}
        assert template.render(values) == "4,34 0,00 1.234"
        from flask_babel import force_locale

        with force_locale("en"):
            assert template.render(values) == "4.34 0.00 1,234"
