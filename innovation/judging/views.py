"""Judging views: the judge's queue and score sheet, and the admin's rounds, selection, panels,
assignments, progress and advancement. Each view parses, checks permission, calls one service,
commits once, flashes and redirects (or renders).
"""
from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from innovation.auth.models import User
from innovation.events.models import Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Evidence
from innovation.judging import scoring, services
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Round,
    RoundEntry,
    RoundEntryStatus,
    RoundKind,
)
from innovation.judging.queue import queue_page
from innovation.judging.score_page import neutral_evidence_name, score_page_context
from innovation.storage.responses import stored_file_response
from innovation.timeutil import humanize_delta
from innovation.web import Role, ensure, role_required

bp = Blueprint("judging", __name__, url_prefix="/judging")

ADMIN = (Role.ADMIN,)
MAX_ID = 2**31 - 1

SHEET_LABELS = {"todo": _l("belum dinilai"), "draft": _l("draf"), "submitted": _l("terkirim")}
SHEET_BADGES = {"todo": "bad", "draft": "warn", "submitted": "ok"}
ROUND_ENTRY_LABELS = {
    RoundEntryStatus.PENDING: _l("menunggu"),
    RoundEntryStatus.PASSED: _l("lolos"),
    RoundEntryStatus.FAILED: _l("tidak lolos"),
    RoundEntryStatus.ADVANCED: _l("lanjut"),
    RoundEntryStatus.ELIMINATED: _l("gugur"),
}
ROUND_ENTRY_BADGES = {
    RoundEntryStatus.PENDING: "", RoundEntryStatus.PASSED: "ok", RoundEntryStatus.FAILED: "bad",
    RoundEntryStatus.ADVANCED: "ok", RoundEntryStatus.ELIMINATED: "bad",
}
KIND_LABELS = {
    RoundKind.ADMINISTRASI: _l("Seleksi administrasi"),
    RoundKind.PENILAIAN: _l("Penilaian"),
    RoundKind.FINAL: _l("Final"),
}


@bp.context_processor
def _helpers():
    def time_left(until: datetime) -> str:
        return humanize_delta(until - utcnow(), str(get_locale()))

    return {
        "time_left": time_left, "sheet_labels": SHEET_LABELS, "sheet_badges": SHEET_BADGES,
        "round_entry_labels": ROUND_ENTRY_LABELS, "round_entry_badges": ROUND_ENTRY_BADGES,
        "kind_labels": KIND_LABELS, "sheet_state": services.sheet_state, "now": utcnow(),
    }


# --- helpers ---------------------------------------------------------------------------------

def _user() -> User:
    return current_user._get_current_object()


def _get_or_404(model, ident: int | None):
    if ident is None or not (0 < ident <= MAX_ID):
        abort(404)
    return db.get_or_404(model, ident)


def _event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def _round_entry_of(round_: Round, round_entry_id) -> RoundEntry:
    try:
        ident = int(round_entry_id)
    except (TypeError, ValueError):
        abort(400)
    round_entry = _get_or_404(RoundEntry, ident)
    if round_entry.round_id != round_.id:
        abort(404)
    return round_entry


def _int_arg(name: str, default: int = 0, source=None) -> int:
    raw = (source or request.form).get(name, "")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if 0 <= value <= MAX_ID else default


def _fail(error: JudgingError) -> None:
    db.session.rollback()
    flash(str(error), "error")


def _round_page(round_: Round):
    return redirect(url_for("judging.round_detail", round_id=round_.id))


# --- the judge: queue, score sheet, evidence, recusal ----------------------------------------

@bp.route("/")
@role_required(Role.JUDGE, Role.ADMIN)
def queue():
    user = _user()
    if user.role == Role.ADMIN:
        events = db.paginate(select(Event).order_by(Event.opens_at.desc()),
                             per_page=current_app.config.get("PER_PAGE", 25), error_out=False)
        return render_template("judging/admin_index.html", page=events)
    archive = request.args.get("arsip") == "1"
    page = queue_page(user, request.args.get("page", 1, type=int) or 1, current_app.config.get("PER_PAGE", 25),
                      archive=archive)
    return render_template("judging/queue.html", page=page, archive=archive)


@bp.route("/entries/<int:round_entry_id>", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def score(round_entry_id: int):
    if not (0 < round_entry_id <= MAX_ID):
        abort(404)
    round_entry = services.round_entry_for_judging(round_entry_id)
    if round_entry is None:
        abort(404)
    user = _user()
    ensure(round_entry.can_view(user))
    assignment = round_entry.active_assignment_for(user)
    if round_entry.round.rubric is None:
        abort(404)
    if request.method == "POST":
        submit = request.form.get("action") == "submit"
        criteria = round_entry.round.rubric.criteria
        values = {c.id: request.form.get(f"score-{c.id}", "") for c in criteria}
        comments = {c.id: request.form.get(f"comment-{c.id}", "") for c in criteria}
        try:
            scoring.save_sheet(assignment, values, comments, request.form.get("overall_comment", ""),
                               submit=submit, by=user)
        except JudgingError as error:
            _fail(error)
            typed = {"scores": values, "comments": comments, "overall": request.form.get("overall_comment", "")}
            context = score_page_context(round_entry, round_entry.active_assignment_for(user), typed)
            return render_template("judging/score.html", **context), 422
        db.session.commit()
        flash(_("Nilai terkirim. Anda masih dapat mengubahnya sampai babak ditutup.") if submit
              else _("Draf nilai tersimpan."), "success")
        return redirect(url_for("judging.score", round_entry_id=round_entry.id))
    return render_template("judging/score.html", **score_page_context(round_entry, assignment))


@bp.route("/entries/<int:round_entry_id>/evidence/<int:evidence_id>")
@role_required(Role.JUDGE, Role.ADMIN)
def evidence_file(round_entry_id: int, evidence_id: int):
    """An evidence file of an entry the judge may view (assigned, not conflicted), streamed.

    In a blind round the file is named neutrally (no OPD or operator names leak through it).
    """
    round_entry = _get_or_404(RoundEntry, round_entry_id)
    ensure(round_entry.can_view(_user()))
    item = _get_or_404(Evidence, evidence_id)
    if item.innovation_id != round_entry.entry.innovation_id or item.file is None:
        abort(404)
    name = neutral_evidence_name(item.id, item.indicator_no, item.profile_slot, item.file.extension) \
        if round_entry.round.blind else item.file.original_name
    return stored_file_response(item.file, name, what=f"evidence {item.id}", inline=request.args.get("inline") == "1")


@bp.route("/entries/<int:round_entry_id>/recuse", methods=["POST"])
@role_required(Role.JUDGE)
def recuse(round_entry_id: int):
    round_entry = _get_or_404(RoundEntry, round_entry_id)
    user = _user()
    ensure(round_entry.can_view(user))
    try:
        services.recuse(round_entry.active_assignment_for(user), request.form.get("reason", ""), by=user)
    except JudgingError as error:
        _fail(error)
        return redirect(url_for("judging.score", round_entry_id=round_entry.id) + "#recuse")
    db.session.commit()
    flash(_("Konflik kepentingan dicatat. Entri ini dikeluarkan dari antrean Anda; admin akan menugaskan juri lain."),
          "success")
    return redirect(url_for("judging.queue"))


from innovation.judging import admin_views, results_views  # noqa: E402,F401  (more routes on this blueprint)
