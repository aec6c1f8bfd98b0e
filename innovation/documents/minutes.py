"""The Berita Acara Penilaian (jury minutes, one per round and published edition) and the score recap,
as A4 PDFs made with fpdf2 from the published snapshot.

The minutes say, in the order an Indonesian berita acara does: on what day and where the panel met
(the place of the settings, the date of publication), who judged (every judge with a submitted sheet,
by name, with their label), the method (rubric and scale, every criterion's weight, the aggregate, the
normalisation, the tie-break rules), the full result table, the winners, how each tie after the
automatic rules was settled (the chair's order and reason), any reopening of an earlier edition and
its reason, sheets missing at publication with the admin's reason, the checksum, and a signature line
for every judge.

The recap is the table of every judge's total per entry (judges by label, as operators see them) with
the aggregate, the final score, the rank and the award, per category, landscape.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from innovation.documents.certificates import award_label
from innovation.documents.layout import Report, indonesian_date, latin1, place_and_date
from innovation.judging.result_types import RoundResults
from innovation.numbers import format_number
from innovation.timeutil import to_local

LOCALE = "id"
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
AGGREGATE_TEXT = {"mean": "rata-rata", "median": "median", "trimmed": "rata-rata terpangkas (nilai tertinggi dan "
                  "terendah tiap entri tidak dihitung bila ada cukup juri)"}
METHOD_TEXT = {"raw": "nilai mentah (total berbobot setiap juri, tanpa penyetaraan)",
               "normalised": "nilai ternormalisasi (total setiap juri diubah menjadi skor z terhadap nilai juri itu "
                             "sendiri, lalu dikembalikan ke skala rubrik dengan rata-rata dan simpangan baku panel)"}
TIE_TEXT = {"aggregate": "nilai peringkat (metode yang dipilih)",
            "other_method": "nilai metode lainnya (mentah atau ternormalisasi)",
            "heaviest_criterion": "rata-rata nilai pada kriteria berbobot terbesar",
            "fewer_flags": "lebih sedikit nilai yang ditandai menyimpang",
            "earlier_submission": "pengiriman entri lebih awal",
            "chair_decision": "keputusan ketua yang dicatat beserta alasannya",
            "entry_number": "nomor entri (aturan hasil yang diumumkan sebelum keputusan ketua dicatat)"}
SIGNATURE_COLUMNS = 3
RECAP_JUDGES = 12  # judges' totals a landscape page holds; the XLSX export has every one


@dataclass(frozen=True)
class Reopening:
    edition: int
    reopened_at: datetime
    reason: str


@dataclass(frozen=True)
class MinutesInputs:
    issuer: str
    logo: bytes | None
    place: str
    checksum: str
    reopenings: Sequence[Reopening]  # earlier editions of the round withdrawn, and why
    roles: Mapping[int, str] = field(default_factory=dict)  # judge id -> role on the panel


def judge_role(inputs: MinutesInputs, judge_id: int) -> str:
    return inputs.roles.get(judge_id) or "Anggota tim juri"


def figure(value) -> str:
    return format_number(value, 2, LOCALE) if value is not None else "-"


def day_and_date(value: datetime) -> str:
    return f"{DAYS[to_local(value).weekday()]}, {indonesian_date(value)}"


def minutes_pdf(results: RoundResults, inputs: MinutesInputs) -> bytes:
    title = f"Berita Acara Penilaian - {results.round.name}"
    pdf = Report(title)
    pdf.add_page()
    pdf.letterhead(inputs.issuer, inputs.logo, [results.event.name])
    pdf.centred("BERITA ACARA PENILAIAN", 14, "B")
    pdf.centred(f"{results.round.name} - {results.event.name}", 11)
    edition = results.edition or 1
    pdf.centred(f"Edisi hasil {edition}", 9)
    pdf.ln(4)
    pdf.paragraph(f"Pada hari ini, {day_and_date(results.stamped_at)}, bertempat di {inputs.place}, tim juri "
                  f"{results.event.name} telah menyelesaikan babak {results.round.name} dengan susunan, metode "
                  f"dan hasil sebagai berikut.")

    pdf.heading("I. Tim juri")
    pdf.grid(["No", "Nama", "Label pada hasil", "Peran", "Lembar dinilai"],
             [[i, j.name, j.label, judge_role(inputs, j.id), j.entries] for i, j in enumerate(results.judges, 1)],
             [10, 70, 30, 40, 20], numeric=(0, 4))

    pdf.heading("II. Metode penilaian")
    pdf.paragraph(f"Rubrik: {results.rubric.name}, skala {results.rubric.scale_min} sampai {results.rubric.scale_max}. "
                  f"Nilai setiap juri adalah total berbobot kriteria; nilai entri adalah "
                  f"{AGGREGATE_TEXT.get(results.aggregate, results.aggregate)} nilai juri, dengan "
                  f"{METHOD_TEXT.get(results.method, results.method)}.")
    pdf.grid(["Kode", "Kriteria", "Bobot (%)", "Keterangan"],
             [[c.code, c.title, figure(c.weight), "dinilai, tidak dihitung dalam total" if c.independent
               else ("kriteria berbobot terbesar (penentu seri)" if c.heaviest else "")] for c in results.criteria],
             [18, 80, 22, 50], numeric=(2,))
    pdf.paragraph("Urutan penentu bila nilai sama: " + "; ".join(
        f"{i}. {TIE_TEXT.get(rule, rule)}" for i, rule in enumerate(results.tie_break, 1)) + ".", 9)

    pdf.heading("III. Hasil penilaian")
    pdf.grid(["Peringkat", "Per kategori", "Inovasi", "OPD", "Kategori", "Juri", "Nilai", "Penghargaan"],
             [[e.rank, e.category_rank, e.innovation, e.opd, e.category, e.judges, figure(e.score),
               award_label(results, e) if e.winner else "-"] for e in results.entries],
             [16, 16, 40, 36, 24, 10, 14, 20], size=7, numeric=(0, 1, 5, 6))

    pdf.heading("IV. Pemenang")
    winners = [e for e in results.entries if e.winner]
    by_category = {c.id: [results.entry(i) for i in c.ranking] for c in results.categories}
    rows = [[c.name, award_label(results, e), e.innovation, e.opd, figure(e.score)]
            for c in results.categories for e in by_category[c.id] if e.winner] if winners else []
    if rows:
        pdf.grid(["Kategori", "Penghargaan", "Inovasi", "OPD", "Nilai"], rows, [34, 24, 52, 44, 16], numeric=(4,))
    else:
        pdf.paragraph("Tidak ada penghargaan pada babak ini.")

    pdf.heading("V. Penyelesaian nilai seri")
    if results.tie_decisions:
        for decision in results.tie_decisions:
            names = " > ".join(results.entry(i).innovation if results.entry(i) else str(i) for i in decision.entry_ids)
            pdf.paragraph(f"Urutan ditetapkan ketua ({decision.decided_by}, {indonesian_date(decision.decided_at)}): "
                          f"{names}. Alasan: {decision.reason}")
    else:
        pdf.paragraph("Tidak ada nilai seri yang memerlukan keputusan ketua; semua urutan ditentukan oleh aturan "
                      "otomatis di atas.")

    pdf.heading("VI. Pembukaan kembali dan kelengkapan")
    if inputs.reopenings:
        for item in inputs.reopenings:
            pdf.paragraph(f"Hasil edisi {item.edition} dibuka kembali pada {indonesian_date(item.reopened_at)}: "
                          f"{item.reason}")
    else:
        pdf.paragraph("Hasil babak ini tidak pernah dibuka kembali.")
    if results.missing_sheets:
        missing = "; ".join(f"{m.judge} ({m.innovation})" for m in results.missing_sheets)
        pdf.paragraph(f"Diumumkan tanpa {len(results.missing_sheets)} lembar nilai yang belum dikirim: {missing}. "
                      f"Alasan: {results.incomplete_reason or '-'}")
    else:
        pdf.paragraph("Semua lembar nilai juri yang ditugaskan telah dikirim.")
    pdf.paragraph(f"Checksum SHA-256 hasil resmi: {inputs.checksum}", 8)

    pdf.ln(2)
    pdf.paragraph("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.")
    _judges_sign(pdf, results, place_and_date(inputs.place, results.stamped_at))
    return bytes(pdf.output())


def _judges_sign(pdf: Report, results: RoundResults, place_date: str) -> None:
    """A signature line for every judge, three to a row, never split across pages."""
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, latin1(place_date), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Tim juri:", new_x="LMARGIN", new_y="NEXT")
    width = pdf.epw / SIGNATURE_COLUMNS
    row_height = 30
    judges = list(results.judges)
    for start in range(0, len(judges), SIGNATURE_COLUMNS):
        if pdf.get_y() + row_height > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        for column, judge in enumerate(judges[start:start + SIGNATURE_COLUMNS]):
            x = pdf.l_margin + column * width
            pdf.set_xy(x, top)
            pdf.set_font("Helvetica", "", 9)
            pdf.cell(width, 5, latin1(f"{start + column + 1}. {judge.label}"), align="C", new_x="LEFT", new_y="NEXT")
            pdf.set_xy(x + 6, top + 20)
            pdf.cell(width - 12, 0, "", border="T")
            pdf.set_xy(x, top + 21)
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(width, 5, latin1(judge.name), align="C")
        pdf.set_xy(pdf.l_margin, top + row_height)


def recap_pdf(results: RoundResults, inputs: MinutesInputs) -> bytes:
    """Every judge's total per entry, per category, with the aggregate, final score, rank and award."""
    title = f"Rekap Nilai - {results.round.name}"
    pdf = Report(title, orientation="L")
    pdf.add_page()
    pdf.letterhead(inputs.issuer, inputs.logo, [results.event.name])
    pdf.centred("REKAPITULASI NILAI", 14, "B")
    pdf.centred(f"{results.round.name} - {results.event.name} - edisi hasil {results.edition or 1}", 10)
    pdf.paragraph(f"Nilai entri: {AGGREGATE_TEXT.get(results.aggregate, results.aggregate)} nilai juri, "
                  f"{METHOD_TEXT.get(results.method, results.method)}. Juri disebut dengan labelnya.", 8)
    shown = results.judges[:RECAP_JUDGES]
    for category in results.categories:
        entries = [results.entry(i) for i in category.ranking]
        if not entries:
            continue
        pdf.heading(f"Kategori {category.name}", 10)
        header = ["Per.", "Inovasi", "OPD", *[j.label for j in shown], "Agregat", "Nilai", "Penghargaan"]
        rows = []
        for e in entries:
            totals = {s.judge_id: s.total for s in e.sheets}
            rows.append([e.category_rank, e.innovation, e.opd, *[figure(totals.get(j.id)) if j.id in totals else ""
                                                                   for j in shown],
                         figure(e.raw.get(results.aggregate)), figure(e.score),
                         award_label(results, e) if e.winner else "-"])
        fixed = 10 + 60 + 45 + 16 + 14 + 22
        judge_width = max(8.0, (pdf.epw - fixed) / max(1, len(shown)))
        pdf.grid(header, rows, [10, 60, 45, *[judge_width] * len(shown), 16, 14, 22], size=7,
                 numeric=tuple([0, *range(3, 3 + len(shown) + 2)]))
    pdf.paragraph(f"Checksum SHA-256 hasil resmi: {inputs.checksum}", 8)
    return bytes(pdf.output())
