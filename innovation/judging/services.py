"""Judging services: panels, assignments (manual and automatic), recusals, the judge's queue and the
admin's progress view. Rubrics live in ``rubrics``, rounds in ``rounds``, score sheets in ``scoring``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only, selectinload

from innovation.audit.services import record
from innovation.auth.models import User
from innovation.events.models import Category, Entry, Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.judging import assignment as algorithm
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    AssignmentStatus,
    PanelMember,
    Round,
    RoundEntry,
    RoundEntryStatus,
    Rubric,
    ScoreSheet,
    SheetStatus,
)
from innovation.orgs.models import Opd
from innovation.web import Role

__all__ = ["JudgingError"]

CLOSING_SOON = timedelta(hours=24)


# --- conflicts --------------------------------------------------------------------------------

def opd_families() -> dict[int, frozenset[int]]:
    """Every OPD's family (itself, its parent, its children), from one statement."""
    rows = db.session.execute(select(Opd.id, Opd.parent_id)).all()
    family: dict[int, set[int]] = {opd_id: {opd_id} for opd_id, _ in rows}
    for opd_id, parent_id in rows:
        if parent_id is not None and parent_id in family:
            family[opd_id].add(parent_id)
            family[parent_id].add(opd_id)
    return {k: frozenset(v) for k, v in family.items()}


def judge_family(user: User) -> set[int]:
    return user.opd.family_ids() if user.opd_id is not None and user.opd is not None else set()


# --- panel ------------------------------------------------------------------------------------

def panel_of(round_: Round) -> list[PanelMember]:
    return list(db.session.scalars(
        select(PanelMember).where(PanelMember.round_id == round_.id).order_by(PanelMember.judge_id, PanelMember.id)
    ).unique())


def add_panel_member(round_: Round, judge: User, *, category: Category | None = None, by: User) -> PanelMember:
    if judge.role != Role.JUDGE or not judge.active:
        raise JudgingError(_("Hanya akun juri yang aktif yang dapat menjadi anggota panel."))
    if category is not None and category.event_id != round_.event_id:
        raise JudgingError(_("Kategori tidak termasuk event ini."))
    for member in panel_of(round_):
        if member.judge_id == judge.id and member.category_id == (category.id if category else None):
            raise JudgingError(_("%(name)s sudah ada di panel ini.", name=judge.full_name))
    member = PanelMember(round_id=round_.id, judge_id=judge.id, category_id=category.id if category else None)
    db.session.add(member)
    db.session.flush()
    where = f" (kategori {category.name})" if category else ""
    record("judging.panel_add", actor=by, obj=round_, summary=f"{judge.full_name} masuk panel {round_.name}{where}")
    return member


def remove_panel_member(member: PanelMember, *, by: User) -> None:
    active = db.session.scalar(
        select(Assignment.id).join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == member.round_id, Assignment.judge_id == member.judge_id,
               Assignment.status == AssignmentStatus.ACTIVE).limit(1)
    )
    others = [m for m in panel_of(db.session.get(Round, member.round_id)) if m.judge_id == member.judge_id and m.id != member.id]
    if active and not others:
        raise JudgingError(_("Juri ini masih memiliki penugasan di babak ini. Lepaskan penugasannya dulu."))
    name = member.judge.full_name
    round_id = member.round_id
    db.session.delete(member)
    db.session.flush()
    record("judging.panel_remove", actor=by, object_type="judging_round", object_id=round_id,
           summary=f"{name} keluar dari panel")


# --- assignments ------------------------------------------------------------------------------

def round_assignments(round_: Round) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id).options(selectinload(Assignment.sheet))
        .order_by(Assignment.round_entry_id, Assignment.judge_id)
    ).unique())


def _assignable(round_entry: RoundEntry) -> bool:
    return round_entry.status in (RoundEntryStatus.PENDING, RoundEntryStatus.PASSED)


