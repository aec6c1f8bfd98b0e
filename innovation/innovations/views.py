from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from innovation.extensions import db
from innovation.innovations import services
from innovation.innovations.forms import AnswerForm, NewInnovationForm, ProfileForm
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd
from innovation.rules import get_rules, latest_year
from innovation.web import Role, ensure, role_required

bp = Blueprint("innovations", __name__, url_prefix="/innovations")

EDITORS = (Role.ADMIN, Role.OPERATOR)
READERS = (Role.ADMIN, Role.VERIFIER, Role.OPERATOR)


def _load(innovation_id: int, *, edit: bool = False) -> Innovation:
    innovation = db.get_or_404(Innovation, innovation_id)
    ensure(innovation.can_edit(current_user) if edit else innovation.can_view(current_user))
    return innovation


@bp.route("/")
@role_required(*READERS)
def index():
    rules = get_rules(latest_year())
    opd_filter = request.args.get("opd", type=int)
    if current_user.role == Role.OPERATOR:
        opd_filter = current_user.opd_id
    query = services.list_query(
        opd_id=opd_filter,
        search=request.args.get("q", ""),
        tahapan=request.args.get("tahapan") or None,
        urusan=request.args.get("urusan") or None,
    )
    page = db.paginate(query, per_page=25, error_out=False)
    opds = None
    if current_user.role != Role.OPERATOR:
        opds = db.session.execute(select(Opd.id, Opd.name).order_by(Opd.name)).all()
    return render_template("innovations/index.html", page=page, rules=rules, opds=opds, opd_filter=opd_filter)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    opd_choices = None
    if current_user.role == Role.ADMIN:
        opd_choices = [(o.id, o.name) for o in db.session.scalars(
            select(Opd).where(Opd.active.is_(True)).order_by(Opd.name))]
    form = NewInnovationForm().setup(opd_choices)
    if form.validate_on_submit():
        opd = current_user.opd if current_user.role == Role.OPERATOR else db.session.get(Opd, form.opd_id.data)
        if opd is None:
            form.opd_id.errors = [_("Pilih OPD.")]
        else:
            try:
                innovation = services.create_innovation(
                    opd, nama=form.nama.data, by=current_user, rules_year=form.rules_year.data)
            except services.InnovationError as error:
                form.nama.errors = [str(error)]
            else:
                db.session.commit()
                flash(_("Inovasi dibuat. Lengkapi profilnya."), "success")
                return redirect(url_for("innovations.profile", innovation_id=innovation.id))
    return render_template("innovations/new.html", form=form)


@bp.route("/<int:innovation_id>")
@role_required(*READERS)
def detail(innovation_id: int):
    innovation = _load(innovation_id)
    assessment = services.assess(innovation)
    current = services.current_evidence(innovation)
    return render_template(
        "innovations/detail.html",
        innovation=innovation,
        rules=innovation.rules,
        assessment=assessment,
        evidence_by_slot={slot.slot: [e for e in current if e.profile_slot == slot.slot]
                          for slot in innovation.rules.profile_files},
        evidence_count={line.no: sum(1 for e in current if e.indicator_no == line.no) for line in assessment.lines},
        can_edit=innovation.can_edit(current_user),
    )


@bp.route("/<int:innovation_id>/profile", methods=["GET", "POST"])
@role_required(*EDITORS)
def profile(innovation_id: int):
    innovation = _load(innovation_id, edit=True)
    rules = innovation.rules
    form = ProfileForm(obj=innovation if request.method == "GET" else None).setup(rules)
    if request.method == "GET":
        form.urusan_lain.data = list(innovation.urusan_lain or [])
    if form.validate_on_submit():
        try:
            changes = services.update_profile(innovation, form.values(), by=current_user)
        except services.InnovationError as error:
            target = getattr(form, error.field, None) if error.field else None
            if target is not None:
                target.errors = [*target.errors, str(error)]
            else:
                flash(str(error), "error")
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Profil tersimpan.") if changes else _("Tidak ada perubahan."), "success")
            return redirect(url_for("innovations.detail", innovation_id=innovation.id))
    current = services.current_evidence(innovation)
    return render_template(
        "innovations/profile.html", form=form, innovation=innovation, rules=rules,
        evidence_by_slot={slot.slot: [e for e in current if e.profile_slot == slot.slot] for slot in rules.profile_files},
    )


@bp.route("/<int:innovation_id>/indicators/<int:no>", methods=["GET", "POST"])
@role_required(*READERS)
def indicator(innovation_id: int, no: int):
    innovation = _load(innovation_id)
    rules = innovation.rules
    try:
        item = rules.indicator(no)
    except KeyError:
        abort(404)
    can_edit = innovation.can_edit(current_user)
    answer = services.get_answer(innovation, no)
    form = AnswerForm(
        parameter=str(answer.parameter) if answer and answer.parameter else None,
        basis=answer.basis if answer else None,
        informasi=answer.informasi if answer else "",
    )
    form.parameter.choices = [(str(i + 1), label) for i, label in enumerate(item.parameters)]
    form.basis.choices = [(b.code, f"{b.code}) {b.label}") for b in item.bases]
    if request.method == "POST":
        ensure(can_edit)
        if form.validate_on_submit():
            raw = form.parameter.data
            try:
                services.save_answer(
                    innovation, no,
                    parameter=int(raw) if raw in ("1", "2", "3") else None,
                    basis=form.basis.data or None,
                    informasi=form.informasi.data or "",
                    by=current_user,
                )
            except services.InnovationError as error:
                db.session.rollback()
                target = getattr(form, error.field or "", None)
                if target is not None:
                    target.errors = [*target.errors, str(error)]
                else:
                    flash(str(error), "error")
            else:
                db.session.commit()
                flash(_("Indikator %(no)d tersimpan.", no=no), "success")
                following = [i.no for i in rules.indicators if i.no > no]
                if request.form.get("next") == "1" and following:
                    return redirect(url_for("innovations.indicator", innovation_id=innovation.id, no=following[0]))
                return redirect(url_for("innovations.indicator", innovation_id=innovation.id, no=no))
    assessment = services.assess(innovation)
    line = next(x for x in assessment.lines if x.no == no)
    items = [e for e in services.current_evidence(innovation) if e.indicator_no == no]
    numbers = [i.no for i in rules.indicators]
    position = numbers.index(no)
    return render_template(
        "innovations/indicator.html",
        innovation=innovation, rules=rules, item=item, form=form, line=line, assessment=assessment,
        items=items, can_edit=can_edit,
        prev_no=numbers[position - 1] if position > 0 else None,
        next_no=numbers[position + 1] if position + 1 < len(numbers) else None,
    )


from innovation.innovations import evidence_views  # noqa: E402,F401  (routes on this blueprint)
