"""``proposal/NN-<slug>.pdf``: the printable proposal of one innovation (A4).

Headed "PROPOSAL INOVASI DAERAH": the profile (label: value, in the portal's order), then the table
No | Indikator | Informasi | Bukti Dukung. Uses DejaVu Sans (Debian's fonts-dejavu-core) when it is
installed, so every character prints; without it, the PDF core font Helvetica with the text
transliterated to latin-1 (’ -> ', – -> -, ş -> s), so no name can crash the export.
"""
from __future__ import annotations

import logging
import os
import tempfile
from datetime import date
from functools import lru_cache

from fpdf import FPDF
from fpdf.fonts import FontFace

from innovation.reporting.export.items import PROFILE_FIELDS, ExportItem
from innovation.reporting.export.naming import latin1_text

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
TITLE = "PROPOSAL INOVASI DAERAH"


# Latin, Latin-1, Latin Extended-A/B, general punctuation, currency: what Indonesian names and texts use.
UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2000, 0x2070), *range(0x20A0, 0x20C0), 0x2122]


@lru_cache(maxsize=1)
def unicode_font() -> tuple[str, str, frozenset[int]] | None:
    """DejaVu Sans regular and bold, cut once per process to the characters above (parsing the full
    700 KB font for every proposal took a second and 18 MB), and the code points they draw; or None
    when the TTFs are absent."""
    override = os.environ.get("EXPORT_PDF_FONT_DIR")
    for folder in ((override,) if override else ()) + FONT_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            break
    else:
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    target = tempfile.mkdtemp(prefix="inovasi-pdf-font-")
    paths = []
    for source in (regular, bold):
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.layout_features = []
        font = TTFont(source)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        path = os.path.join(target, os.path.basename(source))
        font.save(path)
        paths.append(path)
        covered = frozenset(font.getBestCmap())
    return paths[0], paths[1], covered


class Proposal(FPDF):
    def __init__(self, footer_text: str, fonts: tuple[str, str, frozenset[int]] | None):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.unicode = fonts is not None
        self.covered = fonts[2] if fonts else frozenset()
        if fonts:
            self.add_font("DejaVu", "", fonts[0])
            self.add_font("DejaVu", "B", fonts[1])
            self.family_name = "DejaVu"
        else:
            self.family_name = "Helvetica"

    def text_of(self, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            value = value.strftime("%d-%m-%Y")
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        text = "".join(c for c in text if c == "\n" or ord(c) >= 32)
        if not self.unicode:
            return latin1_text(text)
        if all(ord(c) in self.covered or c == "\n" for c in text):
            return text
        return "".join(c if ord(c) in self.covered or c == "\n" else (latin1_text(c) if ord(c) < 0x2070 else "?")
                       for c in text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.cell(0, 6, self.text_of(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def write_proposal(item: ExportItem, *, region_name: str, rules_year: int, profile_file_labels: dict[str, str],
                   fonts: tuple[str, str] | None | bool = True) -> bytes:
    """The proposal's PDF bytes (one innovation: small, so built in memory)."""
    chosen = unicode_font() if fonts is True else (fonts or None)
    pdf = Proposal(f"{item.nama[:80]} · {region_name}", chosen)
    family = pdf.family_name
    pdf.set_title(pdf.text_of(f"{TITLE}: {item.nama}"))
    pdf.set_author(pdf.text_of(region_name))
    pdf.add_page()
    pdf.set_font(family, "B", 15)
    pdf.cell(0, 9, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.cell(0, 6, pdf.text_of(f"{region_name} · {item.opd_name} · aturan Kemendagri {rules_year}"),
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if item.gaps:
        pdf.set_font(family, "B", 10)
        pdf.multi_cell(0, 5, pdf.text_of("Catatan: belum memenuhi aturan tahun ini — " + "; ".join(item.gaps)),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    values = [(label, item.values[name], kind) for name, label, kind in PROFILE_FIELDS]
    values += [(label, "\n".join(ref.describe() for ref in item.slot_evidence.get(slot, [])), "text")
               for slot, label in profile_file_labels.items()]
    for label, value, kind in values:
        text = pdf.text_of(value) or "-"
        pdf.set_font(family, "B", 10)
        if kind == "long":
            pdf.multi_cell(0, 6, pdf.text_of(label), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(family, "", 10)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.multi_cell(55, 6, pdf.text_of(label), new_x="RIGHT", new_y="TOP")
            pdf.set_font(family, "", 10)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, pdf.text_of("Indikator Satuan Inovasi Daerah"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(221, 235, 240))
    with pdf.table(col_widths=(10, 48, 62, 54), text_align="LEFT", headings_style=heading,
                   line_height=4.6, first_row_as_headings=True, repeat_headings=1) as table:
        table.row(["No", "Indikator", "Informasi", "Bukti Dukung"])
        for line in item.lines:
            evidence = "\n".join(ref.describe() for ref in line.evidence) or "-"
            info = line.informasi or "-"
            if line.verification:
                info += f"\n(verifikasi: {line.verification})"
            table.row([str(line.indicator.no), pdf.text_of(line.indicator.name), pdf.text_of(info),
                       pdf.text_of(evidence)])
    pdf.ln(3)
    pdf.set_font(family, "B", 10)
    pdf.cell(0, 6, pdf.text_of(f"Total skor: {item.total} · Estimasi Skor Kematangan: {item.maturity}%"),
             new_x="LMARGIN", new_y="NEXT")
    try:
        return bytes(pdf.output())
    finally:
        _clear_fpdf_caches()


def _clear_fpdf_caches() -> None:
    """fpdf2 (2.8) caches ``SubsetMap.pick``/``get_glyph`` with ``functools.cache`` on the methods,
    which keeps every document's font subset alive for the life of the process (about 35 KB per
    proposal with a TTF font). Clearing them after each proposal keeps the export's memory flat;
    the caches only save time within one document."""
    from fpdf.fonts import SubsetMap

    for name in ("pick", "get_glyph"):
        method = getattr(SubsetMap, name, None)
        if hasattr(method, "cache_clear"):
            method.cache_clear()
