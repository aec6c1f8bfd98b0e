"""The presentation schedule's pages: the chair sets a round's day (settings, order by hand or by draw)
and prints it; an OPD's operator sees their slots and any change to them. Operations: ``schedule``."""
from __future__ import annotations

import io

from flask import redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from innovation.extensions import db
from innovation.judging import schedule as schedules
from innovation.judging.blueprint import bp
from innovation.judging.models import Round
from innovation.judging.schedule_forms import DrawForm, ScheduleForm
from innovation.judging.schedule_pdf import write_schedule_pdf
from innovation.timeutil import from_local, to_local
from innovation.web import MAX_INT, Role, attempt, current, get_or_404, role_required


@bp.app_context_processor
def schedule_notice() -> dict:
    """``schedule_changes()`` for base.html: an operator is told on every page that their slot changed
    (asked only when the page renders it; a statement for operators only)."""
    return {"schedule_changes": lambda: schedules.unseen_change_count(current_user)}


def _settings(form: ScheduleForm) -> dict:
    return {
        "starts_at": from_local(form.starts_at.data) if form.starts_at.data else None, "room": form.room.data or "",
        "presentation_minutes": form.presentation_minutes.data, "qa_minutes": form.qa_minutes.data,
        "changeover_minutes": form.changeover_minutes.data,
    }


@bp.route("/rounds/<int:round_id>/schedule", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def schedule(round_id: int):
    round_ = get_or_404(Round, round_id)
    found = schedules.schedule_of(round_)
    form = ScheduleForm(obj=found if request.method == "GET" else None)
    if request.method == "GET" and found is not None:
        form.starts_at.data = to_local(found.starts_at).replace(tzinfo=None)
    if form.validate_on_submit():
        saved = attempt(lambda: schedules.save_schedule(round_, _settings(form), by=current(),
                                                        version=form.version.data),
                        success=_("Jadwal presentasi disimpan."), form=form)
        if saved:
            return redirect(url_for("judging.schedule", round_id=round_id))
        found = schedules.schedule_of(db.session.get(Round, round_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("judging/schedule.html", round=round_, schedule=found, form=form,
                           draw_form=DrawForm(), entries=schedules.presenting_entries(round_)), status


@bp.route("/rounds/<int:round_id>/schedule/order", methods=["POST"])
@role_required(Role.ADMIN)
def schedule_order(round_id: int):
    """The order by hand: each slot's number from the form (equal numbers keep the current order)."""
    round_ = get_or_404(Round, round_id)
    found = schedules.schedule_of(round_)
    slots = found.slots if found is not None else []
    wanted = []
    for slot in slots:
        raw = request.form.get(f"position-{slot.round_entry_id}", "")
        try:
            number = int(raw)
        except ValueError:
            number = slot.position
        wanted.append((max(1, min(number, MAX_INT)), slot.position, slot.round_entry_id))
    order = [round_entry_id for _n, _p, round_entry_id in sorted(wanted)]
    attempt(lambda: schedules.set_order(round_, order, by=current()), success=_("Urutan presentasi disimpan."))
    return redirect(url_for("judging.schedule", round_id=round_id))


@bp.route("/rounds/<int:round_id>/schedule/draw", methods=["POST"])
@role_required(Role.ADMIN)
def schedule_draw(round_id: int):
    round_ = get_or_404(Round, round_id)
    form = DrawForm()
    if not form.validate_on_submit():
        return redirect(url_for("judging.schedule", round_id=round_id))
    attempt(lambda: schedules.draw(round_, form.seed.data, by=current()),
            success=lambda made: _("Urutan diundi dengan seed %(seed)s.", seed=made.draw_seed))
    return redirect(url_for("judging.schedule", round_id=round_id))


@bp.route("/rounds/<int:round_id>/schedule.pdf")
@role_required(Role.ADMIN)
def schedule_pdf(round_id: int):
    round_ = get_or_404(Round, round_id)
    found = schedules.schedule_of(round_)
    if found is None:
        return redirect(url_for("judging.schedule", round_id=round_id))
    buffer = io.BytesIO()
    write_schedule_pdf(found, buffer)
    buffer.seek(0)
    response = send_file(buffer, mimetype="application/pdf", as_attachment=True,
                         download_name=f"jadwal-presentasi-{round_.event.slug}-{round_.position}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/schedule")
@role_required(Role.OPERATOR)
def my_schedule():
    user = current()
    return render_template("judging/my_schedule.html", slots=schedules.slots_of_opd(user.opd_id),
                           change_note=schedules.change_note)


@bp.route("/schedule/seen", methods=["POST"])
@role_required(Role.OPERATOR)
def schedule_seen():
    user = current()
    attempt(lambda: schedules.acknowledge(schedules.unseen_changes(user.opd_id), by=user),
            success=_("Perubahan jadwal ditandai sudah dibaca."))
    return redirect(url_for("judging.my_schedule"))
