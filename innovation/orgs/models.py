from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.concurrency import Versioned
from innovation.extensions import UTCDateTime, db, str_enum, utcnow


class OpdKind(StrEnum):
    SEKRETARIAT = "sekretariat"
    BADAN = "badan"
    DINAS = "dinas"
    DISTRIK = "distrik"
    KELURAHAN = "kelurahan"
    PUSKESMAS = "puskesmas"
    RSUD = "rsud"
    LAINNYA = "lainnya"


OPD_KIND_LABELS = {
    OpdKind.SEKRETARIAT: "Sekretariat / Bagian",
    OpdKind.BADAN: "Badan",
    OpdKind.DINAS: "Dinas",
    OpdKind.DISTRIK: "Distrik",
    OpdKind.KELURAHAN: "Kelurahan / Kampung",
    OpdKind.PUSKESMAS: "Puskesmas",
    OpdKind.RSUD: "RSUD",
    OpdKind.LAINNYA: "Lainnya",
}


class Opd(Versioned, db.Model):
    """An organisasi perangkat daerah: office, agency, district, Puskesmas..."""

    __tablename__ = "opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[OpdKind] = mapped_column(str_enum(OpdKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Opd | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Opd]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Opd {self.code}>"

    @property
    def kind_label(self) -> str:
        return OPD_KIND_LABELS[self.kind]

    def family_ids(self) -> set[int]:
        """This unit, its parent and its children: the units a judge working here must not judge."""
        ids = {self.id}
        if self.parent_id is not None:
            ids.add(self.parent_id)
        ids.update(db.session.scalars(select(Opd.id).where(Opd.parent_id == self.id)))
        return ids
