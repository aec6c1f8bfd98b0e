"""The audit log browser (admin only)."""
from __future__ import annotations

from flask import current_app, render_template, request

from innovation.audit import browse
from innovation.audit.blueprint import bp
from innovation.audit.forms import AuditFilterForm
from innovation.orgs.picker import opd_filter
from innovation.web import Role, role_required

PER_PAGE = 25  # as the other lists: a page of 50 events with their changes was 67 kB (slow links, phones)
MAX_PER_PAGE = 200


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    filters = AuditFilterForm(formdata=request.args)
    filters.set_choices(browse.object_types(request.args.get("object_type")))
    opds = opd_filter(request.args.get("opd"))
    per_page = request.args.get("per_page", type=int) or current_app.config.get("AUDIT_PER_PAGE", PER_PAGE)
    page = browse.keyset_page(
        browse.event_list_query(**filters.values(), opd_ids=opds.opd_ids),
        per_page=min(max(per_page, 1), MAX_PER_PAGE),
        older=browse.Cursor.parse(request.args.get("older")),
        newer=browse.Cursor.parse(request.args.get("newer")),
    )
    # The links keep the filters and move the cursor.
    keep = {name: value for name, value in request.args.items() if name not in ("older", "newer", "page")}
    return render_template("audit/index.html", page=page, filters=filters, keep=keep, opds=opds)
