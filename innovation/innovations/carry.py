"""Carry an innovation forward to a new assessment year, under that year's rules.

The earlier year's innovation is only read: the new year gets a new ``Innovation`` row (``carried_from_id``
points back), with the profile, the answers and the evidence that still hold under the new rules, each marked
as taken over (``IndicatorAnswer.carried_at``, ``Evidence.carried_from_id``: the same stored file or link,
never a copy of the blob). What the new rules ask again is not taken over, and the carry report
(``Innovation.carry_report``) says so per line: answer again (the parameters or bases changed), add evidence
again (the evidence asked for changed, the file type is no longer accepted, or the evidence counts years
back from the assessment year), a new indicator to answer, a dropped indicator, a profile option that no
longer exists, a Rancang Bangun below the new minimum, a date outside the new eligibility window.

Kemendagri: one innovation enters the award at most twice (KEMENDAGRI.md section 2). An entry is a year in
which the innovation was registered for Kemendagri (``registered_at``) along its carry-over chain; an
innovation that entered twice is not carried forward again, and ``award_entries`` lets registration refuse a
third entry too.

``preview`` gives the report without writing anything (the page shows it before the OPD confirms).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.innovations import readiness, services
from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation
from innovation.rules import Indicator, Rules, available_years, get_rules

MAX_AWARD_ENTRIES = 2  # KEMENDAGRI.md: "one innovation may enter the award at most twice [official]"
YEAR_RELATIVE = re.compile(r"\bT\s*-\s*\d")  # "T-2..T-0": evidence counted back from the assessment year


class CarryError(DomainError):
    """A carry-over that may not happen (the year, the award limit, a carry already made)."""


# --- the report ----------------------------------------------------------------------------------
# Items are stored as plain dicts (JSON on the row) and worded when shown (``describe``), in the reader's
# language. ``action`` is what the OPD must do: "answer", "evidence", "profile", or "none" (information).

@dataclass(frozen=True)
class ReportLine:
    action: str
    text: str
    indicator_no: int | None


def describe(item: dict[str, Any]) -> ReportLine:
    kind, no = item["kind"], item.get("no")
    texts = {
        "parameters_changed": _("Indikator %(no)s: pilihan parameter berubah. Jawab ulang.", no=no),
        "bases_changed": _("Indikator %(no)s: dasar penilaian berubah. Jawab ulang.", no=no),
        "evidence_changed": _("Indikator %(no)s: bukti dukung yang diminta berubah. Unggah bukti baru.", no=no),
        "year_relative": _("Indikator %(no)s: bukti dihitung mundur dari tahun penilaian (T-0, T-1, ...). "
                           "Perbarui buktinya untuk tahun ini.", no=no),
        "file_type": _("Indikator %(no)s: berkas \u201c%(name)s\u201d tidak lagi diterima (jenis %(ext)s). "
                       "Unggah dalam jenis yang diterima.", no=no, name=item.get("name", ""),
                       ext=item.get("ext", "")),
        "profile_file_type": _("Berkas profil %(slot)s: \u201c%(name)s\u201d tidak lagi diterima. Unggah ulang.",
                               slot=item.get("slot", ""), name=item.get("name", "")),
        "profile_slot_removed": _("Berkas profil %(slot)s tidak diminta lagi; tidak dibawa.", slot=item.get("slot", "")),
        "link_not_allowed": _("Indikator %(no)s: tautan tidak lagi diterima sebagai bukti. Unggah berkas.", no=no),
        "indicator_new": _("Indikator %(no)s baru pada tahun ini. Jawab dan lengkapi buktinya.", no=no),
        "indicator_removed": _("Indikator %(no)s tidak ada lagi pada tahun ini; jawabannya tidak dibawa.", no=no),
        "bobot_changed": _("Indikator %(no)s: bobot berubah dari %(old)s menjadi %(new)s (jawaban tetap).", no=no,
                           old=item.get("old"), new=item.get("new")),
        "option_removed": _("Isian %(field)s: pilihan \u201c%(code)s\u201d tidak ada lagi. Pilih ulang.",
                            field=item.get("field", ""), code=item.get("code", "")),
        "words_below": _("Rancang Bangun %(words)s kata; tahun ini minimal %(min)s kata. Lengkapi.",
                         words=item.get("words"), min=item.get("min")),
        "eligibility": _("Waktu penerapan %(date)s di luar rentang tahun ini (%(start)s s.d. %(end)s): periksa "
                         "apakah inovasi masih memenuhi syarat.", date=item.get("date"), start=item.get("from"),
                         end=item.get("to")),
    }
    actions = {"bobot_changed": "none", "option_removed": "profile", "words_below": "profile",
               "eligibility": "profile", "indicator_removed": "none", "profile_slot_removed": "none",
               "parameters_changed": "answer", "bases_changed": "answer", "indicator_new": "answer"}
    return ReportLine(actions.get(kind, "evidence"), texts.get(kind, kind), no)


def _indicator_changes(old: Indicator, new: Indicator) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if old.parameters != new.parameters:
        items.append({"kind": "parameters_changed", "no": new.no})
    elif old.bases != new.bases:
        items.append({"kind": "bases_changed", "no": new.no})
    if old.evidence != new.evidence:
        items.append({"kind": "evidence_changed", "no": new.no})
    if old.bobot != new.bobot:
        items.append({"kind": "bobot_changed", "no": new.no, "old": old.bobot, "new": new.bobot})
    return items


@dataclass
class Plan:
    """What a carry-over takes and what it reports (computed without writing)."""

    target_year: int
    report: list[dict[str, Any]]
    profile: dict[str, Any]
    answer_nos: set[int]  # answers taken over with their parameter
    evidence: list[Evidence]  # evidence rows taken over


def plan(innovation: Innovation, rules: Rules) -> Plan:
    old_rules = innovation.rules
    report: list[dict[str, Any]] = []
    profile = services.profile_values(innovation)
    for field_name, option_list in services.OPTION_FIELDS.items():
        code = profile.get(field_name)
        if code and code not in {o.code for o in rules.options.get(option_list, ())}:
            report.append({"kind": "option_removed", "field": field_name, "code": code})
            profile[field_name] = None
    urusan = {o.code for o in rules.options.get("urusan", ())}
    dropped = [c for c in profile.get("urusan_lain") or [] if c not in urusan]
    for code in dropped:
        report.append({"kind": "option_removed", "field": "urusan_lain", "code": code})
    profile["urusan_lain"] = [c for c in profile.get("urusan_lain") or [] if c in urusan]
    words = readiness.word_count(innovation.rancang_bangun or "")
    if words < rules.rancang_bangun_min_words:
        report.append({"kind": "words_below", "words": words, "min": rules.rancang_bangun_min_words})
    applied = innovation.waktu_pengembangan or innovation.waktu_penerapan
    if applied and not (rules.eligible_from <= applied <= rules.eligible_to):
        report.append({"kind": "eligibility", "date": applied.isoformat(), "from": rules.eligible_from.isoformat(),
                       "to": rules.eligible_to.isoformat()})

    old_nos = {i.no for i in old_rules.indicators}
    answer_nos: set[int] = set()
    evidence: list[Evidence] = []
    current = services.current_evidence(innovation)
    answered = {a.indicator_no for a in innovation.answers if a.parameter is not None}
    for new in rules.indicators:
        if new.no not in old_nos:
            report.append({"kind": "indicator_new", "no": new.no})
            continue
        old = old_rules.indicator(new.no)
        changes = _indicator_changes(old, new)
        report.extend(c for c in changes if new.no in answered or c["kind"] == "bobot_changed")
        kinds = {c["kind"] for c in changes}
        if new.no in answered and not kinds & {"parameters_changed", "bases_changed"}:
            answer_nos.add(new.no)
        items = [e for e in current if e.indicator_no == new.no]
        if not items or "evidence_changed" in kinds:
            continue
        if YEAR_RELATIVE.search(" ".join(new.parameters)):
            report.append({"kind": "year_relative", "no": new.no})
            continue
        for item in items:
            if item.file is not None and item.file.extension not in new.evidence_types:
                report.append({"kind": "file_type", "no": new.no, "name": item.display_name,
                               "ext": item.file.extension})
            elif item.file is None and not new.allow_link:
                report.append({"kind": "link_not_allowed", "no": new.no})
            else:
                evidence.append(item)
    for no in sorted(old_nos - {i.no for i in rules.indicators}):
        if no in answered:
            report.append({"kind": "indicator_removed", "no": no})
    for item in current:
        if item.profile_slot is None:
            continue
        slot = rules.profile_file(item.profile_slot)
        if slot is None:
            report.append({"kind": "profile_slot_removed", "slot": item.profile_slot})
        elif item.file is not None and item.file.extension not in slot.types:
            report.append({"kind": "profile_file_type", "slot": slot.label, "name": item.display_name})
        else:
            evidence.append(item)
    return Plan(rules.year, report, profile, answer_nos, evidence)


# --- rules and reading ---------------------------------------------------------------------------

def chain(innovation: Innovation) -> list[Innovation]:
    """The innovation and the earlier years' ones it was carried from, newest first."""
    found = [innovation]
    seen = {innovation.id}
    while found[-1].carried_from_id is not None and found[-1].carried_from_id not in seen:
        earlier = db.session.get(Innovation, found[-1].carried_from_id)
        if earlier is None:
            break
        seen.add(earlier.id)
        found.append(earlier)
    return found


