"""Accounts: creation, passwords, activation, reset tokens; signing in (``authenticate``)."""
from __future__ import annotations

import re
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, func, or_, select

from innovation.audit.services import diff, record, say, snapshot
from innovation.auth import passwords, sessions
from innovation.auth.models import User, UserSession
from innovation.concurrency import claim
from innovation.errors import DomainError
from innovation.extensions import db
from innovation.orgs.models import Opd
from innovation.web import ROLE_LABELS, Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
RESET_TOKEN_MAX_AGE = 48 * 3600
FULL_NAME_MAX = 200
# No look-alike characters (0/o, 1/l/i): a temporary password is read out or copied by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
AUDITED_FIELDS = ["full_name", "email", "role", "opd_id"]


class AccountError(DomainError):
    """A broken rule about accounts; the message is shown to the user (``field`` names the form field)."""


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    """The active account ``username`` names, if ``password`` is its password. The password hash runs
    whether or not the account exists or is active (a stand-in hash for an unknown one), so the time a
    refusal takes does not tell which usernames exist."""
    user = find_user(username)
    matches = passwords.check_password(user.password_hash if user is not None else None, password)
    if user is None or not matches or not user.active:
        return None
    return user


def validate_password(password: str, *, username: str | None = None) -> None:
    """The password rules (``auth.passwords``), as an ``AccountError`` on the ``password`` field."""
    try:
        passwords.validate_password(password, username=username)
    except passwords.PasswordError as error:
        raise AccountError(str(error), "password") from error


def generate_password() -> str:
    """A temporary password like ``k7qm-x3vd-p9tb`` (about 59 random bits) that passes ``validate_password``."""
    while True:
        raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _position in range(12))
        candidate = "-".join(raw[i:i + 4] for i in range(0, 12, 4))
        try:
            passwords.validate_password(candidate)
        except passwords.PasswordError:
            continue  # by chance a region's name or a common pattern: draw again
        return candidate


