"""Certificates: one A4 landscape page in Indonesian, made with fpdf2 from the published snapshot (so it
always matches what was announced), that an official can sign.

What it prints: the issuer and its logo (``DocumentSettings``), the certificate's number from the
register (``numbering``), the award's label from the round's award settings ("Juara 1", "Harapan 2";
a snapshot published before award labels gets the default label of its place, never "Peringkat"),
the innovation and the OPD, the score in the locale's format to the places the pages show ("4,58",
half-up, never "4.5828"), the place-and-date line, one or two signature blocks (name, title, NIP), and
a QR code to the public verification page with the number and the edition's checksum beside it.

- ``certificate_pdf``: the winner's, for an entry holding an awarded place.
- ``participation_pdf``: for every other scored entry, titled *Sertifikat Partisipasi*, saying that it
  records taking part, not an award: a non-winner never gets a winner's certificate.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from innovation.documents.layout import (
    INK,
    MUTED,
    TEAL,
    draw_logo,
    latin1,
    place_and_date,
    qr_png,
    signature_blocks,
)
from innovation.documents.settings import Signatory
from innovation.judging.awards import DEFAULT_LABELS
from innovation.judging.result_types import EntryResult, RoundResults
from innovation.numbers import format_number

LOCALE = "id"
SCORE_PLACES = 2  # as the results pages show it
WIDTH, HEIGHT = 297, 210  # A4 landscape, mm


@dataclass(frozen=True)
class CertificateInputs:
    """Everything the page prints besides the results: the tests check these and the PDF's text."""

    issuer: str
    logo: bytes | None
    place: str
    signers: Sequence[Signatory]
    number: str
    verify_url: str
    checksum: str  # sha256 of the edition's public results file (judging.public_file)


def award_label(results: RoundResults, entry: EntryResult) -> str:
    """The place's label ("Juara 1"); a snapshot without labels: the default label of its place."""
    if entry.award:
        return entry.award
    per_category = results.awards.per_category if results.awards else True
    place = entry.category_rank if per_category else entry.rank
    return DEFAULT_LABELS[place - 1] if place <= len(DEFAULT_LABELS) else f"Juara {place}"


def score_text(entry: EntryResult) -> str:
    return format_number(entry.score, SCORE_PLACES, LOCALE)


def _front(results: RoundResults, entry: EntryResult, inputs: CertificateInputs, *, title: str,
           document_title: str, for_what: str) -> tuple[FPDF, Callable[..., None]]:
    """The page down to the innovation's name, the same on both kinds: frame, logo, issuer, event, ``title``,
    number, the OPD it is given to, ``for_what`` (what links the OPD to the innovation) and the innovation.
    Returns the PDF and its centred ``line(text, size, style, height, color)`` for the kind's own lines."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_author(latin1(inputs.issuer))
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 14, 20)
    pdf.add_page()
    pdf.set_draw_color(*TEAL)
    pdf.set_line_width(1.5)
    pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
    pdf.set_line_width(0.4)
    pdf.rect(12, 12, WIDTH - 24, HEIGHT - 24)

    def line(text: str, size: float, style: str = "", height: float = 8, color=INK) -> None:
        pdf.set_text_color(*color)
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(24)
        pdf.multi_cell(WIDTH - 48, height, latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")

    draw_logo(pdf, inputs.logo, inputs.issuer, x=(WIDTH - 22) / 2, y=16, size=22)
    pdf.set_y(40)
    line(inputs.issuer.upper(), 14, "B", 6)
    line(results.event.name, 11, "", 5, MUTED)
    pdf.ln(3)
    line(title, 26, "B", 12, TEAL)
    line(f"Nomor: {inputs.number}", 11, "", 6)
    pdf.set_title(latin1(document_title))
    pdf.ln(2)
    line("diberikan kepada", 11, "I", 6, MUTED)
    line(entry.opd, 17, "B", 8)
    line(for_what, 11, "I", 6, MUTED)
    line(f'"{entry.innovation}"', 15, "B", 7)
    pdf.ln(1)
    return pdf, line


def _closing(pdf: FPDF, results: RoundResults, inputs: CertificateInputs) -> bytes:
    signature_blocks(pdf, inputs.signers, place_date=place_and_date(inputs.place, results.stamped_at), y=140,
                     columns=[(95, 90), (190, 90)])
    pdf.image(qr_png(inputs.verify_url), x=24, y=140, w=30, h=30)
    pdf.set_text_color(*MUTED)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_xy(18, 171)
    pdf.cell(42, 3.5, "Pindai untuk memeriksa keaslian", align="C")
    edition = f" edisi {results.edition}" if results.edition else ""
    pdf.set_xy(18, 183)
    pdf.cell(WIDTH - 36, 3.5, latin1(f"Verifikasi: {inputs.verify_url}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(18)
    pdf.cell(WIDTH - 36, 3.5, latin1(f"Hasil resmi yang diumumkan{edition}; SHA-256 data hasil publik: {inputs.checksum}"),
             align="C")
    return bytes(pdf.output())


def certificate_pdf(results: RoundResults, entry: EntryResult, inputs: CertificateInputs) -> bytes:
    """The winner's certificate (``entry.winner``)."""
    pdf, line = _front(results, entry, inputs, title="SERTIFIKAT PENGHARGAAN",
                       document_title=f"Sertifikat {entry.innovation}", for_what="atas inovasi")
    line(f"sebagai {award_label(results, entry)}", 18, "B", 9, TEAL)
    line(f"Kategori {entry.category} - {results.round.name} - nilai akhir {score_text(entry)}", 11, "", 6)
    return _closing(pdf, results, inputs)


def participation_pdf(results: RoundResults, entry: EntryResult, inputs: CertificateInputs) -> bytes:
    """A certificate of taking part, for an entry without an awarded place: it says so."""
    pdf, line = _front(results, entry, inputs, title="SERTIFIKAT PARTISIPASI",
                       document_title=f"Sertifikat partisipasi {entry.innovation}",
                       for_what="yang telah mengikuti penilaian dengan inovasi")
    line(f"Peserta {results.round.name}, kategori {entry.category}", 13, "B", 7, TEAL)
    line("Sertifikat ini menyatakan keikutsertaan, bukan penghargaan atau peringkat juara.", 10, "I", 6, MUTED)
    return _closing(pdf, results, inputs)

