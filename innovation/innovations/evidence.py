"""Evidence ("bukti dukung") services: attach a file or a link, replace, remove, read the history.

Plain functions: they change models, flush, record the audit event and recompute the innovation's
derived figures; they never commit and never touch the request. Callers check
``innovation.can_edit(user)`` first; these functions check everything about the target itself
(the indicator exists in the innovation's rules year, the file type is allowed there, the size
limit, links only where the indicator allows them).

Blobs: ``attach_file`` writes the blob before the rows exist and deletes it again on any failure
inside the service. The view then commits with ``storage.commit_or_delete([evidence.file.key])``
so that a failed commit deletes it too; ``flask uploads gc`` removes what a crash leaves behind.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from innovation.audit.services import record
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.innovations.models import Evidence, Innovation
from innovation.innovations.services import InnovationError, refresh_derived
from innovation.storage import CHUNK, get_storage, new_key
from innovation.storage.models import StoredFile
from innovation.storage.sniffing import (
    FileType,
    SniffError,
    check_upload,
    format_mb,
    max_bytes_for,
    types_label,
)

MAX_URL_LENGTH = 1000
MAX_NAME_LENGTH = 255
MAX_CURRENT_PER_TARGET = 20
SPOOL_IN_MEMORY = CHUNK


class EvidenceError(InnovationError):
    """An InnovationError that also carries the HTTP status an API should answer with."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message, field)
        self.status = status


@dataclass(frozen=True)
class Target:
    """Where evidence goes: one indicator of the innovation's rules year, or one profile file slot."""

    indicator_no: int | None
    slot: str | None
    label: str
    types: tuple[str, ...]
    allow_link: bool

    @property
    def max_bytes(self) -> int:
        return max_bytes_for(self.types)

    @property
    def max_mb(self) -> str:
        return format_mb(self.max_bytes)

    @property
    def types_label(self) -> str:
        return types_label(self.types)

    @property
    def accept(self) -> str:
        """For ``<input type=file accept=...>`` (a hint for the picker; the server still sniffs)."""
        extras = {"jpg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png", "pdf": ".pdf,application/pdf",
                  "mp4": ".mp4,video/mp4", "ppt": ".ppt", "pptx": ".pptx"}
        return ",".join(extras.get(t, "." + t) for t in self.types)

    def matches(self, evidence: Evidence) -> bool:
        return evidence.indicator_no == self.indicator_no and evidence.profile_slot == self.slot


def resolve_target(innovation: Innovation, *, indicator_no: int | str | None = None, slot: str | None = None) -> Target:
    """The target named by an indicator number or a profile slot, checked against the rules year."""
    rules = innovation.rules
    if indicator_no in ("", None):
        indicator_no = None
    if slot in ("", None):
        slot = None
    if (indicator_no is None) == (slot is None):
        raise EvidenceError(_("Pilih satu indikator atau satu berkas profil untuk bukti ini."))
    if indicator_no is not None:
        try:
            number = int(indicator_no)
            indicator = rules.indicator(number)
        except (KeyError, TypeError, ValueError):
            raise EvidenceError(_("Indikator %(no)s tidak ada pada aturan tahun %(year)d.",
                                  no=indicator_no, year=rules.year), status=404)
        return Target(number, None, f"{indicator.no}. {indicator.name}", indicator.evidence_types, indicator.allow_link)
    profile_slot = rules.profile_file(str(slot))
    if profile_slot is None:
        raise EvidenceError(_("Berkas profil \"%(slot)s\" tidak dikenal pada aturan tahun %(year)d.",
                              slot=slot, year=rules.year), status=404)
    return Target(None, profile_slot.slot, profile_slot.label, profile_slot.types, False)


# --- reading -----------------------------------------------------------------------------------

def current_for(innovation: Innovation, *, indicator_no: int | None = None, slot: str | None = None) -> list[Evidence]:
    """Current evidence of one target, oldest first (uses the loaded ``innovation.evidence``)."""
    return [e for e in innovation.evidence
            if e.is_current and e.indicator_no == indicator_no and e.profile_slot == slot]


