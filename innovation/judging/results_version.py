"""``Round.results_version``: one number that changes whenever a round's live results could change.

``results.cached_compute`` keys its per-process cache on it, so a repeated view of the results reads
nothing but the round. Rather than trusting every service to remember, an ``after_flush`` listener
notes what each flush wrote that feeds results (score sheets that are or were submitted and their
scores, assignments, round entries, an entry's category or status, a rubric's criteria, an event's
categories), and a ``before_commit`` listener bumps the rounds concerned with one ``UPDATE`` as the
transaction's last statement:

- the new version is visible exactly when the change is (same transaction);
- the round's row is locked only for the moment of the commit, always after every other row the
  transaction wrote, so judges saving sheets in the same round queue for a few milliseconds at most
  and no transaction waits for another's sheet while holding the round (no deadlock);
- a judge's draft saves do not bump (``gather`` reads submitted sheets only).

Rows are traced to their rounds through objects already in the session when possible, else by one
indexed ``SELECT`` per level. Changes made with Core statements (the benchmark seed) do not pass here;
nor do innovation, OPD, event and judge names, which the live page shows as they were at the last
change (a published round shows its snapshot anyway). Code that reads live results inside the
transaction that changed them must commit first.
"""
from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from innovation.events.models import Category, Entry
from innovation.judging.models import (
    Assignment,
    Criterion,
    Round,
    RoundEntry,
    Score,
    ScoreSheet,
    SheetStatus,
)

PENDING = "results_version_pending"
KINDS = ("round", "round_entry", "assignment", "sheet", "entry", "rubric", "event")
ENTRY_FIELDS = ("category_id", "status", "withdrawn_at")


def _was_or_is_submitted(sheet: ScoreSheet) -> bool:
    history = inspect(sheet).attrs.status.history
    return SheetStatus.SUBMITTED in (*history.added, *history.unchanged, *history.deleted)


def _loaded(session: Session, model, pk):
    """The object with this primary key if the session holds it, without loading anything."""
    return session.identity_map.get(identity_key(model, pk)) if pk is not None else None


def affected(session: Session) -> dict[str, set[int]]:
    """Ids of what this flush writes that feeds results, by kind."""
    found: dict[str, set[int]] = {kind: set() for kind in KINDS}
    watched = (ScoreSheet, Score, Assignment, RoundEntry, Criterion, Category)
    dirty = [obj for obj in session.dirty if isinstance(obj, watched)
             and session.is_modified(obj, include_collections=False)]
    dirty += [obj for obj in session.dirty if isinstance(obj, Entry)
              and any(inspect(obj).attrs[name].history.has_changes() for name in ENTRY_FIELDS)]
    for obj in chain(session.new, dirty, session.deleted):
        if isinstance(obj, RoundEntry) and obj.round_id is not None:
            found["round"].add(obj.round_id)
        elif isinstance(obj, Assignment) and obj.round_entry_id is not None:
            found["round_entry"].add(obj.round_entry_id)
        elif isinstance(obj, ScoreSheet) and obj.assignment_id is not None:
            if _was_or_is_submitted(obj):
                found["assignment"].add(obj.assignment_id)
        elif isinstance(obj, Score) and obj.sheet_id is not None:
            sheet = _loaded(session, ScoreSheet, obj.sheet_id)
            if sheet is None or _was_or_is_submitted(sheet):
                found["sheet"].add(obj.sheet_id)
        elif isinstance(obj, Entry) and obj.id is not None and obj not in session.new:
            found["entry"].add(obj.id)
        elif isinstance(obj, Criterion) and obj.rubric_id is not None:
            found["rubric"].add(obj.rubric_id)
        elif isinstance(obj, Category) and obj.event_id is not None:
            found["event"].add(obj.event_id)
    return found


def _parents(session: Session, model, ids: set[int], attribute: str) -> set[int]:
    """``attribute`` (a foreign key) of the rows ``ids`` of ``model``: from the session, else one query."""
    parents, missing = set(), set()
    for pk in ids:
        obj = _loaded(session, model, pk)
        value = obj.__dict__.get(attribute) if obj is not None else None
        if value is None:
            missing.add(pk)
        else:
            parents.add(value)
    if missing:
        column = getattr(model, attribute)
        parents.update(session.execute(select(column).where(model.id.in_(missing))).scalars())
    return {p for p in parents if p is not None}


def rounds_concerned(session: Session, found: dict[str, set[int]]) -> set[int]:
    assignments = found["assignment"] | _parents(session, ScoreSheet, found["sheet"], "assignment_id")
    round_entries = found["round_entry"] | _parents(session, Assignment, assignments, "round_entry_id")
    rounds = found["round"] | _parents(session, RoundEntry, round_entries, "round_id")
    if found["entry"]:
        rounds.update(session.execute(
            select(RoundEntry.round_id).where(RoundEntry.entry_id.in_(found["entry"]))).scalars())
    if found["rubric"]:
        rounds.update(session.execute(select(Round.id).where(Round.rubric_id.in_(found["rubric"]))).scalars())
    if found["event"]:
        rounds.update(session.execute(select(Round.id).where(Round.event_id.in_(found["event"]))).scalars())
    return rounds


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    found = affected(session)
    if any(found.values()):
        pending = session.info.setdefault(PENDING, {kind: set() for kind in KINDS})
        for kind, ids in found.items():
            pending[kind] |= ids


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    session.flush()  # the commit's own flush would come after this listener: the bump must be last
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    rounds = rounds_concerned(session, pending)
    if not rounds:
        return
    session.connection().execute(
        update(Round).where(Round.id.in_(sorted(rounds))).values(results_version=Round.results_version + 1)
        .execution_options(synchronize_session=False))
    for pk in rounds:  # rounds this session holds read their new version on next access
        obj = _loaded(session, Round, pk)
        if obj is not None:
            session.expire(obj, ["results_version"])


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
