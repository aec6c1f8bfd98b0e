"""The results workbook (XLSX) of an event: every scored round, written to a stream.

One function, used by the admin's download and by ``flask results export``. Published rounds come
from their frozen snapshot (the current edition), the others are computed now (the Ringkasan sheet
says which). Sheets: Ringkasan, Peringkat, Nilai per Juri, Nilai per Kriteria, Komentar, Kesepakatan,
Keputusan Seri, Revisi Nilai (every revision of a submitted sheet in the discussion phase, with its
reason: ``discussion.revision_rows``); header row frozen, widths set. Figures are written as numbers
with a number format ("0.00"; alpha "0.000"), so a spreadsheet shows them with its own locale's separators (4,58 in an
Indonesian Excel) and still computes with them; never as text.
"""
from __future__ import annotations

from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from innovation.events.models import Event
from innovation.judging import discussion, results
from innovation.judging.result_types import RoundResults

HEADER_FILL = PatternFill("solid", fgColor="E8F3F7")
READING = {"baik": "baik (≥ 0,800)", "cukup": "cukup (0,667-0,800)", "lemah": "lemah (< 0,667)", None: "-"}
FLAG = {None: "", "lebih keras": "lebih keras", "lebih murah": "lebih murah"}


def export_filename(event: Event) -> str:
    return f"hasil-{event.slug}.xlsx"


def _n(value: Decimal | None) -> float | None:
    """A figure as a spreadsheet number."""
    return None if value is None else float(value)


TWO, THREE = "0.00", "0.000"


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], widths: list[int],
           formats: dict[int, str] | None = None):
    """A sheet with a bold header; ``formats``: column number (1-based) -> number format of its figures."""
    ws = workbook.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for column, number_format in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, (int, float)):
                cell.number_format = number_format
    return ws


def event_results(event: Event) -> list[tuple[RoundResults, str | None]]:
    """[(results, checksum or None)] for every scored round of the event, in order."""
    found = []
    for round_ in results.scored_rounds(event):
        values, snapshot = results.round_results(round_)
        found.append((values, snapshot.checksum if snapshot else None))
    return found


def write_results_xlsx(event: Event, stream: IO[bytes]) -> None:
    write_rounds_xlsx(event.name, event_results(event), stream, revisions=discussion.revision_rows(event))