def assign_judge(round_entry: RoundEntry, judge: User, *, by: User) -> Assignment:
    """Manual assignment. Conflicts (the judge's OPD family) are refused; the judge joins the panel."""
    round_ = round_entry.round
    if not round_.is_scored:
        raise JudgingError(_("Seleksi administrasi diputuskan admin; tidak ada juri yang ditugaskan."))
    if judge.role != Role.JUDGE or not judge.active:
        raise JudgingError(_("Hanya akun juri yang aktif yang dapat ditugaskan."))
    if round_entry.judge_conflicted(judge):
        raise JudgingError(_("%(name)s bekerja di OPD peserta ini (atau induk/bawahannya): konflik kepentingan.",
                             name=judge.full_name))
    if not _assignable(round_entry):
        raise JudgingError(_("Entri ini sudah diputuskan di babak ini."))
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
           summary=f"{judge.full_name} ditugaskan menilai {round_entry.entry.innovation.nama} ({round_.name})")
    return assignment


def remove_assignment(assignment: Assignment, *, by: User, reason: str = "") -> Assignment:
    if assignment.status != AssignmentStatus.ACTIVE:
        raise JudgingError(_("Penugasan ini sudah tidak aktif."))
    assignment.status = AssignmentStatus.REMOVED
    assignment.recusal_reason = (reason or "").strip()[:2000]
    db.session.flush()
    record("judging.unassign", actor=by, obj=assignment,
           summary=f"{assignment.judge.full_name} dilepas dari {assignment.round_entry.entry.innovation.nama}"
                   + (f": {reason}" if reason else ""))
    return assignment


