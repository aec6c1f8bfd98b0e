"""One innovation as the export writes it: profile values as the portal labels them, indicator lines
(verified where verified), evidence paths inside the ZIP, and its gaps (``innovations.readiness``: the
same count and words as every page; those that fail the year's rules decide whether it is left out).

A verdict is exported only when it judged the line as it is: a line to be re-checked, or a verdict
older than a later change of the line's evidence (``recheck.outdated_verdicts``), is written as
"perlu diperiksa ulang" and scored as claimed, like every line awaiting the verifier.

Built from a loaded ``Innovation`` by ``build_item``; the workbook, the proposal and the listing CSV
all read the same item, so they never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from innovation.innovations import readiness, recheck, scoring
from innovation.innovations.models import Evidence, Innovation
from innovation.innovations.services import claims_of, current_evidence, profile_values
from innovation.rules import Indicator, Rules

# The profile in the portal's order (KEMENDAGRI.md section 2), labelled as the portal labels it.
# Kind: "text" (one line), "long" (wrapped), "option" (a label from the rules), "date".
PROFILE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("nama", "Nama Inovasi", "text"),
    ("nomor_register", "Nomor Register IGA", "text"),
    ("tahapan", "Tahapan Inovasi", "option"),
    ("inisiator", "Inisiator Inovasi", "option"),
    ("nama_inisiator", "Nama Inisiator", "text"),
    ("jenis", "Jenis Inovasi", "option"),
    ("klasifikasi", "Klasifikasi Inovasi", "option"),
    ("bentuk", "Bentuk Inovasi", "option"),
    ("tematik", "Asta Cita / Tematik", "option"),
    ("urusan_utama", "Urusan Pemerintahan (utama)", "option"),
    ("urusan_lain", "Urusan lain yang beririsan", "text"),
    ("koordinat", "Koordinat", "text"),
    ("waktu_uji_coba", "Waktu Uji Coba", "date"),
    ("waktu_penerapan", "Waktu Penerapan (Implementasi)", "date"),
    ("waktu_pengembangan", "Waktu Pengembangan", "date"),
    ("rancang_bangun", "Rancang Bangun", "long"),
    ("tujuan", "Tujuan", "long"),
    ("manfaat", "Manfaat", "long"),
    ("hasil", "Hasil Inovasi", "long"),
)
LONG_FIELDS = tuple(name for name, _label, kind in PROFILE_FIELDS if kind == "long")
OPTION_LISTS = {"urusan_utama": "urusan"}  # field -> option list in the rules (default: same name)
RECHECK = "perlu diperiksa ulang"  # the Status Verifikasi of a line whose verdict no longer holds


@dataclass
class EvidenceRef:
    """A current evidence item: a file (``path`` inside the ZIP once written) or a link."""

    evidence_id: int
    title: str
    url: str | None = None
    file_key: str | None = None
    file_name: str = ""
    extension: str = ""
    size: int = 0
    sha256: str = ""
    created_at: Any = None
    path: str | None = None  # set when the file is in the ZIP
    missing: bool = False  # the blob could not be read
    excluded: bool = False  # the export was made without evidence files

    def describe(self) -> str:
        if self.url:
            return f"{self.title + ': ' if self.title else ''}{self.url}"
        if self.path:
            return self.path
        if self.excluded:
            return f"{self.file_name} (berkas tidak disertakan)"
        return f"(berkas tidak terbaca: {self.file_name})"


@dataclass
class Line:
    indicator: Indicator
    parameter: int | None
    basis: str | None
    informasi: str  # the chosen parameter as the portal words it
    score: int
    verification: str  # sesuai / diperbaiki / ditolak, perlu diperiksa ulang, or "" (not verified yet)
    note: str  # the OPD's own explanation
    evidence: list[EvidenceRef] = field(default_factory=list)


@dataclass
class ExportItem:
    innovation_id: int
    number: int
    slug: str
    opd_name: str
    account_name: str
    values: dict[str, Any]  # profile field -> export value (labels, joined lists, dates)
    lines: list[Line]
    slot_evidence: dict[str, list[EvidenceRef]]
    total: int
    maturity: Decimal
    gaps: list[str]  # every gap, as the checklist words it (with the verifier's note)
    verified: bool
    blocking: list[str] = field(default_factory=list)  # the gaps that fail the year's rules (disclaim)
    gap_summary: str = ""  # readiness.summary: "N kekurangan (M membuat inovasi tidak dinilai)"
    urusan_utama: str | None = None  # the code, for the district index

    @property
    def nn(self) -> str:
        return f"{self.number:02d}"

    @property
    def folder(self) -> str:
        return f"{self.nn}-{self.slug}"

    @property
    def nama(self) -> str:
        return self.values["nama"]

    @property
    def note(self) -> str:
        """The Catatan column: the gap count in the pages' words, then every gap."""
        if not self.gaps:
            return ""
        return f"{self.gap_summary}: {'; '.join(self.gaps)}" if self.gap_summary else "; ".join(self.gaps)

    def files(self) -> list[tuple[str, EvidenceRef]]:
        """(folder name inside bukti/NN-slug/, reference) for every file, indicators first."""
        out = []
        for line in self.lines:
            folder = f"{line.indicator.no}-{_slug(line.indicator.name)}"
            out.extend((folder, ref) for ref in line.evidence if ref.file_key)
        for slot, refs in self.slot_evidence.items():
            out.extend((f"profil-{_slug(slot)}", ref) for ref in refs if ref.file_key)
        return out


