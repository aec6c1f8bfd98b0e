"""One number format for every figure the platform shows or prints: pages, XLSX captions, PDFs,
certificates (and, in the browser, ``static/js/judging.js``'s live total with ``Intl.NumberFormat``, which rounds
the same way).

- Half-up rounding to the places shown (3.225 -> 3,23), not Python's half-even (3,22): a judge who
  checks a total by hand rounds half-up, and so does ``Intl.NumberFormat``.
- The locale's separators from Babel's CLDR data (Indonesian 1.234,56; English 1,234.56).
- Never "-0,00": a value that rounds to zero is shown without a sign.

The page's locale (``page_locale``) is read once per request and kept beside Flask-Babel's own
choice: a results page formats a few hundred figures, and asking Flask-Babel each time (and turning its
``Locale`` into a string) cost about 15 % of the warm page.

Level 1: imports only Babel and Flask(-Babel).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import g
from flask_babel import get_locale

Number = Decimal | float | int | str
DEFAULT_LOCALE = "id"


def page_locale() -> str:
    """The locale of the page being rendered ("id", "en"), or Indonesian outside a request.

    Cached on Flask-Babel's per-request namespace (``g._flask_babel``), keyed by the ``Locale`` object
    Flask-Babel chose: ``force_locale`` (public pages, API errors, the Kemendagri bundle) swaps that
    object, so the cache follows it, and a test that clears Flask-Babel's state clears this too.
    """
    if not g:  # no app context
        return DEFAULT_LOCALE
    state = getattr(g, "_flask_babel", None)
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        locale = get_locale()
        if locale is None:
            return DEFAULT_LOCALE
        state = g._flask_babel
    cached = getattr(state, "number_locale", None)
    if cached is None or cached[0] is not locale:
        cached = (locale, str(locale))
        state.number_locale = cached
    return cached[1]


@lru_cache(maxsize=16)
def separators(locale: str) -> tuple[str, str]:
    """(decimal, group) symbols of a locale: ("," ".") for id, ("." ",") for en."""
    parsed = Locale.parse(locale.replace("-", "_"))
    return get_decimal_symbol(parsed), get_group_symbol(parsed)


@lru_cache(maxsize=8)
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """``value`` rounded half-up (away from zero on a tie) to ``places`` decimals."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = number.quantize(_quantum(places), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def format_number(value: Number | None, places: int = 2, locale: str | None = None, *, group: bool = True) -> str:
    """``value`` with ``places`` decimals in ``locale``'s format (default: the page's, ``page_locale``);
    "" for None, the text itself when it is not a number (never an exception inside a template).
    The ``num`` template filter."""
    if value is None or value == "":
        return ""
    try:
        rounded = round_half_up(value, places)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not rounded.is_finite():
        return str(value)
    text = f"{rounded:,.{places}f}" if group else f"{rounded:.{places}f}"
    decimal_symbol, group_symbol = separators(locale or page_locale())
    if (decimal_symbol, group_symbol) != (".", ","):
        text = text.replace(",", "\x00").replace(".", decimal_symbol).replace("\x00", group_symbol)
    return text
