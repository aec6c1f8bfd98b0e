"""The one decorator for role checks; finer rules are model methods (``innovation.can_edit(user)``)."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from innovation.auth.models import Role


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


def ensure(allowed: bool) -> None:
    """Abort with 403 unless a model permission method said yes."""
    if not allowed:
        abort(403)
