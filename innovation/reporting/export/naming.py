"""Names inside the bundle: slugs, safe file names, de-duplication, and text safe for documents."""
from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "…": "...", "\u00a0": " ", "•": "*", "·": "-",
})


def ascii_text(text: str) -> str:
    """Plain ASCII: typographic punctuation replaced, accents dropped (é -> e), the rest removed."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_PUNCTUATION))
    return text.encode("ascii", "ignore").decode("ascii")


def slugify(text: str, max_length: int = 50, fallback: str = "inovasi") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text(text).lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def safe_filename(name: str, extension: str | None = None, max_length: int = 100) -> str:
    """A readable, portable file name: ASCII letters, digits, ``.``, ``-``, ``_``; the stored
    (sniffed) extension wins over whatever the uploader typed."""
    name = ascii_text(name or "").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = (extension or ext or "").lower()
    ext = re.sub(r"[^a-z0-9]+", "", ext)[:10]
    stem = re.sub(r"\s+", "-", stem)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
    stem = re.sub(r"[-_]{2,}", "-", re.sub(r"\.{2,}", ".", stem)).strip("._-")
    stem = stem[: max_length - len(ext) - 1].rstrip("._-") or "berkas"
    return f"{stem}.{ext}" if ext else stem


class UniqueNames:
    """Hands out names unique within one folder (case-insensitively): ``a.pdf``, ``a-2.pdf``..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 1
        while candidate.lower() in self.used:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        self.used.add(candidate.lower())
        return candidate


def latin1_text(text: str) -> str:
    """Text the PDF core fonts (Helvetica, cp1252/latin-1) can draw: typographic punctuation
    replaced, other characters outside latin-1 decomposed (ş -> s) or replaced by ``?``."""
    out = []
    for char in (text or "").translate(_PUNCTUATION):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            plain = "".join(c for c in plain if not unicodedata.combining(c))
            out.append(plain or "?")
    return "".join(out)
