"""The audit log browser (admin only)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from innovation.audit import browse
from innovation.audit.forms import AuditFilterForm
from innovation.auth.models import Role
from innovation.auth.permissions import role_required
from innovation.extensions import db
from innovation.orgs.services import all_opds

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_filter(browse.change_rows, "audit_changes")

PER_PAGE = 50


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    filters = AuditFilterForm(formdata=request.args)
    filters.set_choices(browse.object_types(), all_opds())
    page = db.paginate(
        browse.event_list_query(**filters.values()),
        per_page=current_app.config.get("AUDIT_PER_PAGE", PER_PAGE),
        max_per_page=200,
        error_out=False,
    )
    return render_template("audit/index.html", page=page, filters=filters)
