"""What an export did (``ExportReport``), its options, and the two texts made from them: the Ringkasan
sheet's rows and LAPORAN.txt. The lists that grow with the innovations (left out, included with
gaps, file problems) are kept on disk (``NoteList``); the district index is summed innovation by
innovation (``IndexTotals``)."""
from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, Generic, TypeVar

from innovation.errors import DomainError
from innovation.timeutil import format_local

T = TypeVar("T")


class ExportError(DomainError):
    """The bundle cannot be written as asked (e.g. no rules for the year)."""


@dataclass(frozen=True)
class ExportOptions:
    year: int
    registered_only: bool = True
    include_failing: bool = False
    opd_ids: tuple[int, ...] = ()  # only the innovations of these OPDs (empty: the whole region)
    with_files: bool = True  # evidence files under bukti/ (False: workbook, proposals and lists only)


@dataclass
class LeftOut:
    nama: str
    opd: str
    reasons: list[str]


class NoteList(Generic[T]):
    """A list for LAPORAN.txt that keeps its text on disk: ``len()`` counts every item, ``sample``
    holds the first ``SAMPLE`` (for messages and tests), ``lines()`` gives back all the text."""

    SAMPLE = 50

    def __init__(self) -> None:
        self.count = 0
        self.sample: list[T] = []
        self._file: IO[str] | None = None

    def add(self, item: T, text: str) -> None:
        self.count += 1
        if len(self.sample) < self.SAMPLE:
            self.sample.append(item)
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._file.write(text)

    def __len__(self) -> int:
        return self.count

    def lines(self) -> Iterator[str]:
        if self._file is None:
            return
        self._file.flush()
        self._file.seek(0)
        yield from self._file
        self._file.seek(0, 2)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


@dataclass
class IndexTotals:
    """What the district index needs from the exported selection, summed innovation by innovation."""

    sum_lines: int = 0
    n: int = 0
    urusan: set[str | None] = field(default_factory=set)

    def add(self, lines: Any) -> None:
        self.sum_lines += lines.total
        self.n += 1
        self.urusan.add(lines.urusan_utama)


@dataclass
class ExportReport:
    options: ExportOptions
    selected: int = 0
    exported: int = 0
    left_out: NoteList[LeftOut] = field(default_factory=NoteList)
    included_failing: NoteList[tuple[str, str, str, list[str]]] = field(default_factory=NoteList)  # nn, nama, opd, gaps
    files: int = 0
    file_bytes: int = 0
    links: int = 0
    problems: NoteList[str] = field(default_factory=NoteList)
    urusan: Counter = field(default_factory=Counter)
    opd_names: list[str] = field(default_factory=list)  # the OPD filter, by name
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def close(self) -> None:
        for notes in (self.left_out, self.included_failing, self.problems):
            notes.close()

    def problem(self, text: str) -> None:
        self.problems.add(text, f"  - {text}\n")


def _district_index(rules, totals: IndexTotals) -> Any:
    """The estimated district index (verified where verified) from the lines summed during the export:
    the same ``innovation_lines`` and index formula as ``reporting.services.district_index``. The
    export's selection (rules year, registered unless --all) is exactly the index's."""
    from innovation.reporting.index import compute_index_from_totals
    from innovation.reporting.services import regional_scores

    return compute_index_from_totals(rules, regional_scores=regional_scores(rules.year), sum_lines=totals.sum_lines,
                                     n=totals.n, urusan_present=totals.urusan, line_gaps=(), top=0)


def _scope(options: ExportOptions) -> str:
    return "hanya inovasi terdaftar" if options.registered_only else "semua inovasi"


def summary_rows(rules, options: ExportOptions, report: ExportReport, region: str,
                  totals: IndexTotals) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["RINGKASAN", region, ""],
        ["Aturan Kemendagri tahun", rules.year, ""],
        ["Cakupan", _scope(options), ""],
    ]
    if options.opd_ids:
        rows.append(["OPD", "; ".join(report.opd_names), ""])
    rows += [
        ["Inovasi dipilih", report.selected, ""],
        ["Inovasi diekspor", report.exported, ""],
        ["Inovasi dikeluarkan (tidak memenuhi aturan)", len(report.left_out), ""],
    ]
    # The index is the region's: a selection of OPDs is not the region, so no estimate for it.
    index = None if options.opd_ids else _district_index(rules, totals)
    if index is not None:
        rows += [
            ["ESTIMASI INDEKS INOVASI DAERAH", "", ""],
            ["SPD (Satuan Pemerintahan Daerah)", _number(index.spd), ""],
            ["SID (Satuan Inovasi Daerah)", _number(index.sid), ""],
            ["IID (Indeks Inovasi Daerah)", _number(index.iid), ""],
            ["Predikat", index.predicate, ""],
            ["Jumlah inovasi dalam indeks (n)", index.n, ""],
        ]
    rows.append(["URUSAN PEMERINTAHAN UTAMA", "Jumlah inovasi", "Pelayanan dasar"])
    for option in rules.options["urusan"]:
        rows.append([option.label, report.urusan.get(option.label, 0), "ya" if option.basic_service else ""])
    if report.urusan.get("(belum diisi)"):
        rows.append(["(belum diisi)", report.urusan["(belum diisi)"], ""])
    return rows


