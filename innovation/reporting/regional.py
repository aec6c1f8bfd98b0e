"""Regional indicator values (Satuan Pemerintahan Daerah) and their evidence files.

Plain functions like ``reporting.services``: they change models, flush, log with
``audit.services.record`` and raise ``ReportingError``; the views commit. ``regional_scores`` (what
the index reads) stays in ``services``.

Files go through ``storage.intake.store_upload`` like innovation evidence: the upload is sniffed by
content (PDF, JPG, PNG), written under a random key with its sha256 taken by the storage backend, and
the blob is deleted again if anything fails before the rows are flushed; the view then commits with
``storage.commit_or_delete([key])``.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from innovation.audit.services import megabytes, record, say
from innovation.auth.models import User
from innovation.concurrency import StaleEdit, changes_since, claim
from innovation.extensions import db, utcnow
from innovation.reporting.models import RegionalEvidence, RegionalIndicatorValue
from innovation.reporting.policy import can_edit_regional
from innovation.reporting.services import CENT, ReportingError
from innovation.rules import RegionalIndicator, get_rules
from innovation.storage.intake import store_upload
from innovation.storage.sniffing import SniffError, max_bytes_for

EVIDENCE_TYPES = ("pdf", "jpg", "png")
MAX_CURRENT_FILES = 10


# --- values --------------------------------------------------------------------------------------

def regional_values(year: int) -> dict[int, RegionalIndicatorValue]:
    rows = db.session.scalars(select(RegionalIndicatorValue).where(RegionalIndicatorValue.year == year))
    return {row.indicator_no: row for row in rows}


def _clean_score(raw: Any, maximum: Decimal, field: str, name: str) -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if not text:
        return Decimal(0)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ReportingError(_("%(name)s: nilai harus berupa angka, misalnya 1.5.", name=name), field)
    if not value.is_finite() or value < 0 or value > maximum:
        raise ReportingError(_("%(name)s: nilai harus di antara 0 dan %(max)s.", name=name, max=maximum), field)
    if value != value.quantize(CENT):
        raise ReportingError(_("%(name)s: paling banyak dua angka di belakang koma.", name=name), field)
    return value.quantize(CENT)


def _clean_url(raw: Any, field: str, name: str) -> str | None:
    url = str(raw or "").strip()
    if not url:
        return None
    if len(url) > 1000 or not url.lower().startswith(("https://", "http://")):
        raise ReportingError(_("%(name)s: tautan bukti harus diawali http:// atau https:// (maks. 1000 karakter).",
                               name=name), field)
    return url


class StaleRegionalValues(ReportingError):
    """Some lines were saved by someone else since the form was loaded: nothing was saved. ``lines`` =
    [(indicator number, label, StaleEdit)] name who changed what; ``current_versions`` go into the form
    so that saving again, after reading them, is a deliberate overwrite."""

    def __init__(self, lines: list[tuple[int, str, StaleEdit]]):
        who = ", ".join(dict.fromkeys(c.actor for _no, _label, e in lines for c in e.changes)) or _("pengguna lain")
        super().__init__(_(
            "Nilai indikator daerah %(nos)s sudah diubah oleh %(who)s sejak Anda membuka halaman ini. Isian Anda "
            "belum disimpan dan masih ada di formulir: periksa perubahan mereka, lalu simpan lagi.",
            nos=", ".join(str(no) for no, _label, _error in lines), who=who))
        self.lines = lines
        self.current_versions = {no: error.current_version for no, _label, error in lines}


def _blank(row: RegionalIndicatorValue) -> bool:
    """A row nobody has saved values into (made by a file upload): what a form loaded without it showed."""
    return row.score == 0 and not row.note and not row.evidence_url


def save_regional_values(year: int, values: dict[int, dict[str, Any]], *, by: User,
                         versions: dict[int, Any] | None = None) -> int:
    """Save the regional indicator values of ``year``; ``values[no] = {score, note, evidence_url}``.

    Every line is checked before anything changes (all or nothing). Returns the number of lines changed;
    each changed line is logged with its old and new values.

    ``versions[no]`` is the edit version of line ``no`` the form was loaded from ("0": no row yet). A
    changed line whose row was saved by someone else since is refused, with every such line named
    (``StaleRegionalValues``); ``None`` (tests, scripts) saves over the current values.
    """
    if not can_edit_regional(by):
        raise ReportingError(_("Hanya admin dan verifikator yang boleh mengisi indikator daerah."))
    rules = get_rules(year)
    known = {r.no: r for r in rules.regional_indicators}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ReportingError(_("Indikator daerah tidak dikenal: %(nos)s", nos=", ".join(map(str, unknown))))
    clean: dict[int, tuple[Decimal, str, str | None]] = {}
    for no, raw in values.items():
        indicator = known[no]
        label = f"{no}. {indicator.name}"
        score = _clean_score(raw.get("score"), Decimal(str(indicator.bobot)) * 3, f"score-{no}", label)
        note = str(raw.get("note") or "").replace("\r\n", "\n").strip()
        if len(note) > 5000:
            raise ReportingError(_("%(name)s: catatan terlalu panjang (maks. 5000 karakter).", name=label), f"note-{no}")
        clean[no] = (score, note, _clean_url(raw.get("evidence_url"), f"evidence_url-{no}", label))
    existing = regional_values(year)
    changed = 0
    stale: list[tuple[int, str, StaleEdit]] = []
    for no, (score, note, url) in sorted(clean.items()):
        row = existing.get(no)
        old = (row.score, row.note, row.evidence_url) if row else (Decimal("0.00"), "", None)
        if (score, note, url) == old:
            continue
        if row is not None and versions is not None:
            loaded = versions.get(no)
            if str(loaded).strip() == "0" and _blank(row):
                loaded = row.version  # only a file was added since: the values the form showed still hold
            try:
                claim(row, None if str(loaded).strip() == "0" else loaded)
            except StaleEdit as error:
                stale.append((no, f"{no}. {known[no].name}", error))
                continue
        if row is None:
            row = RegionalIndicatorValue(year=year, indicator_no=no, score=score, note=note, evidence_url=url,
                                         updated_by_id=by.id)
            try:
                with db.session.begin_nested():  # another save may have made this line's row meanwhile
                    db.session.add(row)
                    db.session.flush()
            except IntegrityError:
                made = regional_values(year).get(no)
                if made is None:
                    raise
                stale.append((no, f"{no}. {known[no].name}", StaleEdit(made, None, changes_since(made, None))))
                continue
        row.score, row.note, row.evidence_url, row.updated_by_id = score, note, url, by.id
        changed += 1
        db.session.flush()  # the row's id (and version) for its audit event
        record("regional.update", actor=by, obj=row,
               summary=say("Indikator daerah %(year)d no. %(no)d %(indicator)s: %(old)s -> %(new)s", year=year, no=no,
                           indicator=known[no].name, old="—" if old[0] is None else old[0], new=score),
               changes={"year": year, "indicator_no": no, "score": [old[0], score], "note": [old[1], note],
                        "evidence_url": [old[2], url]})
    if stale:
        raise StaleRegionalValues(stale)
    db.session.flush()
    return changed


# --- evidence files ------------------------------------------------------------------------------

def regional_indicator(year: Any, indicator_no: Any) -> RegionalIndicator:
    """The regional indicator ``indicator_no`` of ``year``'s rules (both as typed in a form)."""
    try:
        rules = get_rules(int(year))
    except (KeyError, TypeError, ValueError):
        raise ReportingError(_("Tidak ada aturan Kemendagri untuk tahun %(year)s.", year=year))
    try:
        number = int(indicator_no)
    except (TypeError, ValueError):
        number = None
    indicator = next((r for r in rules.regional_indicators if r.no == number), None)
    if indicator is None:
        raise ReportingError(_("Indikator daerah %(no)s tidak ada pada aturan tahun %(year)d.",
                               no=indicator_no, year=rules.year))
    return indicator


