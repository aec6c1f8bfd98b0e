from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, utcnow

SETTINGS_ID = 1  # one row (made by migration 0015)


class PublicSettings(Versioned, db.Model):
    """What the public sees: the profile fields the admin made public (codes of ``fields.FIELDS``) and
    the open data licence (a code of ``fields.LICENCES``)."""

    __tablename__ = "public_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
