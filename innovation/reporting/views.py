from __future__ import annotations

from flask import Blueprint

from innovation.auth.models import Role
from innovation.auth.permissions import role_required

bp = Blueprint("reporting", __name__, url_prefix="/reporting")


@bp.route("/")
@role_required(Role.ADMIN, Role.VERIFIER)
def dashboard():
    # SKELETON: replaced by the reporting area's real views.
    return "reporting"
