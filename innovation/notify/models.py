"""A user's notification settings, the messages (inbox rows) and their deliveries by email or WhatsApp."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.extensions import UTCDateTime, db, str_enum, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"


class NotificationSetting(db.Model):
    """How one user wants to be told: the inbox always; email and WhatsApp when chosen; the phone number for
    WhatsApp and the language of the messages (Indonesian by default)."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    whatsapp: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="id")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Notification(db.Model):
    """One message to one user about one item. ``(event, user_id, item)`` is unique: whatever runs the
    triggers, twice or at the same time, the same message exists once. Title and body are rendered at
    creation in the recipient's language, so the inbox and every delivery show the same words."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event", "user_id", "item", name="uq_notification_event_user_item"),
        Index("ix_notification_user_read", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deliveries: Mapped[list[NotificationDelivery]] = relationship(
        back_populates="notification", cascade="all, delete-orphan", order_by="NotificationDelivery.id")


class DeliveryState(StrEnum):
    QUEUED = "queued"  # waiting for its first attempt
    RETRYING = "retrying"  # an attempt failed; the next one is due at next_attempt_at
    SENT = "sent"
    FAILED = "failed"  # every attempt failed, or the address cannot work


class NotificationDelivery(db.Model):
    """One message by one channel; unique per (message, channel), so it is never sent twice."""

    __tablename__ = "notification_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", name="uq_notification_delivery_channel"),
        Index("ix_notification_delivery_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 10))
    address: Mapped[str] = mapped_column(String(254))
    state: Mapped[DeliveryState] = mapped_column(str_enum(DeliveryState, 10), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notification: Mapped[Notification] = relationship(back_populates="deliveries")
    log: Mapped[list[NotificationAttempt]] = relationship(
        cascade="all, delete-orphan", order_by="NotificationAttempt.number")


class NotificationAttempt(db.Model):
    """Every attempt at a delivery: when, whether it worked, and the error or the server's answer."""

    __tablename__ = "notification_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("notification_delivery.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool]
    detail: Mapped[str] = mapped_column(String(500), default="")
