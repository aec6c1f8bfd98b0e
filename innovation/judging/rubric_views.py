"""A round's rubric, for the judging admin: the criteria's weights on one page, and one criterion's
page (add or edit, with its level descriptors in both languages). The rules are ``rubrics``'.

Every form carries the rubric's edit version: a save based on an older one is refused, the typed
values stay in the form, and the page says what the other admin changed (``concurrency``)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation.extensions import db
from innovation.judging import policy, rubrics
from innovation.judging.blueprint import bp
from innovation.judging.forms import CriterionForm
from innovation.judging.models import Criterion, Round, Rubric
from innovation.web import Role, attempt, current, get_or_404, role_required


def _locked(round_: Round) -> str | None:
    return policy.publication_refusal(round_, _("kriteria dan bobot rubrik"))


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
        saved = attempt(lambda: rubrics.update_criteria(round_.rubric, rows, by=current(),
                                                        version=request.form.get("version", "")),
                        success=_("Rubrik disimpan; total nilai dihitung ulang."))
        if not saved:
            round_ = db.session.get(Round, round_id)
            stale = saved.error if hasattr(saved.error, "current_version") else None
            locked = _locked(round_)
            return render_template("judging/rubric.html", round=round_, typed=rows, stale=stale,
                                   version=stale.current_version if stale else request.form.get("version", ""),
                                   scored=rubrics.scored_criterion_ids(round_.rubric),
                                   locked=None if locked == str(saved.error) else locked), 422  # said once
        return redirect(url_for("judging.rubric", round_id=round_.id))
    return render_template("judging/rubric.html", round=round_, typed=None, stale=None,
                           version=round_.rubric.version, locked=_locked(round_),
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


def _criterion_page(round_: Round, form: CriterionForm, criterion: Criterion | None, typed: dict | None = None):
    """The criterion's page; a refused change's message shows under the field it names, else at the
    top of the form (``web.attempt(form=...)``), with what another admin changed after a stale save."""
    rubric = round_.rubric
    if form.version.data in (None, "") and not form.is_submitted():
        form.version.data = rubric.version
    return render_template(
        "judging/rubric_criterion.html", round=round_, rubric=rubric, form=form, criterion=criterion,
        typed=typed, levels=rubrics.descriptor_levels(rubric.scale_min, rubric.scale_max),
        others=[c for c in rubric.criteria if criterion is None or c.id != criterion.id], locked=_locked(round_),
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
    added = attempt(lambda: rubrics.add_criterion(round_.rubric, **typed, by=current(), version=form.version.data),
                    success=lambda criterion: _("Kriteria %(c)s ditambahkan; total nilai dihitung ulang.",
                                                c=criterion.title), form=form)
    if not added:
        return _criterion_page(db.session.get(Round, round_id), form, None, typed), 422
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
    saved = attempt(lambda: rubrics.update_criterion(criterion, **typed, by=current(), version=form.version.data),
                    success=lambda changed: _("Kriteria %(c)s disimpan.", c=changed.title), form=form)
    if not saved:
        return _criterion_page(db.session.get(Round, round_id), form, db.session.get(Criterion, criterion_id),
                               typed), 422
    return redirect(url_for("judging.rubric", round_id=round_id))


@bp.route("/criteria/<int:criterion_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def criterion_remove(criterion_id: int):
    criterion = get_or_404(Criterion, criterion_id)
    round_ = _round_of(criterion)
    attempt(lambda: rubrics.remove_criterion(criterion, by=current(), version=request.form.get("version", "")),
            success=_("Kriteria dihapus."))
    return redirect(url_for("judging.rubric", round_id=round_.id))