def write_rounds_xlsx(event_name: str, rounds: list[tuple[RoundResults, str | None]], stream: IO[bytes], *,
                      revisions: list[list] | None = None) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary, ranking, per_judge, per_criterion, comments, agreement, decisions = [], [], [], [], [], [], []
    for found, checksum in rounds:
        name = found.round.name
        published = f"diumumkan, edisi {found.edition}" if checksum and found.edition else "diumumkan"
        summary.append([
            name, found.rubric.name, f"{found.rubric.scale_min}-{found.rubric.scale_max}",
            "normalisasi" if found.method == "normalised" else "mentah", found.aggregate,
            len(found.entries), len(found.judges),
            published if checksum else "belum diumumkan (dihitung saat ekspor)",
            found.stamped_at.isoformat(), checksum or "",
            _n(found.normalisation.panel_mean), _n(found.normalisation.panel_sd),
        ])
        names = {e.id: e.innovation for e in found.entries}
        for decision in found.tie_decisions:
            decisions.append([name, " > ".join(names.get(i, str(i)) for i in decision.entry_ids), decision.reason,
                              decision.decided_by, decision.decided_at.isoformat()])
        for entry in found.entries:
            ranking.append([
                name, entry.rank, entry.category_rank, entry.category, entry.innovation, entry.opd,
                entry.judges, _n(entry.score), _n(entry.raw["mean"]), _n(entry.raw["median"]),
                _n(entry.raw["trimmed"]), _n(entry.normalised), _n(entry.sd), _n(entry.range),
                _n(entry.heaviest), entry.flags, entry.tie_step,
                entry.award or ("ya" if entry.winner else ""),
            ])
            for sheet in entry.sheets:
                judge = found.judge(sheet.judge_id)
                judge_name = judge.name if judge else ""
                per_judge.append([
                    name, entry.innovation, entry.opd, entry.category, sheet.label, judge_name,
                    _n(sheet.total), _n(sheet.z), _n(sheet.flag_gap),
                ])
                if sheet.comment:
                    comments.append([name, entry.innovation, entry.opd, sheet.label, judge_name,
                                     "Keseluruhan", sheet.comment])
                for score in sheet.scores:
                    criterion = found.criterion(score.criterion_id)
                    per_criterion.append([
                        name, entry.innovation, entry.opd, sheet.label, judge_name,
                        criterion.code, criterion.title, _n(criterion.weight), _n(score.value),
                        _n(score.flag_gap),
                    ])
                    if score.comment:
                        comments.append([name, entry.innovation, entry.opd, sheet.label,
                                         judge_name, criterion.title, score.comment])
        overall = found.agreement.overall
        agreement.append([name, "Nilai total (berbobot)", _n(overall.alpha), READING[overall.reading],
                          overall.units, "", "", ""])
        for item in found.agreement.criteria:
            criterion = found.criterion(item.criterion_id)
            agreement.append([name, criterion.title, _n(item.alpha), READING[item.reading], item.units,
                              "", "", ""])
        for judge in found.judges:
            agreement.append([name, f"{judge.label}: {judge.name}", None, "", judge.entries,
                              _n(judge.mean_deviation), FLAG.get(judge.flag, judge.flag),
                              judge.normalisation])

    _sheet(workbook, "Ringkasan", [
        "Babak", "Rubrik", "Skala", "Metode peringkat", "Agregat", "Entri", "Juri", "Status", "Waktu (UTC)",
        "Checksum SHA-256", "Rata-rata panel", "SD panel",
    ], summary, [28, 30, 8, 16, 10, 7, 6, 34, 26, 66, 14, 10], {11: TWO, 12: TWO})
    _sheet(workbook, "Peringkat", [
        "Babak", "Peringkat", "Peringkat kategori", "Kategori", "Inovasi", "OPD", "Jumlah juri", "Nilai peringkat",
        "Rata-rata", "Median", "Rata-rata terpangkas", "Normalisasi", "SD", "Rentang", "Kriteria terberat",
        "Tanda", "Pemecah seri", "Penghargaan",
    ], ranking, [28, 9, 9, 28, 40, 34, 7, 10, 10, 10, 10, 11, 8, 8, 10, 7, 8, 12],
        {column: TWO for column in range(8, 16)})
    _sheet(workbook, "Nilai per Juri", [
        "Babak", "Inovasi", "OPD", "Kategori", "Juri", "Nama juri", "Nilai total", "Skor z", "Selisih dari juri lain",
    ], per_judge, [28, 40, 34, 28, 8, 36, 10, 9, 12], {7: TWO, 8: TWO, 9: TWO})
    _sheet(workbook, "Nilai per Kriteria", [
        "Babak", "Inovasi", "OPD", "Juri", "Nama juri", "Kode", "Kriteria", "Bobot (%)", "Nilai",
        "Selisih dari juri lain",
    ], per_criterion, [28, 40, 34, 8, 36, 8, 36, 9, 8, 12], {8: TWO, 9: TWO, 10: TWO})
    ws = _sheet(workbook, "Komentar", ["Babak", "Inovasi", "OPD", "Juri", "Nama juri", "Aspek", "Komentar"],
                comments, [28, 40, 34, 8, 36, 28, 80])
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _sheet(workbook, "Kesepakatan", [
        "Babak", "Aspek / juri", "Alpha Krippendorff (interval)", "Bacaan", "Entri / lembar",
        "Selisih rata-rata dari juri lain", "Tanda juri", "Normalisasi",
    ], agreement, [28, 44, 14, 22, 10, 14, 14, 12], {3: THREE, 6: TWO})
    _sheet(workbook, "Keputusan Seri", ["Babak", "Urutan yang diputuskan", "Alasan", "Oleh", "Waktu (UTC)"],
           decisions, [28, 60, 60, 30, 26])
    _sheet(workbook, "Revisi Nilai", ["Babak", "Inovasi", "OPD", "Juri", "Waktu (UTC)", "Total sebelum",
                                      "Total sesudah", "Perubahan", "Alasan"],
           revisions or [], [28, 40, 34, 30, 26, 10, 10, 50, 60], {6: TWO, 7: TWO})
    workbook.properties.title = f"Hasil penilaian {event_name}"
    workbook.save(stream)
