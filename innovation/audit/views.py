from __future__ import annotations

from flask import Blueprint

from innovation.auth.models import Role
from innovation.auth.permissions import role_required

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    # SKELETON: replaced by the area's real views.
    return "audit"
