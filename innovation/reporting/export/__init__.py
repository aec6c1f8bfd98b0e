"""The Kemendagri export bundle (issue 4): ``write_bundle(out, ExportOptions(...))`` writes the ZIP.

Used by the CLI (``flask export kemendagri``), by the admin page through a background job
(kind ``kemendagri_export``, registered by ``create_app``) and by the tests, all through the same function.
"""
from __future__ import annotations

from typing import Any, BinaryIO

from innovation.jobs.kinds import JobOutput, ProgressFn
from innovation.reporting.export.bundle import (
    ExportError,
    ExportOptions,
    ExportReport,
    count_selected,
    opd_ids_for_codes,
    selected_ids,
    with_units,
    write_bundle,
    write_laporan,
)

JOB_KIND = "kemendagri_export"

__all__ = [
    "JOB_KIND", "ExportError", "ExportOptions", "ExportReport", "bundle_filename", "count_selected",
    "opd_ids_for_codes", "run_export_job", "selected_ids", "with_units", "write_bundle", "write_laporan",
]


def bundle_filename(options: ExportOptions) -> str:
    scope = "terdaftar" if options.registered_only else "semua"
    return f"kemendagri-{options.year}-{scope}.zip"


def options_from_params(params: dict[str, Any]) -> ExportOptions:
    return ExportOptions(
        year=int(params["year"]),
        registered_only=bool(params.get("registered_only", True)),
        include_failing=bool(params.get("include_failing", False)),
        opd_ids=tuple(int(i) for i in params.get("opd_ids") or ()),
        with_files=bool(params.get("with_files", True)),
    )


def run_export_job(params: dict[str, Any], out: BinaryIO, progress: ProgressFn) -> JobOutput:
    options = options_from_params(params)
    report = write_bundle(out, options, progress=progress, generated_by=params.get("by", ""))
    message = f"{report.exported} inovasi diekspor, {len(report.left_out)} dikeluarkan, {report.files} berkas bukti"
    return JobOutput(bundle_filename(options), "application/zip", message)

