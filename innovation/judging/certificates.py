"""Certificates: one A4 landscape page in Indonesian, made with fpdf2 from the published snapshot (so
it always matches what was announced, checksum and edition included).

- ``certificate_pdf``: the winner's, for an entry holding an awarded place, naming the place's label
  ("Juara 1 kategori Pelayanan Publik"; a snapshot published before award labels: "Peringkat 1 ...").
- ``participation_pdf``: for every other scored entry, titled *Sertifikat Partisipasi* and saying that
  it records taking part, not an award: a non-winner never gets a winner's certificate.

The document is Indonesian, so its figures are too: ``numbers.format_number`` ("4,58", half-up).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fpdf import FPDF

from innovation.judging.result_types import EntryResult, RoundResults
from innovation.numbers import format_number
from innovation.timeutil import to_local

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
LOCALE = "id"
TEAL, INK, MUTED = (11, 93, 122), (28, 36, 48), (91, 102, 117)


def _latin1(text: str) -> str:
    """The core PDF fonts speak Latin-1: keep what they can show, replace the rest."""
    return text.encode("latin-1", "replace").decode("latin-1")


def indonesian_date(value: datetime) -> str:
    local = to_local(value)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def award_text(results: RoundResults, entry: EntryResult) -> str:
    """What the entry won: the place's label, in its category when the awards are per category."""
    per_category = results.awards.per_category if results.awards else True
    label = entry.award or f"Peringkat {entry.category_rank if per_category else entry.rank}"
    return f"{label} kategori {entry.category}" if per_category else label


def _page(results: RoundResults, title: str) -> tuple[FPDF, Callable[..., None]]:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_author("Bappeda")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(*TEAL)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    def line(text: str, size: float, style: str = "", height: float = 10, color=INK) -> None:
        pdf.set_text_color(*color)
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(20)
        pdf.multi_cell(257, height, _latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(28)
    line(title, 28, "B", 14, TEAL)
    line(results.event.name, 16, "", 9)
    return pdf, line


def _footer(pdf: FPDF, line: Callable[..., None], results: RoundResults, checksum: str) -> bytes:
    pdf.set_y(178)
    edition = f" (edisi {results.edition})" if results.edition else ""
    line(f"Hasil resmi yang diumumkan{edition}; keaslian dapat diperiksa dengan checksum SHA-256 hasil:", 8, "",
         4, MUTED)
    line(checksum, 8, "", 4, MUTED)
    return bytes(pdf.output())


def certificate_pdf(results: RoundResults, entry: EntryResult, *, checksum: str) -> bytes:
    """The winner's certificate (``entry.winner``)."""
    pdf, line = _page(results, "SERTIFIKAT PENGHARGAAN")
    pdf.set_title(_latin1(f"Sertifikat {entry.innovation}"))
    pdf.ln(6)
    line("diberikan kepada", 12, "I", 8, MUTED)
    line(entry.opd, 20, "B", 11)
    line("atas inovasi", 12, "I", 8, MUTED)
    line(f'"{entry.innovation}"', 18, "B", 10)
    pdf.ln(4)
    line(award_text(results, entry), 16, "B", 9, TEAL)
    line(f"{results.round.name} - nilai {format_number(entry.score, 2, LOCALE)}", 12, "", 7)
    pdf.ln(6)
    line(f"Ditetapkan pada {indonesian_date(results.stamped_at)}", 12, "", 7)
    return _footer(pdf, line, results, checksum)


def participation_pdf(results: RoundResults, entry: EntryResult, *, checksum: str) -> bytes:
    """A certificate of taking part, for an entry without an awarded place: it says so."""
    pdf, line = _page(results, "SERTIFIKAT PARTISIPASI")
    pdf.set_title(_latin1(f"Sertifikat partisipasi {entry.innovation}"))
    pdf.ln(6)
    line("diberikan kepada", 12, "I", 8, MUTED)
    line(entry.opd, 20, "B", 11)
    line("yang telah mengikuti penilaian dengan inovasi", 12, "I", 8, MUTED)
    line(f'"{entry.innovation}"', 18, "B", 10)
    pdf.ln(4)
    line(f"Peserta {results.round.name}, kategori {entry.category}", 14, "B", 9, TEAL)
    line("Sertifikat ini menyatakan keikutsertaan, bukan penghargaan atau peringkat juara.", 11, "I", 7, MUTED)
    pdf.ln(6)
    line(f"Ditetapkan pada {indonesian_date(results.stamped_at)}", 12, "", 7)
    return _footer(pdf, line, results, checksum)
