"""Calibration's pages: the chair picks the sample entry and reads each judge's deviation; a judge of the
panel scores the sample before the round opens. Operations: ``calibration``."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation.judging import calibration, rounds
from innovation.judging.blueprint import bp
from innovation.judging.lookups import round_entry_of
from innovation.judging.models import Round
from innovation.web import Role, attempt, current, get_or_404, role_required


@bp.route("/rounds/<int:round_id>/calibration", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def calibration_round(round_id: int):
    round_ = get_or_404(Round, round_id)
    if request.method == "POST":
        round_entry = round_entry_of(round_, request.form.get("round_entry_id"))
        attempt(lambda: calibration.set_sample(round_, round_entry, request.form.get("note", ""), by=current()),
                success=_("Entri contoh kalibrasi disimpan."))
        return redirect(url_for("judging.calibration_round", round_id=round_id))
    sample = calibration.sample_of(round_)
    return render_template("judging/calibration_round.html", round=round_, sample=sample,
                           rows=calibration.deviations(sample) if sample else [], entries=rounds.round_entries(round_))


@bp.route("/rounds/<int:round_id>/calibration/remove", methods=["POST"])
@role_required(Role.ADMIN)
def calibration_remove(round_id: int):
    round_ = get_or_404(Round, round_id)
    attempt(lambda: calibration.remove_sample(round_, by=current()), success=_("Kalibrasi dihapus."))
    return redirect(url_for("judging.calibration_round", round_id=round_id))


@bp.route("/rounds/<int:round_id>/calibration/score", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def calibration_score(round_id: int):
    round_ = get_or_404(Round, round_id)
    user = current()
    refusal = calibration.calibration_refusal(user, round_)
    if refusal is not None and not calibration.is_panel_judge(user, round_):
        abort(403)
    sample = calibration.sample_of(round_)
    if sample is None:
        abort(404)
    typed: dict = {}
    status = 200
    if request.method == "POST":
        criteria = round_.rubric.criteria
        values = {c.id: request.form.get(f"score-{c.id}", "") for c in criteria}
        comment = request.form.get("comment", "")
        saved = attempt(lambda: calibration.save_practice(round_, values, comment, by=user),
                        success=_("Nilai kalibrasi tersimpan. Nilai ini tidak dihitung dalam hasil."))
        if saved:
            return redirect(url_for("judging.calibration_score", round_id=round_id))
        typed, status = {"scores": values, "comment": comment}, 422
    own = next((s for s in sample.scores if s.judge_id == user.id), None)
    return render_template("judging/calibration_score.html", round=round_, sample=sample, own=own, typed=typed,
                           refusal=refusal), status
