"""The regional indicators' evidence files in the Kemendagri bundle.

``bukti/daerah/<NN>-<slug of the indicator>/<file>``: the year's current files (``reporting.regional``),
streamed from storage into the ZIP chunk by chunk like the innovations' files, each listed in
``manifest.csv`` with ``(daerah)`` as its innovation and the regional indicator's number. Called once by
``bundle.write_bundle``, after the innovations; kept here so the bundle module stays about innovations.
"""
from __future__ import annotations

import csv
import zipfile

from innovation.reporting.export.archive import write_chunks
from innovation.reporting.export.naming import UniqueNames, safe_filename, slugify
from innovation.reporting.export.report import ExportReport
from innovation.reporting.regional import current_evidence
from innovation.rules import get_rules
from innovation.storage import StorageError, get_storage

INNOVATION_COLUMN = "(daerah)"


def write_regional_files(archive: zipfile.ZipFile, manifest: csv.writer, report: ExportReport) -> None:
    """Add the current regional evidence of the report's year. Not in an export without files, nor in
    one limited to some OPDs (the regional indicators are the region's, like the index)."""
    options = report.options
    if not options.with_files or options.opd_ids:
        return
    names = {r.no: r.name for r in get_rules(options.year).regional_indicators}
    storage = get_storage()
    for no, items in sorted(current_evidence(options.year).items()):
        folder = f"bukti/daerah/{no:02d}-{slugify(names.get(no, ''), fallback='indikator')}"
        taken = UniqueNames()
        for item in items:
            stored = item.file
            label = f"Indikator daerah {no}: berkas {item.filename!r}"
            try:
                chunks = storage.open_chunks(stored.key)
            except StorageError:
                report.problem(f"{label} tidak ditemukan di penyimpanan")
                continue
            path = f"{folder}/{taken.take(safe_filename(item.filename, stored.extension))}"
            sha, size = write_chunks(archive, path, chunks, when=item.uploaded_at, extension=stored.extension,
                                     expected_size=stored.size)
            if sha != stored.sha256 or size != stored.size:
                report.problem(f"{label} berbeda dari yang tercatat (sha256 {stored.sha256[:12]}…/{stored.size} bita "
                               f"tercatat, {sha[:12]}…/{size} bita terbaca)")
            manifest.writerow([path, sha, size, INNOVATION_COLUMN, no])
            report.files += 1
            report.file_bytes += size
