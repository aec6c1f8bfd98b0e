"""``proposal/NN-<slug>.pdf``: the printable proposal of one innovation (A4).

Headed "PROPOSAL INOVASI DAERAH": the profile (label: value, in the portal's order), then the table
No | Indikator | Informasi | Bukti Dukung. Fonts: the PDF core font Helvetica (WinAnsi, Windows-1252:
every Latin-1 letter and the typographic quotes and dashes) when every character of the proposal is
in Windows-1252, as nearly all Indonesian text is: nothing to embed. A proposal with other characters
(ş, ğ, 漢字) uses DejaVu Sans (Debian's fonts-dejavu-core), embedded and subset per document (about
4x slower); without DejaVu installed, Helvetica with those characters transliterated (ş -> s), so no
name can crash the export.

Layout is ours, drawing with fpdf2: fpdf2's ``multi_cell`` and ``table`` re-measure the line for every
character they add (about 100 ms for a proposal with three 3,000-character texts, 3 hours for
100,000 innovations). ``Proposal.wrap`` breaks text at spaces with each word measured once per font
and size (a process-wide cache), and lines are drawn with ``text()``: about 10x faster, and the
export's time is the proposals' time.
"""
from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from fpdf import FPDF

from innovation.reporting.export.items import PROFILE_FIELDS, ExportItem
from innovation.reporting.export.naming import latin1_text

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
TITLE = "PROPOSAL INOVASI DAERAH"
HEADING_FILL = (221, 235, 240)
WIDTH_CACHE_LIMIT = 20_000  # words per font and size (about 3 MB); the cache is dropped when it gets larger
_widths: dict[tuple[str, str, float], dict[str, float]] = {}


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


CORE_ENCODING = "windows-1252"
CONTROL_CHARACTERS = {code: None for code in range(32) if code != 10}  # str.translate: dropped, "\n" kept


def core_encodable(texts) -> bool:
    """Whether every text prints with the core fonts (Windows-1252), control characters aside."""
    for text in texts:
        if not text:
            continue
        try:
            str(text).encode(CORE_ENCODING)
        except UnicodeEncodeError:
            return False
    return True


def _item_texts(item: ExportItem, region_name: str):
    yield region_name
    yield item.opd_name
    yield from (value for value in item.values.values() if isinstance(value, str))
    yield item.note
    for line in item.lines:
        yield line.informasi
        yield line.verification
        yield from (ref.describe() for ref in line.evidence)
    for refs in item.slot_evidence.values():
        yield from (ref.describe() for ref in refs)


