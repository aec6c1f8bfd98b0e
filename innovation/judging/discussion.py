"""The discussion phase, after a round closes (HotCRP's model): judges who submitted an entry's sheet see
the other judges' scores and comments on it, talk in a thread, and may revise their submitted sheet with
a written reason; the chair sees the entries in order of disagreement. Plain operations: they flush,
log, and never commit.

- The chair opens the phase once the round has closed (before, a judge could read the others' scores
  and then quietly change their own through the score sheet), and closes it again; a published round
  keeps its figures (``policy.require_unpublished``).
- Who may read and write an entry's discussion: ``policy.may_discuss``.
- A revision: every criterion scored, at least one value changed, a reason of ``policy.REASON_MIN``
  characters or more. It is kept (``ScoreRevision``: before, after, totals, reason), audit-logged, marks
  the round's results changed, and is listed in the results export.
- Disagreement: the sample standard deviation of the entry's submitted totals, then their range
  (``statistics.spread``, the figures the results already show).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.concurrency import claim
from innovation.events.models import Event
from innovation.extensions import db, utcnow
from innovation.judging import policy, sheets
from innovation.judging.discussion_models import DiscussionComment, DiscussionPhase, ScoreRevision
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    AssignmentStatus,
    Round,
    RoundEntry,
    Score,
    ScoreSheet,
    SheetStatus,
)
from innovation.judging.results_cache import mark_changed
from innovation.judging.statistics import spread

BODY_MAX = 5000


# --- reading ------------------------------------------------------------------------------------


def phase_of(round_: Round) -> DiscussionPhase | None:
    return db.session.scalar(select(DiscussionPhase).where(DiscussionPhase.round_id == round_.id))


def is_open(round_: Round) -> bool:
    phase = phase_of(round_)
    return phase is not None and phase.is_open


def may_discuss(user: User, round_entry: RoundEntry) -> bool:
    return policy.may_discuss(user, round_entry, phase_open=is_open(round_entry.round))


def submitted_sheets(round_entry: RoundEntry) -> list[ScoreSheet]:
    """The entry's submitted sheets of active assignments, by judge name."""
    return list(db.session.scalars(
        select(ScoreSheet).join(ScoreSheet.assignment)
        .where(Assignment.round_entry_id == round_entry.id, Assignment.status == AssignmentStatus.ACTIVE,
               ScoreSheet.status == SheetStatus.SUBMITTED)
        .options(selectinload(ScoreSheet.scores)).order_by(ScoreSheet.id)))


def thread(round_entry: RoundEntry) -> list[DiscussionComment]:
    return list(db.session.scalars(select(DiscussionComment).where(DiscussionComment.round_entry_id == round_entry.id)
                                   .order_by(DiscussionComment.created_at, DiscussionComment.id)))


def revisions_of(round_entry: RoundEntry) -> list[ScoreRevision]:
    return list(db.session.scalars(
        select(ScoreRevision).join(ScoreRevision.sheet).join(ScoreSheet.assignment)
        .where(Assignment.round_entry_id == round_entry.id).order_by(ScoreRevision.revised_at, ScoreRevision.id)))


@dataclass(frozen=True)
class Disagreement:
    round_entry: RoundEntry
    totals: list[Decimal]
    sd: float | None
    range: float | None
    comments: int
    revisions: int