def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def write_laporan(out: IO[str], report: ExportReport, rules, region: str, generated_by: str) -> None:
    options = report.options
    w = out.write
    w("LAPORAN EKSPOR INOVASI DAERAH UNTUK PORTAL KEMENDAGRI (INDEKS INOVASI DAERAH)\n")
    w("=" * 78 + "\n\n")
    w(f"Pemerintah daerah   : {region}\n")
    w(f"Aturan Kemendagri   : tahun {rules.year}\n")
    w(f"Dibuat              : {format_local(report.finished_at)}{' oleh ' + generated_by if generated_by else ''}\n")
    w(f"Cakupan             : {'hanya inovasi yang sudah didaftarkan' if options.registered_only else 'semua inovasi'}"
      f" dengan aturan tahun {rules.year}\n")
    if options.opd_ids:
        w(f"OPD                 : {'; '.join(report.opd_names)} (beserta unit di bawahnya)\n")
    w(f"Inovasi gagal aturan: {'disertakan dengan catatan' if options.include_failing else 'dikeluarkan dari ekspor'}\n")
    w(f"Berkas bukti dukung : {'disertakan di folder bukti/' if options.with_files else 'tidak disertakan (hanya nama berkasnya)'}\n\n")
    w("JUMLAH\n")
    w(f"  Inovasi dipilih           : {report.selected}\n")
    w(f"  Inovasi diekspor          : {report.exported}\n")
    w(f"  Dikeluarkan               : {len(report.left_out)}\n")
    w(f"  Diekspor dengan catatan   : {len(report.included_failing)}\n")
    w(f"  Berkas bukti dukung       : {report.files} ({report.file_bytes / 1024 / 1024:.1f} MB)\n")
    w(f"  Tautan bukti dukung       : {report.links}\n\n")
    w("ISI BERKAS ZIP\n")
    w("  inovasi.xlsx        lembar Daftar Inovasi (kolom seperti daftar di portal), Profil Inovasi (isian\n"
      "                      profil berurutan seperti di portal), Indikator (No, Indikator, Informasi, Bobot,\n"
      "                      Parameter, Skor, Bukti Dukung) dan Ringkasan (estimasi SPD, SID, IID, predikat,\n"
      "                      jumlah per urusan). Lembar yang melebihi batas baris Excel berlanjut di lembar\n"
      "                      bernama sama dengan \"(2)\", \"(3)\", ...\n")
    w("  daftar-inovasi.csv  lembar Daftar Inovasi sebagai CSV (UTF-8)\n")
    w("  proposal/NN-*.pdf   PROPOSAL INOVASI DAERAH per inovasi\n")
    if options.with_files:
        w("  bukti/NN-*/<no indikator>-*/  bukti dukung per indikator (versi terbaru); profil-*/ untuk berkas profil\n")
        if not options.opd_ids:
            w("  bukti/daerah/<no>-*/  bukti dukung indikator satuan pemerintahan daerah (nilai daerah)\n")
        w("  manifest.csv        setiap berkas bukti: path, sha256, size, innovation, indicator\n")
    else:
        w("  manifest.csv        kosong: berkas bukti dukung tidak disertakan dalam ekspor ini\n")
    w("  Nama Akun = akun OPD di portal; unit yang melapor lewat induknya (mis. Puskesmas lewat Dinas\n"
      "  Kesehatan) memakai akun induknya. Skor baris = bobot x parameter, 0 tanpa bukti dukung; nilai\n"
      "  hasil verifikasi dipakai bila ada.\n\n")
    if report.left_out:
        w(f"INOVASI YANG DIKELUARKAN (tidak memenuhi aturan tahun {rules.year})\n")
        out.writelines(report.left_out.lines())
        w("\n")
    if report.included_failing:
        w(f"INOVASI YANG DISERTAKAN DENGAN CATATAN (tidak memenuhi aturan tahun {rules.year})\n")
        out.writelines(report.included_failing.lines())
        w("\n")
    if not report.left_out and not report.included_failing:
        w(f"Semua inovasi yang dipilih memenuhi aturan tahun {rules.year}.\n\n")
    if report.problems:
        w("MASALAH BERKAS\n")
        out.writelines(report.problems.lines())
        w("\n")
