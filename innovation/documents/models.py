"""The documents' settings per event and the register of issued certificates.

- ``DocumentSettings``: one row per event (made on first save; the defaults come from the region's
  configuration until then): the issuer ("Pemerintah Kabupaten Mimika") and its logo, the place
  printed in the place-and-date line, the certificate number format, who the decree is in the name
  of, and one or two signatories (name, title, NIP).
- ``Certificate``: the register. Every scored entry of a published edition gets one number, issued in
  the ranking's order when the edition is first needed (``numbering.issue``); ``seq`` runs across the
  whole register so a number is unique whatever the format, and ``number`` is unique too (the public
  verification page looks it up).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.events.models import Event
from innovation.extensions import UTCDateTime, db, utcnow
from innovation.judging.models import ResultSnapshot
from innovation.storage.models import StoredFile


class DocumentSettings(db.Model):
    __tablename__ = "document_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(100))
    number_format: Mapped[str] = mapped_column(String(100))
    decree_official: Mapped[str] = mapped_column(String(200))
    signer1_name: Mapped[str] = mapped_column(String(200), default="")
    signer1_title: Mapped[str] = mapped_column(String(200), default="")
    signer1_nip: Mapped[str] = mapped_column(String(30), default="")
    signer2_name: Mapped[str] = mapped_column(String(200), default="")
    signer2_title: Mapped[str] = mapped_column(String(200), default="")
    signer2_nip: Mapped[str] = mapped_column(String(30), default="")
    logo_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    logo: Mapped[StoredFile | None] = relationship()


class Certificate(db.Model):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("snapshot_id", "entry_id", name="uq_certificate_snapshot_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("result_snapshot.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int]  # the entry's id as the snapshot names it (the snapshot is the record, not the row)
    seq: Mapped[int] = mapped_column(unique=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    award: Mapped[str | None] = mapped_column(String(60))  # the place's label; None: participation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    snapshot: Mapped[ResultSnapshot] = relationship()
