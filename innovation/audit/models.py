from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.extensions import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """Who changed what, and when. Written by services, never edited."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_at_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    # The row's edit version after this change (rows with ``concurrency.Versioned``): the events after
    # the version a form was loaded from are what someone else changed meanwhile.
    object_version: Mapped[int | None]
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="SET NULL"), index=True)
    summary: Mapped[str] = mapped_column(String(500))  # in Indonesian, as written (older events: all there is)
    # The summary as a catalog message (``services.say``; with its plural, ``say_n``) and its values: shown
    # in the reader's language (``browse.shown_summary``). NULL for events recorded before migration 0019.
    summary_msgid: Mapped[str | None] = mapped_column(String(500))
    summary_plural: Mapped[str | None] = mapped_column(String(500))
    summary_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor = relationship("User", lazy="raise")
    opd = relationship("Opd", lazy="raise")
