"""Reporting models: the district's regional indicator values, one row per year and indicator, and
the files that support them.

Verification outcomes live on ``innovations.models.IndicatorAnswer`` (its ``verification_*`` columns)
and registration on ``Innovation.registered_at`` / ``nomor_register``; this area only adds the values
the planning office enters for the 15(16) regional indicators (Satuan Pemerintahan Daerah) and their
evidence files (``RegionalEvidence``).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, utcnow
from innovation.storage.models import StoredFile
from innovation.web import Role


class RegionalIndicatorValue(Versioned, db.Model):
    """The score of one regional indicator for one assessment year (0..bobot x 3), with its evidence.

    Evidence is a link (the document on the region's site, JDIH, a shared drive), uploaded files
    (``evidence``: ``RegionalEvidence`` rows, current and removed), or both; the note says where a
    paper copy is.
    """

    __tablename__ = "regional_indicator_value"
    __table_args__ = (
        UniqueConstraint("year", "indicator_no", name="uq_regional_indicator_value_year_no"),
        CheckConstraint("score >= 0", name="score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    indicator_no: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")
    evidence: Mapped[list[RegionalEvidence]] = relationship(
        back_populates="value", order_by="RegionalEvidence.id", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<RegionalIndicatorValue {self.year} #{self.indicator_no} {self.score}>"


class RegionalEvidence(db.Model):
    """One uploaded file (PDF, JPG or PNG) supporting a regional indicator value: a Perkada, an SK, a report.

    A table of its own rather than a file column on ``RegionalIndicatorValue``: one regional line
    often rests on several documents (the Perda and its attachment, two years of reports), so a value
    holds several current files (``reporting.regional.MAX_CURRENT_FILES``). Removing sets
    ``removed_at`` and keeps the row and its blob, so the audit log still names what was submitted.
    ``filename`` is the cleaned name shown and used in the export (the sniffed type's extension).
    """

    __tablename__ = "regional_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(
        ForeignKey("regional_indicator_value.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="RESTRICT"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    value: Mapped[RegionalIndicatorValue] = relationship(back_populates="evidence")
    file: Mapped[StoredFile] = relationship(lazy="joined")
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<RegionalEvidence {self.id} value={self.value_id} {self.filename!r}>"

    @property
    def is_current(self) -> bool:
        return self.removed_at is None
