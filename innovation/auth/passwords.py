"""Password rules and hashing, the NIST SP 800-63B way: a length, not a recipe.

``validate_password`` asks for at least ``MIN_LENGTH`` characters (up to ``MAX_LENGTH``: long
passphrases are welcome, spaces and any script too) and refuses, each with its own message in the
user's language:

- a password on the list of common and breached passwords, or one that is little more than such a
  password, a dictionary word or name, a keyboard pattern, a repetition or a sequence (``password123``,
  ``qwertyuiop``, ``abcdefghijk``, ``1234567890``). The list and the estimate are zxcvbn's (Dropbox's
  estimator, its Python port): 30,000 passwords from breach corpora, names and English words, with
  the patterns people build from them, shipped in the package; nothing is sent over the network.
  A password zxcvbn estimates at fewer than ``MIN_GUESSES`` guesses (its "score" below 2) is refused;
- a password that contains the account's username, or the region's name (``REGION_NAME``, without
  the words "Kabupaten", "Kota" or "Provinsi"), in any case: the first words an attacker tries.

No composition rule (a digit, a capital): 800-63B 3.1.1.2 says not to, since it produces
``Password1!`` rather than strength.

``check_password`` runs the hash the same way whether or not the account exists (a stand-in hash for
an unknown username), so the time a wrong answer takes does not say which usernames exist.
"""
from __future__ import annotations

import re
from functools import cache

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from innovation.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_GUESSES = 10**6  # zxcvbn's score 2: "somewhat guessable", beyond what the login limits let anyone try
ESTIMATED_PREFIX = 64  # zxcvbn's time grows with the length; what follows 64 characters only adds strength
REGION_WORDS = {"kabupaten", "kab", "kota", "provinsi", "kab.", "daerah"}


class PasswordError(DomainError):
    """A password that breaks a rule; the message is for the user."""


def validate_password(password: str, *, username: str | None = None, region: str | None = None) -> None:
    """Raise ``PasswordError`` (field ``password``) unless ``password`` may be used."""
    if len(password) < MIN_LENGTH:
        raise PasswordError(_("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH), "password")
    if len(password) > MAX_LENGTH:
        raise PasswordError(_("Kata sandi maksimal %(n)d karakter.", n=MAX_LENGTH), "password")
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        raise PasswordError(_("Kata sandi tidak boleh memuat nama pengguna."), "password")
    region_words = region_name_words(region)
    if any(word in lowered for word in region_words):
        raise PasswordError(_("Kata sandi tidak boleh memuat nama daerah (%(r)s).", r=", ".join(sorted(region_words))),
                            "password")
    if lowered in common_passwords():
        raise PasswordError(_("Kata sandi ini ada di daftar kata sandi yang paling sering dipakai dan bocor. "
                              "Pilih yang lain, misalnya beberapa kata acak."), "password")
    if estimated_guesses(password, [w for w in (username, *region_words) if w]) < MIN_GUESSES:
        raise PasswordError(_("Kata sandi ini terlalu mudah ditebak (kata umum, nama, pola papan ketik, urutan atau "
                              "pengulangan). Pilih yang lebih panjang, misalnya beberapa kata acak."), "password")


def region_name_words(region: str | None = None) -> set[str]:
    """The distinctive words of the region's name: {"mimika"} for "Kabupaten Mimika"."""
    if region is None and has_app_context():
        region = current_app.config.get("REGION_NAME")
    words = re.findall(r"\w+", (region or "").casefold())
    return {word for word in words if word not in REGION_WORDS and len(word) >= 4}


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def estimated_guesses(password: str, context: list[str]) -> float:
    from zxcvbn import zxcvbn

    return float(zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=context)["guesses"])


# --- hashing -----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@cache
def _stand_in_hash() -> str:
    """A hash of the current method and cost, checked when the username is unknown."""
    return generate_password_hash("stand-in for an unknown account")


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; with None (no such account) the same work is
    done on a stand-in hash, and the answer is False."""
    if password_hash is None:
        check_password_hash(_stand_in_hash(), password)
        return False
    return check_password_hash(password_hash, password)