def history(innovation: Innovation, *, indicator_no: int | None = None, slot: str | None = None) -> list[Evidence]:
    """Superseded and removed evidence of one target, newest first (what the "Riwayat" lists)."""
    rows = [e for e in innovation.evidence
            if not e.is_current and e.indicator_no == indicator_no and e.profile_slot == slot]
    return sorted(rows, key=lambda e: (e.superseded_at or e.removed_at or e.created_at, e.id), reverse=True)


# --- names -------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def clean_filename(filename: str | None, file_type: FileType | None = None) -> str:
    """A display/download name: no path, no control characters, at most 255 characters, and
    ending in the sniffed type's extension (a PDF called ``scan.png`` is offered as ``scan.pdf``)."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name)
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if file_type is not None:
        same = ext.lower() == file_type.extension or (file_type.extension == "jpg" and ext.lower() in ("jpeg", "jpe", "jfif"))
        if not same:
            stem = name if ext.lower() not in ("pdf", "jpg", "jpeg", "png", "ppt", "pptx", "mp4") else stem
            ext = file_type.extension
    stem = stem or _("berkas")
    suffix = f".{ext}" if ext else ""
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix


# --- changing ----------------------------------------------------------------------------------

def check_replaces(innovation: Innovation, target: Target, replaces: Evidence | None) -> None:
    if replaces is None:
        if len(current_for(innovation, indicator_no=target.indicator_no, slot=target.slot)) >= MAX_CURRENT_PER_TARGET:
            raise EvidenceError(_("Sudah ada %(n)d bukti untuk %(target)s. Hapus atau ganti yang lama dulu.",
                                  n=MAX_CURRENT_PER_TARGET, target=target.label), status=409)
        return
    if replaces.innovation_id != innovation.id or not target.matches(replaces) or not replaces.is_current:
        raise EvidenceError(_("Bukti yang akan diganti tidak ditemukan atau sudah diganti."), status=409)


def spool_upload(stream: BinaryIO, limit: int) -> BinaryIO:
    """Copy a non-seekable stream into a temporary file (memory up to 1 MB, then disk); the caller
    closes it. Raises ``SniffError`` (413) past ``limit``. Shared with ``reporting.regional``."""
    staging = current_app.config.get("UPLOAD_STAGING_DIR")
    if staging:
        os.makedirs(staging, exist_ok=True)
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, dir=staging or None)
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise SniffError("too large", 413)
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def is_seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _supersede(replaces: Evidence | None, now) -> None:
    if replaces is not None:
        replaces.superseded_at = now


def attach_file(
    innovation: Innovation, *, indicator_no: int | None = None, slot: str | None = None,
    stream: BinaryIO, filename: str, by: User, replaces: Evidence | None = None,
) -> Evidence:
    """Store an uploaded file as evidence. Memory stays flat: the stream is sniffed from its first
    bytes (and, for PPTX/PPT, its directory) and then copied to storage in 1 MB chunks, hashed on
    the way. ``replaces`` keeps the old row as history (``superseded_at``)."""
    target = resolve_target(innovation, indicator_no=indicator_no, slot=slot)
    check_replaces(innovation, target, replaces)
    source = stream if is_seekable(stream) else None
    try:
        if source is None:
            try:
                source = spool_upload(stream, target.max_bytes)
            except SniffError as error:
                raise EvidenceError(_("Berkas terlalu besar. Batas untuk bukti ini %(limit)s MB (%(types)s).",
                                      limit=target.max_mb, types=target.types_label), status=413) from error
        size = source.seek(0, os.SEEK_END)
        source.seek(0)
        try:
            file_type = check_upload(source, size, target.types)
        except SniffError as error:
            raise EvidenceError(str(error), "file", status=error.status) from error
        storage = get_storage()
        key = new_key()
        try:
            blob = storage.save(key, source)
            if blob.size != size:
                raise EvidenceError(_("Berkas berubah saat disimpan. Silakan unggah ulang."))
            stored = StoredFile(
                key=key, original_name=clean_filename(filename, file_type), content_type=file_type.content_type,
                extension=file_type.extension, size=blob.size, sha256=blob.sha256,
            )
            now = utcnow()
            _supersede(replaces, now)
            evidence = Evidence(
                innovation=innovation, indicator_no=target.indicator_no, profile_slot=target.slot, file=stored,
                title=stored.original_name, uploaded_by_id=by.id, created_at=now,
                replaces_id=replaces.id if replaces is not None else None,
            )
            db.session.add_all([stored, evidence])
            db.session.flush()
            refresh_derived(innovation)
            record(
                "evidence.replace" if replaces is not None else "evidence.attach", actor=by, obj=innovation,
                summary=f"Bukti {target.label}: {stored.original_name} ({format_mb(stored.size)} MB)",
                changes={"evidence_id": evidence.id, "indicator_no": target.indicator_no, "slot": target.slot,
                         "file": stored.original_name, "sha256": stored.sha256,
                         "replaces_id": evidence.replaces_id},
            )
        except BaseException:
            storage.delete(key)  # no file without its row
            raise
        return evidence
    finally:
        if source is not None and source is not stream:
            source.close()


def clean_url(url: str | None) -> str:
    url = (url or "").strip()
    if not url:
        raise EvidenceError(_("Tautan wajib diisi."), "url")
    if len(url) > MAX_URL_LENGTH:
        raise EvidenceError(_("Tautan terlalu panjang (maksimal %(n)d karakter).", n=MAX_URL_LENGTH), "url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise EvidenceError(_("Tautan tidak boleh berisi spasi."), "url")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EvidenceError(_("Tautan harus diawali http:// atau https:// dan memuat nama situs."), "url")
    return url


def attach_link(
    innovation: Innovation, *, indicator_no: int | None = None, slot: str | None = None,
    url: str, title: str = "", by: User, replaces: Evidence | None = None,
) -> Evidence:
    """A link as evidence (e.g. a video on YouTube for indicator 35), only where the rules allow."""
    target = resolve_target(innovation, indicator_no=indicator_no, slot=slot)
    if not target.allow_link:
        raise EvidenceError(_("%(target)s tidak menerima tautan; unggah berkas %(types)s.",
                              target=target.label, types=target.types_label), "url")
    url = clean_url(url)
    title = " ".join(_CONTROL.sub("", title or "").split())[:MAX_NAME_LENGTH]
    check_replaces(innovation, target, replaces)
    now = utcnow()
    _supersede(replaces, now)
    evidence = Evidence(
        innovation=innovation, indicator_no=target.indicator_no, profile_slot=target.slot, url=url,
        title=title, uploaded_by_id=by.id, created_at=now, replaces_id=replaces.id if replaces is not None else None,
    )
    db.session.add(evidence)
    db.session.flush()
    refresh_derived(innovation)
    record("evidence.link", actor=by, obj=innovation, summary=f"Tautan bukti {target.label}: {url}"[:500],
           changes={"evidence_id": evidence.id, "indicator_no": target.indicator_no, "slot": target.slot,
                    "url": url, "replaces_id": evidence.replaces_id})
    return evidence


def remove_evidence(evidence: Evidence, *, by: User) -> Evidence:
    """Take evidence out of the current set; the row and its file stay for the history."""
    if not evidence.is_current:
        raise EvidenceError(_("Bukti ini sudah tidak berlaku (sudah diganti atau dihapus)."), status=409)
    evidence.removed_at = utcnow()
    innovation = evidence.innovation
    refresh_derived(innovation)
    where = evidence.indicator_no if evidence.indicator_no is not None else evidence.profile_slot
    record("evidence.remove", actor=by, obj=innovation, summary=f"Bukti dihapus ({where}): {evidence.display_name}"[:500],
           changes={"evidence_id": evidence.id, "indicator_no": evidence.indicator_no, "slot": evidence.profile_slot})
    return evidence


def evidence_for_update(innovation: Innovation, evidence_id: int | str | None) -> Evidence | None:
    """The evidence a ``replaces`` field names, if it belongs to this innovation (else an error)."""
    if evidence_id in (None, ""):
        return None
    try:
        number = int(evidence_id)
    except (TypeError, ValueError):
        raise EvidenceError(_("Bukti yang akan diganti tidak ditemukan atau sudah diganti."), status=409)
    evidence = db.session.scalar(
        select(Evidence).where(Evidence.id == number, Evidence.innovation_id == innovation.id)
    )
    if evidence is None:
        raise EvidenceError(_("Bukti yang akan diganti tidak ditemukan atau sudah diganti."), status=409)
    return evidence
