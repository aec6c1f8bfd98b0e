"""Where an innovation's own texts name its OPD: pure, for blind judging.

In a blind round judges must not learn whose entry they score, but operators write their OPD's name
into the title and the *rancang bangun* ("Dinas Kesehatan menyediakan ..."). ``find_mentions`` lists
the places (for the warning an operator sees before submitting to an event with a blind round);
``mask`` replaces them in what a judge of a blind round sees.

A mention is the OPD's name or code as a whole phrase, ignoring case and the spacing between its
words ("dinas  kesehatan", "DINKES"), never inside a longer word ("Dinkesmas" does not match "DINKES").
Level 4 (innovations): the events area (level 5) and judging (level 6) both import it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

SNIPPET = 40  # characters of context on each side of a mention in a warning
PROFILE_TEXTS = ("nama", "rancang_bangun", "tujuan", "manfaat", "hasil")  # what a judge reads of a profile


@dataclass(frozen=True)
class Mention:
    field: str  # the text's name, as given (e.g. "nama", "rancang_bangun")
    found: str  # the text as written there
    snippet: str  # the mention with some context, for the warning


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    parts = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):  # the longest first: "Dinas Kesehatan Kota"
        words = term.split()
        if words:
            parts.append(r"\s+".join(re.escape(word) for word in words))
    if not parts:
        return None
    # whole phrases: no letter or digit right before or after (\b fails on codes ending in punctuation)
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def terms_for(name: str | None, code: str | None) -> tuple[str, ...]:
    """The phrases that name an OPD: its name and its code (codes shorter than 3 characters are left
    out: "PU" would match too much ordinary text)."""
    terms = [" ".join((name or "").split())]
    code = (code or "").strip()
    if len(code) >= 3:
        terms.append(code)
    return tuple(t for t in terms if t)


def find_mentions(texts: Mapping[str, str | None], terms: Iterable[str]) -> list[Mention]:
    """Every mention of ``terms`` in ``texts`` (name -> text), in the texts' order."""
    pattern = _pattern(tuple(terms))
    if pattern is None:
        return []
    found = []
    for field, text in texts.items():
        for match in pattern.finditer(text or ""):
            start, end = max(0, match.start() - SNIPPET), min(len(text), match.end() + SNIPPET)
            snippet = ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")
            found.append(Mention(field, match.group(0), snippet))
    return found


def profile_mentions(innovation: object, opd_name: str | None, opd_code: str | None) -> list[Mention]:
    """Where the innovation's title and profile texts (``PROFILE_TEXTS``) name its OPD."""
    return find_mentions({name: getattr(innovation, name, "") for name in PROFILE_TEXTS},
                         terms_for(opd_name, opd_code))


def mask(text: str | None, terms: Iterable[str], replacement: str) -> str:
    """``text`` with every mention of ``terms`` replaced by ``replacement``."""
    pattern = _pattern(tuple(terms))
    if not text or pattern is None:
        return text or ""
    return pattern.sub(replacement, text)