def by_disagreement(round_: Round) -> list[Disagreement]:
    """The round's entries, most disputed first (SD of submitted totals, then range; unscored last)."""
    entries = list(db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == round_.id)))
    totals: dict[int, list[Decimal]] = {}
    for round_entry_id, total in db.session.execute(
            select(Assignment.round_entry_id, ScoreSheet.total).join(ScoreSheet.assignment)
            .join(Assignment.round_entry)
            .where(RoundEntry.round_id == round_.id, Assignment.status == AssignmentStatus.ACTIVE,
                   ScoreSheet.status == SheetStatus.SUBMITTED, ScoreSheet.total.is_not(None))):
        totals.setdefault(round_entry_id, []).append(Decimal(total))
    comments = dict(db.session.execute(
        select(DiscussionComment.round_entry_id, func.count()).join(DiscussionComment.round_entry)
        .where(RoundEntry.round_id == round_.id).group_by(DiscussionComment.round_entry_id)).all())
    revisions = dict(db.session.execute(
        select(Assignment.round_entry_id, func.count()).select_from(ScoreRevision).join(ScoreRevision.sheet)
        .join(ScoreSheet.assignment).join(Assignment.round_entry).where(RoundEntry.round_id == round_.id)
        .group_by(Assignment.round_entry_id)).all())
    rows = []
    for round_entry in entries:
        values = totals.get(round_entry.id, [])
        sd, range_ = spread(values)
        rows.append(Disagreement(round_entry, values, sd, range_, comments.get(round_entry.id, 0),
                                 revisions.get(round_entry.id, 0)))
    return sorted(rows, key=lambda d: (d.sd is None, -(d.sd or 0), -(d.range or 0), d.round_entry.id))


def judge_entries(user: User) -> list[RoundEntry]:
    """The entries the judge may discuss now: open phases, their own sheet submitted."""
    return list(db.session.scalars(
        select(RoundEntry).join(Assignment, Assignment.round_entry_id == RoundEntry.id)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(DiscussionPhase, DiscussionPhase.round_id == RoundEntry.round_id)
        .where(Assignment.judge_id == user.id, Assignment.status == AssignmentStatus.ACTIVE,
               ScoreSheet.status == SheetStatus.SUBMITTED, DiscussionPhase.closed_at.is_(None))
        .order_by(RoundEntry.round_id, RoundEntry.id)))


def revision_rows(event: Event) -> list[list[Any]]:
    """Every revision of the event's sheets, for the results export (oldest first)."""
    rows = []
    for revision in db.session.scalars(
            select(ScoreRevision).join(ScoreRevision.sheet).join(ScoreSheet.assignment)
            .join(Assignment.round_entry).join(RoundEntry.round).where(Round.event_id == event.id)
            .order_by(ScoreRevision.revised_at, ScoreRevision.id)):
        round_entry = revision.sheet.assignment.round_entry
        changed = ", ".join(f"{code}: {revision.before.get(code) or '-'} -> {value or '-'}"
                            for code, value in revision.after.items() if revision.before.get(code) != value)
        rows.append([round_entry.round.name, round_entry.entry.innovation.nama, round_entry.entry.opd.name,
                     revision.judge.full_name if revision.judge else "", revision.revised_at.isoformat(),
                     None if revision.total_before is None else float(revision.total_before),
                     None if revision.total_after is None else float(revision.total_after), changed,
                     revision.reason])
    return rows


# --- the chair ----------------------------------------------------------------------------------


def open_discussion(round_: Round, *, by: User) -> DiscussionPhase:
    policy.require_unpublished(round_, _("diskusi penilaian"))
    if round_.rubric is None:
        raise JudgingError(_("Babak ini tidak dinilai dengan rubrik."))
    if not round_.is_closed():
        raise JudgingError(_("Diskusi dibuka setelah babak ditutup, agar tidak ada juri yang mengubah nilai "
                             "diam-diam setelah melihat nilai juri lain."))
    phase = phase_of(round_)
    if phase is not None and phase.is_open:
        raise JudgingError(_("Diskusi babak ini sudah dibuka."))
    if phase is None:
        phase = DiscussionPhase(round=round_)
        db.session.add(phase)
    phase.opened_at, phase.opened_by_id, phase.closed_at = utcnow(), by.id, None
    db.session.flush()
    record("discussion.open", actor=by, obj=round_, summary=say("Diskusi penilaian %(round)s dibuka", round=round_.name))
    return phase


