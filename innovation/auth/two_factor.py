"""The second factor: TOTP codes from an authenticator app (RFC 6238 through pyotp), and recovery codes.

Admins and verifiers may turn it on (``may_use``); ``TOTP_REQUIRED=1`` makes it compulsory for them
(``required_for``): such a user who has not set it up is sent to set it up before anything else.
Setting up: ``start_enrolment`` makes a secret, shown as a QR code drawn on the server (segno, SVG:
no image service, no script) and as text; ``confirm_enrolment`` turns it on once the app shows a
valid code, and returns ``RECOVERY_CODES`` single-use recovery codes, shown once and stored hashed.

``verify`` accepts a current code (one step of clock drift either way) once only (the last used time
step is kept, RFC 6238 section 5.2), or an unused recovery code, which is then spent. Every sign-in
use and failure, every change and an admin's reset is audit-logged. Services: they never commit.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from innovation.audit.services import record, say
from innovation.auth.models import RecoveryCode, User
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.web import Role

ROLES = (Role.ADMIN, Role.VERIFIER)
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: written down and typed back
VALID_WINDOW = 1  # one 30-second step either side: a phone clock a little off


class TwoFactorError(DomainError):
    """A refused code or a change that is not allowed; the message is for the user."""


def may_use(user: User) -> bool:
    return user.role in ROLES


def required_for(user: User) -> bool:
    return may_use(user) and bool(current_app.config.get("TOTP_REQUIRED"))


def needs_enrolment(user: User) -> bool:
    """Signed in, required to have the second factor, and not set up yet."""
    return required_for(user) and not user.has_two_factor


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_svg: str


def start_enrolment(user: User, secret: str | None = None) -> Enrolment:
    """A new secret (or ``secret``, carried by the enrolment form) with its QR code; nothing is stored
    until ``confirm_enrolment``."""
    if not may_use(user):
        raise TwoFactorError(_("Verifikasi dua langkah tersedia untuk admin dan verifikator."))
    secret = secret or pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer())
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", title=_("Kode QR untuk aplikasi autentikator"))
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


def issuer() -> str:
    return f"Inovasi {current_app.config.get('REGION_NAME', '')}".strip()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to, within the allowed drift (None: no match)."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    step = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def confirm_enrolment(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on with ``secret`` once ``code`` matches; returns the recovery codes."""
    if not may_use(user):
        raise TwoFactorError(_("Verifikasi dua langkah tersedia untuk admin dan verifikator."))
    if user.has_two_factor:
        raise TwoFactorError(_("Verifikasi dua langkah sudah aktif."))
    step = _matching_step(secret, code) if secret else None
    if step is None:
        raise TwoFactorError(_("Kode tidak cocok. Periksa jam ponsel Anda, lalu masukkan kode yang sedang tampil."),
                             "code")
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), step
    codes = _new_recovery_codes(user)
    record("auth.2fa_enabled", actor=user, obj=user, summary=say("%(username)s mengaktifkan verifikasi dua langkah", username=user.username))
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a sign-in's second factor: a TOTP code (once) or a recovery code (spent). Returns what was
    used ("totp" or "recovery"), or None for a wrong or replayed code. Every outcome is audit-logged
    (the caller commits a failure too, then shows ``WRONG_CODE``)."""
    code = (code or "").strip()
    if user.has_two_factor and user.totp_secret:
        step = _matching_step(user.totp_secret, code)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            record("auth.2fa_ok", actor=user, obj=user, summary=say("%(username)s lolos verifikasi dua langkah", username=user.username))
            return "totp"
        recovery = _unused_recovery_code(user, code) if step is None else None
        if recovery is not None:
            recovery.used_at = utcnow()
            db.session.flush()
            record("auth.2fa_recovery", actor=user, obj=user,
                   summary=say("%(username)s masuk dengan kode pemulihan (sisa %(left)d)", username=user.username,
                               left=remaining_recovery_codes(user)))
            return "recovery"
        summary = (say("Kode verifikasi dua langkah %(username)s dipakai ulang", username=user.username)
                   if step is not None else say("Kode verifikasi dua langkah %(username)s salah", username=user.username))
    else:
        summary = say("Kode verifikasi dua langkah %(username)s tidak aktif", username=user.username)
    record("auth.2fa_failed", actor=user, obj=user, summary=summary)
    return None


def wrong_code_message() -> str:
    return _("Kode salah atau sudah dipakai. Masukkan kode 6 angka yang sedang tampil di aplikasi autentikator, "
             "atau satu kode pemulihan.")


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current TOTP code."""
    if not user.has_two_factor:
        raise TwoFactorError(_("Verifikasi dua langkah belum aktif."))
    step = _matching_step(user.totp_secret or "", code or "")
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        raise TwoFactorError(_("Kode salah. Masukkan kode 6 angka yang sedang tampil di aplikasi."), "code")
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    record("auth.2fa_recovery_codes", actor=user, obj=user, summary=say("%(username)s membuat kode pemulihan baru", username=user.username))
    return codes


def disable(user: User, code: str) -> None:
    """The user turns the second factor off (not allowed where it is required), after a current code."""
    if required_for(user):
        raise TwoFactorError(_("Verifikasi dua langkah wajib untuk peran Anda dan tidak dapat dimatikan."))
    step = _matching_step(user.totp_secret or "", code or "")
    if not user.has_two_factor or step is None:
        raise TwoFactorError(_("Kode salah. Masukkan kode 6 angka yang sedang tampil di aplikasi."), "code")
    _turn_off(user)
    record("auth.2fa_disabled", actor=user, obj=user, summary=say("%(username)s mematikan verifikasi dua langkah", username=user.username))


def reset_by_admin(user: User, *, by: User) -> None:
    """An admin removes a user's second factor (a lost phone and lost recovery codes); the user sets it
    up again at the next sign-in where it is required."""
    if not user.has_two_factor:
        return
    _turn_off(user)
    record("auth.2fa_reset", actor=by, obj=user,
           summary=say("Verifikasi dua langkah %(username)s dihapus oleh admin %(admin)s", username=user.username,
                       admin=by.username))


def _turn_off(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


# --- recovery codes ------------------------------------------------------------------------------


def _code_hash(user: User, code: str) -> str:
    """Recovery codes carry 50 random bits, so a fast hash is enough (no dictionary to try); the user id
    and the app's key are mixed in so one table's hashes say nothing about another's."""
    normal = "".join(code.lower().split()).replace("-", "")
    key = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{key}:{user.id}:{normal}".encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _index in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _position in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(user, code)) for code in codes)
    db.session.flush()
    return codes


def _unused_recovery_code(user: User, code: str) -> RecoveryCode | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(user, code),
        RecoveryCode.used_at.is_(None)))


def remaining_recovery_codes(user: User) -> int:
    return len(list(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))))
