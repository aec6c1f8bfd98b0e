"""The printable schedule of a round's presentations: A4 portrait, Indonesian, made with fpdf2 (the
library the certificates already use), written to a stream so a view, a command or a job can use it.

One table: order, time (WIT), innovation, OPD, category, room; above it the day's settings and, for a
drawn order, the seed that reproduces the draw (``schedule.drawn_order``).
"""
from __future__ import annotations

from typing import BinaryIO

from fpdf import FPDF

from innovation.judging.schedule_models import OrderMethod, PresentationSchedule
from innovation.timeutil import format_local, to_local

INK, MUTED, TEAL = (28, 36, 48), (91, 102, 117), (11, 93, 122)
COLUMNS = (("No", 10), ("Waktu (WIT)", 24), ("Inovasi", 62), ("OPD", 48), ("Kategori", 26), ("Ruang", 20))


def pdf_text(text: str) -> str:
    """fpdf2's core fonts speak Latin-1: keep what they can show, replace the rest."""
    return str(text).encode("latin-1", "replace").decode("latin-1")


def write_schedule_pdf(schedule: PresentationSchedule, stream: BinaryIO) -> None:
    round_ = schedule.round
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(pdf_text(f"Jadwal presentasi {round_.name}"))
    pdf.set_author("Bappeda")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_text_color(*TEAL)
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, pdf_text(f"Jadwal Presentasi - {round_.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, pdf_text(round_.event.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.set_font("Helvetica", "", 9)
    day = to_local(schedule.starts_at)
    facts = [
        f"Mulai {format_local(schedule.starts_at)}; ruang {schedule.room or '-'}",
        f"Setiap slot: presentasi {schedule.presentation_minutes} menit, tanya jawab {schedule.qa_minutes} menit, "
        f"jeda {schedule.changeover_minutes} menit",
    ]
    if schedule.order_method == OrderMethod.DRAW and schedule.draw_seed:
        facts.append(f"Urutan diundi pada {format_local(schedule.drawn_at)} dengan seed \"{schedule.draw_seed}\"; "
                     "undian dapat diulang dari seed ini.")
    else:
        facts.append("Urutan ditetapkan oleh ketua panitia.")
    for fact in facts:
        pdf.multi_cell(0, 5, pdf_text(fact), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def header() -> None:
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_text_color(255, 255, 255)
        pdf.set_fill_color(*TEAL)
        for title, width in COLUMNS:
            pdf.cell(width, 7, title, border=1, fill=True)
        pdf.ln()
        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(*INK)

    header()
    for slot in schedule.slots:
        entry = slot.round_entry.entry
        local = to_local(slot.starts_at)
        when = local.strftime("%H:%M") if local.date() == day.date() else local.strftime("%d-%m %H:%M")
        cells = (str(slot.position), when, entry.innovation.nama, entry.opd.name, entry.category.name,
                 slot.room or "-")
        if pdf.will_page_break(12):
            pdf.add_page()
            header()
        top = pdf.get_y()
        heights = []
        for (_title, width), text in zip(COLUMNS, cells, strict=True):
            lines = pdf.multi_cell(width, 5, pdf_text(text), dry_run=True, output="LINES")
            heights.append(len(lines) * 5)
        height = max(heights + [6])
        x = pdf.l_margin
        for (_title, width), text in zip(COLUMNS, cells, strict=True):
            pdf.rect(x, top, width, height)
            pdf.set_xy(x, top)
            pdf.multi_cell(width, 5, pdf_text(text), border=0)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)
    stream.write(bytes(pdf.output()))
