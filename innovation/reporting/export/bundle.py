"""The Kemendagri bundle: one ZIP with the workbook, a proposal PDF per innovation, the evidence files
grouped per indicator, a manifest, the listing CSV and a report.

``write_bundle(out, options, progress=...)`` writes to any binary stream (a file for the CLI, a
temporary file for the background job) and never holds more than one batch of innovations, one
proposal and one chunk of a file in memory: innovations are read in batches of ``BATCH`` with their
answers and evidence, evidence is streamed from storage into the ZIP chunk by chunk, and the
workbook, the manifest and the CSV grow in temporary files until they are copied in at the end.
What grows with the number of innovations stays on disk too: the ZIP's per-entry records
(``archive.SpillingZipFile``) and LAPORAN.txt's lists (``NoteList``); the index for the Ringkasan
sheet is summed as the innovations pass (``IndexTotals``). In memory with N: the selected ids only
(an ``array`` of 8 bytes each, 0.8 MB for 100,000).
"""
from __future__ import annotations

import csv
import gc
import io
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, BinaryIO

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.util import identity_key

from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd
from innovation.reporting.export.archive import SpillingZipFile, copy_into, entry_info, write_chunks
from innovation.reporting.export.items import LONG_FIELDS, ExportItem, build_item
from innovation.reporting.export.naming import UniqueNames, safe_filename
from innovation.reporting.export.proposal import write_proposal
from innovation.reporting.export.regional_files import write_regional_files
from innovation.reporting.export.report import (
    ExportError,
    ExportOptions,
    ExportReport,
    IndexTotals,
    LeftOut,
    summary_rows,
    write_laporan,
)
from innovation.reporting.export.workbook import (
    LISTING_COLUMNS,
    WorkbookWriter,
    listing_row,
    parts_needed,
)
from innovation.rules import get_rules
from innovation.storage import StorageError, get_storage

BATCH = 25
COLLECT_EVERY = 10  # batches between full garbage collections (one costs tens of ms in a big process)

Progress = Callable[[int, int, str], None]


# --- selection -------------------------------------------------------------------------------

def _filters(options: ExportOptions) -> list[Any]:
    conditions = [Innovation.rules_year == options.year]
    if options.registered_only:
        conditions.append(Innovation.registered_at.is_not(None))
    if options.opd_ids:
        conditions.append(Innovation.opd_id.in_(options.opd_ids))
    return conditions


def with_units(opd_ids: Iterable[int]) -> tuple[int, ...]:
    """The OPDs and their sub-units (a Dinas with its Puskesmas), sorted."""
    ids = set(opd_ids)
    if ids:
        ids.update(db.session.scalars(select(Opd.id).where(Opd.parent_id.in_(ids))))
    return tuple(sorted(ids))


def opd_ids_for_codes(codes: Iterable[str]) -> tuple[tuple[int, ...], list[str]]:
    """The OPDs with these codes (any case) with their sub-units, and the codes that match no OPD."""
    found, unknown = [], []
    for code in codes:
        opd_id = db.session.scalar(select(Opd.id).where(func.upper(Opd.code) == code.strip().upper()))
        if opd_id is None:
            unknown.append(code)
        else:
            found.append(opd_id)
    return with_units(found), unknown


def selected_ids(options: ExportOptions) -> array:
    """The innovations to export, in the order of the bundle: by OPD, then name (8 bytes each)."""
    return array("q", db.session.scalars(
        select(Innovation.id).join(Opd, Innovation.opd_id == Opd.id).where(*_filters(options))
        .order_by(Opd.name, Innovation.nama, Innovation.id)
    ))


def count_selected(options: ExportOptions) -> int:
    return db.session.scalar(select(func.count(Innovation.id)).where(*_filters(options))) or 0


def _text_parts(options: ExportOptions) -> dict[str, int]:
    columns = [func.max(func.length(getattr(Innovation, name))) for name in LONG_FIELDS]
    longest = db.session.execute(select(*columns).where(*_filters(options))).one()
    return {name: parts_needed(length or 0) for name, length in zip(LONG_FIELDS, longest)}


