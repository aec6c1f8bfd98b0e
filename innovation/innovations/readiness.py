"""The readiness checklist: every gap that would cost points or get an innovation disclaimed.

Pure: takes the profile as a mapping of field values, the indicator claims and which indicators
(and profile slots) have evidence, and the year's rules. Returns gaps in the order a person fixes
them. Messages are lazy translations, rendered in the reader's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from innovation.innovations.scoring import Claim, line_score
from innovation.rules import Rules

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)

# The profile fields the portal needs filled, with their labels as the portal shows them.
REQUIRED_FIELDS: tuple[tuple[str, str], ...] = (
    ("nama", "Nama Inovasi"),
    ("tahapan", "Tahapan Inovasi"),
    ("inisiator", "Inisiator Inovasi"),
    ("nama_inisiator", "Nama Inisiator"),
    ("jenis", "Jenis Inovasi"),
    ("klasifikasi", "Klasifikasi Inovasi"),
    ("bentuk", "Bentuk Inovasi"),
    ("tematik", "Asta Cita / Tematik"),
    ("urusan_utama", "Urusan Pemerintahan"),
    ("koordinat", "Koordinat"),
    ("waktu_uji_coba", "Waktu Uji Coba"),
    ("waktu_penerapan", "Waktu Penerapan"),
    ("rancang_bangun", "Rancang Bangun"),
    ("tujuan", "Tujuan"),
    ("manfaat", "Manfaat"),
    ("hasil", "Hasil Inovasi"),
)


def word_count(text: str | None) -> int:
    """Words, not characters (the portal counts words). Hyphenated words count once."""
    return len(WORD_RE.findall(text or ""))


class Severity(StrEnum):
    DISCLAIM = "disclaim"  # the innovation is not assessed / scores zero
    POINTS = "points"  # points are lost
    ADVICE = "advice"  # worth doing, no score effect


@dataclass(frozen=True)
class Gap:
    code: str
    severity: Severity
    message: Any  # a lazy string
    anchor: str = ""  # where on the page to fix it, e.g. "field-rancang_bangun" or "indicator-16"
    points: int = 0


@dataclass
class Readiness:
    gaps: list[Gap] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not any(g.severity in (Severity.DISCLAIM, Severity.POINTS) for g in self.gaps)

    @property
    def blocking(self) -> list[Gap]:
        return [g for g in self.gaps if g.severity == Severity.DISCLAIM]

    @property
    def count(self) -> int:
        """Gaps that cost points or the whole score (advice does not count)."""
        return sum(1 for g in self.gaps if g.severity != Severity.ADVICE)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def check(
    rules: Rules,
    profile: dict[str, Any],
    claims: dict[int, Claim],
    evidence_nos: set[int],
) -> Readiness:
    result = Readiness()
    add = result.gaps.append

    for name, label in REQUIRED_FIELDS:
        value = profile.get(name)
        if name == "koordinat":
            value = None if _empty(profile.get("latitude")) or _empty(profile.get("longitude")) else "x"
        if _empty(value):
            add(Gap(f"empty:{name}", Severity.DISCLAIM, _l("%(field)s belum diisi.", field=label), f"field-{name}"))

    words = word_count(profile.get("rancang_bangun"))
    minimum = rules.rancang_bangun_min_words
    if 0 < words < minimum:
        add(Gap("rancang_bangun:short", Severity.DISCLAIM,
                _l("Rancang Bangun baru %(n)d kata; minimal %(min)d kata (kurang %(gap)d).",
                   n=words, min=minimum, gap=minimum - words), "field-rancang_bangun"))

    uji, terap, kembang = profile.get("waktu_uji_coba"), profile.get("waktu_penerapan"), profile.get("waktu_pengembangan")
    if isinstance(uji, date) and isinstance(terap, date) and terap < uji:
        add(Gap("dates:order", Severity.DISCLAIM,
                _l("Waktu Penerapan tidak boleh sebelum Waktu Uji Coba."), "field-waktu_penerapan"))
    if isinstance(terap, date) and isinstance(kembang, date) and kembang < terap:
        add(Gap("dates:order_pengembangan", Severity.DISCLAIM,
                _l("Waktu Pengembangan tidak boleh sebelum Waktu Penerapan."), "field-waktu_pengembangan"))
    in_window = [d for d in (terap, kembang) if isinstance(d, date) and rules.eligible_from <= d <= rules.eligible_to]
    if isinstance(terap, date) and not in_window:
        add(Gap("dates:eligibility", Severity.DISCLAIM,
                _l("Untuk penilaian %(year)d inovasi harus diterapkan atau dikembangkan antara %(start)s dan %(end)s.",
                   year=rules.year, start=rules.eligible_from.strftime("%d-%m-%Y"),
                   end=rules.eligible_to.strftime("%d-%m-%Y")), "field-waktu_penerapan"))

    for indicator in rules.indicators:
        claim = claims.get(indicator.no)
        parameter = claim.parameter if claim else None
        anchor = f"indicator-{indicator.no}"
        has_evidence = indicator.no in evidence_nos
        if indicator.bases and parameter and not (claim and indicator.basis(claim.basis)):
            add(Gap(f"indicator:{indicator.no}:basis", Severity.POINTS,
                    _l("%(no)d %(name)s: pilih dasar penilaian (a-f).", no=indicator.no, name=indicator.name), anchor))
        if indicator.mandatory:
            if not parameter:
                add(Gap(f"indicator:{indicator.no}:parameter", Severity.DISCLAIM,
                        _l("%(no)d %(name)s (wajib): parameter belum dipilih.", no=indicator.no, name=indicator.name),
                        anchor, indicator.max_score))
            if not has_evidence:
                add(Gap(f"indicator:{indicator.no}:evidence", Severity.DISCLAIM,
                        _l("%(no)d %(name)s (wajib): bukti dukung belum diunggah; skor baris ini 0.",
                           no=indicator.no, name=indicator.name), anchor,
                        line_score(indicator, parameter or 1, True)))
        elif parameter and not has_evidence:
            points = line_score(indicator, parameter, True)
            add(Gap(f"indicator:{indicator.no}:evidence", Severity.POINTS,
                    _l("%(no)d %(name)s: tanpa bukti dukung skor 0 (hilang %(points)d poin).",
                       no=indicator.no, name=indicator.name, points=points), anchor, points))
        elif not parameter and has_evidence:
            add(Gap(f"indicator:{indicator.no}:parameter", Severity.POINTS,
                    _l("%(no)d %(name)s: bukti ada, tetapi parameter belum dipilih.", no=indicator.no, name=indicator.name),
                    anchor, indicator.bobot))
        elif not parameter:
            add(Gap(f"indicator:{indicator.no}:empty", Severity.ADVICE,
                    _l("%(no)d %(name)s belum diisi (sampai %(points)d poin).",
                       no=indicator.no, name=indicator.name, points=indicator.max_score), anchor, indicator.max_score))
    return result
