"""The admin's progress page of a round: who has scored what, what is overdue, which recusals wait."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.judging.assignments import round_assignments
from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry, SheetStatus
from innovation.judging.panels import panel_of
from innovation.judging.rounds import round_entries

CLOSING_SOON = timedelta(hours=24)


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
    entries = round_entries(round_)
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
