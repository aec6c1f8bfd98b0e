"""What every view needs, in one level-1 module: roles and the role check, CSRF for views that read
their own body, safe redirects, ``get_or_404`` with the id-range guard, bounded integer arguments,
and ``attempt``: call a service, commit once, flash; or roll back and show the error.

Every area may import this module; it imports only Flask, its extensions and ``innovation.errors``.
Finer permission rules are the areas' own (model methods or a ``policy`` module per area), checked
with ``ensure(...)``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import BigInteger, inspect
from wtforms import ValidationError

from innovation.errors import DomainError
from innovation.extensions import MAX_PAGE, db

T = TypeVar("T")

# --- roles -------------------------------------------------------------------------------------


class Role(StrEnum):
    ADMIN = "admin"
    VERIFIER = "verifier"
    JUDGE = "judge"
    OPERATOR = "operator"
    PIMPINAN = "pimpinan"  # the Bupati, Wakil and Sekda: read-only (the leaders' view, the OPDs' follow-up)


# What people call the roles, in the reader's language (lazy: shown where the page renders them).
ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.VERIFIER: _l("Verifikator"),
    Role.JUDGE: _l("Juri"),
    Role.OPERATOR: _l("Operator OPD"),
    Role.PIMPINAN: _l("Pimpinan"),
}


def role_required(*roles: Role):
    """Logged in, active, and holding one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the authorization table test
        return wrapped

    return decorator


def may_open(endpoint: str, user: Any = None) -> bool:
    """Whether ``user`` (the logged-in user by default) passes the ``role_required`` of the view at
    ``endpoint``. Links to a page (the navigation) ask this, so they show exactly for the roles the
    page admits; a view without ``role_required`` answers False."""
    roles = getattr(current_app.view_functions.get(endpoint), "allowed_roles", None)
    user = current_user if user is None else user
    return bool(roles) and user.is_authenticated and user.role in roles


def ensure(allowed: bool) -> None:
    """Abort with 403 unless a permission rule (model method or policy function) said yes."""
    if not allowed:
        abort(403)


def current():
    """The logged-in user object itself (not Flask-Login's proxy), to hand to services."""
    return current_user._get_current_object()


# --- requests ----------------------------------------------------------------------------------


def require_csrf(token: str | None) -> None:
    """The CSRF check for views exempted from Flask-WTF's automatic one (they read the body
    themselves, or take the token from a header). Raises ``CSRFError`` like Flask-WTF does."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise CSRFError(error.args[0] if error.args else "CSRF") from error


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative '//' or backslash trick."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# --- ids ---------------------------------------------------------------------------------------

MAX_INT = 2**31 - 1  # an INTEGER column (PostgreSQL's int4); SQLite would take more, PostgreSQL raises
MAX_BIGINT = 2**63 - 1


def id_in_range(model: type, ident: object) -> bool:
    """``ident`` is a positive integer the model's primary key column can hold."""
    if not isinstance(ident, int) or isinstance(ident, bool) or ident <= 0:
        return False
    column = inspect(model).primary_key[0]
    return ident <= (MAX_BIGINT if isinstance(column.type, BigInteger) else MAX_INT)


def get_or_404(model: type[T], ident: object) -> T:
    """The row, or 404: also for an id outside the column's range (which PostgreSQL would refuse
    with an error, not an empty result)."""
    if not id_in_range(model, ident):
        abort(404)
    return db.get_or_404(model, ident)


def int_arg(name: str, default: int | None = None, *, source=None, minimum: int = 0,
            maximum: int = MAX_INT) -> int | None:
    """An integer from the query (or ``source``, e.g. ``request.form``), ``default`` when it is
    missing, not a number, or outside ``minimum..maximum`` (the range of an INTEGER column)."""
    raw = (request.args if source is None else source).get(name)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if minimum <= value <= maximum else default


def page_arg(name: str = "page") -> int:
    """A list's page number: 1 when it is missing or absurd."""
    return int_arg(name, 1, minimum=1, maximum=MAX_PAGE) or 1


# --- call a service, commit once -----------------------------------------------------------------


@dataclass
class Outcome(Generic[T]):
    """What ``attempt`` did: ``ok`` (truthy) with the service's ``value``, or the ``error`` shown."""

    ok: bool
    value: T | None = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


def attach_error(form: Any, error: Exception) -> None:
    """Show a service's error under the field it names (``error.field``), else at the form's top.

    A refused stale save (``concurrency.StaleEdit``, known here by its ``current_version``) also moves
    the form's hidden ``version`` to the current one and leaves the error on ``form.stale_edit`` for the
    notice of what the other person changed (``templates/_macros/forms.html``).
    """
    current_version = getattr(error, "current_version", None)
    if current_version is not None and "version" in form:
        form["version"].data = current_version
        form["version"].raw_data = [str(current_version)]
        form.stale_edit = error
    name = getattr(error, "field", None)
    target = form[name] if name and name in form else None
    if target is not None:
        target.errors = [*target.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def attempt(action: Callable[[], T], *, success: str | Callable[[T], str | None] | None = None,
            form: Any = None, commit: Callable[[T], None] | None = None,
            errors: tuple[type[Exception], ...] = (DomainError,)) -> Outcome[T]:
    """Call ``action`` (one service call), then commit once and flash ``success``.

    When the service raises one of ``errors`` (a broken rule), roll back and show its message:
    under the field it names in ``form`` when a form is given (the view re-renders it, so nothing
    typed is lost), else as a flash. ``commit`` replaces the plain commit, for a view that wrote
    blobs (``lambda item: storage.commit_or_delete([item.file.key])``).
    """
    try:
        value = action()
    except errors as error:
        db.session.rollback()
        if form is not None:
            attach_error(form, error)
        else:
            flash(str(error), "error")
        return Outcome(False, error=error if isinstance(error, DomainError) else DomainError(str(error)))
    if commit is not None:
        commit(value)
    else:
        db.session.commit()
    message = success(value) if callable(success) else success
    if message:
        flash(message, "success")
    return Outcome(True, value=value)
