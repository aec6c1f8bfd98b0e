"""What waits on an OPD, and for how long.

The items (issue 15), each with the moment it started waiting:

- a line to fix: the verifier said *diperbaiki* or *ditolak* (since the verdict); the OPD's operators act;
- mandatory evidence missing while a deadline is ahead: an entry (not withdrawn) in an event whose effective
  deadline for the OPD has not passed, of an innovation with blocking gaps (since the entry was made);
- a resubmitted line waiting for the verifier: changed after its verdict (since the change); the verifiers act;
- a judge's overdue sheet: an active assignment without a submitted sheet in a round that closed and is not
  published (since the close); that judge acts. It belongs to the OPD of the entry it holds up.

Four queries whatever the number of OPDs; ``colour`` is pure.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import and_, select

from innovation.auth.models import User
from innovation.events.models import DeadlineExtension, Entry, EntryStatus, Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import IndicatorAnswer, Innovation, VerificationStatus
from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry, ScoreSheet, SheetStatus


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


COLOUR_ORDER = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}


class Kind(StrEnum):
    LINE_TO_FIX = "line_to_fix"
    MISSING_EVIDENCE = "missing_evidence"
    RECHECK = "recheck"
    OVERDUE_SHEET = "overdue_sheet"


class Actor(StrEnum):
    OPERATOR = "operator"
    VERIFIER = "verifier"
    JUDGE = "judge"


def colour(age: timedelta, yellow_days: float, red_days: float) -> Colour:
    """Green while fresh, yellow from ``yellow_days``, red from ``red_days`` (both inclusive)."""
    if age >= timedelta(days=red_days):
        return Colour.RED
    if age >= timedelta(days=yellow_days):
        return Colour.YELLOW
    return Colour.GREEN


@dataclass(frozen=True)
class Item:
    opd_id: int
    kind: Kind
    innovation_id: int
    innovation: str
    since: datetime
    age: timedelta
    colour: Colour
    actor: Actor
    who: str  # the person who must act, for a judge; else empty (the role says it)
    indicator_no: int | None = None
    detail: str = ""

    @property
    def age_days(self) -> int:
        return self.age.days


def thresholds() -> tuple[float, float]:
    config = current_app.config
    return float(config.get("FOLLOWUP_YELLOW_DAYS", 3)), float(config.get("FOLLOWUP_RED_DAYS", 5))


def waiting_items(opd_ids: Iterable[int] | None = None, now: datetime | None = None) -> list[Item]:
    """Every item waiting on the OPDs (all when None), red first, then oldest first."""
    now = now or utcnow()
    yellow, red = thresholds()
    ids = None if opd_ids is None else list(opd_ids)
    found: list[Item] = []

    def add(opd_id, kind, innovation_id, name, since, actor, who="", no=None, detail=""):
        age = max(now - since, timedelta(0))
        found.append(Item(opd_id, kind, innovation_id, name, since, age, colour(age, yellow, red), actor, who, no,
                          detail))

    def scoped(query, column):
        return query if ids is None else query.where(column.in_(ids))

    lines = db.session.execute(scoped(
        select(Innovation.opd_id, Innovation.id, Innovation.nama, IndicatorAnswer.indicator_no,
               IndicatorAnswer.verified_at, IndicatorAnswer.verification_status, IndicatorAnswer.recheck_since)
        .join(IndicatorAnswer, IndicatorAnswer.innovation_id == Innovation.id)
        .where((IndicatorAnswer.verification_status.in_((VerificationStatus.DIPERBAIKI, VerificationStatus.DITOLAK))
                & IndicatorAnswer.verified_at.is_not(None))
               | (IndicatorAnswer.recheck_since.is_not(None) & IndicatorAnswer.verification_status.is_(None)
                  & IndicatorAnswer.parameter.is_not(None))), Innovation.opd_id))
    for opd_id, innovation_id, name, no, verified_at, status, recheck_since in lines:
        if status is None:
            add(opd_id, Kind.RECHECK, innovation_id, name, recheck_since, Actor.VERIFIER, no=no)
        else:
            add(opd_id, Kind.LINE_TO_FIX, innovation_id, name, verified_at, Actor.OPERATOR, no=no,
                detail=VerificationStatus(status).value)

    entries = db.session.execute(scoped(
        select(Entry.opd_id, Innovation.id, Innovation.nama, Entry.created_at, Event.closes_at,
               DeadlineExtension.closes_at, Event.opens_at, Innovation.blocking_gap_count)
        .join(Innovation, Innovation.id == Entry.innovation_id).join(Event, Event.id == Entry.event_id)
        .outerjoin(DeadlineExtension, and_(DeadlineExtension.event_id == Event.id,
                                           DeadlineExtension.opd_id == Entry.opd_id))
        .where(Entry.status != EntryStatus.WITHDRAWN, Innovation.blocking_gap_count > 0), Entry.opd_id))
    for opd_id, innovation_id, name, created_at, closes_at, extended, opens_at, gaps in entries:
        deadline = max(closes_at, extended) if extended else closes_at
        if deadline > now:
            add(opd_id, Kind.MISSING_EVIDENCE, innovation_id, name, max(created_at, opens_at), Actor.OPERATOR,
                detail=str(gaps))

    sheets = db.session.execute(scoped(
        select(Entry.opd_id, Innovation.id, Innovation.nama, Round.closes_at, User.full_name, Round.name)
        .select_from(Assignment)
        .join(RoundEntry, RoundEntry.id == Assignment.round_entry_id).join(Round, Round.id == RoundEntry.round_id)
        .join(Entry, Entry.id == RoundEntry.entry_id).join(Innovation, Innovation.id == Entry.innovation_id)
        .join(User, User.id == Assignment.judge_id)
        .outerjoin(ScoreSheet, and_(ScoreSheet.assignment_id == Assignment.id,
                                    ScoreSheet.status == SheetStatus.SUBMITTED))
        .where(Assignment.status == AssignmentStatus.ACTIVE, ScoreSheet.id.is_(None), Round.closes_at < now,
               Round.published_at.is_(None), Round.rubric_id.is_not(None)), Entry.opd_id))
    for opd_id, innovation_id, name, closed_at, judge_name, round_name in sheets:
        add(opd_id, Kind.OVERDUE_SHEET, innovation_id, name, closed_at, Actor.JUDGE, who=judge_name,
            detail=round_name)

    found.sort(key=lambda item: (COLOUR_ORDER[item.colour], item.since))
    return found


@dataclass
class OpdState:
    """One OPD's items counted by colour, and its overall colour (its worst item's; green when none)."""

    red: int = 0
    yellow: int = 0
    green: int = 0

    @property
    def colour(self) -> Colour:
        return Colour.RED if self.red else Colour.YELLOW if self.yellow else Colour.GREEN

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green


def states(items: Iterable[Item]) -> dict[int, OpdState]:
    found: dict[int, OpdState] = {}
    for item in items:
        state = found.setdefault(item.opd_id, OpdState())
        setattr(state, item.colour.value, getattr(state, item.colour.value) + 1)
    return found
