"""The judging admin's pages: an event's rounds, one round (its entries, administrative selection,
panel, assignments), progress and advancement. Each view parses, calls one operation, commits once
(``web.attempt``) and redirects, or renders. The rubric's pages are ``rubric_views``.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from innovation.auth.models import User
from innovation.events.models import Category
from innovation.extensions import db
from innovation.judging import advancement, assignments, panels, policy, rounds, rubrics
from innovation.judging.awards import DEFAULT_LABELS
from innovation.judging.blueprint import bp
from innovation.judging.forms import RoundForm
from innovation.judging.lookups import choice, event_or_404, round_entry_of, round_page
from innovation.judging.models import Assignment, PanelMember, Round, RoundKind
from innovation.judging.progress import progress as round_progress
from innovation.judging.statistics import AGGREGATES, METHODS
from innovation.timeutil import from_local, to_local
from innovation.web import MAX_INT, Role, attempt, current, get_or_404, int_arg, role_required

# --- an event's rounds ------------------------------------------------------------------------


@bp.route("/events/<slug>")
@role_required(Role.ADMIN)
def event_rounds(slug: str):
    event = event_or_404(slug)
    return render_template("judging/event.html", event=event, rounds=rounds.rounds_of(event))


@bp.route("/events/<slug>/default-rounds", methods=["POST"])
@role_required(Role.ADMIN)
def default_rounds(slug: str):
    event = event_or_404(slug)
    attempt(lambda: rounds.create_default_rounds(event, by=current()),
            success=lambda made: _("%(n)d babak dibuat; entri terkirim masuk ke seleksi administrasi.", n=len(made)))
    return redirect(url_for("judging.event_rounds", slug=slug))


def _rubric_choices(form: RoundForm) -> None:
    if not rubrics.builtin_rubrics():
        rubrics.seed_builtin_rubrics(by=None)  # saved with the round the form creates
    form.rubric.choices = [SelectChoice("", _("— pilih —"))] + [SelectChoice(r.code, r.name) for r in rubrics.builtin_rubrics()]


def _round_data(form: RoundForm) -> dict:
    return {
        "name": form.name.data, "kind": form.kind.data,
        "opens_at": from_local(form.opens_at.data) if form.opens_at.data else None,
        "closes_at": from_local(form.closes_at.data) if form.closes_at.data else None,
        "judges_per_entry": form.judges_per_entry.data, "advance_top_n": form.advance_top_n.data,
        "advance_per_category": form.advance_per_category.data, "blind": form.blind.data,
        "use_category_panels": form.use_category_panels.data, "award_places": form.award_places.data,
        "award_per_category": form.award_per_category.data, "award_labels": form.award_labels.data,
    }


@bp.route("/events/<slug>/rounds/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def round_create(slug: str):
    event = event_or_404(slug)
    form = RoundForm()
    _rubric_choices(form)
    if form.validate_on_submit():
        created = attempt(lambda: rounds.create_round(event, _round_data(form),
                                                      rubric=rubrics.get_by_code(form.rubric.data or ""), by=current()),
                          success=lambda round_: _("Babak %(name)s dibuat.", name=round_.name), form=form)
        if created:
            return redirect(url_for("judging.event_rounds", slug=slug))
        _rubric_choices(form)
    return render_template("judging/round_form.html", form=form, event=event, round=None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def round_edit(round_id: int):
    round_ = get_or_404(Round, round_id)
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = round_.kind.value
        form.opens_at.data = to_local(round_.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(round_.closes_at).replace(tzinfo=None)
        form.rubric.data = ""
        form.award_labels.data = round_.award_labels or "\n".join(DEFAULT_LABELS)
    _rubric_choices(form)
    if form.validate_on_submit():
        updated = attempt(lambda: rounds.update_round(round_, _round_data(form),
                                                      rubric=rubrics.get_by_code(form.rubric.data or ""), by=current(),
                                                      version=form.version.data),
                          success=_("Babak disimpan."), form=form)
        if updated:
            return redirect(url_for("judging.event_rounds", slug=round_.event.slug))
        round_ = db.session.get(Round, round_id)
        _rubric_choices(form)
    return render_template("judging/round_form.html", form=form, event=round_.event, round=round_,
                           locked=policy.publication_refusal(round_, _("pengaturan dan waktu babak")))


@bp.route("/rounds/<int:round_id>/move", methods=["POST"])
@role_required(Role.ADMIN)
def round_move(round_id: int):
    round_ = get_or_404(Round, round_id)
    slug = round_.event.slug
    attempt(lambda: rounds.move_round(round_, request.form.get("direction", ""), by=current()),
            success=_("Urutan babak diubah."))
    return redirect(url_for("judging.event_rounds", slug=slug))


# --- one round: entries, selection, panel, assignments ------------------------------------------


@bp.route("/rounds/<int:round_id>")
@role_required(Role.ADMIN)
def round_detail(round_id: int):
    round_ = get_or_404(Round, round_id)
    page = db.paginate(rounds.round_entries_query(round_), per_page=current_app.config.get("PER_PAGE", 25),
                       error_out=False)
    suggestions = {}
    if round_.kind == RoundKind.ADMINISTRASI:
        suggestions = {re.id: rounds.suggest(re.entry) for re in page.items}
    by_entry: dict[int, list[Assignment]] = {}
    for a in assignments.round_assignments(round_):
        by_entry.setdefault(a.round_entry_id, []).append(a)
    judges = policy.judges()
    panel = panels.panel_of(round_)
    eligible = {}
    previous, following = rounds.previous_round(round_), rounds.next_round(round_)
    if round_.is_scored:
        # recusals in the event's other rounds (this round's are among its assignments)
        recused = assignments.recusals(re.entry_id for re in page.items) if previous or following else {}
        eligible = assignments.eligible_judges(round_, page.items, judges, panel, by_entry, policy.opd_families(),
                                               recused)
    return render_template(
        "judging/round.html", round=round_, page=page, suggestions=suggestions, assignments=by_entry,
        panel=panel, judges=judges, eligible=eligible, categories=round_.event.categories,
        previous=previous, next=following,
        unmet=request.args.getlist("unmet"), locked=policy.publication_refusal(round_, _("penugasan juri")),
        entries_open=rounds.entries_open_refusal(round_, _("memutuskan seleksi"))
        if round_.kind == RoundKind.ADMINISTRASI else None,
    )


@bp.route("/rounds/<int:round_id>/populate", methods=["POST"])
@role_required(Role.ADMIN)
def round_populate(round_id: int):
    round_ = get_or_404(Round, round_id)
    attempt(lambda: rounds.populate_first_round(round_, by=current()),
            success=lambda added: _("%(n)d entri terkirim ditambahkan.", n=len(added)))
    return round_page(round_)


@bp.route("/rounds/<int:round_id>/decide", methods=["POST"])
@role_required(Role.ADMIN)
def decide(round_id: int):
    round_ = get_or_404(Round, round_id)
    round_entry = round_entry_of(round_, request.form.get("round_entry_id"))
    verdict = request.form.get("verdict")
    if verdict not in ("pass", "fail"):
        flash(_("Pilih lolos atau tidak lolos."), "error")
        return round_page(round_)
    decided = attempt(lambda: rounds.decide(round_entry, verdict == "pass", request.form.get("reason", ""), by=current(),
                                            override_reason=request.form.get("override_reason")),
                      success=lambda decided: _("Keputusan untuk %(name)s disimpan.",
                                                name=decided.entry.innovation.nama))
    if not decided:
        return round_page(round_)
    return redirect(url_for("judging.round_detail", round_id=round_.id, page=request.args.get("page", 1))
                    + f"#re-{round_entry.id}")


def _judge_named(field: str) -> User | None:
    judge_id = int_arg(field, source=request.form, minimum=1)
    return db.session.get(User, judge_id) if judge_id else None


@bp.route("/rounds/<int:round_id>/panel", methods=["POST"])
@role_required(Role.ADMIN)
def panel_add(round_id: int):
    round_ = get_or_404(Round, round_id)
    judge = _judge_named("judge_id")
    category_id = int_arg("category_id", source=request.form, minimum=1)
    category = db.session.get(Category, category_id) if category_id else None
    if judge is None:
        flash(_("Pilih juri."), "error")
        return round_page(round_)
    attempt(lambda: panels.add_panel_member(round_, judge, category=category, by=current()),
            success=_("%(name)s masuk panel.", name=judge.full_name))
    return round_page(round_)


@bp.route("/panel/<int:member_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def panel_remove(member_id: int):
    member = get_or_404(PanelMember, member_id)
    round_ = db.session.get(Round, member.round_id)
    attempt(lambda: panels.remove_panel_member(member, by=current()), success=_("Juri dikeluarkan dari panel."))
    return round_page(round_)


@bp.route("/rounds/<int:round_id>/assign", methods=["POST"])
@role_required(Role.ADMIN)
def assign(round_id: int):
    round_ = get_or_404(Round, round_id)
    round_entry = round_entry_of(round_, request.form.get("round_entry_id"))
    judge = _judge_named("judge_id")
    if judge is None:
        flash(_("Pilih juri."), "error")
        return round_page(round_)
    attempt(lambda: assignments.assign_judge(round_entry, judge, by=current()),
            success=_("%(name)s ditugaskan.", name=judge.full_name))
    return round_page(round_)


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def unassign(assignment_id: int):
    assignment = get_or_404(Assignment, assignment_id)
    round_ = assignment.round_entry.round
    attempt(lambda: assignments.remove_assignment(assignment, reason=request.form.get("reason", ""), by=current()),
            success=_("Penugasan dilepas."))
    return round_page(round_)


@bp.route("/assignments/<int:assignment_id>/dismiss", methods=["POST"])
@role_required(Role.ADMIN)
def dismiss(assignment_id: int):
    assignment = get_or_404(Assignment, assignment_id)
    round_ = assignment.round_entry.round
    attempt(lambda: assignments.dismiss_flag(assignment, by=current()), success=_("Tanda ganti juri ditutup."))
    return redirect(url_for("judging.progress", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/auto-assign", methods=["POST"])
@role_required(Role.ADMIN)
def auto_assign(round_id: int):
    round_ = get_or_404(Round, round_id)
    done = attempt(
        lambda: assignments.auto_assign(round_, seed=int_arg("seed", 0, source=request.form), by=current()),
        success=lambda result: _("Penugasan otomatis: %(n)d penugasan baru, %(m)d dipindah.",
                                 n=len(result.created) - result.moved, m=result.moved),
    )
    for unmet in done.value.unmet if done else ():
        flash(unmet.message, "warning")
    return round_page(round_)


@bp.route("/rounds/<int:round_id>/progress")
@role_required(Role.ADMIN)
def progress(round_id: int):
    round_ = get_or_404(Round, round_id)
    return render_template("judging/progress.html", round=round_, progress=round_progress(round_))


@bp.route("/rounds/<int:round_id>/advance", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def advance(round_id: int):
    """The proposal, ranked as the round's results are (the published snapshot's ranking, else the
    aggregate and method chosen here, by default the results' own), and the admin's confirmation."""
    round_ = get_or_404(Round, round_id)
    aggregate, method = choice("aggregate", AGGREGATES, "mean"), choice("method", METHODS, "raw")
    if request.method == "POST":
        chosen = {int(v) for v in request.form.getlist("entry_id") if v.isdigit() and int(v) <= MAX_INT}
        moved = attempt(lambda: advancement.advance(round_, chosen, by=current(), aggregate=aggregate, method=method,
                                                    override_reason=request.form.get("override_reason"),
                                                    deviation_reason=request.form.get("deviation_reason")),
                        success=lambda moved: _("%(n)d entri lolos ke babak berikutnya.", n=len(moved)))
        if moved:
            return redirect(url_for("judging.event_rounds", slug=round_.event.slug))
    proposal = advancement.advancement_proposal(round_, aggregate=aggregate, method=method)
    return render_template("judging/advance.html", round=round_, proposal=proposal, rows=proposal.rows,
                           next=rounds.next_round(round_), aggregates=AGGREGATES, methods=METHODS,
                           entries_open=rounds.entries_open_refusal(round_, _("menetapkan yang lolos")),
                           typed=request.form if request.method == "POST" else {})
