"""``inovasi.xlsx``: Daftar Inovasi, Profil Inovasi, Indikator and Ringkasan, streamed row by row.

openpyxl's write-only mode writes each sheet's rows to its own temporary file as they come (strings
inline, no shared-string table), so memory stays flat however many innovations are exported. The
sheets are filled side by side, one innovation at a time, and saved at the end.

Excel holds at most 32,767 characters in a cell. A long text (a Rancang Bangun of 5,000 words) is
split at a word boundary over "(lanjutan)" columns placed right after its column; joining the cells
in order gives the text back exactly. The number of such columns is decided before the first row
(``text_parts``, from the longest text in the selection).

Excel also holds at most 1,048,576 rows in a sheet, and the Indikator sheet has 20 rows per
innovation: from 52,429 innovations on it would not open. A sheet that reaches the limit continues
in a sheet of the same name with " (2)", " (3)"... placed right after it, with the same header.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from innovation.reporting.export.items import LONG_FIELDS, PROFILE_FIELDS, ExportItem

CELL_LIMIT = 32_767
PART_SIZE = 32_000  # a part ends at the last space before this many characters
PART_WINDOW = 1_000  # ... if there is one in the last PART_WINDOW characters
DATE_FORMAT = "DD-MM-YYYY"
MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included

# The portal's listing (KEMENDAGRI.md section 6), in its order, then our own columns.
LISTING_COLUMNS: tuple[str, ...] = (
    "Nama Pemda", "Nama Akun", "Nama Inovasi", "Tahapan Inovasi", "Nama Inisiator", "Koordinat",
    "Urusan Pemerintahan Utama", "Waktu Uji Coba", "Waktu Penerapan Inovasi Daerah",
    "Waktu Pengembangan Inovasi Daerah", "Estimasi Skor Kematangan",
)
INDICATOR_COLUMNS: tuple[str, ...] = (
    "No Inovasi", "Nama Inovasi", "No", "Indikator", "Informasi", "Bobot", "Parameter", "Skor", "Bukti Dukung",
    "Status Verifikasi", "Keterangan OPD",
)


def parts_needed(length: int) -> int:
    """Cells needed for a text of ``length`` characters (an upper bound for ``split_text``)."""
    return max(1, math.ceil(length / (PART_SIZE - PART_WINDOW)))


def split_text(text: str) -> list[str]:
    """Pieces of at most PART_SIZE characters, cut after a space where possible; ''.join() == text."""
    pieces = []
    while len(text) > PART_SIZE:
        cut = text.rfind(" ", PART_SIZE - PART_WINDOW, PART_SIZE)
        cut = cut + 1 if cut > 0 else PART_SIZE
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def clean(text: str) -> str:
    """Characters Excel refuses (control characters) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


@dataclass
class Column:
    header: str
    width: float
    wrap: bool = False


@dataclass
class _Sheet:
    """One logical sheet: its columns and the worksheet rows currently go to (a continuation after
    ``MAX_ROWS``)."""

    title: str
    columns: list[Column]
    header: bool
    worksheet: Any = None
    rows: int = 0
    part: int = 1


def listing_row(item: ExportItem, region_name: str) -> list[Any]:
    """The Daftar Inovasi row (also the listing CSV's row), after the running number."""
    v = item.values
    return [
        region_name, item.account_name, v["nama"], v["tahapan"], v["nama_inisiator"], v["koordinat"],
        v["urusan_utama"], v["waktu_uji_coba"], v["waktu_penerapan"], v["waktu_pengembangan"], item.maturity,
        item.opd_name, item.note,
    ]