def _batches(ids: array) -> Iterator[list[Innovation]]:
    """Innovations with answers and evidence (and its files), BATCH at a time, in ``ids`` order;
    each batch leaves the session before the next is loaded."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH].tolist()
        # Rows the caller already holds stay in the session; the others leave it after their batch.
        present = {i for i in chunk if identity_key(Innovation, i) in db.session.identity_map}
        rows = db.session.scalars(
            select(Innovation).where(Innovation.id.in_(chunk))
            .options(selectinload(Innovation.answers), selectinload(Innovation.evidence))
            .execution_options(populate_existing=True)
        ).unique().all()
        by_id = {row.id: row for row in rows}
        batch = [by_id[i] for i in chunk if i in by_id]
        yield batch
        for row in batch:
            if row.id in present:
                continue
            for evidence in row.evidence:
                if evidence.file is not None and evidence.file in db.session:
                    db.session.expunge(evidence.file)
            db.session.expunge(row)
        del batch, rows, by_id
        # The ORM rows (back-references) and each proposal's PDF objects form reference cycles; in
        # a long-lived process the collector's oldest generation rarely runs, so collect every few
        # batches to keep memory flat instead of growing with every batch.
        if (start // BATCH) % COLLECT_EVERY == COLLECT_EVERY - 1:
            gc.collect()


# --- writing ---------------------------------------------------------------------------------

def _count_links(item: ExportItem, report: ExportReport) -> None:
    report.links += sum(1 for line in item.lines for ref in line.evidence if ref.url)
    report.links += sum(1 for refs in item.slot_evidence.values() for ref in refs if ref.url)


def _write_files(archive: zipfile.ZipFile, item: ExportItem, manifest: csv.writer, report: ExportReport) -> None:
    _count_links(item, report)
    if not report.options.with_files:
        for _folder, ref in item.files():
            ref.excluded = True
        return
    storage = get_storage()
    folders: dict[str, UniqueNames] = {}
    for folder, ref in item.files():
        names = folders.setdefault(folder, UniqueNames())
        path = f"bukti/{item.folder}/{folder}/{names.take(safe_filename(ref.file_name, ref.extension))}"
        try:
            chunks = storage.open_chunks(ref.file_key)
        except StorageError:
            ref.missing = True
            report.problem(f"{item.nn} {item.nama}: berkas {ref.file_name!r} tidak ditemukan di penyimpanan")
            continue
        sha, size = write_chunks(archive, path, chunks, when=ref.created_at, extension=ref.extension,
                                 expected_size=ref.size)
        if sha != ref.sha256 or size != ref.size:
            report.problem(
                f"{item.nn} {item.nama}: berkas {ref.file_name!r} berbeda dari yang tercatat "
                f"(sha256 {ref.sha256[:12]}…/{ref.size} bita tercatat, {sha[:12]}…/{size} bita terbaca)")
        ref.path = path
        indicator = folder.split("-", 1)[0]
        manifest.writerow([path, sha, size, item.nama, indicator if indicator.isdigit() else folder])
        report.files += 1
        report.file_bytes += size


def _csv_value(value: Any) -> Any:
    """Plain values for the listing CSV; text that a spreadsheet would run as a formula is quoted
    with a leading apostrophe."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, str) and value[:1] == "-" and not value[1:2].isdigit():
        return "'" + value
    return value


def write_bundle(out: BinaryIO, options: ExportOptions, *, progress: Progress | None = None,
                 generated_by: str = "") -> ExportReport:
    """Write the whole bundle as a ZIP to ``out``; returns what was exported."""
    try:
        rules = get_rules(options.year)
    except KeyError as error:
        raise ExportError(str(error)) from error
    with force_locale("id"):  # the bundle is for Kemendagri: always in Indonesian
        return _write(out, options, rules, progress or (lambda done, total, message: None), generated_by)


