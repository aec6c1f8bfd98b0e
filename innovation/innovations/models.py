from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, str_enum, utcnow
from innovation.orgs.models import Opd
from innovation.storage.models import StoredFile
from innovation.web import Role

if TYPE_CHECKING:
    from innovation.rules import Rules


class Innovation(Versioned, db.Model):
    """An innovation's profile, in the fields of Kemendagri's portal (rules year ``rules_year``)."""

    __tablename__ = "innovation"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        Index("ix_innovation_opd_updated", "opd_id", "updated_at"),
        Index("ix_innovation_nama_id", "nama", "id"),  # the dashboard's order (migration 0006)
        Index("ix_innovation_updated_at", "updated_at"),  # reporting.index_cache's fingerprint
        Index("ix_innovation_derived_at", "derived_at"),  # the same (migration 0008)
        # The verification queue's order: lines to be re-checked first (migration 0012).
        Index("ix_innovation_recheck_queue", "recheck_since", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="RESTRICT"))
    rules_year: Mapped[int]
    nama: Mapped[str] = mapped_column(String(300))
    nomor_register: Mapped[str | None] = mapped_column(String(64))
    tahapan: Mapped[str | None] = mapped_column(String(40))
    inisiator: Mapped[str | None] = mapped_column(String(40))
    nama_inisiator: Mapped[str | None] = mapped_column(String(200))
    jenis: Mapped[str | None] = mapped_column(String(40))
    klasifikasi: Mapped[str | None] = mapped_column(String(40))
    bentuk: Mapped[str | None] = mapped_column(String(40))
    tematik: Mapped[str | None] = mapped_column(String(40))
    urusan_utama: Mapped[str | None] = mapped_column(String(80), index=True)
    urusan_lain: Mapped[list[str]] = mapped_column(JSON, default=list)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    waktu_uji_coba: Mapped[date | None] = mapped_column(Date)
    waktu_penerapan: Mapped[date | None] = mapped_column(Date)
    waktu_pengembangan: Mapped[date | None] = mapped_column(Date)
    rancang_bangun: Mapped[str] = mapped_column(Text, default="")
    tujuan: Mapped[str] = mapped_column(Text, default="")
    manfaat: Mapped[str] = mapped_column(Text, default="")
    hasil: Mapped[str] = mapped_column(Text, default="")
    # Derived figures, kept up to date by the services so that list pages need no per-row work.
    rancang_bangun_words: Mapped[int] = mapped_column(default=0)
    claimed_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    verified_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    gap_count: Mapped[int] = mapped_column(default=0)  # readiness.Readiness.count: "N kekurangan"
    blocking_gap_count: Mapped[int] = mapped_column(default=0, server_default="0")  # of which disclaim it
    # The earliest of its claimed lines to be re-checked (IndicatorAnswer.recheck_since), None when none is.
    recheck_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Registration with Kemendagri (the export takes registered innovations by default).
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When refresh_derived last ran (answers, evidence, verification): reporting.index_cache's fingerprint.
    derived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Carry-over (innovations.carry): the earlier year's innovation this one was carried forward from, and
    # the report made then (what must be re-evidenced or re-answered under this year's rules).
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("innovation.id", ondelete="SET NULL"), unique=True)
    carried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carry_report: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    opd: Mapped[Opd] = relationship(lazy="joined", innerjoin=True)
    answers: Mapped[list[IndicatorAnswer]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="IndicatorAnswer.indicator_no"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="Evidence.id"
    )

    def __repr__(self) -> str:
        return f"<Innovation {self.id} {self.nama!r}>"

    @property
    def rules(self) -> Rules:
        from innovation.rules import get_rules

        return get_rules(self.rules_year)

    @property
    def maturity_percent(self) -> Decimal:
        return (self.claimed_score * 100 / self.rules.max_innovation_score).quantize(Decimal("0.01"))

    # --- permissions -------------------------------------------------------------------------
    def can_view(self, user: User) -> bool:
        if user.role in (Role.ADMIN, Role.VERIFIER):
            return True
        return user.belongs_to(self.opd_id)

    def can_edit(self, user: User) -> bool:
        return user.role == Role.ADMIN or user.belongs_to(self.opd_id)


