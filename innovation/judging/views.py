from __future__ import annotations

from flask import Blueprint

from innovation.auth.models import Role
from innovation.auth.permissions import role_required

bp = Blueprint("judging", __name__, url_prefix="/judging")


@bp.route("/")
@role_required(Role.JUDGE, Role.ADMIN)
def queue():
    # SKELETON: replaced by the judging area's real views.
    return "judging"


from innovation.judging import results_views  # noqa: E402,F401  (results routes on this blueprint)
