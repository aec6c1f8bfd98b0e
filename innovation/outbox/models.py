"""The outbox's rows: domain events recorded with the change that caused them, the deliveries that
consumers fan them out into, and every attempt at a delivery (the delivery log)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.extensions import UTCDateTime, db, str_enum, utcnow


class OutboxEvent(db.Model):
    """Something that happened ("innovation.registered", "results.published"), written in the same
    transaction as the change: it exists exactly when the change was committed. ``dispatched_at`` is set
    once the consumers have turned it into deliveries."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_dispatched", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxEvent {self.id} {self.kind} {self.subject_type}:{self.subject_id}>"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; an admin may retry it


class OutboxDelivery(db.Model):
    """One event for one target of one consumer (a webhook endpoint, later a user's inbox or phone).

    ``payload`` is frozen when the delivery is made, so every retry sends the same message; the unique
    constraint makes a second delivery of the same event to the same target impossible."""

    __tablename__ = "outbox_delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "consumer", "target", name="uq_outbox_delivery_event_consumer_target"),
        Index("ix_outbox_delivery_due", "status", "next_attempt_at"),
        Index("ix_outbox_delivery_target", "consumer", "target", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"))
    consumer: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While a runner is sending it: no other runner takes it before this time (a crashed runner's lease expires).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[OutboxEvent] = relationship(lazy="joined", innerjoin=True)
    attempt_log: Mapped[list[OutboxAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="OutboxAttempt.id", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<OutboxDelivery {self.id} {self.consumer}:{self.target} {self.status}>"


class OutboxAttempt(db.Model):
    """One try at a delivery, with what came back (``HTTP 200``, ``HTTP 503``, a timeout...)."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("outbox_delivery.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1 for the first attempt
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_ms: Mapped[int] = mapped_column(default=0)
    ok: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[str] = mapped_column(String(500), default="")

    delivery: Mapped[OutboxDelivery] = relationship(back_populates="attempt_log")
