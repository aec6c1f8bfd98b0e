"""The judge's pages: the queue (the admin's list of events on the same URL), the score sheet, an
entry's evidence, recusal, and acknowledging a total moved by a weight change. Each view parses,
checks permission (``policy``), calls one operation, commits once (``web.attempt``) and redirects, or
renders. The score sheet carries its edit version: a save from a stale tab is refused and the page
shows the typed values beside what the other tab saved.
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation import drafts
from innovation.events.models import Event
from innovation.extensions import db
from innovation.innovations.models import Evidence
from innovation.judging import assignments, live, policy, sheets
from innovation.judging.blueprint import bp
from innovation.judging.models import RoundEntry, ScoreSheet
from innovation.judging.queue import queue_page
from innovation.judging.score_page import neutral_evidence_name, round_entry_for_judging, score_page_context
from innovation.storage.responses import stored_file_response
from innovation.web import Role, attempt, current, ensure, get_or_404, id_in_range, page_arg, role_required


@bp.route("/")
@role_required(Role.JUDGE, Role.ADMIN)
def queue():
    user = current()
    if user.is_admin:
        events = db.paginate(select(Event).order_by(Event.opens_at.desc()),
                             per_page=current_app.config.get("PER_PAGE", 25), error_out=False)
        return render_template("judging/admin_index.html", page=events)
    archive = request.args.get("arsip") == "1"
    page = queue_page(user, page_arg(), current_app.config.get("PER_PAGE", 25), archive=archive)
    return render_template("judging/queue.html", page=page, archive=archive)


@bp.route("/entries/<int:round_entry_id>", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def score(round_entry_id: int):
    if not id_in_range(RoundEntry, round_entry_id):
        abort(404)
    round_entry = round_entry_for_judging(round_entry_id)
    if round_entry is None:
        abort(404)
    user = current()
    ensure(policy.may_view_entry(user, round_entry))
    assignment = round_entry.active_assignment_for(user)
    if round_entry.round.rubric is None:
        abort(404)
    if request.method == "POST":
        submit = request.form.get("action") == "submit"
        criteria = round_entry.round.rubric.criteria
        values = {c.id: request.form.get(f"score-{c.id}", "") for c in criteria}
        comments = {c.id: request.form.get(f"comment-{c.id}", "") for c in criteria}
        overall = request.form.get("overall_comment", "")
        saved = attempt(
            lambda: sheets.save_sheet(assignment, values, comments, overall, submit=submit, by=user,
                                      version=request.form.get("version", "")),
            success=_("Nilai terkirim. Anda masih dapat mengubahnya sampai babak ditutup.") if submit
            else _("Draf nilai tersimpan."),
        )
        if not saved:
            typed = {"scores": values, "comments": comments, "overall": overall}
            stale = saved.error if hasattr(saved.error, "current_version") else None
            context = score_page_context(round_entry, round_entry.active_assignment_for(user), typed, stale)
            if stale is None:
                context["version"] = request.form.get("version", "")  # still the one the form was loaded from
            return render_template("judging/score.html", **context), 422
        drafts.confirm_saved(f"judging-draft:judging-{assignment.id if assignment else 0}")
        return redirect(url_for("judging.score", round_entry_id=round_entry.id))
    return render_template("judging/score.html", **score_page_context(round_entry, assignment),
                           on_stage=live.on_stage_for(user))


@bp.route("/entries/<int:round_entry_id>/evidence/<int:evidence_id>")
@role_required(Role.JUDGE, Role.ADMIN)
def evidence_file(round_entry_id: int, evidence_id: int):
    """An evidence file of an entry the judge may view (assigned, not conflicted), streamed.

    In a blind round the file is named neutrally (no OPD or operator names leak through it).
    """
    round_entry = get_or_404(RoundEntry, round_entry_id)
    ensure(policy.may_view_entry(current(), round_entry))
    item = get_or_404(Evidence, evidence_id)
    if item.innovation_id != round_entry.entry.innovation_id or item.file is None:
        abort(404)
    name = neutral_evidence_name(item.id, item.indicator_no, item.profile_slot, item.file.extension) \
        if round_entry.round.blind else item.file.original_name
    return stored_file_response(item.file, name, what=f"evidence {item.id}", inline=request.args.get("inline") == "1")


@bp.route("/entries/<int:round_entry_id>/recuse", methods=["POST"])
@role_required(Role.JUDGE)
def recuse(round_entry_id: int):
    round_entry = get_or_404(RoundEntry, round_entry_id)
    user = current()
    ensure(policy.may_view_entry(user, round_entry))
    recused = attempt(
        lambda: assignments.recuse(round_entry.active_assignment_for(user), request.form.get("reason", ""), by=user),
        success=_("Konflik kepentingan dicatat. Entri ini dikeluarkan dari antrean Anda; admin akan menugaskan "
                  "juri lain."),
    )
    if not recused:
        return redirect(url_for("judging.score", round_entry_id=round_entry.id) + "#recuse")
    return redirect(url_for("judging.queue"))


@bp.route("/sheets/<int:sheet_id>/total-seen", methods=["POST"])
@role_required(Role.JUDGE)
def total_seen(sheet_id: int):
    """The judge has seen that a weight change moved their submitted total (the notice goes)."""
    sheet = get_or_404(ScoreSheet, sheet_id)
    user = current()
    ensure(sheet.assignment.judge_id == user.id)
    attempt(lambda: sheets.acknowledge_total(sheet, by=user), success=_("Perubahan total nilai sudah Anda lihat."))
    target = request.form.get("next")
    if target == "queue":
        return redirect(url_for("judging.queue"))
    return redirect(url_for("judging.score", round_entry_id=sheet.assignment.round_entry_id))