def award_entries(innovation: Innovation) -> list[int]:
    """The assessment years in which this innovation (along its carry-over chain) entered the award."""
    return sorted(i.rules_year for i in chain(innovation) if i.registered_at is not None)


def carried_to(innovation: Innovation) -> Innovation | None:
    return db.session.scalar(select(Innovation).where(Innovation.carried_from_id == innovation.id))


def check_award_limit(innovation: Innovation) -> None:
    """Refuse a third entry into the award (carry-over and registration both ask)."""
    years = award_entries(innovation)
    if len(years) >= MAX_AWARD_ENTRIES:
        raise CarryError(_(
            "\u201c%(nama)s\u201d sudah dua kali ikut penilaian Kemendagri (%(years)s). Satu inovasi paling "
            "banyak dua kali ikut penghargaan, jadi tidak dapat diikutkan lagi. Daftarkan inovasi baru atau "
            "pengembangannya dengan nama dan rancang bangun sendiri.",
            nama=innovation.nama, years=", ".join(str(y) for y in years)))


def check_carry(innovation: Innovation, year: int | None) -> Rules:
    """The target year's rules, or the reason this innovation may not be carried there."""
    if year is None:
        raise CarryError(_("Belum ada aturan tahun sesudah %(y)d. Admin menambahkannya di halaman aturan tahunan.",
                           y=innovation.rules_year))
    if year not in available_years():
        raise CarryError(_("Aturan Kemendagri tahun %(year)d belum ada. Admin menambahkannya di halaman aturan "
                           "tahunan.", year=year))
    if year <= innovation.rules_year:
        raise CarryError(_("Inovasi ini sudah memakai aturan %(own)d; pilih tahun sesudahnya.",
                           own=innovation.rules_year))
    already = carried_to(innovation)
    if already is not None:
        raise CarryError(_("\u201c%(nama)s\u201d sudah dibawa ke tahun %(year)d (#%(id)d).", nama=innovation.nama,
                           year=already.rules_year, id=already.id))
    check_award_limit(innovation)
    return get_rules(year)


