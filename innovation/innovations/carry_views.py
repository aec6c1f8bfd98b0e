"""Carry innovations forward to a new assessment year: one from its page, or many at the start of a year."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation import web
from innovation.errors import DomainError
from innovation.extensions import db
from innovation.innovations import carry, policy
from innovation.innovations.blueprint import bp
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd
from innovation.rules import available_years, latest_year
from innovation.web import ensure, get_or_404, role_required


def _later_years(year: int) -> list[int]:
    return [y for y in available_years() if y > year]


@bp.route("/<int:innovation_id>/carry", methods=["GET", "POST"])
@role_required(*policy.EDITORS)
def carry_one(innovation_id: int):
    innovation = get_or_404(Innovation, innovation_id)
    ensure(innovation.can_edit(web.current()))
    years = _later_years(innovation.rules_year)
    year = web.int_arg("year", years[-1] if years else None, source=request.values)
    if request.method == "POST":
        done = web.attempt(lambda: carry.carry_forward(innovation, year, by=web.current()),
                           success=_("Dibawa ke tahun %(year)d. Periksa laporan di bawah: yang perlu dijawab atau "
                                     "dibuktikan ulang.", year=year or 0))
        if done:
            return redirect(url_for("innovations.detail", innovation_id=done.value.id))
    report, refusal = [], None
    try:
        report = carry.preview(innovation, year) if year else []
    except DomainError as error:
        refusal = str(error)
    return render_template("innovations/carry.html", innovation=innovation, years=years, year=year, report=report,
                           refusal=refusal, entries=carry.award_entries(innovation),
                           carried_to=carry.carried_to(innovation))


@bp.route("/carry", methods=["GET", "POST"])
@role_required(*policy.EDITORS)
def carry_many():
    """An admin (every OPD, or one) or an operator (their own OPD) carries a year's innovations forward."""
    user = web.current()
    years = available_years()
    to_year = web.int_arg("to", latest_year(), source=request.values)
    if to_year not in years:
        to_year = latest_year()
    earlier = [y for y in years if y < to_year]
    from_year = web.int_arg("from", earlier[-1] if earlier else to_year, source=request.values)
    opd_id = policy.own_opd_id(user) or web.int_arg("opd", None, source=request.values)
    query = select(Innovation).where(Innovation.rules_year == from_year).order_by(Innovation.nama, Innovation.id)
    if opd_id:
        query = query.where(Innovation.opd_id == opd_id)
    innovations = [i for i in db.session.scalars(query) if i.can_edit(user)]
    result = None
    if request.method == "POST":
        chosen = set(request.form.getlist("innovation", type=int))
        picked = [i for i in innovations if i.id in chosen]
        if not picked:
            flash(_("Pilih paling sedikit satu inovasi."), "error")
        else:
            result = carry.carry_many(picked, to_year, by=user)
            db.session.commit()
            flash(_("%(n)d inovasi dibawa ke %(year)d; %(r)d tidak dapat dibawa.", n=len(result.carried),
                        year=to_year, r=len(result.refused)), "success" if result.carried else "error")
    rows = []
    for innovation in innovations:
        status = None
        successor = carry.carried_to(innovation)
        if successor is None:
            try:
                carry.check_award_limit(innovation)
            except DomainError as error:
                status = str(error)
        rows.append((innovation, successor, status))
    opds = None if policy.own_opd_id(user) else db.session.execute(
        select(Opd.id, Opd.name).order_by(Opd.name)).all()
    return render_template("innovations/carry_many.html", rows=rows, years=years, from_year=from_year,
                           to_year=to_year, opd_id=opd_id, opds=opds, result=result,
                           reports={i.id: [carry.describe(x) for x in i.carry_report or []]
                                    for i in (result.carried if result else [])})
