"""Who judges what: assigning judges to a round's entries by hand or automatically, taking an
assignment back, a judge's recusal and the admin's answer to it. The automatic plan itself is the pure
``assignment_plan``; conflicts of interest and who may judge are ``policy``'s.

A judge who recused from an entry is never assigned it again, in any round of the event (an entry
belongs to one event): manual assignment refuses with their reason, the select does not offer them,
and the automatic plan treats the pair as blocked (``recusals``). Nothing changes while the round's
result is published (``policy.require_unpublished``).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.extensions import db
from innovation.judging import assignment_plan, policy
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    AssignmentStatus,
    PanelMember,
    Round,
    RoundEntry,
    RoundEntryStatus,
)
from innovation.judging.panels import panel_of
from innovation.judging.results_cache import mark_changed
from innovation.judging.rounds import round_entries


def round_assignments(round_: Round) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id).options(selectinload(Assignment.sheet))
        .order_by(Assignment.round_entry_id, Assignment.judge_id)
    ).unique())


def _assignable(round_entry: RoundEntry) -> bool:
    return round_entry.status in (RoundEntryStatus.PENDING, RoundEntryStatus.PASSED)


def recusals(entry_ids: Iterable[int]) -> dict[tuple[int, int], tuple[str, str]]:
    """(entry id, judge id) -> (round name, reason) of every recusal from these entries, in any round
    (one statement; the latest recusal of a pair wins)."""
    entry_ids = set(entry_ids)
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(RoundEntry.entry_id, Assignment.judge_id, Round.name, Assignment.recusal_reason)
        .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .join(Round, RoundEntry.round_id == Round.id)
        .where(RoundEntry.entry_id.in_(entry_ids), Assignment.status == AssignmentStatus.RECUSED)
        .order_by(Assignment.updated_at, Assignment.id)
    )
    return {(entry_id, judge_id): (name, reason or "") for entry_id, judge_id, name, reason in rows}

def assign_judge(round_entry: RoundEntry, judge: User, *, by: User) -> Assignment:
    """Manual assignment. Conflicts (the judge's OPD family) are refused; the judge joins the panel."""
    round_ = round_entry.round
    if not round_.is_scored:
        raise JudgingError(_("Seleksi administrasi diputuskan admin; tidak ada juri yang ditugaskan."))
    policy.require_unpublished(round_, _("penugasan juri"))
    if not policy.can_judge(judge):
        raise JudgingError(_("Hanya akun juri yang aktif yang dapat ditugaskan."))
    if policy.is_conflicted(judge, round_entry):
        raise JudgingError(_("%(name)s bekerja di OPD peserta ini (atau induk/bawahannya): konflik kepentingan.",
                             name=judge.full_name))
    if not _assignable(round_entry):
        raise JudgingError(_("Entri ini sudah diputuskan di babak ini."))
    recused = recusals([round_entry.entry_id]).get((round_entry.entry_id, judge.id))
    if recused is not None:
        raise JudgingError(_("%(name)s sudah menyatakan konflik kepentingan pada entri ini di babak %(round)s: "
                             "\u201c%(reason)s\u201d. Juri yang menyatakan konflik tidak ditugaskan lagi pada entri "
                             "yang sama.", name=judge.full_name, round=recused[0], reason=recused[1]))
    existing = db.session.scalar(select(Assignment).where(Assignment.round_entry_id == round_entry.id,
                                                          Assignment.judge_id == judge.id))
    if existing is not None:
        if existing.status == AssignmentStatus.ACTIVE:
            raise JudgingError(_("%(name)s sudah ditugaskan pada entri ini.", name=judge.full_name))
        if existing.status == AssignmentStatus.RECUSED:
            raise JudgingError(_("%(name)s sudah menyatakan konflik kepentingan pada entri ini.", name=judge.full_name))
        existing.status = AssignmentStatus.ACTIVE
        assignment = existing
    else:
        assignment = Assignment(round_entry=round_entry, judge=judge)
        db.session.add(assignment)
    if not any(m.judge_id == judge.id for m in panel_of(round_)):
        db.session.add(PanelMember(round_id=round_.id, judge_id=judge.id))
    db.session.flush()
    _clear_flags(round_entry)
    record("judging.assign", actor=by, obj=assignment,
           summary=say("%(judge)s ditugaskan menilai %(innovation)s (%(round)s)", judge=judge.full_name,
                       innovation=round_entry.entry.innovation.nama, round=round_.name))
    mark_changed(round_)  # a removed assignment made again brings its sheet back into the results
    return assignment


def remove_assignment(assignment: Assignment, *, by: User, reason: str = "") -> Assignment:
    policy.require_unpublished(assignment.round_entry.round, _("penugasan juri"))
    if assignment.status != AssignmentStatus.ACTIVE:
        raise JudgingError(_("Penugasan ini sudah tidak aktif."))
    assignment.status = AssignmentStatus.REMOVED
    assignment.recusal_reason = (reason or "").strip()[:2000]
    db.session.flush()
    record("judging.unassign", actor=by, obj=assignment,
           summary=(say("%(judge)s dilepas dari %(innovation)s: %(reason)s", judge=assignment.judge.full_name,
                        innovation=assignment.round_entry.entry.innovation.nama, reason=reason) if reason
                    else say("%(judge)s dilepas dari %(innovation)s", judge=assignment.judge.full_name,
                             innovation=assignment.round_entry.entry.innovation.nama)))
    mark_changed(assignment.round_entry.round)
    return assignment


def recuse(assignment: Assignment, reason: str, *, by: User) -> Assignment:
    """The judge declares a conflict: the entry leaves their queue and is flagged for the admin."""
    if assignment.judge_id != by.id:
        raise JudgingError(_("Hanya juri yang ditugaskan yang dapat menyatakan konflik."))
    if assignment.status != AssignmentStatus.ACTIVE:
        raise JudgingError(_("Penugasan ini sudah tidak aktif."))
    policy.require_unpublished(assignment.round_entry.round, _("penugasan juri"))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise JudgingError(_("Tuliskan alasan konflik kepentingan (minimal 5 karakter)."), "reason")
    assignment.status = AssignmentStatus.RECUSED
    assignment.recusal_reason = reason[:2000]
    assignment.needs_reassignment = True
    db.session.flush()
    record("judging.recuse", actor=by, obj=assignment,
           summary=say("%(judge)s menyatakan konflik pada %(innovation)s: %(reason)s", judge=by.full_name,
                       innovation=assignment.round_entry.entry.innovation.nama, reason=reason[:200]))
    mark_changed(assignment.round_entry.round)
    return assignment


def dismiss_flag(assignment: Assignment, *, by: User) -> Assignment:
    policy.require_unpublished(assignment.round_entry.round, _("penugasan juri"))
    assignment.needs_reassignment = False
    db.session.flush()
    record("judging.recusal_dismiss", actor=by, obj=assignment,
           summary=say("Tanda ganti juri untuk %(innovation)s ditutup tanpa pengganti",
                       innovation=assignment.round_entry.entry.innovation.nama))
    return assignment


def _clear_flags(round_entry: RoundEntry) -> None:
    k = round_entry.round.judges_per_entry
    rows = db.session.scalars(select(Assignment).where(Assignment.round_entry_id == round_entry.id)).all()
    if sum(1 for a in rows if a.status == AssignmentStatus.ACTIVE) >= k:
        for a in rows:
            a.needs_reassignment = False


@dataclass
class AutoResult:
    created: list[Assignment] = field(default_factory=list)
    moved: int = 0
    unmet: list[assignment_plan.Unmet] = field(default_factory=list)


def auto_assign(round_: Round, *, seed: int = 0, by: User) -> AutoResult:
    """Give every open entry of the round k panel judges, balanced and conflict-free.

    Existing active assignments are kept; recused/removed pairs are never made again; unscored
    assignments may move to restore the balance (e.g. after a recusal). Unmet needs are explained.
    """
    if not round_.is_scored:
        raise JudgingError(_("Seleksi administrasi diputuskan admin; tidak ada juri yang ditugaskan."))
    policy.require_unpublished(round_, _("penugasan juri"))
    panel = panel_of(round_)
    if not panel:
        raise JudgingError(_("Panel babak ini belum punya juri. Tambahkan juri ke panel dulu."))
    families = policy.opd_families()
    entries = [re for re in round_entries(round_) if _assignable(re)]
    by_entry = {re.id: re for re in entries}
    categories: dict[int, set[int]] = defaultdict(set)
    everywhere: set[int] = set()
    judges: dict[int, User] = {}
    for member in panel:
        judges[member.judge_id] = member.judge
        if member.category_id is None:
            everywhere.add(member.judge_id)
        else:
            categories[member.judge_id].add(member.category_id)
    judge_infos = [
        assignment_plan.JudgeInfo(id=j.id, opd_id=j.opd_id,
                            categories=frozenset() if j.id in everywhere else frozenset(categories[j.id]),
                            label=j.full_name)
        for j in judges.values() if policy.can_judge(j)
    ]
    entry_infos = [
        assignment_plan.EntryInfo(id=re.id, opd_family=families.get(re.entry.opd_id, frozenset({re.entry.opd_id})),
                            category_id=re.entry.category_id, label=re.entry.innovation.nama)
        for re in entries
    ]
    current = round_assignments(round_)
    existing = [(a.round_entry_id, a.judge_id) for a in current if a.status == AssignmentStatus.ACTIVE]
    blocked = [(a.round_entry_id, a.judge_id) for a in current if a.status != AssignmentStatus.ACTIVE]
    round_entry_of = {re.entry_id: re.id for re in entries}
    blocked += [(round_entry_of[entry_id], judge_id) for entry_id, judge_id in recusals(round_entry_of)]  # other rounds
    movable = [(a.round_entry_id, a.judge_id) for a in current
               if a.status == AssignmentStatus.ACTIVE and a.sheet is None and a.round_entry_id in by_entry]
    plan = assignment_plan.plan_assignments(entry_infos, judge_infos, round_.judges_per_entry, seed=seed,
                                      existing=existing, blocked=blocked, use_panels=round_.use_category_panels,
                                      movable=movable)
    result = AutoResult(unmet=plan.unmet)
    index = {(a.round_entry_id, a.judge_id): a for a in current}
    for entry_id, old_judge, new_judge in plan.moves:
        index[(entry_id, old_judge)].status = AssignmentStatus.REMOVED
        index[(entry_id, old_judge)].recusal_reason = "dipindah untuk menyeimbangkan beban"
        created = Assignment(round_entry_id=entry_id, judge_id=new_judge)
        db.session.add(created)
        result.created.append(created)
        result.moved += 1
    for entry_id, judge_id in plan.new:
        created = Assignment(round_entry_id=entry_id, judge_id=judge_id)
        db.session.add(created)
        result.created.append(created)
    db.session.flush()
    for re in entries:
        _clear_flags(re)
    db.session.flush()
    record("judging.auto_assign", actor=by, obj=round_,
           changes={"seed": seed, "baru": len(plan.new), "dipindah": result.moved,
                    "tidak_terpenuhi": [u.message for u in plan.unmet]},
           summary=say("Penugasan otomatis %(round)s: %(new)d baru, %(moved)d dipindah, %(unmet)d entri kurang juri",
                       round=round_.name, new=len(plan.new), moved=result.moved, unmet=len(plan.unmet)))
    mark_changed(round_)
    return result


def eligible_judges(
    round_: Round,
    round_entries: Iterable[RoundEntry],
    judges: Iterable[User],
    panel: Iterable[PanelMember],
    assignments: dict[int, list[Assignment]],
    families: dict[int, frozenset[int]],
    recused: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> dict[int, list[User]]:
    """For each round entry, the judges the manual "assign" select offers, from values already loaded
    (no statement per entry): active judges (``judges``), on the panel of the entry's category when
    the round uses category panels (a member without a category serves every category), not working
    in the entry's OPD family (``families``: ``policy.opd_families()``; the family relation is
    symmetric), not recused on it in this round or another (``recused``: ``recusals(...)`` of the
    entries) and not already assigned to it. A removed assignment may be made again. ``assign_judge``
    still refuses a conflict or a recusal whatever the form sends.
    """
    recused = recused or {}
    judges = [j for j in judges if policy.can_judge(j)]
    everywhere: set[int] = set()
    by_category: dict[int, set[int]] = defaultdict(set)
    for member in panel:
        if member.category_id is None:
            everywhere.add(member.judge_id)
        else:
            by_category[member.category_id].add(member.judge_id)
    result: dict[int, list[User]] = {}
    for round_entry in round_entries:
        entry = round_entry.entry
        family = families.get(entry.opd_id, frozenset({entry.opd_id}))
        taken = {a.judge_id for a in assignments.get(round_entry.id, []) if a.status != AssignmentStatus.REMOVED}
        on_panel = everywhere | by_category.get(entry.category_id, set()) if round_.use_category_panels else None
        result[round_entry.id] = [
            j for j in judges
            if j.id not in taken and (entry.id, j.id) not in recused and (j.opd_id is None or j.opd_id not in family)
            and (on_panel is None or j.id in on_panel)
        ]
    return result
