"""The leaders' page, and one OPD's red items with who must act (the follow-up page filtered to red)."""
from __future__ import annotations

from flask import render_template

from innovation.followup import clock
from innovation.leaders import board
from innovation.leaders.blueprint import bp
from innovation.orgs.models import Opd
from innovation.web import Role, get_or_404, role_required

READERS = (Role.PIMPINAN, Role.ADMIN)


@bp.route("/")
@role_required(*READERS)
def index():
    found = board.build()
    return render_template("leaders/index.html", board=found, spark=board.sparkline(found.trend))


@bp.route("/opd/<int:opd_id>")
@role_required(*READERS)
def opd(opd_id: int):
    unit = get_or_404(Opd, opd_id)
    items = clock.waiting_items([unit.id])
    red = [item for item in items if item.colour == clock.Colour.RED]
    return render_template("leaders/opd.html", opd=unit, red=red, state=clock.states(items).get(unit.id, clock.OpdState()))
