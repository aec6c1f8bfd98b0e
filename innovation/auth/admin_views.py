"""Account management for admins (routes on the auth blueprint, under /auth/users)."""
from __future__ import annotations

from innovation.auth.models import Role
from innovation.auth.permissions import role_required
from innovation.auth.views import bp


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    # SKELETON: replaced by the real account management views.
    return "users"
