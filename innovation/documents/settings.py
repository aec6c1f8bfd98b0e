"""An event's document settings: reading them (with the region's defaults until an admin saves) and
saving them, the logo included.

Defaults: the issuer is "Pemerintah " + ``REGION_NAME`` ("Pemerintah Kabupaten Mimika"), the decree is
in the name of the region's head ("Bupati Mimika"; "Wali Kota ..." for a city), the place is
``DOCUMENT_PLACE`` (Timika) and numbers read ``001/IW-2026/BAPPEDA``.

A number format is text with placeholders: ``{nomor}`` (the register's running number, three digits;
required, so every number differs), ``{tahun}`` (the event's year) and ``{bulan}`` (the month of issue in
Roman numerals, as Indonesian letter numbers have it).
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from innovation.audit.services import record, say
from innovation.documents.models import DocumentSettings
from innovation.errors import DomainError
from innovation.events.models import Event
from innovation.extensions import db, utcnow
from innovation.storage.intake import store_upload

DEFAULT_FORMAT = "{nomor}/IW-{tahun}/BAPPEDA"
PLACEHOLDERS = ("nomor", "tahun", "bulan")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
LOGO_TYPES = ("png", "jpg")
NIP_PATTERN = re.compile(r"^[0-9 ]{0,30}$")
TEXT_FIELDS = ("issuer", "place", "number_format", "decree_official", "signer1_name", "signer1_title",
               "signer1_nip", "signer2_name", "signer2_title", "signer2_nip")
LIMITS = {"issuer": 200, "place": 100, "number_format": 100, "decree_official": 200, "signer1_name": 200,
          "signer1_title": 200, "signer1_nip": 30, "signer2_name": 200, "signer2_title": 200, "signer2_nip": 30}


class DocumentError(DomainError):
    """A broken rule of the documents (settings, issuing)."""


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    nip: str


def region_head(region: str) -> str:
    """Who a region's decree is in the name of: "Kabupaten Mimika" -> "Bupati Mimika"."""
    for prefix, head in (("Kabupaten ", "Bupati "), ("Kota ", "Wali Kota "), ("Provinsi ", "Gubernur ")):
        if region.startswith(prefix):
            return head + region[len(prefix):]
    return f"Kepala Daerah {region}"


def defaults() -> dict[str, str]:
    region = current_app.config["REGION_NAME"]
    return {"issuer": f"Pemerintah {region}", "place": current_app.config.get("DOCUMENT_PLACE", "Timika"),
            "number_format": DEFAULT_FORMAT, "decree_official": region_head(region),
            "signer1_name": "", "signer1_title": "", "signer1_nip": "",
            "signer2_name": "", "signer2_title": "", "signer2_nip": ""}


def load(event: Event) -> DocumentSettings:
    """The event's settings row, or an unsaved one with the defaults."""
    found = db.session.scalar(db.select(DocumentSettings).where(DocumentSettings.event_id == event.id))
    return found or DocumentSettings(event_id=event.id, event=event, **defaults())


def signatories(settings: DocumentSettings) -> list[Signatory]:
    """The one or two signatories configured (a block without a name is left out)."""
    blocks = [Signatory(settings.signer1_name, settings.signer1_title, settings.signer1_nip),
              Signatory(settings.signer2_name, settings.signer2_title, settings.signer2_nip)]
    return [b for b in blocks if b.name.strip()]


def format_certificate_number(template: str, *, seq: int, year: int, issued_at: datetime) -> str:
    return template.format(nomor=f"{seq:03d}", tahun=year, bulan=ROMAN[issued_at.month - 1])


def check_number_format(template: str) -> str:
    template = template.strip()
    try:
        fields = [(name, spec, conv) for _text, name, spec, conv in string.Formatter().parse(template)
                  if name is not None]
    except ValueError:
        raise DocumentError(_("Format nomor tidak dapat dibaca: kurung kurawal harus berpasangan, misalnya "
                              "{nomor}/IW-{tahun}/BAPPEDA."), "number_format") from None
    names = [name for name, _spec, _conv in fields]
    if any(name not in PLACEHOLDERS or spec or conv for name, spec, conv in fields):
        raise DocumentError(_("Format nomor hanya boleh memakai {nomor}, {tahun} dan {bulan}."), "number_format")
    if "nomor" not in names:
        raise DocumentError(_("Format nomor harus memuat {nomor}, supaya setiap sertifikat bernomor berbeda."),
                            "number_format")
    return template


def update(event: Event, values: dict[str, str], *, by, logo: BinaryIO | None = None,
           logo_name: str | None = None, remove_logo: bool = False) -> DocumentSettings:
    """Save the event's settings (the admin's form); the logo, when given, goes through storage."""
    settings = load(event)
    cleaned = {}
    for name in TEXT_FIELDS:
        value = " ".join((values.get(name) or "").split())
        if len(value) > LIMITS[name]:
            raise DocumentError(_("Paling banyak %(n)d karakter.", n=LIMITS[name]), name)
        cleaned[name] = value
    for name in ("issuer", "place", "number_format", "decree_official"):
        if not cleaned[name]:
            raise DocumentError(_("Wajib diisi."), name)
    cleaned["number_format"] = check_number_format(cleaned["number_format"])
    for n in ("1", "2"):
        nip = cleaned[f"signer{n}_nip"]
        if not NIP_PATTERN.match(nip) or (nip and len(nip.replace(" ", "")) != 18):
            raise DocumentError(_("NIP terdiri dari 18 angka."), f"signer{n}_nip")
        if (cleaned[f"signer{n}_title"] or nip) and not cleaned[f"signer{n}_name"]:
            raise DocumentError(_("Isi nama penanda tangan, atau kosongkan jabatan dan NIP-nya."), f"signer{n}_name")
        if cleaned[f"signer{n}_name"] and not cleaned[f"signer{n}_title"]:
            raise DocumentError(_("Isi jabatan penanda tangan."), f"signer{n}_title")
    if settings.id is None:
        db.session.add(settings)
    changes = {k: [getattr(settings, k), v] for k, v in cleaned.items() if getattr(settings, k) != v}
    for key, value in cleaned.items():
        setattr(settings, key, value)
    if remove_logo and settings.logo_file_id is not None:
        settings.logo = None
        changes["logo"] = ["ada", None]
    if logo is not None:
        with store_upload(logo, logo_name, LOGO_TYPES) as stored:
            db.session.add(stored)
            settings.logo = stored
            db.session.flush()
        changes["logo"] = [None, stored.original_name]
    settings.updated_at = utcnow()
    settings.updated_by_id = by.id
    db.session.flush()
    if changes:
        record("documents.settings", actor=by, obj=event, changes=changes,
               summary=say("Pengaturan dokumen %(event)s diubah", event=event.name))
    return settings