class WorkbookWriter:
    def __init__(self, region_name: str, *, text_parts: dict[str, int] | None = None,
                 profile_file_labels: Iterable[tuple[str, str]] = (), max_rows: int | None = None):
        self.region_name = region_name
        self.text_parts = {name: max(1, (text_parts or {}).get(name, 1)) for name in LONG_FIELDS}
        self.slots = list(profile_file_labels)
        self.book = Workbook(write_only=True)
        self.sheets: list[_Sheet] = []
        self._styles: dict[tuple[bool, bool], StyleArray] = {}
        self.max_rows = max_rows or MAX_ROWS
        self.bold = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor="DDEBF0")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.listing = self._sheet("Daftar Inovasi", [Column("No", 6)] + [
            Column(h, w, wrap) for h, w, wrap in zip(
                LISTING_COLUMNS, (20, 30, 40, 14, 24, 24, 32, 14, 16, 16, 14), (0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0))
        ] + [Column("OPD", 30, True), Column("Catatan", 60, True)])
        profile_columns = [Column("No", 6), Column("OPD", 30, True)]
        for name, label, kind in PROFILE_FIELDS:
            if kind == "long":
                parts = self.text_parts[name]
                profile_columns.append(Column(label, 80, True))
                profile_columns += [Column(f"{label} (lanjutan {n})", 80, True) for n in range(2, parts + 1)]
            elif kind == "date":
                profile_columns.append(Column(label, 14))
            else:
                profile_columns.append(Column(label, 40 if name == "urusan_lain" else 26, True))
        profile_columns += [Column(label, 40, True) for _slot, label in self.slots]
        profile_columns.append(Column("Catatan", 60, True))
        self.profile = self._sheet("Profil Inovasi", profile_columns)
        self.indicators = self._sheet("Indikator", [
            Column(h, w, wrap) for h, w, wrap in zip(
                INDICATOR_COLUMNS, (10, 36, 6, 36, 48, 8, 10, 8, 60, 16, 48), (0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1))
        ])
        self.summary = self._sheet("Ringkasan", [Column("Ringkasan", 44, True), Column("Nilai", 28, True),
                                                 Column("", 18)], header=False)

    # --- sheets and cells ---------------------------------------------------------------------
    def _sheet(self, title: str, columns: list[Column], header: bool = True) -> _Sheet:
        sheet = _Sheet(title, columns, header)
        self._start(sheet, len(self.book.worksheets))
        self.sheets.append(sheet)
        return sheet

    def _start(self, sheet: _Sheet, index: int) -> None:
        title = sheet.title if sheet.part == 1 else f"{sheet.title} ({sheet.part})"
        ws = self.book.create_sheet(title, index)
        for number, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = column.width
        sheet.worksheet, sheet.rows = ws, 0
        if sheet.header:
            ws.freeze_panes = "A2"
            ws.append([self._header(ws, column.header) for column in sheet.columns])
            sheet.rows = 1

    def _target(self, sheet: _Sheet):
        """The worksheet the next row of ``sheet`` goes to, starting a continuation when it is full."""
        if sheet.rows >= self.max_rows:
            index = self.book.worksheets.index(sheet.worksheet) + 1
            sheet.part += 1
            self._start(sheet, index)
        sheet.rows += 1
        return sheet.worksheet

    def _header(self, sheet, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = self.bold
        cell.fill = self.header_fill
        cell.alignment = self.wrap
        return cell

    def _style(self, sheet, wrap: bool, is_date: bool) -> StyleArray:
        """The style of a body cell, registered once: setting ``alignment`` and ``number_format`` on
        every cell looks them up in the workbook's style tables each time (a third of the workbook's
        cost); copying the registered style ids is the same result."""
        key = (wrap, is_date)
        style = self._styles.get(key)
        if style is None:
            prototype = WriteOnlyCell(sheet, value=None)
            prototype.alignment = self.wrap if wrap else self.top
            if is_date:
                prototype.number_format = DATE_FORMAT
            style = self._styles[key] = prototype._style
        return style

    def _cell(self, sheet, value: Any, wrap: bool = False) -> WriteOnlyCell | None:
        if value is None or value == "":
            return None  # an empty cell, not an empty string
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=clean(value)[:CELL_LIMIT])
            cell.data_type = "s"  # never a formula, whatever the text starts with
        else:
            cell = WriteOnlyCell(sheet, value=value)
        cell._style = copy(self._style(sheet, wrap, isinstance(value, date)))
        return cell

    def _row(self, sheet: _Sheet, values: list[Any]) -> None:
        ws = self._target(sheet)
        columns = sheet.columns
        ws.append([self._cell(ws, value, columns[i].wrap if i < len(columns) else False)
                   for i, value in enumerate(values)])

    # --- rows ------------------------------------------------------------------------------
    def add(self, item: ExportItem) -> None:
        listing = listing_row(item, self.region_name)
        ws = self._target(self.listing)
        maturity = self._cell(ws, item.maturity)
        if maturity is not None:
            maturity.number_format = '0.00"%"'
        cells = [self._cell(ws, item.number)]
        for i, value in enumerate(listing):
            cells.append(maturity if i == 10 else self._cell(ws, value, self.listing.columns[i + 1].wrap))
        ws.append(cells)

        values: list[Any] = [item.number, item.opd_name]
        for name, _label, kind in PROFILE_FIELDS:
            value = item.values[name]
            if kind == "long":
                parts = split_text(value or "")
                parts += [""] * (self.text_parts[name] - len(parts))
                if len(parts) > self.text_parts[name]:  # longer than the pre-count said: keep it whole
                    parts = parts[: self.text_parts[name] - 1] + ["".join(parts[self.text_parts[name] - 1:])]
                values += parts
            else:
                values.append(value)
        for slot, _label in self.slots:
            values.append("\n".join(ref.describe() for ref in item.slot_evidence.get(slot, [])))
        values.append(item.note)
        self._row(self.profile, values)

        for line in item.lines:
            self._row(self.indicators, [
                item.number, item.nama, line.indicator.no, line.indicator.name, line.informasi,
                line.indicator.bobot, line.parameter, line.score,
                "\n".join(ref.describe() for ref in line.evidence), line.verification, line.note,
            ])

    def add_summary(self, rows: Iterable[list[Any]]) -> None:
        for values in rows:
            if values and isinstance(values[0], str) and values[0].isupper():
                ws = self._target(self.summary)
                ws.append([self._header(ws, values[0])] + [self._header(ws, v) for v in values[1:]])
            else:
                self._row(self.summary, values)

    def save(self, stream: IO[bytes]) -> None:
        self.book.save(stream)
