"""A winner's certificate: one A4 landscape page in Indonesian, made with fpdf2 from the published
snapshot (so it always matches what was announced, checksum included)."""
from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from innovation.judging.result_types import EntryResult, RoundResults
from innovation.timeutil import to_local

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def _latin1(text: str) -> str:
    """The core PDF fonts speak Latin-1: keep what they can show, replace the rest."""
    return text.encode("latin-1", "replace").decode("latin-1")


def indonesian_date(value: datetime) -> str:
    local = to_local(value)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def certificate_pdf(results: RoundResults, entry: EntryResult, *, checksum: str) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(f"Sertifikat {entry.innovation}"))
    pdf.set_author("Bappeda")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(11, 93, 122)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    def line(text: str, size: float, style: str = "", height: float = 10, color=(28, 36, 48)) -> None:
        pdf.set_text_color(*color)
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(20)
        pdf.multi_cell(257, height, _latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(28)
    line("SERTIFIKAT PENGHARGAAN", 28, "B", 14, (11, 93, 122))
    line(results.event.name, 16, "", 9)
    pdf.ln(6)
    line("diberikan kepada", 12, "I", 8, (91, 102, 117))
    line(entry.opd, 20, "B", 11)
    line("atas inovasi", 12, "I", 8, (91, 102, 117))
    line(f'"{entry.innovation}"', 18, "B", 10)
    pdf.ln(4)
    line(f"Peringkat {entry.category_rank} kategori {entry.category}", 16, "B", 9, (11, 93, 122))
    line(f"{results.round.name} - nilai {entry.score}", 12, "", 7)
    pdf.ln(6)
    line(f"Ditetapkan pada {indonesian_date(results.stamped_at)}", 12, "", 7)
    pdf.set_y(178)
    line("Hasil resmi yang diumumkan; keaslian dapat diperiksa dengan checksum SHA-256 hasil:", 8, "", 4,
         (91, 102, 117))
    line(checksum, 8, "", 4, (91, 102, 117))
    return bytes(pdf.output())
