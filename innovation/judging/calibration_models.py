"""Calibration before a round opens: the chair's sample entry and each judge's practice scores. These
never count in results (``calibration``)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.extensions import UTCDateTime, db, utcnow
from innovation.judging.models import Round, RoundEntry


class CalibrationSample(db.Model):
    """A round's sample entry for calibration, with the chair's note to the judges."""

    __tablename__ = "calibration_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id", ondelete="CASCADE"), unique=True)
    round_entry_id: Mapped[int] = mapped_column(ForeignKey("round_entry.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship()
    round_entry: Mapped[RoundEntry] = relationship(lazy="joined", innerjoin=True)
    scores: Mapped[list[CalibrationScore]] = relationship(back_populates="sample", cascade="all, delete-orphan",
                                                          order_by="CalibrationScore.id")


class CalibrationScore(db.Model):
    """One judge's practice scores on the sample: {criterion id: "3.50"}, and their weighted total."""

    __tablename__ = "calibration_score"
    __table_args__ = (UniqueConstraint("sample_id", "judge_id", name="uq_calibration_score_sample_judge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("calibration_sample.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sample: Mapped[CalibrationSample] = relationship(back_populates="scores")
    judge: Mapped[User] = relationship(lazy="joined", innerjoin=True)
