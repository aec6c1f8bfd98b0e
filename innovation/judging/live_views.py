"""The presentation day, live: the chair's console (now presenting, timer, next, the display link) and the
projector view opened from a display link (no login; it shows that view only). Operations: ``live``."""
from __future__ import annotations

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation.judging import live
from innovation.judging import schedule as schedules
from innovation.judging.blueprint import bp
from innovation.judging.models import Round
from innovation.judging.schedule_models import PresentationSchedule
from innovation.web import Role, attempt, current, get_or_404, int_arg, role_required

ACTIONS = {"start": live.start, "pause": live.pause, "stop": live.stop}


def _schedule_or_redirect(round_: Round) -> PresentationSchedule | None:
    found = schedules.schedule_of(round_)
    if found is None:
        flash(_("Buat jadwal presentasi babak ini dulu."), "error")
    return found


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/console")
@role_required(Role.ADMIN)
def console(round_id: int):
    round_ = get_or_404(Round, round_id)
    found = _schedule_or_redirect(round_)
    if found is None:
        return redirect(url_for("judging.schedule", round_id=round_id))
    return render_template("judging/console.html", round=round_, schedule=found, state=live.live_state(found))


@bp.route("/rounds/<int:round_id>/console/<action>", methods=["POST"])
@role_required(Role.ADMIN)
def console_action(round_id: int, action: str):
    if action not in (*ACTIONS, "next", "present"):
        abort(404)
    round_ = get_or_404(Round, round_id)
    found = _schedule_or_redirect(round_)
    if found is None:
        return redirect(url_for("judging.schedule", round_id=round_id))
    user = current()
    if action == "next":
        attempt(lambda: live.advance(found, by=user))
    elif action == "present":
        position = int_arg("position", 0, source=request.form)
        attempt(lambda: live.present(found, position, by=user))
    else:
        attempt(lambda: ACTIONS[action](found, by=user))
    return redirect(url_for("judging.console", round_id=round_id))


@bp.route("/rounds/<int:round_id>/live.json")
@role_required(Role.ADMIN)
def console_state(round_id: int):
    found = schedules.schedule_of(get_or_404(Round, round_id))
    if found is None:
        abort(404)
    return _no_store(jsonify(live.live_state(found)))


@bp.route("/rounds/<int:round_id>/display-link", methods=["POST"])
@role_required(Role.ADMIN)
def display_link(round_id: int):
    round_ = get_or_404(Round, round_id)
    found = _schedule_or_redirect(round_)
    if found is not None:
        made = attempt(lambda: live.create_display_link(found, by=current()))
        if made:
            flash(_("Tautan layar proyektor (salin sekarang; tautan ini hanya ditampilkan sekali, dan tautan "
                    "sebelumnya tidak berlaku lagi): %(url)s",
                    url=url_for("judging.display", token=made.value, _external=True)), "success")
    return redirect(url_for("judging.console", round_id=round_id))


@bp.route("/rounds/<int:round_id>/display-link/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def display_revoke(round_id: int):
    round_ = get_or_404(Round, round_id)
    found = _schedule_or_redirect(round_)
    if found is not None:
        attempt(lambda: live.revoke_display_link(found, by=current()),
                success=_("Tautan layar proyektor dicabut; layar yang memakainya berhenti diperbarui."))
    return redirect(url_for("judging.console", round_id=round_id))


def _display_schedule(token: str) -> PresentationSchedule:
    found = live.schedule_for_display(token)
    if found is None:
        abort(404)
    return found


@bp.route("/display/<token>")
def display(token: str):
    """The projector view (no login: the display link is the key, and it opens this view only)."""
    found = _display_schedule(token)
    response = make_response(render_template("judging/display.html", schedule=found, state=live.live_state(found),
                                              token=token))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return _no_store(response)


@bp.route("/display/<token>/state.json")
def display_state(token: str):
    response = jsonify(live.live_state(_display_schedule(token)))
    response.headers["Referrer-Policy"] = "no-referrer"
    return _no_store(response)