def max_file_bytes() -> int:
    return max_bytes_for(EVIDENCE_TYPES)


def accept_attribute() -> str:
    """For ``<input type=file accept=...>`` (a hint for the picker; the server still sniffs)."""
    return ".pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png,image/png"


def current_evidence(year: int) -> dict[int, list[RegionalEvidence]]:
    """The current files of ``year``'s regional indicators, by indicator number, oldest first (one query)."""
    rows = db.session.execute(
        select(RegionalIndicatorValue.indicator_no, RegionalEvidence)
        .join(RegionalEvidence.value)
        .where(RegionalIndicatorValue.year == year, RegionalEvidence.removed_at.is_(None))
        .order_by(RegionalIndicatorValue.indicator_no, RegionalEvidence.uploaded_at, RegionalEvidence.id))
    found: dict[int, list[RegionalEvidence]] = {}
    for no, item in rows:
        found.setdefault(no, []).append(item)
    return found


def _value_for_update(year: int, no: int) -> RegionalIndicatorValue | None:
    """The value row, locked on PostgreSQL so two uploads to one indicator count files one after the other."""
    return db.session.scalar(
        select(RegionalIndicatorValue)
        .where(RegionalIndicatorValue.year == year, RegionalIndicatorValue.indicator_no == no)
        .with_for_update(of=RegionalIndicatorValue))


