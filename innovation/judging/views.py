"""Judging views: the judge's queue and score sheet, and the admin's rounds, selection, panels,
assignments, progress and advancement. Each view parses, checks permission, calls one service,
commits once, flashes and redirects (or renders).
"""
from __future__ import annotations

from dataclasses import dataclass
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

from innovation.auth.models import Role, User
from innovation.auth.permissions import ensure, role_required
from innovation.events.models import Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Evidence
from innovation.innovations.services import (
    EvidenceRow,
    assess_values,
    claims_by_id,
    current_evidence_rows,
    profile_values,
)
from innovation.judging import scoring, services
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    Round,
    RoundEntry,
    RoundEntryStatus,
    RoundKind,
)
from innovation.judging.queue import queue_page
from innovation.storage.responses import stored_file_response
from innovation.timeutil import humanize_delta

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


@dataclass(frozen=True)
class EvidenceItem:
    """One evidence item as the scoring page lists it (plain values: about 40 per entry)."""

    label: str
    name: str  # the file's name, or a neutral one in a blind round
    is_file: bool
    inline: bool  # PDF or image: shown in the page
    pdf: bool
    view: str  # the file in the page / a new tab
    download: str
    url: str | None  # a link's address
    title: str


def evidence_items(round_entry: RoundEntry, rows: list[EvidenceRow], blind: bool) -> list[EvidenceItem]:
    """The list built once in Python: one url_for and two translations for the whole list, not three
    url_for and a translation per item (they cost more than the rest of the page's evidence)."""
    base = url_for("judging.evidence_file", round_entry_id=round_entry.id, evidence_id=0)[:-1]
    indicator, profile, link = _("Indikator %(n)s"), _("Profil"), _("tautan")
    out = []
    for row in rows:
        label = indicator % {"n": row.indicator_no} if row.indicator_no else profile
        if not row.is_file:
            out.append(EvidenceItem(label, "", False, False, False, "", "", row.url, row.title or link))
            continue
        inline = row.is_inline_viewable
        name = neutral_evidence_name(row.id, row.indicator_no, row.profile_slot, row.file_extension) if blind \
            else row.file_name
        out.append(EvidenceItem(label, name, True, inline, row.file_extension == "pdf",
                                f"{base}{row.id}?inline={1 if inline else 0}", f"{base}{row.id}", None, ""))
    return out


def _scoring_context(round_entry: RoundEntry, assignment: Assignment | None):
    """The score page's data. The innovation's answers and evidence are read as plain rows (two
    statements, no ORM objects): they are only shown here, and building ~60 objects per view cost
    more than the rest of the data."""
    innovation = round_entry.entry.innovation
    evidence = current_evidence_rows(innovation.id)
    claims = claims_by_id(innovation.id)
    evidence_nos = {row.indicator_no for row in evidence if row.indicator_no is not None}
    return {
        "evidence_items": evidence_items(round_entry, evidence, round_entry.round.blind),
        "round_entry": round_entry, "round": round_entry.round, "entry": round_entry.entry,
        "innovation": innovation,
        "assessment": assess_values(innovation.rules, profile_values(innovation), claims, evidence_nos),
        "rules": innovation.rules, "assignment": assignment,
        "sheet": assignment.sheet if assignment else None,
        "rubric": round_entry.round.rubric, "blind": round_entry.round.blind,
    }


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
    typed = None
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
            context = _scoring_context(round_entry, round_entry.active_assignment_for(user))
            return render_template("judging/score.html", typed=typed, **context), 422
        db.session.commit()
        flash(_("Nilai terkirim. Anda masih dapat mengubahnya sampai babak ditutup.") if submit
              else _("Draf nilai tersimpan."), "success")
        return redirect(url_for("judging.score", round_entry_id=round_entry.id))
    return render_template("judging/score.html", typed=typed, **_scoring_context(round_entry, assignment))


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


def neutral_evidence_name(evidence_id: int, indicator_no: int | None, profile_slot: str | None,
                          extension: str | None) -> str:
    """A file's name in a blind round: no OPD or operator names leak through it."""
    where = f"indikator-{indicator_no}" if indicator_no is not None else (profile_slot or "profil")
    return f"bukti-{where}-{evidence_id}.{extension or 'tautan'}"


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
