"""Evidence ("bukti dukung") services: attach a file or a link, replace, remove, read the history.

Plain functions: they change models, flush, record the audit event and recompute the innovation's
derived figures; they never commit and never touch the request. Callers check
``innovation.can_edit(user)`` first; these functions check everything about the target itself
(the indicator exists in the innovation's rules year, the file type is allowed there, the size
limit, links only where the indicator allows them).

Blobs: ``attach_file`` stores the upload through ``storage.intake.store_upload``, which writes the
blob before the rows exist and deletes it again on any failure inside the service. The view then
commits with ``storage.commit_or_delete([evidence.file.key])`` so that a failed commit deletes it
too; ``flask uploads gc`` removes what a crash leaves behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from innovation.audit.services import megabytes, record, say
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.innovations import recheck
from innovation.innovations.models import Evidence, Innovation
from innovation.innovations.services import InnovationError, get_answer, refresh_derived
from innovation.storage.intake import CONTROL_CHARACTERS, MAX_NAME_LENGTH, store_upload
from innovation.storage.sniffing import SniffError, format_mb, max_bytes_for, types_label
from innovation.web import id_in_range

MAX_URL_LENGTH = 1000
MAX_CURRENT_PER_TARGET = 20


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


# --- changing ----------------------------------------------------------------------------------

def check_replaces(innovation: Innovation, target: Target, replaces: Evidence | None) -> None:
    if replaces is None:
        if len(current_for(innovation, indicator_no=target.indicator_no, slot=target.slot)) >= MAX_CURRENT_PER_TARGET:
            raise EvidenceError(_("Sudah ada %(n)d bukti untuk %(target)s. Hapus atau ganti yang lama dulu.",
                                  n=MAX_CURRENT_PER_TARGET, target=target.label), status=409)
        return
    if replaces.innovation_id != innovation.id or not target.matches(replaces) or not replaces.is_current:
        raise EvidenceError(_("Bukti yang akan diganti tidak ditemukan atau sudah diganti."), status=409)


def _supersede(replaces: Evidence | None, now) -> None:
    if replaces is not None:
        replaces.superseded_at = now


def _invalidate(innovation: Innovation, target: Target, *, by: User, replaces: Evidence | None, new: str) -> None:
    """New evidence on a verified indicator line sends it back to the verifier (recheck.invalidate)."""
    if target.indicator_no is None:
        return
    answer = get_answer(innovation, target.indicator_no)
    if replaces is not None:
        recheck.invalidate(answer, recheck.Change.EVIDENCE_REPLACED, by=by, old=replaces.display_name, new=new)
    else:
        recheck.invalidate(answer, recheck.Change.EVIDENCE_ADDED, by=by, new=new)


def attach_file(
    innovation: Innovation, *, indicator_no: int | None = None, slot: str | None = None,
    stream: BinaryIO, filename: str, by: User, replaces: Evidence | None = None,
) -> Evidence:
    """Store an uploaded file as evidence. Memory stays flat: the stream is sniffed from its first
    bytes (and, for PPTX/PPT, its directory) and then copied to storage in 1 MB chunks, hashed on
    the way. ``replaces`` keeps the old row as history (``superseded_at``)."""
    target = resolve_target(innovation, indicator_no=indicator_no, slot=slot)
    check_replaces(innovation, target, replaces)
    try:
        with store_upload(stream, filename, target.types) as stored:
            now = utcnow()
            _supersede(replaces, now)
            evidence = Evidence(
                innovation=innovation, indicator_no=target.indicator_no, profile_slot=target.slot, file=stored,
                title=stored.original_name, uploaded_by_id=by.id, created_at=now,
                replaces_id=replaces.id if replaces is not None else None,
            )
            db.session.add_all([stored, evidence])
            db.session.flush()
            _invalidate(innovation, target, by=by, replaces=replaces, new=stored.original_name)
            refresh_derived(innovation)
            record(
                "evidence.replace" if replaces is not None else "evidence.attach", actor=by, obj=innovation,
                summary=say("Bukti %(target)s: %(file)s (%(mb)s MB)", target=target.label, file=stored.original_name,
                            mb=megabytes(stored.size)),
                changes={"evidence_id": evidence.id, "indicator_no": target.indicator_no, "slot": target.slot,
                         "file": stored.original_name, "sha256": stored.sha256,
                         "replaces_id": evidence.replaces_id},
            )
    except SniffError as error:
        raise EvidenceError(str(error), "file", status=error.status) from error
    return evidence


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
    title = " ".join(CONTROL_CHARACTERS.sub("", title or "").split())[:MAX_NAME_LENGTH]
    check_replaces(innovation, target, replaces)
    now = utcnow()
    _supersede(replaces, now)
    evidence = Evidence(
        innovation=innovation, indicator_no=target.indicator_no, profile_slot=target.slot, url=url,
        title=title, uploaded_by_id=by.id, created_at=now, replaces_id=replaces.id if replaces is not None else None,
    )
    db.session.add(evidence)
    db.session.flush()
    _invalidate(innovation, target, by=by, replaces=replaces, new=evidence.display_name)
    refresh_derived(innovation)
    record("evidence.link", actor=by, obj=innovation,
           summary=say("Tautan bukti %(target)s: %(url)s", target=target.label, url=url),
           changes={"evidence_id": evidence.id, "indicator_no": target.indicator_no, "slot": target.slot,
                    "url": url, "replaces_id": evidence.replaces_id})
    return evidence


def remove_evidence(evidence: Evidence, *, by: User) -> Evidence:
    """Take evidence out of the current set; the row and its file stay for the history."""
    if not evidence.is_current:
        raise EvidenceError(_("Bukti ini sudah tidak berlaku (sudah diganti atau dihapus)."), status=409)
    evidence.removed_at = utcnow()
    innovation = evidence.innovation
    if evidence.indicator_no is not None:
        recheck.invalidate(get_answer(innovation, evidence.indicator_no), recheck.Change.EVIDENCE_REMOVED, by=by,
                           old=evidence.display_name)
    refresh_derived(innovation)
    where = evidence.indicator_no if evidence.indicator_no is not None else evidence.profile_slot
    record("evidence.remove", actor=by, obj=innovation,
           summary=say("Bukti dihapus (%(where)s): %(evidence)s", where=where, evidence=evidence.display_name),
           changes={"evidence_id": evidence.id, "indicator_no": evidence.indicator_no, "slot": evidence.profile_slot})
    return evidence


def evidence_for_update(innovation: Innovation, evidence_id: int | str | None) -> Evidence | None:
    """The evidence a ``replaces`` field names, if it belongs to this innovation (else an error)."""
    if evidence_id in (None, ""):
        return None
    try:
        number = int(evidence_id)
    except (TypeError, ValueError):
        number = None
    evidence = db.session.scalar(
        select(Evidence).where(Evidence.id == number, Evidence.innovation_id == innovation.id)
    ) if id_in_range(Evidence, number) else None
    if evidence is None:
        raise EvidenceError(_("Bukti yang akan diganti tidak ditemukan atau sudah diganti."), status=409)
    return evidence