def _count_current(value: RegionalIndicatorValue | None) -> int:
    if value is None or value.id is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(RegionalEvidence).where(
        RegionalEvidence.value_id == value.id, RegionalEvidence.removed_at.is_(None))) or 0


def attach_regional_file(year: Any, indicator_no: Any, *, stream: BinaryIO, filename: str, by: User) -> RegionalEvidence:
    """Store an uploaded PDF/JPG/PNG as evidence of one regional indicator of ``year``.

    The type is sniffed from the content (a PNG named ``.pdf`` is stored as a PNG); the size limit is
    ``MAX_DOCUMENT_BYTES``. An indicator without a value row gets one (score 0). At most
    ``MAX_CURRENT_FILES`` current files per indicator. No blob stays behind when this raises.
    """
    if not can_edit_regional(by):
        raise ReportingError(_("Hanya admin dan verifikator yang boleh mengisi indikator daerah."))
    indicator = regional_indicator(year, indicator_no)
    year = int(year)
    label = f"{indicator.no}. {indicator.name}"
    value = _value_for_update(year, indicator.no)
    if _count_current(value) >= MAX_CURRENT_FILES:
        raise ReportingError(_("Sudah ada %(n)d berkas bukti untuk %(target)s. Hapus yang lama dulu.",
                               n=MAX_CURRENT_FILES, target=label))
    try:
        with store_upload(stream, filename, EVIDENCE_TYPES) as stored:
            name = stored.original_name
            created = value is None
            if created:
                value = RegionalIndicatorValue(year=year, indicator_no=indicator.no, score=Decimal("0.00"), note="",
                                               updated_by_id=by.id)
                db.session.add(value)
            item = RegionalEvidence(value=value, file=stored, filename=name, uploaded_by_id=by.id, uploaded_at=utcnow())
            db.session.add_all([stored, item])
            db.session.flush()
            record("regional.evidence_attach", actor=by, obj=value, object_type="regional_indicator_value",
                   summary=say("Bukti indikator daerah %(year)d no. %(no)s: %(file)s (%(mb)s MB)", year=year, no=label, file=name,
                               mb=megabytes(stored.size)),
                   changes={"year": year, "indicator_no": indicator.no, "regional_evidence_id": item.id,
                            "file": name, "sha256": stored.sha256, "size": stored.size, "value_created": created})
    except SniffError as error:
        raise ReportingError(str(error), "file") from error
    return item


def remove_regional_file(item: RegionalEvidence, *, by: User) -> RegionalEvidence:
    """Take a file out of the indicator's current evidence; the row and the blob stay (audit, history)."""
    if not can_edit_regional(by):
        raise ReportingError(_("Hanya admin dan verifikator yang boleh mengisi indikator daerah."))
    if not item.is_current:
        raise ReportingError(_("Berkas bukti ini sudah dihapus."))
    item.removed_at = utcnow()
    value = item.value
    db.session.flush()
    record("regional.evidence_remove", actor=by, obj=value, object_type="regional_indicator_value",
           summary=say("Bukti indikator daerah %(year)d no. %(no)d dihapus: %(file)s", year=value.year,
                       no=value.indicator_no, file=item.filename),
           changes={"year": value.year, "indicator_no": value.indicator_no, "regional_evidence_id": item.id,
                    "file": item.filename, "removed_at": [None, item.removed_at]})
    return item
