"""The judging admin pages: an event's rounds, one round (entries, selection, panel, assignments,
progress, advancement) and its rubric. Routes on the ``judging`` blueprint."""
from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from innovation.auth.models import Role, User
from innovation.auth.permissions import role_required
from innovation.events.models import Category
from innovation.extensions import db
from innovation.judging import rounds as round_services
from innovation.judging import rubrics, services
from innovation.judging.errors import JudgingError
from innovation.judging.forms import CriterionForm, RoundForm
from innovation.judging.models import (
    Assignment,
    Criterion,
    PanelMember,
    Round,
    RoundEntry,
    RoundKind,
)
from innovation.judging.views import (  # noqa: E402
    ADMIN,
    MAX_ID,
    _event_or_404,
    _fail,
    _get_or_404,
    _int_arg,
    _round_entry_of,
    _round_page,
    _user,
    bp,
)
from innovation.timeutil import from_local, to_local

# --- the admin: an event's rounds -------------------------------------------------------------

@bp.route("/events/<slug>")
@role_required(*ADMIN)
def event_rounds(slug: str):
    event = _event_or_404(slug)
    return render_template("judging/event.html", event=event, rounds=round_services.rounds_of(event))


@bp.route("/events/<slug>/default-rounds", methods=["POST"])
@role_required(*ADMIN)
def default_rounds(slug: str):
    event = _event_or_404(slug)
    try:
        made = round_services.create_default_rounds(event, by=_user())
    except JudgingError as error:
        _fail(error)
        return redirect(url_for("judging.event_rounds", slug=slug))
    db.session.commit()
    flash(_("%(n)d babak dibuat; entri terkirim masuk ke seleksi administrasi.", n=len(made)), "success")
    return redirect(url_for("judging.event_rounds", slug=slug))


def _round_form(form: RoundForm) -> None:
    if not rubrics.builtin_rubrics():
        rubrics.seed_builtin_rubrics(by=None)  # saved with the round the form creates
    form.rubric.choices = [SelectChoice("", _("— pilih —"))] + [
        SelectChoice(r.code, r.name) for r in rubrics.builtin_rubrics()]


def _round_data(form: RoundForm) -> dict:
    return {
        "name": form.name.data, "kind": form.kind.data,
        "opens_at": from_local(form.opens_at.data) if form.opens_at.data else None,
        "closes_at": from_local(form.closes_at.data) if form.closes_at.data else None,
        "judges_per_entry": form.judges_per_entry.data, "advance_top_n": form.advance_top_n.data,
        "advance_per_category": form.advance_per_category.data, "blind": form.blind.data,
        "use_category_panels": form.use_category_panels.data,
    }


