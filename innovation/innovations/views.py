from __future__ import annotations

from flask import Blueprint

from innovation.auth.models import Role
from innovation.auth.permissions import role_required

bp = Blueprint("innovations", __name__, url_prefix="/innovations")


@bp.route("/")
@role_required(Role.ADMIN, Role.VERIFIER, Role.OPERATOR)
def index():
    # SKELETON: being written by the lead.
    return "innovations"


from innovation.innovations import evidence_views  # noqa: E402,F401  (routes on this blueprint)
