"""Accounts: creation, passwords, activation, reset tokens."""
from __future__ import annotations

import re

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from innovation.audit.services import record
from innovation.auth.models import Role, User
from innovation.extensions import db, utcnow
from innovation.orgs.models import Opd

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
RESET_TOKEN_MAX_AGE = 48 * 3600


class AccountError(Exception):
    """A broken rule about accounts; the message is shown to the user."""


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def validate_password(password: str) -> None:
    from flask_babel import gettext as _

    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Kata sandi minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH))
    if password.isdigit() or password.isalpha():
        raise AccountError(_("Kata sandi harus memuat huruf dan angka."))


def create_user(
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    opd: Opd | None = None,
    email: str | None = None,
    by: User | None = None,
    must_change_password: bool = False,
) -> User:
    from flask_babel import gettext as _

    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(_("Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau strip."))
    if find_user(username) is not None:
        raise AccountError(_("Nama pengguna %(u)s sudah dipakai.", u=username))
    if role == Role.OPERATOR and opd is None:
        raise AccountError(_("Operator harus terhubung ke satu OPD."))
    if role in (Role.ADMIN, Role.VERIFIER):
        opd = opd  # an admin may name their office; it grants nothing
    validate_password(password)
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        opd=opd,
        opd_id=opd.id if opd else None,
        email=(email or "").strip() or None,
        must_change_password=must_change_password,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=by, obj=user, opd_id=user.opd_id,
           summary=f"Akun {user.username} ({user.role.value}) dibuat")
    return user


def set_password(user: User, password: str, *, by: User | None, must_change: bool = False) -> None:
    validate_password(password)
    user.set_password(password)
    user.must_change_password = must_change
    user.session_version += 1
    record("user.password", actor=by, obj=user, opd_id=user.opd_id,
           summary=f"Kata sandi {user.username} diganti")


def change_own_password(user: User, current: str, new: str) -> None:
    from flask_babel import gettext as _

    if not user.check_password(current):
        raise AccountError(_("Kata sandi lama salah."))
    if current == new:
        raise AccountError(_("Kata sandi baru harus berbeda dari yang lama."))
    set_password(user, new, by=user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def issue_reset_token(user: User, *, by: User) -> str:
    """A link token valid 48 hours that dies as soon as the password changes."""
    record("user.reset_issued", actor=by, obj=user, opd_id=user.opd_id,
           summary=f"Tautan atur ulang kata sandi untuk {user.username} dibuat")
    return _serializer().dumps({"u": user.id, "v": user.session_version})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=RESET_TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or user.session_version != data.get("v"):
        return None
    return user


def set_active(user: User, active: bool, *, by: User) -> None:
    from flask_babel import gettext as _

    if user.id == by.id and not active:
        raise AccountError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    record("user.activate" if active else "user.deactivate", actor=by, obj=user, opd_id=user.opd_id,
           summary=f"Akun {user.username} {'diaktifkan' if active else 'dinonaktifkan'}")