class Proposal(FPDF):
    def __init__(self, footer_text: str, fonts: tuple[str, str, frozenset[int]] | None):
        super().__init__(format="A4")
        self.core_fonts_encoding = CORE_ENCODING
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
        text = unicodedata.normalize("NFC", text).translate(CONTROL_CHARACTERS)  # e + U+0301 -> é
        if not self.unicode:
            if core_encodable((text,)):
                return text
            return "".join(c if core_encodable((c,)) else latin1_text(c) for c in text)
        if all(ord(c) in self.covered or c == "\n" for c in text):
            return text
        return "".join(c if ord(c) in self.covered or c == "\n" else (latin1_text(c) if ord(c) < 0x2070 else "?")
                       for c in text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.cell(0, 6, self.text_of(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

    # --- layout: wrapping with cached word widths, drawing with text() ---------------------------
    def _width(self, word: str) -> float:
        key = (self.font_family, self.font_style, self.font_size_pt)
        cache = _widths.get(key)
        if cache is None or len(cache) > WIDTH_CACHE_LIMIT:
            cache = _widths[key] = {}
        width = cache.get(word)
        if width is None:
            width = cache[word] = self.get_string_width(word)
        return width

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` (already passed through ``text_of``) in lines no wider than ``width`` mm: broken at
        spaces, a word wider than the line cut by characters, newlines kept. Joining the lines with
        spaces (newlines where the text had them) gives the text back, runs of spaces excepted."""
        space = self._width(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                if not word:
                    continue
                size = self._width(word)
                if size > width:  # a very long word (a URL, a path): cut it where it reaches the edge
                    if line:
                        lines.append(" ".join(line))
                    pieces = self._cut(word, width)
                    lines.extend(pieces[:-1])
                    line, used = [pieces[-1]], self._width(pieces[-1])
                elif line and used + space + size > width:
                    lines.append(" ".join(line))
                    line, used = [word], size
                else:
                    used = used + space + size if line else size
                    line.append(word)
            lines.append(" ".join(line))
        return lines

    def _cut(self, word: str, width: float) -> list[str]:
        pieces, current, used = [], "", 0.0
        for char in word:
            size = self._width(char)
            if current and used + size > width:
                pieces.append(current)
                current, used = "", 0.0
            current += char
            used += size
        pieces.append(current)
        return pieces

    def _baseline(self, y: float, height: float) -> float:
        return y + height / 2 + 0.3 * self.font_size

    def paragraph(self, text: str, height: float, *, width: float | None = None) -> None:
        """``text`` wrapped to the text width (or ``width``) from the left margin, breaking pages as needed."""
        width = width or self.epw
        for line in self.wrap(text, width):
            if self.y + height > self.page_break_trigger:
                self.add_page()
            if line:
                self.text(self.l_margin, self._baseline(self.y, height), line)
            self.y += height
        self.x = self.l_margin

    def labelled(self, label: str, value: str, label_width: float, height: float) -> None:
        """A bold label in its column and the value's lines beside it."""
        family = self.family_name
        self.set_font(family, "B", 10)
        label_lines = self.wrap(label, label_width - 2)
        self.set_font(family, "", 10)
        value_lines = self.wrap(value, self.epw - label_width)
        rows = max(len(label_lines), len(value_lines))
        if self.y + rows * height > self.page_break_trigger and rows * height < self.page_break_trigger - self.t_margin:
            self.add_page()
        for n in range(rows):
            if self.y + height > self.page_break_trigger:
                self.add_page()
            baseline = self._baseline(self.y, height)
            if n < len(label_lines) and label_lines[n]:
                self.set_font(family, "B", 10)
                self.text(self.l_margin, baseline, label_lines[n])
                self.set_font(family, "", 10)
            if n < len(value_lines) and value_lines[n]:
                self.text(self.l_margin + label_width, baseline, value_lines[n])
            self.y += height
        self.x = self.l_margin

    def table(self, widths: Sequence[float], heading: Sequence[str], rows: Sequence[Sequence[str]],
              height: float, padding: float = 1.2) -> None:
        """A bordered table with a filled heading row repeated on every page. A row that fits on a page
        is never split; a row taller than a page (a very long Informasi) continues on the next pages."""

        def wrapped(cells: Sequence[str], bold: bool) -> list[list[str]]:
            self.set_font(self.family_name, "B" if bold else "", 9)
            return [self.wrap(text, w - 2 * padding) for text, w in zip(cells, widths)]

        def draw(lines: list[list[str]], start: int, count: int, bold: bool) -> None:
            """Lines ``start`` to ``start + count`` of every cell, as one bordered band at the current y."""
            self.set_font(self.family_name, "B" if bold else "", 9)
            band = count * height + 2 * padding
            x, y = self.l_margin, self.y
            for cell, w in zip(lines, widths):
                self.rect(x, y, w, band, style="DF" if bold else "D")
                for n, line in enumerate(cell[start:start + count]):
                    if line:
                        self.text(x + padding, self._baseline(y + padding + n * height, height), line)
                x += w
            self.y = y + band

        head = wrapped(heading, True)
        head_count = max(len(cell) for cell in head)

        def new_page() -> None:
            self.add_page()
            draw(head, 0, head_count, True)

        def room() -> int:  # whole lines that still fit on this page in one band
            return max(0, int((self.page_break_trigger - self.y - 2 * padding) // height))

        self.set_fill_color(*HEADING_FILL)
        draw(head, 0, head_count, True)
        head_band = head_count * height + 2 * padding
        on_fresh_page = int((self.page_break_trigger - self.t_margin - head_band - 2 * padding) // height)
        for row in rows:
            lines = wrapped(row, False)
            total = max(len(cell) for cell in lines)
            if room() < total <= on_fresh_page:  # fits on the next page whole: start it there
                new_page()
            done = 0
            while done < total:
                count = min(total - done, room())
                if count == 0:  # not even one line left here
                    new_page()
                    continue
                draw(lines, done, count, False)
                done += count
                if done < total:
                    new_page()
        self.x = self.l_margin


def write_proposal(item: ExportItem, *, region_name: str, rules_year: int, profile_file_labels: dict[str, str],
                   fonts: tuple[str, str] | None | bool = True) -> bytes:
    """The proposal's PDF bytes (one innovation: small, so built in memory). ``fonts``: True to choose
    (core fonts when the text allows, else DejaVu), None for the core fonts, or the DejaVu paths."""
    if fonts is True:
        chosen = None if core_encodable(_item_texts(item, region_name)) else unicode_font()
    else:
        chosen = fonts or None
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
        failing = "belum memenuhi aturan tahun ini — " if item.blocking else ""
        pdf.paragraph(pdf.text_of(f"Catatan: {failing}{item.note}"), 5)
        pdf.ln(2)

    values = [(label, item.values[name], kind) for name, label, kind in PROFILE_FIELDS]
    values += [(label, "\n".join(ref.describe() for ref in item.slot_evidence.get(slot, [])), "text")
               for slot, label in profile_file_labels.items()]
    for label, value, kind in values:
        text = pdf.text_of(value) or "-"
        if kind == "long":
            pdf.set_font(family, "B", 10)
            pdf.paragraph(pdf.text_of(label), 6)
            pdf.set_font(family, "", 10)
            pdf.paragraph(text, 5)
            pdf.ln(2)
        else:
            pdf.labelled(pdf.text_of(label), text, 55, 6)

    pdf.add_page()
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, pdf.text_of("Indikator Satuan Inovasi Daerah"), new_x="LMARGIN", new_y="NEXT")
    rows = []
    for line in item.lines:
        evidence = "\n".join(ref.describe() for ref in line.evidence) or "-"
        info = line.informasi or "-"
        if line.verification:
            info += f"\n(verifikasi: {line.verification})"
        rows.append([str(line.indicator.no), pdf.text_of(line.indicator.name), pdf.text_of(info), pdf.text_of(evidence)])
    pdf.table((10, 48, 62, 54), ["No", "Indikator", "Informasi", "Bukti Dukung"], rows, 4.6)
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