def preview(innovation: Innovation, year: int) -> list[ReportLine]:
    """The report a carry-over to ``year`` would give, without writing anything."""
    return [describe(item) for item in plan(innovation, check_carry(innovation, year)).report]


# --- changing ----------------------------------------------------------------------------------------

def carry_forward(innovation: Innovation, year: int | None, *, by: User) -> Innovation:
    """Make ``innovation``'s successor under ``year``'s rules; the earlier one is left as it is."""
    if not innovation.can_edit(by):
        raise CarryError(_("Anda tidak boleh membawa inovasi OPD lain."))
    rules = check_carry(innovation, year)
    services.refuse_same_name(innovation.opd_id, innovation.nama, year)
    taken = plan(innovation, rules)
    now = utcnow()
    successor = Innovation(opd=innovation.opd, opd_id=innovation.opd_id, rules_year=year, created_by_id=by.id,
                           carried_from_id=innovation.id, carried_at=now, carry_report=taken.report,
                           nomor_register=None)
    for name, value in taken.profile.items():
        if name != "nomor_register":  # Kemendagri's number is per assessment year
            setattr(successor, name, value)
    db.session.add(successor)
    db.session.flush()
    for answer in innovation.answers:
        if answer.indicator_no in taken.answer_nos:
            db.session.add(IndicatorAnswer(
                innovation_id=successor.id, indicator_no=answer.indicator_no, parameter=answer.parameter,
                basis=answer.basis, informasi=answer.informasi, updated_by_id=by.id, carried_at=now))
        elif answer.indicator_no in {i.no for i in rules.indicators} and answer.informasi:
            # asked again: the explanation is kept as a starting point, the parameter is not
            db.session.add(IndicatorAnswer(innovation_id=successor.id, indicator_no=answer.indicator_no,
                                           informasi=answer.informasi, updated_by_id=by.id, carried_at=now))
    for item in taken.evidence:
        db.session.add(Evidence(
            innovation_id=successor.id, indicator_no=item.indicator_no, profile_slot=item.profile_slot,
            file_id=item.file_id, url=item.url, title=item.title, uploaded_by_id=item.uploaded_by_id,
            created_at=item.created_at, carried_from_id=item.id))
    db.session.flush()
    services.refresh_derived(successor)
    record("innovation.carry", actor=by, obj=successor,
           summary=say("Dibawa dari %(source)d (#%(id)d) ke %(year)d: %(innovation)s; %(answers)d jawaban, "
                       "%(evidence)d bukti dibawa, %(notes)d catatan", source=innovation.rules_year, id=innovation.id,
                       year=year, innovation=innovation.nama, answers=len(taken.answer_nos),
                       evidence=len(taken.evidence), notes=len(taken.report)),
           changes={"from_id": innovation.id, "report": taken.report})
    return successor


@dataclass
class BatchResult:
    carried: list[Innovation]
    refused: list[tuple[Innovation, str]]


def carry_many(innovations: list[Innovation], year: int, *, by: User) -> BatchResult:
    """Carry each innovation that may be carried; the others are listed with the reason (each in its own
    savepoint, so one refusal leaves the rest)."""
    result = BatchResult([], [])
    for innovation in innovations:
        try:
            with db.session.begin_nested():
                result.carried.append(carry_forward(innovation, year, by=by))
        except DomainError as error:
            result.refused.append((innovation, str(error)))
    return result

