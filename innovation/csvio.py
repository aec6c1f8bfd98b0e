"""Reading and writing the small CSV files admins exchange with spreadsheets (no database here).

Shared by the OPD and account imports: the file checks (size, UTF-8, really a CSV, known columns),
the delimiter (``;`` from an Indonesian Excel, ``,`` elsewhere), line numbers for every row, and the
downloadable templates (UTF-8 with a BOM so Excel shows the letters right).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

MAX_CSV_BYTES = 1024 * 1024
DELIMITERS = (";", ",")
TRUE_WORDS = {"ya", "y", "1", "true", "benar", "aktif", "yes"}
FALSE_WORDS = {"tidak", "t", "n", "0", "false", "salah", "nonaktif", "no"}


class CsvFileError(ValueError):
    """The upload as a whole cannot be read (too large, not UTF-8, not a CSV, wrong columns)."""


@dataclass(frozen=True)
class RowError:
    line: int | None  # the file's line number (the header is line 1); None: about the whole file
    message: str

    def __str__(self) -> str:
        return _("Baris %(n)d: %(m)s", n=self.line, m=self.message) if self.line else self.message


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]
    too_many_cells: bool = False  # the row has non-empty cells beyond the header's columns

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class ImportReport:
    """What an import did, or why it did nothing. ``created`` is filled only when ``errors`` is empty."""

    errors: list[RowError] = field(default_factory=list)
    created: list[Any] = field(default_factory=list)
    # (username, password) pairs generated during the import, to be shown once.
    secrets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def sniff_delimiter(header_line: str) -> str:
    """``;`` or ``,``: whichever splits the header into more columns (column names never hold either)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_rows(
    data: bytes, *, filename: str | None, columns: Sequence[str], required: Sequence[str]
) -> list[CsvRow]:
    """The data rows of an uploaded CSV, each with its line number; blank rows are skipped.

    Raises ``CsvFileError`` with a message for the admin when the file as a whole is unusable.
    """
    if filename is not None and not filename.lower().endswith((".csv", ".txt")):
        raise CsvFileError(_("Berkas harus berformat CSV (.csv). Di Excel: Simpan Sebagai > CSV UTF-8."))
    if len(data) > MAX_CSV_BYTES:
        raise CsvFileError(_("Berkas CSV terlalu besar (maksimal %(n)d KB).", n=MAX_CSV_BYTES // 1024))
    if b"\x00" in data:
        raise CsvFileError(_("Berkas ini bukan CSV teks (mungkin berkas Excel .xlsx). Simpan ulang sebagai CSV UTF-8."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(_(
            "Berkas tidak berenkode UTF-8 (gagal dibaca di byte ke-%(n)d). Di Excel pilih Simpan Sebagai > CSV UTF-8.",
            n=error.start + 1,
        )) from error
    if not text.strip():
        raise CsvFileError(_("Berkas CSV kosong."))

    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line), strict=True)
    try:
        header: list[str] | None = None
        rows: list[CsvRow] = []
        line = 1
        for record in reader:
            start, line = line, reader.line_num + 1  # a quoted field may span several lines
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = _check_header(record, columns, required)
                continue
            extra = any(cell.strip() for cell in record[len(header):])
            padded = [*record, *[""] * (len(header) - len(record))]
            rows.append(CsvRow(start, {name: cell.strip() for name, cell in zip(header, padded) if name}, extra))
    except csv.Error as error:
        raise CsvFileError(_("Berkas CSV rusak di baris %(n)d (tanda kutip tidak tertutup?).", n=reader.line_num)) from error
    if header is None:
        raise CsvFileError(_("Berkas CSV kosong."))
    return rows


def load_rows(
    data: bytes, *, filename: str | None, columns: Sequence[str], required: Sequence[str]
) -> tuple[list[CsvRow], list[RowError]]:
    """``read_rows`` for an import: a file-level problem, or a file without data, comes back as an error."""
    try:
        rows = read_rows(data, filename=filename, columns=columns, required=required)
    except CsvFileError as error:
        return [], [RowError(None, str(error))]
    if not rows:
        return [], [RowError(None, _("Berkas CSV tidak berisi baris data di bawah baris judul."))]
    return rows, []


def failed(errors: list[RowError]) -> ImportReport:
    """The report of an import that wrote nothing: every problem, file-level first, then by line."""
    return ImportReport(errors=sorted(errors, key=lambda e: e.line or 0))


def _check_header(record: list[str], columns: Sequence[str], required: Sequence[str]) -> list[str]:
    header = [cell.strip().lstrip("\ufeff").lower() for cell in record]
    unknown = [name for name in header if name and name not in columns]
    missing = [name for name in required if name not in header]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("kolom wajib tidak ada: %(c)s", c=", ".join(missing)))
    if unknown:
        problems.append(_("kolom tidak dikenal: %(c)s", c=", ".join(unknown)))
    if duplicated:
        problems.append(_("kolom ganda: %(c)s", c=", ".join(duplicated)))
    if problems:
        raise CsvFileError(_(
            "Baris judul CSV tidak sesuai (%(p)s). Kolom yang dipakai: %(c)s. Unduh templat untuk contoh.",
            p="; ".join(problems), c=", ".join(columns),
        ))
    return header


def parse_bool(value: str, *, default: bool = True) -> bool | None:
    """``ya``/``tidak`` (and 1/0, true/false, aktif/nonaktif); empty gives ``default``; None if unreadable."""
    word = value.strip().lower()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def row_shape_error(row: CsvRow) -> RowError | None:
    if row.too_many_cells:
        return RowError(row.line, _("Baris ini memiliki lebih banyak kolom daripada baris judul (pemisah ; atau , di dalam isian? Apit dengan tanda kutip)."))
    return None


def template_bytes(columns: Sequence[str], example: Sequence[str], *, delimiter: str = ";") -> bytes:
    """A template for Excel: UTF-8 with a BOM, the header and one example row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow(example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
