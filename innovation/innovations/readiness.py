"""The one definition of a gap ("kekurangan"): everything that would cost points or get an innovation
disclaimed, as the innovation list, its page, the readiness checklist, an Innovation Week entry, the
district dashboard, the judges' administrative selection and the Kemendagri export all count it.

Pure: takes the profile as a mapping of field values, the indicator claims (with the planning
office's verdicts) and which indicators have evidence, and the year's rules. ``check`` returns the
gaps in the order a person fixes them, each with its kind (a profile field, a missing answer, missing
evidence, a line the verifier rejected, a line the verifier corrected) and its severity (the
innovation is not assessed, or points are lost). Suggestions that cost nothing certain (an optional
indicator left empty) are ``advice``, listed apart and never counted as a gap: the count that
differed between pages ("22 kekurangan" on the list, "37 kekurangan" on the entry page, which also
counted the suggestions) is ``Readiness.count`` everywhere, worded by ``summary``. Messages are lazy
translations, rendered in the reader's language.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from innovation.innovations.scoring import Claim, line_score, verified_parameter
from innovation.rules import Indicator, Rules

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
    ADVICE = "advice"  # worth doing, no certain score effect: a suggestion, never counted as a gap


class GapKind(StrEnum):
    PROFILE = "profile"  # a profile field empty, too short or with impossible dates
    ANSWER = "answer"  # an indicator's parameter (or basis) not chosen
    EVIDENCE = "evidence"  # an indicator without evidence
    REJECTED = "rejected"  # the verifier rejected the line (ditolak): it scores 0
    NEEDS_FIX = "needs_fix"  # the verifier corrected the line's parameter (diperbaiki)


KIND_LABELS = {
    GapKind.PROFILE: _l("profil"),
    GapKind.ANSWER: _l("parameter belum dipilih"),
    GapKind.EVIDENCE: _l("bukti dukung"),
    GapKind.REJECTED: _l("ditolak verifikator"),
    GapKind.NEEDS_FIX: _l("diperbaiki verifikator"),
}


@dataclass(frozen=True)
class Gap:
    code: str
    severity: Severity
    message: Any  # a lazy string
    anchor: str = ""  # where on the page to fix it, e.g. "field-rancang_bangun" or "indicator-16"
    points: int = 0  # points the gap costs (a correction upwards: negative)
    kind: GapKind = GapKind.PROFILE
    note: str | None = None  # the verifier's note, for a rejected or corrected line

    @property
    def text(self) -> str:
        """The message with the verifier's note, as plain text (the export's Catatan, LAPORAN.txt)."""
        message = str(self.message)
        return f"{message} {gettext('Catatan verifikator: %(note)s', note=self.note)}" if self.note else message


@dataclass
class Readiness:
    gaps: list[Gap] = field(default_factory=list)  # what costs points or the whole score
    advice: list[Gap] = field(default_factory=list)  # suggestions, not counted

    @property
    def ready(self) -> bool:
        return not self.gaps

    @property
    def blocking(self) -> list[Gap]:
        """The gaps that get the innovation disclaimed (not assessed)."""
        return [g for g in self.gaps if g.severity == Severity.DISCLAIM]

    @property
    def count(self) -> int:
        """The number of gaps: the one figure every page shows as "N kekurangan"."""
        return len(self.gaps)

    @property
    def by_kind(self) -> list[tuple[GapKind, int]]:
        """(kind, number of gaps) in the order of ``GapKind``, kinds without gaps left out."""
        counts = Counter(g.kind for g in self.gaps)
        return [(kind, counts[kind]) for kind in GapKind if counts[kind]]

    @property
    def summary(self) -> str:
        return summary(self.count, len(self.blocking))


def summary(count: int, blocking: int = 0) -> str:
    """The one wording of the gap count, e.g. "3 kekurangan (1 membuat inovasi tidak dinilai)"."""
    if not count:
        return gettext("Tidak ada kekurangan.")
    text = ngettext("%(num)d kekurangan", "%(num)d kekurangan", count)
    if blocking:
        text += " " + ngettext("(%(num)d membuat inovasi tidak dinilai)", "(%(num)d membuat inovasi tidak dinilai)",
                               blocking)
    return text


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _verdict_gap(indicator: Indicator, claim: Claim, has_evidence: bool) -> Gap | None:
    """The gap a rejected or corrected line leaves in the operator's checklist, with the verifier's note."""
    anchor = f"indicator-{indicator.no}"
    claimed = line_score(indicator, claim.parameter, has_evidence)
    if claim.verified_status == "ditolak":
        if indicator.mandatory:
            return Gap(f"indicator:{indicator.no}:rejected", Severity.DISCLAIM,
                       _l("%(no)d %(name)s (wajib): ditolak verifikator; skor baris ini 0.",
                          no=indicator.no, name=indicator.name), anchor, claimed, GapKind.REJECTED,
                       claim.verification_note)
        return Gap(f"indicator:{indicator.no}:rejected", Severity.POINTS,
                   _l("%(no)d %(name)s: ditolak verifikator (hilang %(points)d poin).",
                      no=indicator.no, name=indicator.name, points=claimed), anchor, claimed, GapKind.REJECTED,
                   claim.verification_note)
    if claim.verified_status == "diperbaiki":
        corrected = verified_parameter(claim)
        return Gap(f"indicator:{indicator.no}:corrected", Severity.POINTS,
                   _l("%(no)d %(name)s: parameter diperbaiki verifikator dari %(old)s menjadi %(new)s.",
                      no=indicator.no, name=indicator.name, old=claim.parameter, new=corrected),
                   anchor, claimed - line_score(indicator, corrected, has_evidence), GapKind.NEEDS_FIX,
                   claim.verification_note)
    return None


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
        verdict = _verdict_gap(indicator, claim, has_evidence) if claim and parameter else None
        if verdict is not None:  # the verifier's verdict is the line's one gap: fix what the note says
            add(verdict)
            continue
        if indicator.bases and parameter and not (claim and indicator.basis(claim.basis)):
            add(Gap(f"indicator:{indicator.no}:basis", Severity.POINTS,
                    _l("%(no)d %(name)s: pilih dasar penilaian (a-f).", no=indicator.no, name=indicator.name), anchor,
                    kind=GapKind.ANSWER))
        if indicator.mandatory:
            if not parameter:
                add(Gap(f"indicator:{indicator.no}:parameter", Severity.DISCLAIM,
                        _l("%(no)d %(name)s (wajib): parameter belum dipilih.", no=indicator.no, name=indicator.name),
                        anchor, indicator.max_score, GapKind.ANSWER))
            if not has_evidence:
                add(Gap(f"indicator:{indicator.no}:evidence", Severity.DISCLAIM,
                        _l("%(no)d %(name)s (wajib): bukti dukung belum diunggah; skor baris ini 0.",
                           no=indicator.no, name=indicator.name), anchor,
                        line_score(indicator, parameter or 1, True), GapKind.EVIDENCE))
        elif parameter and not has_evidence:
            points = line_score(indicator, parameter, True)
            add(Gap(f"indicator:{indicator.no}:evidence", Severity.POINTS,
                    _l("%(no)d %(name)s: tanpa bukti dukung skor 0 (hilang %(points)d poin).",
                       no=indicator.no, name=indicator.name, points=points), anchor, points, GapKind.EVIDENCE))
        elif not parameter and has_evidence:
            add(Gap(f"indicator:{indicator.no}:parameter", Severity.POINTS,
                    _l("%(no)d %(name)s: bukti ada, tetapi parameter belum dipilih.", no=indicator.no, name=indicator.name),
                    anchor, indicator.bobot, GapKind.ANSWER))
        elif not parameter:
            result.advice.append(Gap(
                f"indicator:{indicator.no}:empty", Severity.ADVICE,
                _l("%(no)d %(name)s belum diisi (sampai %(points)d poin).",
                   no=indicator.no, name=indicator.name, points=indicator.max_score), anchor, indicator.max_score,
                GapKind.ANSWER))
    return result
