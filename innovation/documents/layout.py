"""What every document prints the same way: Indonesian dates, Latin-1-safe text for the PDF core fonts,
the issuer's logo (the uploaded one, or a default drawn here), the QR code, and signature blocks.

The default logo is a plain emblem (a ring with the region's initial), made with Pillow, which fpdf2
already depends on: a certificate without an uploaded logo still has an issuer mark, and nothing
pretends to be the region's real coat of arms.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image, ImageDraw, ImageFont

from innovation.documents.settings import Signatory
from innovation.timeutil import to_local

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
TEAL, INK, MUTED = (11, 93, 122), (28, 36, 48), (91, 102, 117)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(225, 238, 242))
SIGNATURE_SPACE = 18  # mm left blank above the name for the wet signature and stamp


def latin1(text: object) -> str:
    """The core PDF fonts speak Latin-1: keep what they can show, replace the rest."""
    return str(text).encode("latin-1", "replace").decode("latin-1")


def indonesian_date(value: datetime) -> str:
    local = to_local(value)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def place_and_date(place: str, value: datetime) -> str:
    """The line above a signature: "Timika, 6 Desember 2026"."""
    return f"{place}, {indonesian_date(value)}"


def initial_of(issuer: str) -> str:
    """The emblem's letter: the first letter of the region's own name ("Pemerintah Kabupaten Mimika" -> M)."""
    words = [w for w in issuer.split() if w.lower() not in {"pemerintah", "kabupaten", "kota", "provinsi", "daerah"}]
    return (words[-1][:1] if words else issuer[:1] or "?").upper()


@lru_cache(maxsize=32)
def default_logo_png(initial: str) -> bytes:
    """A 256-px emblem: a teal double ring with the initial in the middle."""
    size = 256
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), fill=(255, 255, 255, 255), outline=TEAL, width=14)
    draw.ellipse((34, 34, size - 34, size - 34), outline=TEAL, width=4)
    try:
        font = ImageFont.load_default(size=120)
    except TypeError:  # Pillow before 10.1: the bitmap font only
        font = ImageFont.load_default()
    draw.text((size / 2, size / 2), initial, fill=TEAL, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def draw_logo(pdf: FPDF, logo: bytes | None, issuer: str, *, x: float, y: float, size: float) -> None:
    """The uploaded logo fitted in a ``size`` square (its proportions kept), or the default emblem."""
    data = logo or default_logo_png(initial_of(issuer))
    try:
        pdf.image(io.BytesIO(data), x=x, y=y, w=size, h=size, keep_aspect_ratio=True)
    except Exception:  # noqa: BLE001 (a logo the PDF library cannot read must not stop the document)
        pdf.image(io.BytesIO(default_logo_png(initial_of(issuer))), x=x, y=y, w=size, h=size)


def signature_blocks(pdf: FPDF, signers: Sequence[Signatory], *, place_date: str, y: float,
                     columns: Sequence[tuple[float, float]]) -> None:
    """One block per signatory in ``columns`` [(x, width)], the place-and-date line over the last one;
    a signatory not yet configured prints dotted lines to fill in by hand."""
    blocks = list(signers) or [Signatory("", "", "")]
    columns = list(columns)[-len(blocks):]
    for index, (block, (x, width)) in enumerate(zip(blocks, columns)):
        pdf.set_xy(x, y)
        pdf.set_text_color(*INK)
        pdf.set_font("Helvetica", "", 10)
        top = place_date if index == len(blocks) - 1 else ""
        pdf.cell(width, 5, latin1(top), align="C", new_x="LEFT", new_y="NEXT")
        pdf.multi_cell(width, 5, latin1(block.title or "." * 40), align="C", new_x="LEFT", new_y="NEXT")
        pdf.ln(SIGNATURE_SPACE)
        pdf.set_x(x)
        pdf.set_font("Helvetica", "BU", 10)
        pdf.cell(width, 5, latin1(block.name or "." * 40), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(width, 5, latin1(f"NIP. {block.nip}" if block.nip else ("" if block.name else "NIP. " + "." * 30)),
                 align="C", new_x="LEFT", new_y="NEXT")


class Report(FPDF):
    """A multi-page A4 document with the issuer's letterhead on its first page and "page n of m" below."""

    def __init__(self, title: str, *, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.doc_title = title
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, 18)
        self.alias_nb_pages()
        self.set_title(latin1(title))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 4, latin1(f"{self.doc_title} - halaman {self.page_no()} dari {{nb}}"), align="C")

    def letterhead(self, issuer: str, logo: bytes | None, lines: Sequence[str]) -> None:
        draw_logo(self, logo, issuer, x=self.l_margin, y=self.t_margin - 4, size=20)
        self.set_xy(self.l_margin + 22, self.t_margin - 3)
        self.set_text_color(*INK)
        self.set_font("Helvetica", "B", 13)
        self.cell(self.epw - 22, 7, latin1(issuer.upper()), align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("Helvetica", "", 9)
        for text in lines:
            self.cell(self.epw - 22, 5, latin1(text), align="C", new_x="LEFT", new_y="NEXT")
        self.set_y(max(self.get_y(), self.t_margin + 18))
        self.set_draw_color(*INK)
        self.set_line_width(0.8)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() + 1, self.l_margin + self.epw, self.get_y() + 1)
        self.ln(5)

    def heading(self, text: str, size: float = 11) -> None:
        if self.get_y() > self.page_break_trigger - 25:  # never a heading alone at the foot of a page
            self.add_page()
        self.set_text_color(*INK)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 6, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def centred(self, text: str, size: float, style: str = "") -> None:
        self.set_text_color(*INK)
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, 6, latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: float = 10) -> None:
        self.set_text_color(*INK)
        self.set_font("Helvetica", "", size)
        self.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
             *, size: float = 8, numeric: Sequence[int] = ()) -> None:
        """A table that repeats its header on every page (fpdf2's ``table``)."""
        self.set_text_color(*INK)
        self.set_font("Helvetica", "", size)
        aligns = tuple("R" if i in numeric else "L" for i in range(len(header)))
        with self.table(col_widths=tuple(widths), text_align=aligns, line_height=size * 0.5,
                        headings_style=HEADINGS, first_row_as_headings=True, repeat_headings=1) as table:
            table.row([latin1(h) for h in header])
            for values in rows:
                table.row([latin1("" if v is None else v) for v in values])
        self.ln(3)
