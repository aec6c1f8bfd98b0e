"""Reporting models: the district's regional indicator values, one row per year and indicator.

Verification outcomes live on ``innovations.models.IndicatorAnswer`` (its ``verification_*`` columns)
and registration on ``Innovation.registered_at`` / ``nomor_register``; this area only adds the values
the planning office enters for the 15(16) regional indicators (Satuan Pemerintahan Daerah).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import Role, User
from innovation.extensions import UTCDateTime, db, utcnow


class RegionalIndicatorValue(db.Model):
    """The score of one regional indicator for one assessment year (0..bobot x 3), with its evidence.

    Evidence is a link (the document on the region's site, JDIH, a shared drive): the planning office
    holds these documents already, and most are published; the note says where a paper copy is.
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

    def __repr__(self) -> str:
        return f"<RegionalIndicatorValue {self.year} #{self.indicator_no} {self.score}>"

    @staticmethod
    def can_edit(user: User) -> bool:
        """The planning office (verifiers) and admins enter regional values."""
        return user.role in (Role.ADMIN, Role.VERIFIER)
