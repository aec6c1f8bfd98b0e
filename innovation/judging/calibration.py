"""Optional calibration before a round opens: the chair picks one of the round's entries as a sample, the
panel's judges score it for practice, and the chair sees each judge's deviation from the rest of the panel
with the measure the results use (``statistics.judge_deviations``: the judge's total minus the mean of
the other judges' totals; beyond +-10 % of the scale's range "lebih keras" / "lebih murah"), per
criterion too, so they can talk before real scoring. Practice scores never count in results and are
kept apart from score sheets. Plain operations: they flush, log, and never commit.

With one sample, a judge's deviation is that entry's alone; the flag uses the results' threshold
(``statistics.JUDGE_FLAG_SHARE``) without the results' two-entry minimum, since one entry is the point.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.judging import panels, policy, sheets, totals
from innovation.judging.calibration_models import CalibrationSample, CalibrationScore
from innovation.judging.errors import JudgingError
from innovation.judging.models import Round, RoundEntry
from innovation.judging.statistics import JUDGE_FLAG_SHARE, Sheet, judge_deviations

NOTE_MAX = 2000


def sample_of(round_: Round) -> CalibrationSample | None:
    return db.session.scalar(select(CalibrationSample).where(CalibrationSample.round_id == round_.id))


def is_panel_judge(user: User, round_: Round) -> bool:
    return policy.can_judge(user) and any(m.judge_id == user.id for m in panels.panel_of(round_))


def calibration_refusal(user: User, round_: Round, now: datetime | None = None) -> str | None:
    """Why ``user`` may not score the sample now, or None: a judge on the round's panel, not conflicted
    with the sample, before the round opens."""
    sample = sample_of(round_)
    if sample is None:
        return _("Babak ini tidak memakai kalibrasi.")
    if not is_panel_judge(user, round_):
        return _("Anda bukan juri babak ini.")
    if policy.is_conflicted(user, sample.round_entry):
        return _("Entri contoh berasal dari unit kerja Anda; Anda tidak ikut kalibrasi ini.")
    if (now or utcnow()) >= round_.opens_at:
        return _("Kalibrasi hanya sebelum penilaian dibuka.")
    return None


def judge_samples(user: User, now: datetime | None = None) -> list[CalibrationSample]:
    """The samples the judge may score now (rounds not yet open, the judge on their panel)."""
    now = now or utcnow()
    found = db.session.scalars(select(CalibrationSample).join(CalibrationSample.round).where(Round.opens_at > now))
    return [s for s in found if calibration_refusal(user, s.round, now) is None]


def set_sample(round_: Round, round_entry: RoundEntry, note: str, *, by: User) -> CalibrationSample:
    if round_.rubric is None:
        raise JudgingError(_("Babak ini tidak dinilai dengan rubrik."))
    if round_entry.round_id != round_.id:
        raise JudgingError(_("Pilih entri dari babak ini."), "round_entry_id")
    if utcnow() >= round_.opens_at:
        raise JudgingError(_("Kalibrasi hanya sebelum penilaian dibuka."))
    sample = sample_of(round_)
    if sample is not None and sample.scores and sample.round_entry_id != round_entry.id:
        raise JudgingError(_("Sudah ada nilai kalibrasi untuk entri contoh ini; hapus kalibrasi dulu untuk "
                             "memilih entri lain."))
    if sample is None:
        sample = CalibrationSample(round=round_, round_entry=round_entry, created_by_id=by.id)
        db.session.add(sample)
    sample.round_entry = round_entry
    sample.note = (note or "").strip()[:NOTE_MAX]
    db.session.flush()
    record("calibration.sample", actor=by, obj=round_,
           summary=say("Entri contoh kalibrasi %(round)s: %(innovation)s", round=round_.name,
                       innovation=round_entry.entry.innovation.nama))
    return sample


def remove_sample(round_: Round, *, by: User) -> None:
    sample = sample_of(round_)
    if sample is None:
        raise JudgingError(_("Babak ini tidak memakai kalibrasi."))
    db.session.delete(sample)
    db.session.flush()
    record("calibration.remove", actor=by, obj=round_, summary=say("Kalibrasi %(round)s dihapus", round=round_.name))


def save_practice(round_: Round, values: dict[int, Any], comment: str, *, by: User) -> CalibrationScore:
    """The judge's practice scores on the sample (every criterion), replacing their earlier ones."""
    refusal = calibration_refusal(by, round_)
    if refusal is not None:
        raise JudgingError(refusal)
    sample = sample_of(round_)
    rubric = round_.rubric
    parsed = {c.id: sheets.parse_value(values.get(c.id), rubric, c.title) for c in rubric.criteria}
    missing = [c.title for c in rubric.criteria if parsed[c.id] is None]
    if missing:
        raise JudgingError(_("Isi nilai semua kriteria: %(c)s.", c=", ".join(missing)), "score")
    total = totals.weighted_total(parsed, {c.id: c.weight for c in rubric.criteria if not c.independent})
    score = next((s for s in sample.scores if s.judge_id == by.id), None)
    if score is None:
        score = CalibrationScore(sample=sample, judge_id=by.id, values={})
        db.session.add(score)
    score.values = {str(k): str(v) for k, v in parsed.items()}
    score.total, score.comment, score.submitted_at = total, (comment or "").strip()[:5000], utcnow()
    db.session.flush()
    record("calibration.score", actor=by, obj=round_,
           summary=say("%(judge)s mengisi nilai kalibrasi %(round)s", judge=by.full_name, round=round_.name),
           changes={"total": [None, total]})
    return score


@dataclass(frozen=True)
class JudgeCalibration:
    judge: User
    total: Decimal
    deviation: float | None  # total minus the others' mean (negative: harsher)
    flag: str | None  # "lebih keras" / "lebih murah" / None
    criteria: dict[int, float | None]  # criterion id -> value minus the others' mean on it


def deviations(sample: CalibrationSample) -> list[JudgeCalibration]:
    """Each judge's deviation from the rest of the panel on the sample, harshest first."""
    rubric = sample.round.rubric
    scored = [s for s in sample.scores if s.total is not None]
    found = judge_deviations([Sheet(sample.round_entry_id, s.judge_id, s.total) for s in scored],
                             (rubric.scale_min, rubric.scale_max))
    threshold = float((Decimal(rubric.scale_max) - Decimal(rubric.scale_min)) * JUDGE_FLAG_SHARE)
    rows = []
    for score in scored:
        deviation = found[score.judge_id].mean_deviation if score.judge_id in found else None
        flag = None
        if deviation is not None and deviation < -threshold:
            flag = "lebih keras"
        elif deviation is not None and deviation > threshold:
            flag = "lebih murah"
        per_criterion = {}
        for criterion in rubric.criteria:
            others = [float(s.values[str(criterion.id)]) for s in scored
                      if s.judge_id != score.judge_id and str(criterion.id) in s.values]
            own = score.values.get(str(criterion.id))
            per_criterion[criterion.id] = (float(own) - sum(others) / len(others)) if others and own else None
        rows.append(JudgeCalibration(score.judge, Decimal(score.total), deviation, flag, per_criterion))
    return sorted(rows, key=lambda r: (r.deviation is None, r.deviation or 0, r.judge.full_name))
