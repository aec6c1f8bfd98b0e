"""Score sheets: save a draft, submit, edit until the round closes. Exact Decimals, one score per
judge, entry and criterion; submitting the same values twice changes nothing. Who may score is
``policy.scoring_refusal`` (the one may-score rule).

A save carries the sheet's edit version the form was loaded from (``concurrency.claim``): a second tab
of the same judge cannot silently overwrite the first tab's save. Every save sets the total the judge
has seen (``ScoreSheet.acknowledged_total``); a weight change moving it later shows a notice until
the judge acknowledges it (``acknowledge_total``).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.concurrency import claim
from innovation.extensions import db, utcnow
from innovation.judging import policy, totals
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    Rubric,
    Score,
    ScoreSheet,
    SheetStatus,
)
from innovation.judging.results_cache import mark_changed

TWO_PLACES = Decimal("0.01")


def sheet_state(assignment: Assignment) -> str:
    """'todo' (belum dinilai), 'draft', or 'submitted'."""
    if assignment.sheet is None:
        return "todo"
    return "submitted" if assignment.sheet.status == SheetStatus.SUBMITTED else "draft"


def refresh_total(sheet: ScoreSheet, rubric: Rubric) -> Decimal | None:
    values = {s.criterion_id: s.value for s in sheet.scores}
    sheet.total = totals.weighted_total(values, {c.id: c.weight for c in rubric.criteria if not c.independent})
    return sheet.total


def parse_value(raw: Any, rubric: Rubric, title: str) -> Decimal | None:
    """A typed score: empty -> None; else a number within the scale, at most two decimals."""
    text = ("" if raw is None else str(raw)).strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise JudgingError(_("Nilai %(c)s harus berupa angka.", c=title), "score") from None
    if not value.is_finite() or not rubric.scale_min <= value <= rubric.scale_max:
        raise JudgingError(_("Nilai %(c)s harus antara %(lo)d dan %(hi)d.", c=title, lo=rubric.scale_min,
                             hi=rubric.scale_max), "score")
    if value != value.quantize(TWO_PLACES):
        raise JudgingError(_("Nilai %(c)s paling banyak dua angka desimal.", c=title), "score")
    return value.quantize(TWO_PLACES)


def save_sheet(
    assignment: Assignment,
    values: dict[int, Any],
    comments: dict[int, str],
    overall_comment: str,
    *,
    submit: bool,
    by: User,
    now: datetime | None = None,
    version: object = None,
) -> ScoreSheet:
    """Save the judge's sheet as a draft, or submit it (every criterion scored).

    Everything is checked before anything changes, so a bad value leaves the stored sheet as it was.
    A submitted sheet stays submitted: it can be changed (and re-submitted) until the round closes.
    ``version``: the sheet's edit version the form was loaded from ("" for a form loaded before the
    sheet existed); a change based on an older one is refused (``StaleEdit``). None (the demo, tests):
    the current version.
    """
    policy.require_may_score(assignment, by, now)
    now = now or utcnow()
    rubric = assignment.round_entry.round.rubric
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    locale = str(get_locale() or "id")  # the messages name the criteria as the judge's form does
    for criterion in rubric.criteria:
        value = parse_value(values.get(criterion.id), rubric, criterion.title_in(locale))
        comment = (comments.get(criterion.id) or "").strip()[:5000]
        parsed[criterion.id] = (value, comment)
    sheet = assignment.sheet
    if submit:
        missing = [c.title_in(locale) for c in rubric.criteria if parsed[c.id][0] is None]
        if missing:
            raise JudgingError(_("Isi nilai semua kriteria sebelum mengirim: %(c)s.", c=", ".join(missing)), "score")
    elif sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise JudgingError(_("Nilai ini sudah terkirim. Ubah lalu tekan \"Kirim nilai\" lagi untuk memperbaruinya."))
    if sheet is None:
        sheet = ScoreSheet(assignment=assignment, status=SheetStatus.DRAFT, overall_comment="")
        db.session.add(sheet)
    overall = (overall_comment or "").strip()[:10000]
    changes: dict[str, list[Any]] = {}
    existing = {s.criterion_id: s for s in sheet.scores}
    for criterion in rubric.criteria:
        value, comment = parsed[criterion.id]
        score = existing.get(criterion.id)
        if score is None:
            if value is None and not comment:
                continue
            score = Score(criterion_id=criterion.id, value=None, comment="")
            sheet.scores.append(score)
        old = None if score.value is None else Decimal(score.value)
        if old != value:
            changes[criterion.code] = [old, value]
        if score.comment != comment:
            changes[f"komentar {criterion.code}"] = ["…", "…"]
        score.value, score.comment = value, comment
    if sheet.overall_comment != overall:
        changes["komentar umum"] = ["…", "…"]
    sheet.overall_comment = overall
    newly_submitted = submit and sheet.status != SheetStatus.SUBMITTED
    if not changes and not newly_submitted and sheet.id is not None:
        return sheet  # the same values again: nothing changes, nothing is logged
    if sheet.id is not None:
        claim(sheet, version, required=version is not None)
    if newly_submitted:
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = now
    sheet.updated_at = now
    db.session.flush()
    refresh_total(sheet, rubric)
    sheet.acknowledged_total = sheet.total  # the page the judge returns to shows it
    db.session.flush()
    entry = assignment.round_entry.entry
    who = {"judge": by.full_name, "innovation": entry.innovation.nama, "round": assignment.round_entry.round.name}
    record("judging.score_submit" if submit else "judging.score_draft", actor=by, obj=sheet,
           opd_id=entry.opd_id, changes=changes or None,
           summary=(say("Nilai %(judge)s untuk %(innovation)s (%(round)s) dikirim", **who) if newly_submitted
                    else say("Nilai %(judge)s untuk %(innovation)s (%(round)s) diperbarui", **who) if submit
                    else say("Nilai %(judge)s untuk %(innovation)s (%(round)s) disimpan sebagai draf", **who)))
    if sheet.status == SheetStatus.SUBMITTED:  # the results read submitted sheets only: drafts do not bump
        mark_changed(assignment.round_entry.round)
    return sheet


def acknowledge_total(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The judge has seen that a weight change moved their submitted total: the notice goes."""
    if sheet.assignment.judge_id != by.id:
        raise JudgingError(_("Hanya juri pemilik lembar nilai ini yang dapat menandainya."))
    if not sheet.total_moved:
        return sheet
    old, new = sheet.acknowledged_total, sheet.total
    sheet.acknowledged_total = sheet.total
    db.session.flush()
    entry = sheet.assignment.round_entry.entry
    record("judging.total_change_seen", actor=by, object_type="score_sheet", object_id=sheet.id,
           opd_id=entry.opd_id, changes={"total": [old, new]},
           summary=say("%(judge)s melihat perubahan total nilainya untuk %(innovation)s: %(old)s -> %(new)s",
                       judge=by.full_name, innovation=entry.innovation.nama, old="-" if old is None else old,
                       new="-" if new is None else new))
    return sheet
