"""A round's rubric, for the judging admin: the criteria's weights on one page, and one criterion's
page (add or edit, with its level descriptors in both languages). The rules are ``rubrics``'."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation.extensions import db
from innovation.judging import rubrics
from innovation.judging.blueprint import bp
from innovation.judging.errors import JudgingError
from innovation.judging.forms import CriterionForm
from innovation.judging.models import Criterion, Round, Rubric
from innovation.web import Role, attempt, current, get_or_404, role_required


@bp.route("/rounds/<int:round_id>/rubric", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def rubric(round_id: int):
    round_ = get_or_404(Round, round_id)
    if round_.rubric is None:
        abort(404)
    if request.method == "POST":
        rows = [{"id": str(c.id), "title": request.form.get(f"title-{c.id}", c.title),
                 "weight": request.form.get(f"weight-{c.id}", ""),
                 "independent": request.form.get(f"independent-{c.id}") == "1"} for c in round_.rubric.criteria]
        if not attempt(lambda: rubrics.update_criteria(round_.rubric, rows, by=current()),
                       success=_("Rubrik disimpan; total nilai dihitung ulang.")):
            round_ = db.session.get(Round, round_id)
            return render_template("judging/rubric.html", round=round_, typed=rows,
                                   scored=rubrics.scored_criterion_ids(round_.rubric)), 422
        return redirect(url_for("judging.rubric", round_id=round_.id))
    return render_template("judging/rubric.html", round=round_, typed=None,
                           scored=rubrics.scored_criterion_ids(round_.rubric))


def _criterion_input(form: CriterionForm, rubric: Rubric, criterion: Criterion | None) -> dict:
    """The typed criterion, its descriptors (``descriptor-<level>-<locale>``) and the other criteria's
    weights (``weight-<id>``), as the operations take them; also what the page shows again on an error."""
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
    """The criterion's page; a refused change's message also shows under the field it names (and, as
    every refusal, at the top of the page)."""
    if error is not None and error.field and error.field in form._fields:
        form[error.field].errors = [str(error)]
    rubric = round_.rubric
    return render_template(
        "judging/rubric_criterion.html", round=round_, rubric=rubric, form=form, criterion=criterion,
        typed=typed, levels=rubrics.descriptor_levels(rubric.scale_min, rubric.scale_max),
        others=[c for c in rubric.criteria if criterion is None or c.id != criterion.id],
    )


def _round_of(criterion: Criterion) -> Round:
    round_ = db.session.scalar(select(Round).where(Round.rubric_id == criterion.rubric_id))
    if round_ is None:
        abort(404)
    return round_


@bp.route("/rounds/<int:round_id>/rubric/criteria/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def criterion_add(round_id: int):
    round_ = get_or_404(Round, round_id)
    if round_.rubric is None:
        abort(404)
    form = CriterionForm()
    if not form.is_submitted():
        return _criterion_page(round_, form, None)
    typed = _criterion_input(form, round_.rubric, None)
    if not form.validate():
        return _criterion_page(round_, form, None, typed), 422
    added = attempt(lambda: rubrics.add_criterion(round_.rubric, **typed, by=current()),
                    success=lambda criterion: _("Kriteria %(c)s ditambahkan; total nilai dihitung ulang.",
                                                c=criterion.title))
    if not added:
        return _criterion_page(db.session.get(Round, round_id), form, None, typed, added.error), 422
    return redirect(url_for("judging.rubric", round_id=round_id))


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def criterion_edit(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    round_ = _round_of(criterion)
    round_id = round_.id
    if request.method != "POST":
        form = CriterionForm(obj=criterion)
        form.weight.data = f"{criterion.weight.normalize():f}"
        return _criterion_page(round_, form, criterion)
    form = CriterionForm()
    typed = _criterion_input(form, round_.rubric, criterion)
    if not form.validate():
        return _criterion_page(round_, form, criterion, typed), 422
    saved = attempt(lambda: rubrics.update_criterion(criterion, **typed, by=current()),
                    success=lambda changed: _("Kriteria %(c)s disimpan.", c=changed.title))
    if not saved:
        return _criterion_page(db.session.get(Round, round_id), form, db.session.get(Criterion, criterion_id),
                               typed, saved.error), 422
    return redirect(url_for("judging.rubric", round_id=round_id))


@bp.route("/criteria/<int:criterion_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def criterion_remove(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    round_ = _round_of(criterion)
    attempt(lambda: rubrics.remove_criterion(criterion, by=current()), success=_("Kriteria dihapus."))
    return redirect(url_for("judging.rubric", round_id=round_.id))
