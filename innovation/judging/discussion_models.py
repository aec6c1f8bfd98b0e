"""The discussion phase's tables: a round's phase (open or closed), the thread on an entry, and the
revisions of submitted score sheets with their reasons (``discussion``)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.extensions import UTCDateTime, db, utcnow
from innovation.judging.models import Round, RoundEntry, ScoreSheet


class DiscussionPhase(db.Model):
    """A round's discussion phase: opened by the chair after the round closed, until closed again."""

    __tablename__ = "discussion_phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class DiscussionComment(db.Model):
    """One message in an entry's thread, by a judge of it or the chair."""

    __tablename__ = "discussion_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_entry_id: Mapped[int] = mapped_column(ForeignKey("round_entry.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round_entry: Mapped[RoundEntry] = relationship()
    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def opd_id(self) -> int:
        return self.round_entry.entry.opd_id


class ScoreRevision(db.Model):
    """A submitted sheet changed during the discussion: the values before and after, and why."""

    __tablename__ = "score_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    # {criterion code: "3.50" or None}
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    total_before: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    total_after: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sheet: Mapped[ScoreSheet] = relationship()
    judge: Mapped[User | None] = relationship(lazy="joined")
