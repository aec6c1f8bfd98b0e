"""The presentation day's tables: a round's schedule (order, slots in WIT, room, durations), the chair's
live state (who presents, the timer) and the projector's display link.

The timer is server-authoritative: the row keeps when it started, when it was paused and how long it has
been paused in total, so every screen (console, projector, a reloaded tab) computes the same elapsed time
from the server's clock (``live.timer_figures``); the browser only counts between two polls.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, str_enum, utcnow
from innovation.judging.models import Round, RoundEntry


class OrderMethod(StrEnum):
    MANUAL = "manual"
    DRAW = "draw"


class TimerState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class PresentationSchedule(Versioned, db.Model):
    """One round's presentation day: the first slot's start (UTC, shown in WIT), the room, the minutes
    of each part of a slot, how the order was set (a draw keeps its seed), and the live state."""

    __tablename__ = "presentation_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(120), default="")
    presentation_minutes: Mapped[int] = mapped_column(default=10)
    qa_minutes: Mapped[int] = mapped_column(default=5)
    changeover_minutes: Mapped[int] = mapped_column(default=5)
    order_method: Mapped[OrderMethod] = mapped_column(str_enum(OrderMethod), default=OrderMethod.MANUAL)
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # live: the slot presenting (its position), and the timer of that slot
    current_position: Mapped[int | None]
    timer_state: Mapped[TimerState] = mapped_column(str_enum(TimerState), default=TimerState.IDLE)
    timer_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # also the frozen end once stopped
    paused_seconds: Mapped[int] = mapped_column(default=0)
    # the projector's link: only the sha256 of its token is kept; revoking clears it
    display_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    display_link_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship(lazy="joined", innerjoin=True)
    drawn_by: Mapped[User | None] = relationship()
    slots: Mapped[list[PresentationSlot]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="PresentationSlot.position")

    @property
    def slot_minutes(self) -> int:
        return self.presentation_minutes + self.qa_minutes + self.changeover_minutes


class PresentationSlot(db.Model):
    """One entry's turn: its position (1, 2, ...), start (UTC) and room. A change of time or room
    after the slot was first set is kept (``changed_at``; ``previous_starts_at`` and ``previous_room``, the
    values before it, worded in the reader's language by ``schedule.change_note``) until the OPD's operator
    has seen it (``seen_at``). ``legacy_change_note``: a note stored as Indonesian text before migration
    0023 that it could not read back into values, shown as it is."""

    __tablename__ = "presentation_slot"
    __table_args__ = (
        UniqueConstraint("schedule_id", "round_entry_id", name="uq_presentation_slot_schedule_round_entry"),
        Index("ix_presentation_slot_schedule_position", "schedule_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("presentation_schedule.id", ondelete="CASCADE"))
    round_entry_id: Mapped[int] = mapped_column(ForeignKey("round_entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(120), default="")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_room: Mapped[str | None] = mapped_column(String(120))
    legacy_change_note: Mapped[str] = mapped_column(Text, default="")
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    schedule: Mapped[PresentationSchedule] = relationship(back_populates="slots")
    round_entry: Mapped[RoundEntry] = relationship(lazy="joined", innerjoin=True)

    @property
    def opd_id(self) -> int:  # for the audit log's OPD filter
        return self.round_entry.entry.opd_id

    @property
    def unseen_change(self) -> bool:
        return self.changed_at is not None and (self.seen_at is None or self.seen_at < self.changed_at)