@bp.route("/events/<slug>/rounds/new", methods=["GET", "POST"])
@role_required(*ADMIN)
def round_create(slug: str):
    event = _event_or_404(slug)
    form = RoundForm()
    _round_form(form)
    if form.validate_on_submit():
        try:
            round_ = round_services.create_round(event, _round_data(form), rubric=rubrics.get_by_code(form.rubric.data or ""),
                                                 by=_user())
        except JudgingError as error:
            _fail(error)
            _round_form(form)
        else:
            db.session.commit()
            flash(_("Babak %(name)s dibuat.", name=round_.name), "success")
            return redirect(url_for("judging.event_rounds", slug=slug))
    return render_template("judging/round_form.html", form=form, event=event, round=None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(*ADMIN)
def round_edit(round_id: int):
    round_ = _get_or_404(Round, round_id)
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = round_.kind.value
        form.opens_at.data = to_local(round_.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(round_.closes_at).replace(tzinfo=None)
        form.rubric.data = ""
    _round_form(form)
    if form.validate_on_submit():
        try:
            round_services.update_round(round_, _round_data(form), rubric=rubrics.get_by_code(form.rubric.data or ""),
                                        by=_user())
        except JudgingError as error:
            _fail(error)
            round_ = db.session.get(Round, round_id)
            _round_form(form)
        else:
            db.session.commit()
            flash(_("Babak disimpan."), "success")
            return redirect(url_for("judging.event_rounds", slug=round_.event.slug))
    return render_template("judging/round_form.html", form=form, event=round_.event, round=round_)


@bp.route("/rounds/<int:round_id>/move", methods=["POST"])
@role_required(*ADMIN)
def round_move(round_id: int):
    round_ = _get_or_404(Round, round_id)
    slug = round_.event.slug
    try:
        round_services.move_round(round_, request.form.get("direction", ""), by=_user())
    except JudgingError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Urutan babak diubah."), "success")
    return redirect(url_for("judging.event_rounds", slug=slug))


# --- the admin: one round (entries, selection, panel, assignments) ----------------------------

@bp.route("/rounds/<int:round_id>")
@role_required(*ADMIN)
def round_detail(round_id: int):
    round_ = _get_or_404(Round, round_id)
    query = select(RoundEntry).where(RoundEntry.round_id == round_.id).order_by(RoundEntry.entry_id)
    page = db.paginate(query, per_page=current_app.config.get("PER_PAGE", 25), error_out=False)
    suggestions = {}
    if round_.kind == RoundKind.ADMINISTRASI:
        suggestions = {re.id: round_services.suggest(re.entry) for re in page.items}
    assignments: dict[int, list[Assignment]] = {}
    for a in services.round_assignments(round_):
        assignments.setdefault(a.round_entry_id, []).append(a)
    judges = db.session.scalars(select(User).where(User.role == Role.JUDGE, User.active.is_(True))
                                .order_by(User.full_name)).all()
    panel = services.panel_of(round_)
    eligible = {}
    if round_.is_scored:
        eligible = services.eligible_judges(round_, page.items, judges, panel, assignments, services.opd_families())
    return render_template(
        "judging/round.html", round=round_, page=page, suggestions=suggestions, assignments=assignments,
        panel=panel, judges=judges, eligible=eligible, categories=round_.event.categories,
        previous=round_services.previous_round(round_), next=round_services.next_round(round_),
        unmet=request.args.getlist("unmet"),
    )


@bp.route("/rounds/<int:round_id>/populate", methods=["POST"])
@role_required(*ADMIN)
def round_populate(round_id: int):
    round_ = _get_or_404(Round, round_id)
    try:
        added = round_services.populate_first_round(round_, by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("%(n)d entri terkirim ditambahkan.", n=len(added)), "success")
    return _round_page(round_)


@bp.route("/rounds/<int:round_id>/decide", methods=["POST"])
@role_required(*ADMIN)
def decide(round_id: int):
    round_ = _get_or_404(Round, round_id)
    round_entry = _round_entry_of(round_, request.form.get("round_entry_id"))
    verdict = request.form.get("verdict")
    if verdict not in ("pass", "fail"):
        flash(_("Pilih lolos atau tidak lolos."), "error")
        return _round_page(round_)
    try:
        round_services.decide(round_entry, verdict == "pass", request.form.get("reason", ""), by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("Keputusan untuk %(name)s disimpan.", name=round_entry.entry.innovation.nama), "success")
    return redirect(url_for("judging.round_detail", round_id=round_.id, page=request.args.get("page", 1))
                    + f"#re-{round_entry.id}")


@bp.route("/rounds/<int:round_id>/panel", methods=["POST"])
@role_required(*ADMIN)
def panel_add(round_id: int):
    round_ = _get_or_404(Round, round_id)
    judge = db.session.get(User, _int_arg("judge_id")) if _int_arg("judge_id") else None
    category_id = _int_arg("category_id")
    category = db.session.get(Category, category_id) if category_id else None
    if judge is None:
        flash(_("Pilih juri."), "error")
        return _round_page(round_)
    try:
        services.add_panel_member(round_, judge, category=category, by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("%(name)s masuk panel.", name=judge.full_name), "success")
    return _round_page(round_)


@bp.route("/panel/<int:member_id>/remove", methods=["POST"])
@role_required(*ADMIN)
def panel_remove(member_id: int):
    member = _get_or_404(PanelMember, member_id)
    round_ = db.session.get(Round, member.round_id)
    try:
        services.remove_panel_member(member, by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("Juri dikeluarkan dari panel."), "success")
    return _round_page(round_)


@bp.route("/rounds/<int:round_id>/assign", methods=["POST"])
@role_required(*ADMIN)
def assign(round_id: int):
    round_ = _get_or_404(Round, round_id)
    round_entry = _round_entry_of(round_, request.form.get("round_entry_id"))
    judge = db.session.get(User, _int_arg("judge_id")) if _int_arg("judge_id") else None
    if judge is None:
        flash(_("Pilih juri."), "error")
        return _round_page(round_)
    try:
        services.assign_judge(round_entry, judge, by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("%(name)s ditugaskan.", name=judge.full_name), "success")
    return _round_page(round_)


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@role_required(*ADMIN)
def unassign(assignment_id: int):
    assignment = _get_or_404(Assignment, assignment_id)
    round_ = assignment.round_entry.round
    try:
        services.remove_assignment(assignment, reason=request.form.get("reason", ""), by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("Penugasan dilepas."), "success")
    return _round_page(round_)


@bp.route("/assignments/<int:assignment_id>/dismiss", methods=["POST"])
@role_required(*ADMIN)
def dismiss(assignment_id: int):
    assignment = _get_or_404(Assignment, assignment_id)
    round_ = assignment.round_entry.round
    services.dismiss_flag(assignment, by=_user())
    db.session.commit()
    flash(_("Tanda ganti juri ditutup."), "success")
    return redirect(url_for("judging.progress", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/auto-assign", methods=["POST"])
@role_required(*ADMIN)
def auto_assign(round_id: int):
    round_ = _get_or_404(Round, round_id)
    try:
        result = services.auto_assign(round_, seed=_int_arg("seed"), by=_user())
    except JudgingError as error:
        _fail(error)
        return _round_page(round_)
    db.session.commit()
    flash(_("Penugasan otomatis: %(n)d penugasan baru, %(m)d dipindah.", n=len(result.created) - result.moved,
            m=result.moved), "success")
    for unmet in result.unmet:
        flash(unmet.message, "warning")
    return _round_page(round_)


@bp.route("/rounds/<int:round_id>/progress")
@role_required(*ADMIN)
def progress(round_id: int):
    round_ = _get_or_404(Round, round_id)
    return render_template("judging/progress.html", round=round_, progress=services.progress(round_))


@bp.route("/rounds/<int:round_id>/advance", methods=["GET", "POST"])
@role_required(*ADMIN)
def advance(round_id: int):
    round_ = _get_or_404(Round, round_id)
    if request.method == "POST":
        chosen = {int(v) for v in request.form.getlist("entry_id") if v.isdigit() and int(v) <= MAX_ID}
        try:
            moved = round_services.advance(round_, chosen, by=_user())
        except JudgingError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("%(n)d entri lolos ke babak berikutnya.", n=len(moved)), "success")
            return redirect(url_for("judging.event_rounds", slug=round_.event.slug))
    return render_template("judging/advance.html", round=round_, rows=round_services.advancement_proposal(round_),
                           next=round_services.next_round(round_))


# --- the admin: a round's rubric ---------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/rubric", methods=["GET", "POST"])
@role_required(*ADMIN)
def rubric(round_id: int):
    round_ = _get_or_404(Round, round_id)
    if round_.rubric is None:
        abort(404)
    if request.method == "POST":
        rows = [{"id": str(c.id), "title": request.form.get(f"title-{c.id}", c.title),
                 "weight": request.form.get(f"weight-{c.id}", ""),
                 "independent": request.form.get(f"independent-{c.id}") == "1"} for c in round_.rubric.criteria]
        try:
            rubrics.update_criteria(round_.rubric, rows, by=_user())
        except JudgingError as error:
            _fail(error)
            return render_template("judging/rubric.html", round=db.session.get(Round, round_id), typed=rows,
                                   scored=rubrics.scored_criterion_ids(db.session.get(Round, round_id).rubric)), 422
        db.session.commit()
        flash(_("Rubrik disimpan; total nilai dihitung ulang."), "success")
        return redirect(url_for("judging.rubric", round_id=round_.id))
    return render_template("judging/rubric.html", round=round_, typed=None,
                           scored=rubrics.scored_criterion_ids(round_.rubric))


def _criterion_input(form: CriterionForm, rubric, criterion: Criterion | None) -> dict:
    """The typed criterion, its descriptors (``descriptor-<level>-<locale>``) and the other criteria's
    weights (``weight-<id>``), as the services take them; also what the page shows again on an error."""
    descriptors = {
        slot.key: {locale: request.form.get(f"descriptor-{slot.key}-{locale}", "")
                   for locale in rubrics.DESCRIPTOR_LOCALES}
        for slot in rubrics.descriptor_levels(rubric.scale_min, rubric.scale_max)
    }
    weights = {c.id: request.form[f"weight-{c.id}"] for c in rubric.criteria
               if c is not criterion and f"weight-{c.id}" in request.form}
    return {
        "code": form.code.data, "title": form.title.data, "title_en": form.title_en.data,
        "description": form.description.data, "description_en": form.description_en.data,
        "weight": form.weight.data, "independent": form.independent.data,
        "descriptors": descriptors, "weights": weights,
    }


def _criterion_page(round_: Round, form: CriterionForm, criterion: Criterion | None, typed: dict | None = None,
                    error: JudgingError | None = None):
    if error is not None and error.field and error.field in form._fields:
        form[error.field].errors = [str(error)]
    rubric = round_.rubric
    return render_template(
        "judging/rubric_criterion.html", round=round_, rubric=rubric, form=form, criterion=criterion,
        typed=typed, levels=rubrics.descriptor_levels(rubric.scale_min, rubric.scale_max),
        others=[c for c in rubric.criteria if criterion is None or c.id != criterion.id],
    )


@bp.route("/rounds/<int:round_id>/rubric/criteria/new", methods=["GET", "POST"])
@role_required(*ADMIN)
def criterion_add(round_id: int):
    round_ = _get_or_404(Round, round_id)
    if round_.rubric is None:
        abort(404)
    form = CriterionForm()
    if not form.is_submitted():
        return _criterion_page(round_, form, None)
    typed = _criterion_input(form, round_.rubric, None)
    if not form.validate():
        return _criterion_page(round_, form, None, typed), 422
    try:
        criterion = rubrics.add_criterion(round_.rubric, **typed, by=_user())
    except JudgingError as error:
        _fail(error)
        return _criterion_page(db.session.get(Round, round_id), form, None, typed, error), 422
    db.session.commit()
    flash(_("Kriteria %(c)s ditambahkan; total nilai dihitung ulang.", c=criterion.title), "success")
    return redirect(url_for("judging.rubric", round_id=round_id))


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@role_required(*ADMIN)
def criterion_edit(criterion_id: int):
    criterion = _get_or_404(Criterion, criterion_id)
    round_ = db.session.scalar(select(Round).where(Round.rubric_id == criterion.rubric_id))
    if round_ is None:
        abort(404)
    round_id = round_.id
    if request.method != "POST":
        form = CriterionForm(obj=criterion)
        form.weight.data = f"{criterion.weight.normalize():f}"
        return _criterion_page(round_, form, criterion)
    form = CriterionForm()
    typed = _criterion_input(form, round_.rubric, criterion)
    if not form.validate():
        return _criterion_page(round_, form, criterion, typed), 422
    try:
        rubrics.update_criterion(criterion, **typed, by=_user())
    except JudgingError as error:
        _fail(error)
        return _criterion_page(db.session.get(Round, round_id), form, db.session.get(Criterion, criterion_id),
                               typed, error), 422
    db.session.commit()
    flash(_("Kriteria %(c)s disimpan.", c=criterion.title), "success")
    return redirect(url_for("judging.rubric", round_id=round_id))


@bp.route("/criteria/<int:criterion_id>/remove", methods=["POST"])
@role_required(*ADMIN)
def criterion_remove(criterion_id: int):
    criterion = _get_or_404(Criterion, criterion_id)
    round_ = db.session.scalar(select(Round).where(Round.rubric_id == criterion.rubric_id))
    if round_ is None:
        abort(404)
    try:
        rubrics.remove_criterion(criterion, by=_user())
    except JudgingError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Kriteria dihapus."), "success")
    return redirect(url_for("judging.rubric", round_id=round_.id))