def clean_username(raw: str | None) -> str:
    username = (raw or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(
            _("Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau strip."), "username"
        )
    return username


def clean_full_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise AccountError(_("Nama lengkap wajib diisi."), "full_name")
    if len(name) > FULL_NAME_MAX:
        raise AccountError(_("Nama lengkap maksimal %(n)d karakter.", n=FULL_NAME_MAX), "full_name")
    return name


def clean_email(raw: str | None) -> str | None:
    """An e-mail address in normal form, or None when empty (the address is optional)."""
    email = (raw or "").strip()
    if not email:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AccountError(_("Alamat email %(e)s tidak sah.", e=email), "email") from error


def parse_role(raw: str | Role | None) -> Role:
    """A role by its code (``judge``) or its label in Indonesian (``Juri``) or in the reader's language, any case."""
    if isinstance(raw, Role):
        return raw
    word = (raw or "").strip().lower()
    with force_locale("id"):
        indonesian = {role: str(label).lower() for role, label in ROLE_LABELS.items()}
    for role, label in ROLE_LABELS.items():
        if word in (role.value, indonesian[role], str(label).lower()):
            return role
    raise AccountError(_("Peran %(r)s tidak dikenal. Pilihan: %(c)s.", r=raw or "", c=", ".join(r.value for r in Role)), "role")


def check_opd_for_role(role: Role, opd: Opd | None, *, current_opd_id: int | None = None) -> None:
    """An operator needs an OPD; a newly chosen OPD must be active (a judge's is optional)."""
    if role == Role.OPERATOR and opd is None:
        raise AccountError(_("Operator harus terhubung ke satu OPD."), "opd_id")
    if opd is not None and not opd.active and opd.id != current_opd_id:
        raise AccountError(_("OPD %(c)s tidak aktif; pilih OPD lain atau aktifkan dulu.", c=opd.code), "opd_id")


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
    username = clean_username(username)
    if find_user(username) is not None:
        raise AccountError(_("Nama pengguna %(u)s sudah dipakai.", u=username), "username")
    # An admin or verifier may name their office; it grants nothing. A judge's OPD marks conflicts.
    check_opd_for_role(role, opd)
    validate_password(password, username=username)
    user = User(
        username=username,
        full_name=" ".join(full_name.split())[:FULL_NAME_MAX] or username,
        role=role,
        opd=opd,
        opd_id=opd.id if opd else None,
        email=clean_email(email),
        must_change_password=must_change_password,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=by, obj=user, opd_id=user.opd_id,
           summary=say("Akun %(username)s (%(role)s) dibuat", username=user.username, role=user.role.value))
    return user


def create_account(
    *,
    username: str,
    full_name: str,
    role: Role,
    opd: Opd | None,
    email: str | None,
    password: str | None,
    by: User,
) -> tuple[User, str | None]:
    """An account made by an admin: the given or a generated password, to be changed at first login.

    Returns the user and the generated password (None when one was given), to be shown once.
    """
    generated = None if password else generate_password()
    full_name = clean_full_name(full_name)
    user = create_user(username=username, full_name=full_name, role=role, password=password or generated,
                       opd=opd, email=email, by=by, must_change_password=True)
    return user, generated


def update_user(user: User, *, full_name: str, email: str | None, role: Role, opd: Opd | None, by: User,
                version: object = None) -> dict:
    """Change an account's name, email, role and OPD; returns the audited changes ({}: nothing recorded).

    ``version`` is the edit version the form was loaded from: a change based on an older one is refused
    with what the other admin changed (``concurrency.StaleEdit``); ``None`` (the CLI, imports) changes
    the current version."""
    full_name, email = clean_full_name(full_name), clean_email(email)
    if user.id == by.id and role != user.role:
        raise AccountError(_("Anda tidak dapat mengubah peran akun Anda sendiri."), "role")
    check_opd_for_role(role, opd, current_opd_id=user.opd_id)
    before = snapshot(user, AUDITED_FIELDS)
    user.full_name, user.email, user.role = full_name, email, role
    user.opd = opd
    user.opd_id = opd.id if opd is not None else None
    changes = diff(user, AUDITED_FIELDS, before)
    if changes:
        claim(user, version, required=version is not None)
        db.session.flush()
        record("user.update", actor=by, obj=user, opd_id=user.opd_id,
               summary=say("Akun %(username)s diubah: %(fields)s", username=user.username, fields=", ".join(changes)),
               changes=changes)
    return changes


def user_list_query(
    *, text: str = "", role: Role | None = None, opd_id: int | None = None, active: bool | None = None
) -> Select:
    """Accounts for the admin list, by username (each user's OPD comes in the same statement)."""
    stmt = select(User).order_by(User.username)
    text = text.strip().lower()
    if text:
        stmt = stmt.where(or_(*(
            func.lower(column).contains(text, autoescape=True) for column in (User.username, User.full_name, User.email)
        )))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if opd_id is not None:
        stmt = stmt.where(User.opd_id == opd_id)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt


def set_password(user: User, password: str, *, by: User | None, must_change: bool = False,
                 keep: UserSession | None = None) -> None:
    """A new password; every session of the user ends except ``keep`` (the one that changed it), and
    an open reset link stops working."""
    validate_password(password, username=user.username)
    user.set_password(password)
    user.must_change_password = must_change
    user.session_version += 1
    sessions.end_sessions(user, by=by, reason="password", keep=keep)
    record("user.password", actor=by, obj=user, opd_id=user.opd_id,
           summary=say("Kata sandi %(username)s diganti", username=user.username))


def change_own_password(user: User, current: str, new: str, *, keep: UserSession | None = None) -> None:
    if not user.check_password(current):
        raise AccountError(_("Kata sandi lama salah."))
    if current == new:
        raise AccountError(_("Kata sandi baru harus berbeda dari yang lama."))
    set_password(user, new, by=user, keep=keep)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def issue_reset_token(user: User, *, by: User) -> str:
    """A link token valid 48 hours that dies as soon as the password changes."""
    if not user.active:
        raise AccountError(_("Akun %(u)s tidak aktif; aktifkan dulu sebelum membuat tautan atur ulang.", u=user.username))
    record("user.reset_issued", actor=by, obj=user, opd_id=user.opd_id,
           summary=say("Tautan atur ulang kata sandi untuk %(username)s dibuat", username=user.username))
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
    if user.id == by.id and not active:
        raise AccountError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    if not active:
        sessions.end_sessions(user, by=by, reason="deactivated")
    record("user.activate" if active else "user.deactivate", actor=by, obj=user, opd_id=user.opd_id,
           summary=say("Akun %(username)s diaktifkan", username=user.username) if active
           else say("Akun %(username)s dinonaktifkan", username=user.username))
