"""The follow-up clock's pages: all OPDs by colour (the office), and one OPD's items by colour, oldest first."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from sqlalchemy import select

from innovation.extensions import db
from innovation.followup import clock, policy
from innovation.followup.blueprint import bp
from innovation.orgs.models import Opd
from innovation.web import Role, current, ensure, get_or_404, role_required

VIEWERS = (Role.ADMIN, Role.VERIFIER, Role.OPERATOR, Role.PIMPINAN)


@bp.route("/")
@role_required(*VIEWERS)
def index():
    user = current()
    if not policy.can_view_all(user):
        return redirect(url_for("followup.opd", opd_id=user.opd_id))
    items = clock.waiting_items()
    states = clock.states(items)
    opds = list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))
    rows = sorted(((opd, states.get(opd.id, clock.OpdState())) for opd in opds),
                  key=lambda row: (clock.COLOUR_ORDER[row[1].colour], -row[1].red, -row[1].yellow, row[0].name))
    return render_template("followup/index.html", rows=rows, thresholds=clock.thresholds())


@bp.route("/opd/<int:opd_id>")
@role_required(*VIEWERS)
def opd(opd_id: int):
    unit = get_or_404(Opd, opd_id)
    ensure(policy.can_view_opd(current(), unit.id))
    items = clock.waiting_items([unit.id])
    groups = [(colour, [item for item in items if item.colour == colour])
              for colour in (clock.Colour.RED, clock.Colour.YELLOW, clock.Colour.GREEN)]
    return render_template("followup/opd.html", opd=unit, groups=groups, thresholds=clock.thresholds(),
                           state=clock.states(items).get(unit.id, clock.OpdState()))
