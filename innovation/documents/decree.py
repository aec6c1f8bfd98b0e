"""The draft decree naming a round's winners ("SK penetapan pemenang"), as an editable DOCX (python-docx),
so the Bupati's legal office can finish it in a word processor: the decree's number and date are left
as dotted lines for the office to fill in, the considerations follow the usual structure of a Keputusan
Kepala Daerah (Menimbang, Mengingat, Memutuskan, KESATU ...), the legal basis is the one for regional
innovation (UU 23/2014, PP 38/2017, Permendagri 104/2018), and the winners table (the Lampiran) is
filled in from the published snapshot.

Why python-docx: a maintained library that writes real Word paragraphs and tables which stay editable;
a hand-written WordprocessingML zip would be a second, untested Word writer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from innovation.documents.certificates import award_label
from innovation.documents.layout import indonesian_date
from innovation.judging.result_types import RoundResults
from innovation.numbers import format_number

LEGAL_BASIS = (
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, "
    "terakhir dengan Undang-Undang Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti "
    "Undang-Undang Nomor 2 Tahun 2022 tentang Cipta Kerja menjadi Undang-Undang;",
    "Peraturan Pemerintah Nomor 38 Tahun 2017 tentang Inovasi Daerah;",
    "Peraturan Menteri Dalam Negeri Nomor 104 Tahun 2018 tentang Penilaian dan Pemberian Penghargaan "
    "dan/atau Insentif Inovasi Daerah;",
)
BLANK = "........"


@dataclass(frozen=True)
class DecreeInputs:
    official: str  # "Bupati Mimika"
    place: str
    checksum: str


def winners(results: RoundResults) -> list[tuple[str, str, str, str, str]]:
    """(category, award, innovation, OPD, score) of every winner, per category in the event's order."""
    rows = []
    for category in results.categories:
        for entry_id in category.ranking:
            entry = results.entry(entry_id)
            if entry is not None and entry.winner:
                rows.append((category.name, award_label(results, entry), entry.innovation, entry.opd,
                             format_number(entry.score, 2, "id")))
    return rows


def write_decree(results: RoundResults, inputs: DecreeInputs, stream: BinaryIO) -> None:
    official = inputs.official.upper()
    subject = f"PENETAPAN PEMENANG {results.event.name.upper()}"
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(33), Cm(21.5)  # F4, as regional decrees are printed
    section.left_margin = section.right_margin = Cm(2.5)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)

    def centred(text: str, bold: bool = True) -> None:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold

    centred(f"KEPUTUSAN {official}")
    centred(f"NOMOR {BLANK} TAHUN {results.event.year}", bold=False)
    centred("TENTANG")
    centred(subject)
    centred(f"{official},")

    def clause(label: str, items: list[str], numbered: str) -> None:
        table = doc.add_table(rows=0, cols=3)
        for index, text in enumerate(items):
            cells = table.add_row().cells
            cells[0].text = label if index == 0 else ""
            marker = f"{chr(ord('a') + index)}." if numbered == "letters" else f"{index + 1}."
            cells[1].text = marker
            cells[2].text = text
        for row in table.rows:
            row.cells[0].width, row.cells[1].width, row.cells[2].width = Cm(3.2), Cm(0.8), Cm(12.5)
        doc.add_paragraph()

    published = indonesian_date(results.stamped_at)
    clause("Menimbang :", [
        f"bahwa dalam rangka mendorong dan mengapresiasi inovasi daerah di lingkungan Pemerintah Daerah, telah "
        f"diselenggarakan {results.event.name};",
        f"bahwa berdasarkan Berita Acara Penilaian {results.round.name} dan hasil resmi yang diumumkan pada tanggal "
        f"{published} (edisi {results.edition or 1}, SHA-256 data hasil publik {inputs.checksum}), telah diperoleh para "
        f"pemenang {results.event.name};",
        f"bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan Keputusan "
        f"{inputs.official} tentang {subject.title()};",
    ], "letters")
    clause("Mengingat :", list(LEGAL_BASIS), "numbers")
    centred("MEMUTUSKAN:")
    table = doc.add_table(rows=0, cols=2)
    decisions = [
        ("Menetapkan :", f"KEPUTUSAN {official} TENTANG {subject}."),
        ("KESATU :", f"Menetapkan pemenang {results.event.name} sebagaimana tercantum dalam Lampiran yang merupakan "
                     f"bagian tidak terpisahkan dari Keputusan ini."),
        ("KEDUA :", "Kepada para pemenang sebagaimana dimaksud dalam Diktum KESATU diberikan penghargaan berupa "
                    "sertifikat dan/atau insentif sesuai dengan ketentuan peraturan perundang-undangan."),
        ("KETIGA :", "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Anggaran "
                     "Pendapatan dan Belanja Daerah."),
        ("KEEMPAT :", "Keputusan ini mulai berlaku pada tanggal ditetapkan."),
    ]
    for label, text in decisions:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, text
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(3.2), Cm(13.3)
    doc.add_paragraph()
    _signature(doc, inputs)

    doc.add_page_break()
    doc.add_paragraph(f"LAMPIRAN\nKEPUTUSAN {official}\nNOMOR {BLANK} TAHUN {results.event.year}\n"
                      f"TENTANG {subject}")
    centred(f"DAFTAR PEMENANG {results.event.name.upper()}")
    centred(results.round.name, bold=False)
    rows = winners(results)
    grid = doc.add_table(rows=1, cols=6)
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, ("No", "Kategori", "Penghargaan", "Nama Inovasi", "Perangkat Daerah",
                                               "Nilai")):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for number, row in enumerate(rows, 1):
        cells = grid.add_row().cells
        for cell, text in zip(cells, (str(number), *row)):
            cell.text = text
    if not rows:
        doc.add_paragraph("Tidak ada pemenang pada babak ini.")
    doc.add_paragraph()
    _signature(doc, inputs)
    doc.save(stream)


def _signature(doc, inputs: DecreeInputs) -> None:
    block = doc.add_paragraph()
    block.paragraph_format.left_indent = Cm(9)
    block.add_run(f"Ditetapkan di {inputs.place}\npada tanggal {BLANK}\n\n{inputs.official.upper()},\n\n\n\n")
    block.add_run(BLANK * 4).bold = True
