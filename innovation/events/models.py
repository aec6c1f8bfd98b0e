from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, str_enum, utcnow
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd

DEFAULT_CATEGORIES = (
    "Pelayanan Publik",
    "Tata Kelola Pemerintahan",
    "Pelayanan Kesehatan (Puskesmas)",
    "Pemerintahan Distrik",
)


class Event(Versioned, db.Model):
    """An Innovation Week: a year's competition with a submission window (stored in UTC)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Some judging round of the event is blind: kept by judging's round operations (which sit above
    # this area), read by the entry page to warn an operator whose texts name their OPD.
    blind_judging: Mapped[bool] = mapped_column(default=False, server_default=false())

    categories: Mapped[list[Category]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Category.position"
    )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Category(db.Model):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("event_id", "name", name="uq_category_event_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="categories")


class DeadlineExtension(db.Model):
    """A later closing time for one OPD in one event, granted by an admin (and audit-logged)."""

    __tablename__ = "deadline_extension"
    __table_args__ = (UniqueConstraint("event_id", "opd_id", name="uq_deadline_extension_event_opd"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"), index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opd: Mapped[Opd] = relationship(lazy="joined")


class EntryStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class Entry(db.Model):
    """An innovation entered into one event, in one category."""

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("event_id", "innovation_id", name="uq_entry_event_innovation"),
        Index("ix_entry_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="RESTRICT"), index=True)
    # The innovation's OPD, copied so lists and conflict checks need no join.
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="RESTRICT"), index=True)
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus), default=EntryStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)
    innovation: Mapped[Innovation] = relationship(lazy="joined", innerjoin=True)
    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    opd: Mapped[Opd] = relationship(lazy="joined", innerjoin=True)

    def can_view(self, user: User) -> bool:
        return user.is_admin or user.is_verifier or user.belongs_to(self.opd_id)

    def can_edit(self, user: User) -> bool:
        """Who may change the entry at all; whether the deadline allows it is a service rule."""
        return user.is_admin or user.belongs_to(self.opd_id)
