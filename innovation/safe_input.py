"""What a client sends, made safe in one place before any view reads it (level 1).

``CleanRequest`` is the app's request class. Every form value (and field name) goes through
``clean_text`` as Werkzeug builds ``request.form``, and every query value through ``quiet_clean``:

- in a form, a NUL byte or a lone surrogate refuses the request: 400 with a message in the user's
  language (``UnstorableInput``). Neither can be stored: PostgreSQL refuses NUL in text, and a lone
  surrogate cannot be encoded as UTF-8 by the database driver. Silently dropping them would change
  what a user typed without telling them (a password, say), so the request is refused instead. In a
  query (a search, a filter: never stored) they are dropped;
- the other C0 control characters, except tab, newline and carriage return, are removed: no input
  field can produce them and no page can show them;
- bidirectional controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C) are removed: they make a
  stored name display reversed or reordered (``exe.fdp`` shown as ``pdf.exe``).

``BoundedIntConverter`` replaces Werkzeug's ``int`` converter app-wide, so ``<int:...>`` in any URL
matches only 0 .. 2^31-1 (an INTEGER column): an id beyond a column's range is a 404 like any
unknown id, never a database error (PostgreSQL refuses to compare an int4 with 2^31).

``SecureCookieResponse`` marks every cookie Secure on an HTTPS request.

``wtforms_translations`` gives WTForms' own messages ("This field is required.") in Indonesian:
WTForms ships no Indonesian catalog, so a form error appeared in English in the Indonesian pages.
Flask-WTF looks the catalog up on ``request.wtforms_translations`` (flask_wtf/i18n.py) and keeps it
there for the request; the request class provides it. ``test_safe_input`` fails if that stops working.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from flask import Request, Response, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

MAX_URL_INT = 2**31 - 1  # the largest value of an INTEGER column (web.MAX_INT)

UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# C0 controls but tab, newline and carriage return; DEL; the bidirectional controls.
STRIPPED = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class UnstorableInput(BadRequest):
    """A value that no database can store (NUL, a lone surrogate): 400 with ``user_message``."""

    def __init__(self) -> None:
        super().__init__()
        self.user_message = _(
            "Isian memuat karakter yang tidak dapat disimpan (karakter NUL atau karakter Unicode yang rusak), "
            "misalnya dari teks yang disalin dari berkas lain. Hapus karakter itu lalu kirim lagi."
        )
        self.description = self.user_message


def clean_text(value: str) -> str:
    """``value`` without control and bidirectional characters; ``UnstorableInput`` for NUL or a lone
    surrogate. For any text a client sends outside a form (headers, upload metadata)."""
    if UNSTORABLE.search(value):
        raise UnstorableInput()
    return STRIPPED.sub("", value)


def quiet_clean(value: str) -> str:
    """``clean_text`` that drops NUL and lone surrogates too, instead of refusing them."""
    return STRIPPED.sub("", UNSTORABLE.sub("", value))


def needs_cleaning(value: str) -> bool:
    """``value`` holds a character ``quiet_clean`` would drop (a control, a bidi mark, NUL, a lone surrogate)."""
    return bool(UNSTORABLE.search(value) or STRIPPED.search(value))


def raw_query_pairs(request: Request) -> list[tuple[str, str]]:
    """The query string's pairs as sent, before ``CleanRequest.args`` cleans them."""
    return parse_qsl(request.query_string.decode(), keep_blank_values=True, errors="werkzeug.url_quote")


def strip_bidi(value: str) -> str:
    """``value`` without bidirectional controls (stored names)."""
    return BIDI_CONTROLS.sub("", value)


class CleanMultiDict(ImmutableMultiDict):
    """``request.args``, ``request.form`` (and ``request.files``, whose file objects pass as they are)
    with every text key and value through ``clean_text``."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        super().__init__([
            (clean_text(key) if isinstance(key, str) else key, clean_text(value) if isinstance(value, str) else value)
            for key, value in iter_multi_items(mapping)
        ])


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict

    @cached_property
    def args(self) -> ImmutableMultiDict:
        """The query string, cleaned but never refused: a query is a search or a filter, not stored, so a
        NUL in ``?q=`` is simply dropped (the form is where a value is refused)."""
        return ImmutableMultiDict([(quiet_clean(key), quiet_clean(value)) for key, value in raw_query_pairs(self)])

    @cached_property
    def wtforms_translations(self):
        """WTForms' messages in the user's language (read by Flask-WTF; see the module's docstring)."""
        locale = get_locale()
        if locale is not None and locale.language == "id":
            return IndonesianWTFormsMessages()
        from babel import support

        return support.Translations.load(messages_path(), [locale] if locale else [], domain="wtforms")


class SecureCookieResponse(Response):
    """Every cookie of a response to an HTTPS request is Secure: the session (Flask), the remember token
    (Flask-Login), the login device cookie. Those read fixed settings; this follows the request actually
    made (behind a proxy, with ``PROXY_COUNT`` set, X-Forwarded-Proto says whether it was HTTPS)."""

    def set_cookie(self, key, value="", *args, **kwargs):
        if has_request_context() and request.is_secure:
            kwargs["secure"] = True
        return super().set_cookie(key, value, *args, **kwargs)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` matching only what an INTEGER column holds (``max`` may lower it further)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_URL_INT if max is None else max,
                         signed=signed)


# WTForms' built-in messages (wtforms/locale/wtforms.pot) in Indonesian, the app's source language.
WTFORMS_ID = {
    "Invalid field name '%s'.": "Nama isian '%s' tidak sah.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be at least %(min)d character long.": "Isian minimal %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Isian minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Isian maksimal %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Isian maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Isian harus tepat %(max)d karakter.",
    "Field must be exactly %(max)d characters long.": "Isian harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Isian harus %(min)d sampai %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak sah.",
    "Invalid email address.": "Alamat email tidak sah.",
    "Invalid IP address.": "Alamat IP tidak sah.",
    "Invalid Mac address.": "Alamat MAC tidak sah.",
    "Invalid URL.": "Alamat URL tidak sah.",
    "Invalid UUID.": "UUID tidak sah.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak sah; harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Nilai tidak sah; tidak boleh salah satu dari: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini nonaktif dan tidak boleh berisi nilai.",
    "Invalid CSRF Token.": "Token keamanan tidak sah.",
    "CSRF token missing.": "Token keamanan tidak ada.",
    "CSRF failed.": "Pemeriksaan token keamanan gagal.",
    "CSRF token expired.": "Token keamanan kedaluwarsa.",
    "Invalid Choice: could not coerce.": "Pilihan tidak sah.",
    "Choices cannot be None.": "Pilihan tidak boleh kosong.",
    "Not a valid choice.": "Pilihan tidak sah.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Satu pilihan atau lebih tidak sah.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang sah untuk isian ini.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang sah untuk isian ini.",
    "Not a valid datetime value.": "Tanggal dan jam tidak sah.",
    "Not a valid date value.": "Tanggal tidak sah.",
    "Not a valid time value.": "Jam tidak sah.",
    "Not a valid week value.": "Minggu tidak sah.",
    "Not a valid integer value.": "Harus bilangan bulat.",
    "Not a valid decimal value.": "Harus angka desimal.",
    "Not a valid float value.": "Harus angka.",
}


class IndonesianWTFormsMessages:
    """The ``ugettext``/``ungettext`` pair Flask-WTF calls, from ``WTFORMS_ID``."""

    def ugettext(self, string: str) -> str:
        return WTFORMS_ID.get(string, string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return WTFORMS_ID.get(singular if n == 1 else plural, singular if n == 1 else plural)