class VerificationStatus(StrEnum):
    SESUAI = "sesuai"
    DIPERBAIKI = "diperbaiki"
    DITOLAK = "ditolak"


class IndicatorAnswer(Versioned, db.Model):
    """The OPD's self-assessment of one indicator: parameter 1-3 (and the basis for Kemanfaatan)."""

    __tablename__ = "indicator_answer"
    __table_args__ = (
        UniqueConstraint("innovation_id", "indicator_no", name="uq_indicator_answer_innovation_indicator"),
        CheckConstraint("parameter IS NULL OR parameter BETWEEN 1 AND 3", name="parameter_range"),
        CheckConstraint(
            "verified_parameter IS NULL OR verified_parameter BETWEEN 1 AND 3", name="verified_parameter_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovation.id", ondelete="CASCADE"))
    indicator_no: Mapped[int] = mapped_column(SmallInteger)
    parameter: Mapped[int | None] = mapped_column(SmallInteger)
    basis: Mapped[str | None] = mapped_column(String(2))
    informasi: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Verification by the planning office (Kemendagri issue).
    verification_status: Mapped[VerificationStatus | None] = mapped_column(str_enum(VerificationStatus))
    verified_parameter: Mapped[int | None] = mapped_column(SmallInteger)
    verification_note: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Perlu diperiksa ulang": the line had a verdict, then its evidence, parameter or basis changed (or the
    # OPD resubmitted it). The verdict above is cleared (the line counts as claimed, like any line awaiting
    # the verifier); ``recheck`` keeps it as history with what changed since (innovations.recheck).
    recheck_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recheck: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Taken over from the earlier year's innovation (innovations.carry) and not saved by the OPD since.
    carried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    innovation: Mapped[Innovation] = relationship(back_populates="answers")

    @property
    def awaiting_recheck(self) -> bool:
        return self.recheck_since is not None and self.verification_status is None


class PublicDecision(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class Evidence(db.Model):
    """A bukti dukung: a stored file or a link, for one indicator or one profile file slot.

    Replacing keeps the old row (``superseded_at`` set, ``replaces_id`` on the new one), so the
    history of what was submitted is never lost. Removing sets ``removed_at``.

    On the public showcase only when the OPD asked (``public_requested_at``) and an admin approved
    (``public_decision``): ``innovation.public.sharing``. A replacement is a new row, so it is never
    public until asked and approved again.
    """

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(indicator_no IS NULL) <> (profile_slot IS NULL)", name="indicator_or_profile_slot"
        ),
        CheckConstraint("(file_id IS NULL) <> (url IS NULL)", name="file_or_url"),
        Index("ix_evidence_innovation_indicator", "innovation_id", "indicator_no"),
        Index("ix_evidence_public_requested_at", "public_requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovation.id", ondelete="CASCADE"))
    indicator_no: Mapped[int | None] = mapped_column(SmallInteger)
    profile_slot: Mapped[str | None] = mapped_column(String(40))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="RESTRICT"), index=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The public showcase (who asked and who decided: the audit log)
    public_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_decision: Mapped[PublicDecision | None] = mapped_column(str_enum(PublicDecision, 10))
    public_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_note: Mapped[str | None] = mapped_column(String(500))
    # Taken over from the earlier year's innovation (innovations.carry): the same stored file or link.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))

    innovation: Mapped[Innovation] = relationship(back_populates="evidence")
    file: Mapped[StoredFile | None] = relationship(lazy="joined")
    uploaded_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.removed_at is None

    @property
    def is_public(self) -> bool:
        """Shown on the public showcase: current, asked for by the OPD and approved by an admin."""
        return (self.is_current and self.public_requested_at is not None
                and self.public_decision == PublicDecision.APPROVED)

    @property
    def display_name(self) -> str:
        if self.file is not None:
            return self.file.original_name
        return self.title or self.url or ""


class DuplicateDecision(db.Model):
    """An admin's word on a pair of innovations the duplicate report found alike: "distinct" (not the same
    innovation, no longer listed). A merged pair needs no row: the duplicate is gone. The pair is stored in
    id order, so (a, b) and (b, a) are one row."""

    __tablename__ = "duplicate_decision"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id", name="uq_duplicate_decision_pair"),
        CheckConstraint("first_id < second_id", name="pair_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("innovation.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