def _slug(text: str) -> str:
    from innovation.reporting.export.naming import slugify

    return slugify(text, 40, "bukti")


def coordinates(latitude: Decimal | None, longitude: Decimal | None) -> str:
    if latitude is None or longitude is None:
        return ""
    return f"{latitude.normalize():f}, {longitude.normalize():f}"


def profile_export_values(rules: Rules, innovation: Innovation) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, _label, kind in PROFILE_FIELDS:
        if kind == "option":
            values[name] = rules.option_label(OPTION_LISTS.get(name, name), getattr(innovation, name))
        elif name == "urusan_lain":
            values[name] = "; ".join(rules.option_label("urusan", code) or code for code in innovation.urusan_lain or [])
        elif name == "koordinat":
            values[name] = coordinates(innovation.latitude, innovation.longitude)
        elif kind == "date":
            value = getattr(innovation, name)
            values[name] = value if isinstance(value, date) else None
        else:
            values[name] = getattr(innovation, name) or ""
    return values


def _ref(evidence: Evidence) -> EvidenceRef:
    stored = evidence.file
    if stored is None:
        return EvidenceRef(evidence.id, evidence.title or "", url=evidence.url)
    return EvidenceRef(
        evidence.id, evidence.title or "", file_key=stored.key, file_name=stored.original_name,
        extension=stored.extension, size=stored.size, sha256=stored.sha256, created_at=stored.created_at,
    )


def build_item(innovation: Innovation, *, number: int, opd_name: str, account_name: str) -> ExportItem:
    from innovation.reporting.export.naming import slugify

    rules = innovation.rules
    current = current_evidence(innovation)
    by_indicator: dict[int, list[EvidenceRef]] = {}
    by_slot: dict[str, list[EvidenceRef]] = {}
    for evidence in current:
        if evidence.indicator_no is not None:
            by_indicator.setdefault(evidence.indicator_no, []).append(_ref(evidence))
        elif evidence.profile_slot:
            by_slot.setdefault(evidence.profile_slot, []).append(_ref(evidence))
    claims = claims_of(innovation)
    outdated = recheck.outdated_verdicts(innovation)
    for no in outdated:  # never export a verdict that did not see the line's evidence
        claims[no] = scoring.Claim(claims[no].parameter, claims[no].basis)
    evidence_nos = set(by_indicator)
    scored = scoring.score_verified_lines(rules, claims, evidence_nos)  # as claimed where not verified
    answers = {a.indicator_no: a for a in innovation.answers}
    lines = []
    for line_score in scored:
        indicator = line_score.indicator
        answer = answers.get(indicator.no)
        basis = answer.basis if answer else None
        if answer is not None and answer.parameter and (answer.awaiting_recheck or indicator.no in outdated):
            verification = RECHECK
        else:
            verification = (claims[indicator.no].verified_status or "") if indicator.no in claims else ""
        lines.append(Line(
            indicator=indicator,
            parameter=line_score.parameter,
            basis=basis,
            informasi=indicator.parameter_label(line_score.parameter, basis),
            score=line_score.score,
            verification=verification,
            note=(answer.informasi or "") if answer else "",
            evidence=by_indicator.get(indicator.no, []),
        ))
    total = scoring.total(scored)
    check = readiness.check(rules, profile_values(innovation), claims, evidence_nos)
    return ExportItem(
        innovation_id=innovation.id,
        number=number,
        slug=slugify(innovation.nama),
        opd_name=opd_name,
        account_name=account_name,
        values=profile_export_values(rules, innovation),
        lines=lines,
        slot_evidence={slot.slot: by_slot[slot.slot] for slot in rules.profile_files if slot.slot in by_slot},
        total=total,
        maturity=scoring.maturity_percent(total, rules),
        gaps=[gap.text for gap in check.gaps],
        blocking=[gap.text for gap in check.blocking],
        gap_summary=check.summary,
        verified=any(claim.verified_status for claim in claims.values()),
        urusan_utama=innovation.urusan_utama,
    )
