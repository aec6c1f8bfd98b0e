"""Judging: rubrics, rounds, panels, assignments and score sheets (the rules: ``policy`` and the
operations modules, see docs/ARCHITECTURE.md).

A round uses its own copy of a rubric (``rubrics.copy_rubric``), so editing one round's weights never
changes another round or a built-in. Scores are stored exactly (``Numeric``); a sheet keeps its
weighted total on the rubric's scale, recomputed whenever a score or a weight changes.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    Select,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    cast,
    event,
    func,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, column_property, joinedload, lazyload, mapped_column, relationship

from innovation.auth.models import User
from innovation.concurrency import Versioned
from innovation.events.models import Category, DeadlineExtension, Entry, Event
from innovation.extensions import UTCDateTime, db, str_enum, utcnow


class Rubric(Versioned, db.Model):
    """A set of weighted criteria on one scale (e.g. 1-5). Built-ins are templates copied per round."""

    __tablename__ = "rubric"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="rubric", cascade="all, delete-orphan", order_by="Criterion.position"
    )

    def __repr__(self) -> str:
        return f"<Rubric {self.code}>"

    @property
    def counted_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.independent]


class Criterion(db.Model):
    """One scored aspect. ``weight`` is a percentage; ``independent`` criteria are scored, not counted."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("rubric_id", "code", name="uq_criterion_rubric_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    independent: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # {"1": {"id": "...", "en": "..."}, ...}: what each level of the scale means.
    descriptors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    def title_in(self, locale: str) -> str:
        """The title in ``locale`` (Indonesian where the English one is empty)."""
        return (locale == "en" and self.title_en) or self.title

    def description_in(self, locale: str) -> str:
        return (locale == "en" and self.description_en) or self.description

    def descriptor(self, level: int, locale: str = "id") -> str:
        item = (self.descriptors or {}).get(str(level)) or {}
        return item.get(locale) or item.get("id") or ""


class RoundKind(StrEnum):
    ADMINISTRASI = "administrasi"
    PENILAIAN = "penilaian"
    FINAL = "final"