def _write(out: BinaryIO, options: ExportOptions, rules, progress: Progress, generated_by: str) -> ExportReport:
    region = current_app.config["REGION_NAME"]
    report = ExportReport(options=options, started_at=utcnow())
    try:
        _write_archive(out, options, rules, progress, generated_by, region, report)
    finally:
        report.close()
    return report


def _write_archive(out: BinaryIO, options: ExportOptions, rules, progress: Progress, generated_by: str,
                   region: str, report: ExportReport) -> None:
    ids = selected_ids(options)
    report.selected = total = len(ids)
    progress(0, total, "Memulai ekspor")
    opds = {o.id: (o.name, o.parent_id) for o in db.session.execute(select(Opd.id, Opd.name, Opd.parent_id))}
    report.opd_names = sorted(opds[i][0] for i in options.opd_ids if i in opds)
    slot_labels = {slot.slot: slot.label for slot in rules.profile_files}
    workbook = WorkbookWriter(region, text_parts=_text_parts(options), profile_file_labels=slot_labels.items())
    totals = IndexTotals()

    with (
        SpillingZipFile(out, compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as manifest_file,
        tempfile.TemporaryFile("w+", encoding="utf-8-sig", newline="") as listing_file,
    ):
        manifest = csv.writer(manifest_file)
        manifest.writerow(["path", "sha256", "size", "innovation", "indicator"])
        listing = csv.writer(listing_file)
        listing.writerow(["No", *LISTING_COLUMNS, "OPD", "Catatan"])
        done = 0
        for batch in _batches(ids):
            for innovation in batch:
                done += 1
                name, parent_id = opds[innovation.opd_id]
                account = opds[parent_id][0] if parent_id in opds else name
                item = build_item(innovation, number=report.exported + 1, opd_name=name, account_name=account)
                totals.add(item)  # its verified lines: the index counts left-out innovations too
                if item.blocking and not options.include_failing:
                    report.left_out.add(LeftOut(item.nama, name, item.blocking),
                                        f"  - {item.nama} ({name}): {item.gap_summary}\n"
                                        + "".join(f"      * {g}\n" for g in item.blocking))
                    progress(done, total, f"Dilewati: {item.nama}")
                    continue
                report.exported += 1
                if item.blocking:
                    report.included_failing.add((item.nn, item.nama, name, item.blocking),
                                                f"  - {item.nn} {item.nama} ({name}): {item.gap_summary}\n"
                                                + "".join(f"      * {g}\n" for g in item.blocking))
                report.urusan[item.values["urusan_utama"] or "(belum diisi)"] += 1
                _write_files(archive, item, manifest, report)
                workbook.add(item)
                listing.writerow([_csv_value(v) for v in [item.number, *listing_row(item, region)]])
                pdf = write_proposal(item, region_name=region, rules_year=rules.year, profile_file_labels=slot_labels)
                archive.writestr(entry_info(f"proposal/{item.folder}.pdf", None, "pdf"), pdf)
                progress(done, total, f"Diekspor: {item.nama}")

        write_regional_files(archive, manifest, report)  # bukti/daerah/: the regional indicators' files
        progress(done, total, "Menyusun workbook dan laporan")
        workbook.add_summary(summary_rows(rules, options, report, region, totals))
        with tempfile.TemporaryFile() as book_file:
            workbook.save(book_file)
            copy_into(archive, "inovasi.xlsx", book_file, "xlsx")
        listing_file.flush()
        copy_into(archive, "daftar-inovasi.csv", _binary(listing_file), "csv")
        copy_into(archive, "manifest.csv", _binary(manifest_file), "csv")
        report.finished_at = utcnow()
        with archive.open(entry_info("LAPORAN.txt", None, "txt"), "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            write_laporan(text, report, rules, region, generated_by)
            text.flush()
            text.detach()
    progress(total, total, "Selesai")


def _binary(text_file: IO[str]) -> IO[bytes]:
    text_file.flush()
    return text_file.buffer  # type: ignore[attr-defined]