def recuse(assignment: Assignment, reason: str, *, by: User) -> Assignment:
    """The judge declares a conflict: the entry leaves their queue and is flagged for the admin."""
    if assignment.judge_id != by.id:
        raise JudgingError(_("Hanya juri yang ditugaskan yang dapat menyatakan konflik."))
    if assignment.status != AssignmentStatus.ACTIVE:
        raise JudgingError(_("Penugasan ini sudah tidak aktif."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise JudgingError(_("Tuliskan alasan konflik kepentingan (minimal 5 karakter)."), "reason")
    assignment.status = AssignmentStatus.RECUSED
    assignment.recusal_reason = reason[:2000]
    assignment.needs_reassignment = True
    db.session.flush()
    record("judging.recuse", actor=by, obj=assignment,
           summary=f"{by.full_name} menyatakan konflik pada {assignment.round_entry.entry.innovation.nama}: {reason[:200]}")
    return assignment


def dismiss_flag(assignment: Assignment, *, by: User) -> Assignment:
    assignment.needs_reassignment = False
    db.session.flush()
    record("judging.recusal_dismiss", actor=by, obj=assignment,
           summary=f"Tanda ganti juri untuk {assignment.round_entry.entry.innovation.nama} ditutup tanpa pengganti")
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
    unmet: list[algorithm.Unmet] = field(default_factory=list)


def auto_assign(round_: Round, *, seed: int = 0, by: User) -> AutoResult:
    """Give every open entry of the round k panel judges, balanced and conflict-free.

    Existing active assignments are kept; recused/removed pairs are never made again; unscored
    assignments may move to restore the balance (e.g. after a recusal). Unmet needs are explained.
    """
    if not round_.is_scored:
        raise JudgingError(_("Seleksi administrasi diputuskan admin; tidak ada juri yang ditugaskan."))
    panel = panel_of(round_)
    if not panel:
        raise JudgingError(_("Panel babak ini belum punya juri. Tambahkan juri ke panel dulu."))
    families = opd_families()
    entries = [re for re in _round_entries(round_) if _assignable(re)]
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
        algorithm.JudgeInfo(id=j.id, opd_id=j.opd_id,
                            categories=frozenset() if j.id in everywhere else frozenset(categories[j.id]),
                            label=j.full_name)
        for j in judges.values() if j.active and j.role == Role.JUDGE
    ]
    entry_infos = [
        algorithm.EntryInfo(id=re.id, opd_family=families.get(re.entry.opd_id, frozenset({re.entry.opd_id})),
                            category_id=re.entry.category_id, label=re.entry.innovation.nama)
        for re in entries
    ]
    current = round_assignments(round_)
    existing = [(a.round_entry_id, a.judge_id) for a in current if a.status == AssignmentStatus.ACTIVE]
    blocked = [(a.round_entry_id, a.judge_id) for a in current if a.status != AssignmentStatus.ACTIVE]
    movable = [(a.round_entry_id, a.judge_id) for a in current
               if a.status == AssignmentStatus.ACTIVE and a.sheet is None and a.round_entry_id in by_entry]
    plan = algorithm.plan_assignments(entry_infos, judge_infos, round_.judges_per_entry, seed=seed,
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
           summary=f"Penugasan otomatis {round_.name}: {len(plan.new)} baru, {result.moved} dipindah, "
                   f"{len(plan.unmet)} entri kurang juri")
    return result


def _round_entries(round_: Round) -> list[RoundEntry]:
    return list(db.session.scalars(
        select(RoundEntry).where(RoundEntry.round_id == round_.id).order_by(RoundEntry.entry_id)
    ).unique())


# --- the judge's queue ------------------------------------------------------------------------

def queue_query(judge: User):
    """The judge's active assignments in scored rounds, never an entry of their own OPD family.

    The loads are stated, not inherited: the models' chained ``lazy="joined"`` relationships made
    this a 15-table statement that PostgreSQL took longer to plan than to run (42 ms against 2 ms
    on the benchmark), and it fetched every innovation's full texts. Here: the four tables the
    filter needs (their rows are the eager ones, ``contains_eager``) plus the innovation's name,
    then the category, OPD and event names and the sheet's state by ``selectinload`` (one small
    statement each, whatever the page size), only the columns the queue shows. Joining those
    three too would save three round trips but cost more planning than they take.
    """
    family = judge_family(judge)
    query = (
        select(Assignment)
        .join(Assignment.round_entry)
        .join(RoundEntry.round)
        .join(RoundEntry.entry)
        .where(Assignment.judge_id == judge.id, Assignment.status == AssignmentStatus.ACTIVE,
               Round.rubric_id.is_not(None))
        .options(
            load_only(Assignment.id, Assignment.round_entry_id, Assignment.judge_id, Assignment.status),
            lazyload(Assignment.judge),  # the judge is the user asking, already in the session
            contains_eager(Assignment.round_entry).options(
                load_only(RoundEntry.id, RoundEntry.round_id, RoundEntry.entry_id),
                contains_eager(RoundEntry.round).options(
                    load_only(Round.id, Round.event_id, Round.name, Round.kind, Round.blind, Round.opens_at,
                              Round.closes_at, Round.rubric_id),
                    selectinload(Round.event).load_only(Event.id, Event.name),
                ),
                contains_eager(RoundEntry.entry).options(
                    load_only(Entry.id, Entry.innovation_id, Entry.category_id, Entry.opd_id),
                    lazyload(Entry.event),
                    joinedload(Entry.innovation, innerjoin=True).options(
                        load_only(Innovation.id, Innovation.nama), lazyload(Innovation.opd)),
                    selectinload(Entry.category).load_only(Category.id, Category.name),
                    selectinload(Entry.opd).load_only(Opd.id, Opd.name),
                ),
            ),
            selectinload(Assignment.sheet).load_only(ScoreSheet.id, ScoreSheet.assignment_id, ScoreSheet.status),
        )
        .order_by(Round.closes_at, Assignment.id)
    )
    if family:
        query = query.where(Entry.opd_id.not_in(family))
    return query


@cache
def _round_entry_for_judging_statement() -> Select:
    """Built once: the options tree costs about a millisecond to build and key on every view, and a
    statement object keeps its cache key. Built on first use, when the mappers are configured."""
    return select(RoundEntry).where(RoundEntry.id == bindparam("round_entry_id")).options(
        lazyload(RoundEntry.decided_by),
        joinedload(RoundEntry.round, innerjoin=True).options(
            lazyload(Round.event),
            joinedload(Round.rubric).selectinload(Rubric.criteria),
        ),
        joinedload(RoundEntry.entry, innerjoin=True).options(
            lazyload(Entry.event),
            joinedload(Entry.innovation, innerjoin=True).lazyload(Innovation.opd),
            joinedload(Entry.category, innerjoin=True).load_only(Category.id, Category.name),
            joinedload(Entry.opd, innerjoin=True),
        ),
    )


def round_entry_for_judging(round_entry_id: int) -> RoundEntry | None:
    """A round entry as the score sheet shows it, in two statements: the round with its rubric, the
    entry with its innovation (whole: the page shows its texts), category and OPD; the criteria.
    The event, the decision's author and the innovation's OPD are not needed and not joined."""
    return db.session.scalar(_round_entry_for_judging_statement(), {"round_entry_id": round_entry_id})


# --- progress (admin) -------------------------------------------------------------------------

@dataclass
class Progress:
    round: Round
    entries: list[RoundEntry]
    judges: list[User]
    cells: dict[tuple[int, int], Assignment]  # (round_entry_id, judge_id) -> assignment
    flagged: list[Assignment]  # recusals waiting for a replacement
    conflicts: list[Assignment]  # every recusal, with its reason
    overdue: list[Assignment]  # active, not submitted, round closed or closing within a day
    submitted: int
    expected: int
    closed: bool
    closing_soon: bool


def progress(round_: Round, now: datetime | None = None) -> Progress:
    """Who has scored what, what is overdue, which recusals wait. Constant statements."""
    now = now or utcnow()
    entries = _round_entries(round_)
    assignments = round_assignments(round_)
    judge_ids = sorted({a.judge_id for a in assignments} | {m.judge_id for m in panel_of(round_)})
    judges = list(db.session.scalars(select(User).where(User.id.in_(judge_ids)).order_by(User.full_name))) if judge_ids else []
    cells = {(a.round_entry_id, a.judge_id): a for a in assignments}
    active = [a for a in assignments if a.status == AssignmentStatus.ACTIVE]
    submitted = sum(1 for a in active if a.sheet is not None and a.sheet.status == SheetStatus.SUBMITTED)
    closed = round_.is_closed(now)
    closing_soon = not closed and round_.closes_at - now <= CLOSING_SOON
    overdue = [a for a in active if (closed or closing_soon)
               and (a.sheet is None or a.sheet.status != SheetStatus.SUBMITTED)]
    conflicts = [a for a in assignments if a.status == AssignmentStatus.RECUSED]
    return Progress(
        round=round_, entries=entries, judges=judges, cells=cells,
        flagged=[a for a in conflicts if a.needs_reassignment], conflicts=conflicts, overdue=overdue,
        submitted=submitted, expected=len(active), closed=closed, closing_soon=closing_soon,
    )


def sheet_state(assignment: Assignment) -> str:
    """'todo' (belum dinilai), 'draft', or 'submitted'."""
    if assignment.sheet is None:
        return "todo"
    return "submitted" if assignment.sheet.status == SheetStatus.SUBMITTED else "draft"


def eligible_judges(
    round_: Round,
    round_entries: Iterable[RoundEntry],
    judges: Iterable[User],
    panel: Iterable[PanelMember],
    assignments: dict[int, list[Assignment]],
    families: dict[int, frozenset[int]],
) -> dict[int, list[User]]:
    """For each round entry, the judges the manual "assign" select offers, from values already loaded
    (no statement per entry): active judges (``judges``), on the panel of the entry's category when
    the round uses category panels (a member without a category serves every category), not working
    in the entry's OPD family (``families``: ``services.opd_families()``; the family relation is
    symmetric), not recused on it and not already assigned to it. A removed assignment may be made
    again. ``services.assign_judge`` still refuses a conflict whatever the form sends.
    """
    judges = [j for j in judges if j.active and j.role == Role.JUDGE]
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
            if j.id not in taken and (j.opd_id is None or j.opd_id not in family)
            and (on_panel is None or j.id in on_panel)
        ]
    return result
