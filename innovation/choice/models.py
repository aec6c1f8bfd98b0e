"""People's choice: an event's voting settings, and one vote row per device."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false

from innovation.concurrency import Versioned
from innovation.events.models import Entry, Event
from innovation.extensions import UTCDateTime, db, utcnow


class ChoiceSettings(Versioned, db.Model):
    """An event's people's choice: on or off, when voting is open, which entries are on the ballot (the
    entries of ``round_id``, or every submitted entry without one), and whether the tally is published on the
    public results page once voting has closed."""

    __tablename__ = "choice_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("judging_round.id", ondelete="SET NULL"))
    publish_tally: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)


class ChoiceVote(db.Model):
    """A device's vote in an event: the device is known only by sha256 of its cookie's token, and the
    unique (event, device) pair is what makes a second vote from a device replace the first, never add."""

    __tablename__ = "choice_vote"
    __table_args__ = (UniqueConstraint("event_id", "device_hash", name="uq_choice_vote_event_device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    device_hash: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[Entry] = relationship()
