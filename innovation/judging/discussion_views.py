"""The discussion phase's pages: the chair opens and closes it and reads the entries in order of
disagreement; a judge who submitted an entry's sheet reads the panel's scores and comments, writes in the
thread and revises their sheet with a reason. Operations: ``discussion``."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation.judging import calibration, discussion
from innovation.judging.blueprint import bp
from innovation.judging.models import Round, RoundEntry
from innovation.web import Role, attempt, current, ensure, get_or_404, role_required


@bp.route("/rounds/<int:round_id>/discussion")
@role_required(Role.ADMIN)
def discussion_round(round_id: int):
    round_ = get_or_404(Round, round_id)
    return render_template("judging/discussion_round.html", round=round_, phase=discussion.phase_of(round_),
                           rows=discussion.by_disagreement(round_))


@bp.route("/rounds/<int:round_id>/discussion/<action>", methods=["POST"])
@role_required(Role.ADMIN)
def discussion_phase(round_id: int, action: str):
    if action not in ("open", "close"):
        abort(404)
    round_ = get_or_404(Round, round_id)
    if action == "open":
        attempt(lambda: discussion.open_discussion(round_, by=current()),
                success=_("Diskusi dibuka: juri yang sudah mengirim nilai kini melihat nilai juri lain."))
    else:
        attempt(lambda: discussion.close_discussion(round_, by=current()), success=_("Diskusi ditutup."))
    return redirect(url_for("judging.discussion_round", round_id=round_id))


@bp.route("/discussion")
@role_required(Role.JUDGE)
def discussion_queue():
    user = current()
    return render_template("judging/discussion_queue.html", entries=discussion.judge_entries(user),
                           samples=calibration.judge_samples(user))


def _entry_page(round_entry: RoundEntry, status: int = 200, typed: dict | None = None):
    user = current()
    assignment = None if user.is_admin else round_entry.active_assignment_for(user)
    rubric = round_entry.round.rubric
    if rubric is None:
        abort(404)
    return render_template(
        "judging/discussion_entry.html", round_entry=round_entry, round=round_entry.round, rubric=rubric,
        sheets=discussion.submitted_sheets(round_entry), thread=discussion.thread(round_entry),
        revisions=discussion.revisions_of(round_entry), own=assignment.sheet if assignment else None,
        phase_open=discussion.is_open(round_entry.round), typed=typed or {},
    ), status


def _discussable(round_entry_id: int) -> RoundEntry:
    round_entry = get_or_404(RoundEntry, round_entry_id)
    ensure(discussion.may_discuss(current(), round_entry))
    return round_entry


@bp.route("/entries/<int:round_entry_id>/discussion")
@role_required(Role.JUDGE, Role.ADMIN)
def discussion_entry(round_entry_id: int):
    return _entry_page(_discussable(round_entry_id))


@bp.route("/entries/<int:round_entry_id>/discussion/comments", methods=["POST"])
@role_required(Role.JUDGE, Role.ADMIN)
def discussion_comment(round_entry_id: int):
    round_entry = _discussable(round_entry_id)
    body = request.form.get("body", "")
    posted = attempt(lambda: discussion.post_comment(round_entry, body, by=current()))
    if not posted:
        return _entry_page(get_or_404(RoundEntry, round_entry_id), 422, {"body": body})
    return redirect(url_for("judging.discussion_entry", round_entry_id=round_entry_id) + "#thread")


@bp.route("/entries/<int:round_entry_id>/discussion/revise", methods=["POST"])
@role_required(Role.JUDGE)
def discussion_revise(round_entry_id: int):
    round_entry = _discussable(round_entry_id)
    user = current()
    criteria = round_entry.round.rubric.criteria if round_entry.round.rubric else []
    values = {c.id: request.form.get(f"score-{c.id}", "") for c in criteria}
    reason = request.form.get("reason", "")
    revised = attempt(lambda: discussion.revise(round_entry.active_assignment_for(user), values, reason, by=user,
                                                version=request.form.get("version", "")),
                      success=_("Revisi nilai tersimpan beserta alasannya."))
    if not revised:
        return _entry_page(get_or_404(RoundEntry, round_entry_id), 422, {"scores": values, "reason": reason})
    return redirect(url_for("judging.discussion_entry", round_entry_id=round_entry_id))