def close_discussion(round_: Round, *, by: User) -> DiscussionPhase:
    phase = phase_of(round_)
    if phase is None or not phase.is_open:
        raise JudgingError(_("Diskusi babak ini tidak sedang dibuka."))
    phase.closed_at = utcnow()
    db.session.flush()
    record("discussion.close", actor=by, obj=round_, summary=say("Diskusi penilaian %(round)s ditutup", round=round_.name))
    return phase


# --- the judges ---------------------------------------------------------------------------------


def post_comment(round_entry: RoundEntry, body: str, *, by: User) -> DiscussionComment:
    if not may_discuss(by, round_entry):
        raise JudgingError(_("Anda belum dapat ikut diskusi entri ini."))
    text = (body or "").strip()
    if not text:
        raise JudgingError(_("Tulis pesan Anda."), "body")
    if len(text) > BODY_MAX:
        raise JudgingError(_("Pesan paling panjang %(n)d karakter.", n=BODY_MAX), "body")
    comment = DiscussionComment(round_entry=round_entry, author_id=by.id, body=text)
    db.session.add(comment)
    db.session.flush()
    record("discussion.comment", actor=by, obj=comment, object_type="discussion_comment",
           summary=say("%(judge)s menulis di diskusi %(innovation)s", judge=by.full_name,
                       innovation=round_entry.entry.innovation.nama))
    return comment


def revise(assignment: Assignment | None, values: dict[int, Any], reason: str, *, by: User,
           version: object = None) -> ScoreRevision:
    """Change a submitted sheet during the discussion, with the reason kept beside the old values."""
    if assignment is None or assignment.judge_id != by.id or assignment.status != AssignmentStatus.ACTIVE:
        raise JudgingError(_("Anda tidak ditugaskan menilai entri ini."))
    round_entry = assignment.round_entry
    round_ = round_entry.round
    if not may_discuss(by, round_entry):
        raise JudgingError(_("Nilai terkirim hanya dapat direvisi selama diskusi penilaian dibuka."))
    policy.require_unpublished(round_, _("nilai juri"))
    sheet = assignment.sheet
    rubric = round_.rubric
    parsed = {c.id: sheets.parse_value(values.get(c.id), rubric, c.title) for c in rubric.criteria}
    missing = [c.title for c in rubric.criteria if parsed[c.id] is None]
    if missing:
        raise JudgingError(_("Isi nilai semua kriteria: %(c)s.", c=", ".join(missing)), "score")
    before = {c.code: _text(sheet.score_for(c.id).value if sheet.score_for(c.id) else None) for c in rubric.criteria}
    after = {c.code: _text(parsed[c.id]) for c in rubric.criteria}
    if before == after:
        raise JudgingError(_("Tidak ada nilai yang berubah."), "score")
    why = policy.require_reason(reason, _("revisi nilai"))
    claim(sheet, version, required=version is not None)
    total_before = sheet.total
    existing = {s.criterion_id: s for s in sheet.scores}
    for criterion in rubric.criteria:
        score = existing.get(criterion.id)
        if score is None:
            score = Score(criterion_id=criterion.id, value=None, comment="")
            sheet.scores.append(score)
        score.value = parsed[criterion.id]
    sheet.updated_at = utcnow()
    db.session.flush()
    sheets.refresh_total(sheet, rubric)
    sheet.acknowledged_total = sheet.total
    revision = ScoreRevision(sheet=sheet, judge_id=by.id, reason=why, before=before, after=after,
                             total_before=total_before, total_after=sheet.total)
    db.session.add(revision)
    db.session.flush()
    entry = round_entry.entry
    record("discussion.revise", actor=by, obj=sheet, opd_id=entry.opd_id,
           changes={code: [before[code], after[code]] for code in after if before[code] != after[code]}
           | {"alasan": [None, why]},
           summary=say("%(judge)s merevisi nilainya untuk %(innovation)s (%(round)s): %(reason)s", judge=by.full_name,
                       innovation=entry.innovation.nama, round=round_.name, reason=why[:300]))
    mark_changed(round_)
    return revision


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(sheets.TWO_PLACES))