class Round(Versioned, db.Model):
    """One stage of an event's judging, with its own rubric, panel, window (UTC) and entries."""

    __tablename__ = "judging_round"
    __table_args__ = (UniqueConstraint("event_id", "position", name="uq_judging_round_event_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[RoundKind] = mapped_column(str_enum(RoundKind))
    name: Mapped[str] = mapped_column(String(200))
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubric.id", ondelete="RESTRICT"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    judges_per_entry: Mapped[int] = mapped_column(default=3)
    blind: Mapped[bool] = mapped_column(default=False)
    use_category_panels: Mapped[bool] = mapped_column(default=False)
    # How many advance from this round to the next, per category (None: not set yet).
    advance_top_n: Mapped[int | None]
    # True: the top N of each category advance; False: the top N overall.
    advance_per_category: Mapped[bool] = mapped_column(default=False)
    # Awards, decided before publication (``awards``): how many places, per category or overall, and
    # their labels, one a line (None: ``awards.DEFAULT_LABELS``, "Juara 1" ... "Harapan 3").
    award_places: Mapped[int] = mapped_column(default=6, server_default="6")
    award_per_category: Mapped[bool] = mapped_column(default=True, server_default=true())
    award_labels: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every judging operation that changes what the round's results read (``results_cache.mark_changed``):
    # part of the live results' cache key, read with the round instead of aggregating its score sheets.
    results_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # What the live results read from the events area, which cannot mark a round changed (it sits
    # below judging): loaded with the round only for the results' cache key (``results_cache.WITH_KEY``).
    categories_signature: Mapped[str | None] = column_property(
        select(func.aggregate_strings(
            cast(Category.id, String) + ":" + cast(Category.position, String) + ":" + Category.name, "|"))
        .where(Category.event_id == event_id).correlate_except(Category).scalar_subquery(),
        deferred=True, group="results_key",
    )
    extensions_close: Mapped[datetime | None] = column_property(
        select(func.max(DeadlineExtension.closes_at)).where(DeadlineExtension.event_id == event_id)
        .correlate_except(DeadlineExtension).scalar_subquery(),
        deferred=True, group="results_key",
    )

    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)
    rubric: Mapped[Rubric | None] = relationship()

    def __repr__(self) -> str:
        return f"<Round {self.event_id}#{self.position} {self.kind}>"

    @property
    def is_scored(self) -> bool:
        return self.kind != RoundKind.ADMINISTRASI

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.closes_at


class RoundEntryStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    ADVANCED = "advanced"
    ELIMINATED = "eliminated"


class RoundEntry(db.Model):
    """An entry taking part in a round, with the admin's decision on it."""

    __tablename__ = "round_entry"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", name="uq_round_entry_round_entry"),
        # what an assignment's (round entry, round) pair refers to: its round is its entry's (migration 0024)
        UniqueConstraint("id", "round_id", name="uq_round_entry_id_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    status: Mapped[RoundEntryStatus] = mapped_column(str_enum(RoundEntryStatus), default=RoundEntryStatus.PENDING)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(lazy="joined", innerjoin=True)
    entry: Mapped[Entry] = relationship(lazy="joined", innerjoin=True)
    decided_by: Mapped[User | None] = relationship()

    @property
    def opd_id(self) -> int:  # for the audit log's OPD filter
        return self.entry.opd_id

    def active_assignment_for(self, user: User) -> Assignment | None:
        """One statement: the judge's active assignment with its score sheet (the page shows it next).
        The round entry and the judge are this object and the user, already in the session (the
        default joined chain would add eleven tables)."""
        # Asked twice per scoring request (permission, then the page): an assignment found is
        # remembered on this object (it lives as long as the session) while it stays active.
        known = self.__dict__.setdefault("_active_assignments", {})
        found = known.get(user.id)
        if found is not None and found.status == AssignmentStatus.ACTIVE and found in db.session:
            return found
        found = db.session.scalar(_active_assignment_statement(),
                                  {"round_entry_id": self.id, "judge_id": user.id})
        if found is not None:
            known[user.id] = found
        return found


class PanelMember(db.Model):
    """A judge of a round, optionally on the panel of one category."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "category_id", name="uq_panel_member_round_judge_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))

    judge: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    category: Mapped[Category | None] = relationship(lazy="joined")


class AssignmentStatus(StrEnum):
    ACTIVE = "active"
    RECUSED = "recused"
    REMOVED = "removed"


class Assignment(db.Model):
    """A judge asked to score one entry in one round."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("round_entry_id", "judge_id", name="uq_assignment_round_entry_judge"),
        # the judge's queue (queue.queue_page): their active rows counted per round, and a page's ids found
        # per round in id order, from this index alone (with the entry, for the one on stage)
        Index("ix_assignment_judge_status_round", "judge_id", "status", "round_id", "id", "round_entry_id"),
        ForeignKeyConstraint(["round_entry_id", "round_id"], ["round_entry.id", "round_entry.round_id"],
                             name="fk_assignment_round_entry_round", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_entry_id: Mapped[int] = mapped_column(ForeignKey("round_entry.id", ondelete="CASCADE"), index=True)
    # the round of ``round_entry`` (which never changes round), kept here so a judge's rows are counted
    # per round without reading the round entries; set on insert (``_round_of_entry``)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    status: Mapped[AssignmentStatus] = mapped_column(str_enum(AssignmentStatus), default=AssignmentStatus.ACTIVE)
    recusal_reason: Mapped[str] = mapped_column(Text, default="")
    # A recusal stays flagged for the admin until a replacement judge is found (or they dismiss it).
    needs_reassignment: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # by its own key: the composite (round_entry_id, round_id) key refers to the same row
    round_entry: Mapped[RoundEntry] = relationship(lazy="joined", innerjoin=True, foreign_keys=[round_entry_id])
    judge: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    sheet: Mapped[ScoreSheet | None] = relationship(back_populates="assignment", uselist=False)

    @property
    def opd_id(self) -> int:
        return self.round_entry.entry.opd_id


@event.listens_for(Assignment, "before_insert")
def _round_of_entry(_mapper, connection, target: Assignment) -> None:
    """An assignment's ``round_id`` is its round entry's, whoever creates it (the composite foreign key
    refuses any other)."""
    if target.round_id is None:
        round_entry = target.__dict__.get("round_entry")  # never a lazy load inside a flush
        target.round_id = (round_entry.round_id if round_entry is not None and round_entry.round_id is not None
                           else connection.scalar(select(RoundEntry.round_id)
                                                  .where(RoundEntry.id == target.round_entry_id)))


class SheetStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ScoreSheet(Versioned, db.Model):
    """One judge's scores for one entry in one round. ``total``: weighted, on the rubric's scale."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        # the submitted sheets whose total a weight change moved since the judge saw it: few or none,
        # counted for the judge queue's notice without reading the judge's other sheets
        Index("ix_score_sheet_moved", "assignment_id",
              postgresql_where=text("status = 'submitted' AND acknowledged_total IS DISTINCT FROM total"),
              sqlite_where=text("status = 'submitted' AND acknowledged_total IS NOT total")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    status: Mapped[SheetStatus] = mapped_column(str_enum(SheetStatus), default=SheetStatus.DRAFT)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    total: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    # The total the judge last saw (set by every save and by acknowledging a notice): when a weight
    # change moves ``total`` of a submitted sheet away from it, the judge is told, old -> new.
    acknowledged_total: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))

    assignment: Mapped[Assignment] = relationship(back_populates="sheet")
    scores: Mapped[list[Score]] = relationship(back_populates="sheet", cascade="all, delete-orphan")

    def score_for(self, criterion_id: int) -> Score | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)

    @property
    def total_moved(self) -> bool:
        """A submitted sheet whose total changed (a weight change) since the judge last saw it."""
        return self.status == SheetStatus.SUBMITTED and self.acknowledged_total != self.total


class Score(db.Model):
    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id", name="uq_score_sheet_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="RESTRICT"), index=True)
    value: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship(lazy="joined", innerjoin=True)


@cache
def _active_assignment_statement() -> Select:
    """Built once (a statement keeps its cache key): ``RoundEntry.active_assignment_for``."""
    return select(Assignment).where(
        Assignment.round_entry_id == bindparam("round_entry_id"),
        Assignment.judge_id == bindparam("judge_id"),
        Assignment.status == AssignmentStatus.ACTIVE,
    ).options(lazyload(Assignment.round_entry), lazyload(Assignment.judge), joinedload(Assignment.sheet))


class ResultSnapshot(db.Model):
    """A published result, frozen (written by ``publication.publish``; its payload is read-only).

    A round's snapshots are its editions, 1, 2, ...: reopening (``publication.reopen``) records when,
    by whom and why on the edition it withdraws; publishing again makes the next edition."""

    __tablename__ = "result_snapshot"
    __table_args__ = (UniqueConstraint("round_id", "edition", name="uq_result_snapshot_round_edition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), index=True)
    edition: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    checksum: Mapped[str] = mapped_column(String(64))
    # Published although some assigned judges had not submitted: the admin's reason.
    incomplete_reason: Mapped[str | None] = mapped_column(Text)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])


class TieDecision(db.Model):
    """The chair's (an admin's) order for entries equal after every automatic tie-break rule, with
    the reason; ``statistics.rank`` applies the latest one covering a tie (``ties.settle_tie``)."""

    __tablename__ = "tie_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), index=True)
    entry_ids: Mapped[list[int]] = mapped_column(JSON)  # best first
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship()
