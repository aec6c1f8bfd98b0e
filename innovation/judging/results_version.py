"""``Round.results_version``: one number that changes whenever a round's live results could change.

``results.cached_compute`` keys its per-process cache on it, so a repeated view of the results reads
nothing but the round. Rather than trusting every service to remember, one ``after_flush`` listener
looks at what the flush wrote (new, changed and deleted score sheets, scores, assignments, round
entries, an entry's category or status, a rubric's criteria) and bumps the rounds concerned with one
``UPDATE`` in the same transaction, so the new version is visible exactly when the change is.
Changes made with Core statements (the benchmark seed) do not pass here; nor do innovation and OPD
names, which the live page shows as they were at the last score change (a published round shows its
snapshot anyway).
"""
from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import Session

from innovation.events.models import Entry
from innovation.judging.models import Assignment, Criterion, Round, RoundEntry, Score, ScoreSheet

ENTRY_FIELDS = ("category_id", "status", "withdrawn_at")


def _changed(session: Session, obj: object, fields: tuple[str, ...] | None = None) -> bool:
    if fields is None:
        return session.is_modified(obj, include_collections=False)
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def affected(session: Session) -> dict[str, set[int]]:
    """Ids of what this flush writes that feeds results, by kind."""
    found: dict[str, set[int]] = {"round": set(), "round_entry": set(), "assignment": set(), "sheet": set(),
                                  "entry": set(), "rubric": set()}
    dirty = [obj for obj in session.dirty if isinstance(obj, (ScoreSheet, Score, Assignment, RoundEntry, Criterion))
             and _changed(session, obj)]
    dirty += [obj for obj in session.dirty if isinstance(obj, Entry) and _changed(session, obj, ENTRY_FIELDS)]
    for obj in chain(session.new, dirty, session.deleted):
        if isinstance(obj, RoundEntry) and obj.round_id is not None:
            found["round"].add(obj.round_id)
        elif isinstance(obj, Assignment) and obj.round_entry_id is not None:
            found["round_entry"].add(obj.round_entry_id)
        elif isinstance(obj, ScoreSheet) and obj.assignment_id is not None:
            found["assignment"].add(obj.assignment_id)
        elif isinstance(obj, Score) and obj.sheet_id is not None:
            found["sheet"].add(obj.sheet_id)
        elif isinstance(obj, Entry) and obj.id is not None and obj not in session.new:
            found["entry"].add(obj.id)
        elif isinstance(obj, Criterion) and obj.rubric_id is not None:
            found["rubric"].add(obj.rubric_id)
    return found


def bump_statement(found: dict[str, set[int]]):
    """One UPDATE of every round concerned, or None."""
    conditions = []
    if found["round"]:
        conditions.append(Round.id.in_(found["round"]))
    if found["rubric"]:
        conditions.append(Round.rubric_id.in_(found["rubric"]))
    entry_conditions = []
    if found["round_entry"]:
        entry_conditions.append(RoundEntry.id.in_(found["round_entry"]))
    if found["entry"]:
        entry_conditions.append(RoundEntry.entry_id.in_(found["entry"]))
    assignment_conditions = []
    if found["assignment"]:
        assignment_conditions.append(Assignment.id.in_(found["assignment"]))
    if found["sheet"]:
        assignment_conditions.append(
            Assignment.id.in_(select(ScoreSheet.assignment_id).where(ScoreSheet.id.in_(found["sheet"]))))
    if assignment_conditions:
        entry_conditions.append(RoundEntry.id.in_(select(Assignment.round_entry_id).where(or_(*assignment_conditions))))
    if entry_conditions:
        conditions.append(Round.id.in_(select(RoundEntry.round_id).where(or_(*entry_conditions))))
    if not conditions:
        return None
    return (update(Round).where(or_(*conditions)).values(results_version=Round.results_version + 1)
            .execution_options(synchronize_session=False))


@event.listens_for(Session, "after_flush")
def _bump_results_version(session: Session, _context) -> None:
    statement = bump_statement(affected(session))
    if statement is not None:
        session.connection().execute(statement)
        session.info["results_version_bumped"] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire_loaded_rounds(session: Session, _context) -> None:
    """Rounds already loaded in this session read their new version on next access."""
    if session.info.pop("results_version_bumped", False):
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Round):
                session.expire(obj, ["results_version"])
