"""Innovation profiles and self-assessment. Services change models and flush; views commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from innovation.audit.services import diff, record, say, snapshot
from innovation.auth.models import User
from innovation.concurrency import StaleEdit, changes_since, claim
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.innovations import duplicates, readiness, recheck, scoring
from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation
from innovation.orgs.models import Opd
from innovation.rules import Rules, get_rules, latest_year
from innovation.storage.models import INLINE_EXTENSIONS, StoredFile

PROFILE_FIELDS = [
    "nama", "nomor_register", "tahapan", "inisiator", "nama_inisiator", "jenis", "klasifikasi", "bentuk",
    "tematik", "urusan_utama", "urusan_lain", "latitude", "longitude", "waktu_uji_coba", "waktu_penerapan",
    "waktu_pengembangan", "rancang_bangun", "tujuan", "manfaat", "hasil",
]
OPTION_FIELDS = {
    "tahapan": "tahapan", "inisiator": "inisiator", "jenis": "jenis", "klasifikasi": "klasifikasi",
    "bentuk": "bentuk", "tematik": "tematik", "urusan_utama": "urusan",
}


class InnovationError(DomainError):
    """A broken rule about an innovation; ``field`` names the form field when there is one."""


# --- reading ---------------------------------------------------------------------------------

def current_evidence(innovation: Innovation) -> list[Evidence]:
    return [e for e in innovation.evidence if e.is_current]


def evidence_indicator_nos(innovation: Innovation) -> set[int]:
    return {e.indicator_no for e in current_evidence(innovation) if e.indicator_no is not None}


def claims_of(innovation: Innovation) -> dict[int, scoring.Claim]:
    return {
        a.indicator_no: scoring.Claim(
            a.parameter, a.basis,
            a.verification_status.value if a.verification_status else None, a.verified_parameter,
            a.verification_note if a.verification_status else None,
        )
        for a in innovation.answers
    }


def profile_values(innovation: Innovation) -> dict[str, Any]:
    return {name: getattr(innovation, name) for name in PROFILE_FIELDS}


# Plain-row readers for pages that only show an innovation (the judge's score page): one statement
# each, no ORM objects (40 evidence rows with their files cost more to build than to fetch).

@dataclass(frozen=True)
class EvidenceRow:
    """A current bukti dukung as a page lists it: a stored file (``file_name`` set) or a link."""

    id: int
    indicator_no: int | None
    profile_slot: str | None
    url: str | None
    title: str
    file_name: str | None
    file_extension: str | None

    @property
    def is_file(self) -> bool:
        return self.file_name is not None

    @property
    def is_inline_viewable(self) -> bool:  # the same rule as StoredFile.is_inline_viewable
        return self.file_extension in INLINE_EXTENSIONS


def current_evidence_rows(innovation_id: int) -> list[EvidenceRow]:
    """The innovation's current evidence (not replaced, not removed) in upload order."""
    rows = db.session.execute(
        select(Evidence.id, Evidence.indicator_no, Evidence.profile_slot, Evidence.url, Evidence.title,
               StoredFile.original_name, StoredFile.extension)
        .outerjoin(StoredFile, StoredFile.id == Evidence.file_id)
        .where(Evidence.innovation_id == innovation_id, Evidence.superseded_at.is_(None),
               Evidence.removed_at.is_(None))
        .order_by(Evidence.id)
    )
    return [EvidenceRow(*row) for row in rows]


def claims_by_id(innovation_id: int) -> dict[int, scoring.Claim]:
    """``claims_of`` without loading the answers as objects, and without the verifier's notes (the
    judges' score page reads this: it shows that a line was rejected, not the planning office's words)."""
    rows = db.session.execute(
        select(IndicatorAnswer.indicator_no, IndicatorAnswer.parameter, IndicatorAnswer.basis,
               IndicatorAnswer.verification_status, IndicatorAnswer.verified_parameter)
        .where(IndicatorAnswer.innovation_id == innovation_id)
    )
    return {no: scoring.Claim(parameter, basis, status.value if status else None, verified)
            for no, parameter, basis, status, verified in rows}


@dataclass
class Assessment:
    """Everything the pages show about an innovation's score and gaps, computed once."""

    lines: list[scoring.LineScore]
    total: int
    maturity: Decimal
    readiness: readiness.Readiness


def assess_values(rules: Rules, profile: dict[str, Any], claims: dict[int, scoring.Claim],
                  evidence_nos: set[int]) -> Assessment:
    """The assessment from plain values (pure)."""
    lines = scoring.score_lines(rules, claims, evidence_nos)
    total = scoring.total(lines)
    return Assessment(
        lines=lines,
        total=total,
        maturity=scoring.maturity_percent(total, rules),
        readiness=readiness.check(rules, profile, claims, evidence_nos),
    )


def assess(innovation: Innovation) -> Assessment:
    return assess_values(innovation.rules, profile_values(innovation), claims_of(innovation),
                         evidence_indicator_nos(innovation))


def refresh_derived(innovation: Innovation) -> Assessment:
    """Recompute the figures kept on the row (score, words, gap counts, the earliest line to re-check)
    after any change."""
    db.session.flush()
    db.session.refresh(innovation, ["answers", "evidence"])
    result = assess(innovation)
    # Stamped even when no figure changes: the reporting index cache reads max(derived_at) as "an
    # answer, evidence or verification changed" (reporting.index_cache). With a statement of its own
    # that keeps updated_at as it is (its onupdate would move it): the profile form's saved-draft stamp
    # and the verification queue's order follow the innovation's own changes.
    now = utcnow()
    db.session.execute(update(Innovation).where(Innovation.id == innovation.id)
                       .values(derived_at=now, updated_at=Innovation.updated_at)
                       .execution_options(synchronize_session=False))
    set_committed_value(innovation, "derived_at", now)
    innovation.claimed_score = Decimal(result.total)
    innovation.rancang_bangun_words = readiness.word_count(innovation.rancang_bangun)
    innovation.gap_count = result.readiness.count
    innovation.blocking_gap_count = len(result.readiness.blocking)
    innovation.recheck_since = min((a.recheck_since for a in innovation.answers if a.awaiting_recheck and a.parameter),
                                   default=None)
    if any(a.verification_status for a in innovation.answers):
        verified = scoring.score_verified_lines(innovation.rules, claims_of(innovation), evidence_indicator_nos(innovation))
        innovation.verified_score = Decimal(scoring.total(verified))
    else:
        innovation.verified_score = None  # nothing verified (any more): no verified figure to show
    return result


# --- changing --------------------------------------------------------------------------------

def create_innovation(opd: Opd, *, nama: str, by: User, rules_year: int | None = None) -> Innovation:
    nama = (nama or "").strip()
    if not nama:
        raise InnovationError(_("Nama inovasi wajib diisi."), "nama")
    if len(nama) > 300:
        raise InnovationError(_("Nama inovasi paling panjang 300 karakter."), "nama")
    if not opd.active:
        raise InnovationError(_("OPD ini tidak aktif."))
    year = rules_year or latest_year()
    get_rules(year)  # raises for an unknown year
    refuse_same_name(opd.id, nama, year)
    innovation = Innovation(opd=opd, opd_id=opd.id, nama=nama, rules_year=year, created_by_id=by.id, urusan_lain=[])
    db.session.add(innovation)
    db.session.flush()
    refresh_derived(innovation)
    record("innovation.create", actor=by, obj=innovation, summary=say("Inovasi dibuat: %(innovation)s", innovation=nama))
    return innovation


def refuse_same_name(opd_id: int, nama: str, rules_year: int, *, exclude_id: int | None = None) -> None:
    """The same OPD may not have two innovations of one assessment year with the same name."""
    existing = duplicates.same_name_in_opd(opd_id, nama, rules_year, exclude_id=exclude_id)
    if existing is not None:
        raise InnovationError(_(
            "OPD ini sudah punya inovasi bernama \u201c%(nama)s\u201d untuk penilaian %(year)d (#%(id)d). "
            "Buka inovasi itu, atau beri nama yang membedakan.", nama=existing.nama, year=rules_year,
            id=existing.id), "nama")


def _clean_decimal(value: Any, field: str, low: Decimal, high: Decimal, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InnovationError(_("%(label)s harus berupa angka desimal, misalnya -4.5467.", label=label), field)
    if not number.is_finite():  # NaN, Infinity: a NaN cannot even be compared with the bounds
        raise InnovationError(_("%(label)s harus berupa angka desimal, misalnya -4.5467.", label=label), field)
    if not (low <= number <= high):
        raise InnovationError(_("%(label)s harus di antara %(low)s dan %(high)s.", label=label, low=low, high=high), field)
    return number.quantize(Decimal("0.000001"))


def clean_profile(innovation: Innovation, data: dict[str, Any]) -> dict[str, Any]:
    """Check a submitted profile against the year's rules; returns the values to store."""
    rules = innovation.rules
    clean: dict[str, Any] = {}
    nama = (data.get("nama") or "").strip()
    if not nama:
        raise InnovationError(_("Nama inovasi wajib diisi."), "nama")
    clean["nama"] = nama[:300]
    clean["nomor_register"] = (data.get("nomor_register") or "").strip()[:64] or None
    clean["nama_inisiator"] = (data.get("nama_inisiator") or "").strip()[:200] or None
    for name, option_list in OPTION_FIELDS.items():
        code = data.get(name) or None
        if code is not None and code not in {o.code for o in rules.options[option_list]}:
            raise InnovationError(_("Pilihan tidak dikenal untuk %(field)s.", field=name), name)
        clean[name] = code
    urusan_codes = {o.code for o in rules.options["urusan"]}
    lain = [c for c in dict.fromkeys(data.get("urusan_lain") or []) if c]
    unknown = [c for c in lain if c not in urusan_codes]
    if unknown:
        raise InnovationError(_("Urusan tidak dikenal: %(codes)s", codes=", ".join(unknown)), "urusan_lain")
    clean["urusan_lain"] = [c for c in lain if c != clean["urusan_utama"]]
    clean["latitude"] = _clean_decimal(data.get("latitude"), "latitude", Decimal(-90), Decimal(90), "Lintang")
    clean["longitude"] = _clean_decimal(data.get("longitude"), "longitude", Decimal(-180), Decimal(180), "Bujur")
    if (clean["latitude"] is None) != (clean["longitude"] is None):
        raise InnovationError(_("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."), "latitude")
    for name in ("waktu_uji_coba", "waktu_penerapan", "waktu_pengembangan"):
        value = data.get(name)
        if value is not None and not isinstance(value, date):
            raise InnovationError(_("Tanggal tidak sah."), name)
        clean[name] = value
    uji, terap, kembang = clean["waktu_uji_coba"], clean["waktu_penerapan"], clean["waktu_pengembangan"]
    if uji and terap and terap < uji:
        raise InnovationError(_("Waktu Penerapan tidak boleh sebelum Waktu Uji Coba."), "waktu_penerapan")
    if kembang and terap and kembang < terap:
        raise InnovationError(_("Waktu Pengembangan tidak boleh sebelum Waktu Penerapan."), "waktu_pengembangan")
    if kembang and not terap:
        raise InnovationError(_("Isi Waktu Penerapan sebelum Waktu Pengembangan."), "waktu_penerapan")
    for name in ("rancang_bangun", "tujuan", "manfaat", "hasil"):
        text = (data.get(name) or "").replace("\r\n", "\n").strip()
        if len(text) > 100_000:
            raise InnovationError(_("Teks terlalu panjang (maksimal 100.000 karakter)."), name)
        clean[name] = text
    return clean


def update_profile(innovation: Innovation, data: dict[str, Any], *, by: User,
                   version: object = None) -> dict[str, list[Any]]:
    """Save the profile; returns the changes ({field: [old, new]}), also written to the audit log.

    ``version`` is the edit version the form was loaded from: a change based on an older one is refused
    with what the other person changed (``concurrency.StaleEdit``). ``None`` (demo data, tests) changes
    the current version."""
    clean = clean_profile(innovation, data)
    if duplicates.normalise_name(clean["nama"]) != duplicates.normalise_name(innovation.nama):
        refuse_same_name(innovation.opd_id, clean["nama"], innovation.rules_year, exclude_id=innovation.id)
    before = snapshot(innovation, PROFILE_FIELDS)
    for name, value in clean.items():
        setattr(innovation, name, value)
    changes = diff(innovation, PROFILE_FIELDS, before)
    if changes:
        claim(innovation, version, required=version is not None)
        refresh_derived(innovation)
        logged = {k: (v if k not in ("rancang_bangun", "tujuan", "manfaat", "hasil") else
                      [f"{readiness.word_count(v[0])} kata", f"{readiness.word_count(v[1])} kata"])
                  for k, v in changes.items()}
        record("innovation.update", actor=by, obj=innovation,
               summary=say("Profil diubah: %(innovation)s (%(fields)s)", innovation=innovation.nama,
                           fields=", ".join(changes)), changes=logged)
    return changes


def get_answer(innovation: Innovation, indicator_no: int) -> IndicatorAnswer | None:
    return next((a for a in innovation.answers if a.indicator_no == indicator_no), None)


def save_answer(
    innovation: Innovation, indicator_no: int, *, parameter: int | None, basis: str | None,
    informasi: str, by: User, version: object = None,
) -> IndicatorAnswer:
    """Save the OPD's answer to one indicator. ``version`` is the answer's edit version the form was
    loaded from ("0": the indicator had no answer then); a save based on an older one is refused with
    what the other person changed (``concurrency.StaleEdit``). ``None`` (demo data, tests) saves over
    whatever is there."""
    rules = innovation.rules
    try:
        indicator = rules.indicator(indicator_no)
    except KeyError:
        raise InnovationError(_("Indikator %(no)d tidak ada pada tahun %(year)d.", no=indicator_no, year=rules.year))
    if parameter is not None and parameter not in (1, 2, 3):
        raise InnovationError(_("Parameter harus 1, 2 atau 3."), "parameter")
    if indicator.bases:
        if basis and indicator.basis(basis) is None:
            raise InnovationError(_("Dasar penilaian tidak dikenal."), "basis")
        if parameter and not basis:
            raise InnovationError(_("Pilih dasar penilaian (a-f) untuk %(name)s.", name=indicator.name), "basis")
    else:
        basis = None
    answer = get_answer(innovation, indicator_no)
    created = answer is None
    if created:
        answer = IndicatorAnswer(indicator_no=indicator_no)  # joined to the innovation once inserted
        before = {"parameter": None, "basis": None, "informasi": ""}
    else:
        before = snapshot(answer, ["parameter", "basis", "informasi"])
    answer.parameter = parameter
    answer.basis = basis
    answer.informasi = (informasi or "").strip()[:20_000]
    answer.updated_by_id = by.id
    answer.carried_at = None  # saved by the OPD: no longer the line taken over from last year (innovations.carry)
    changes = diff(answer, ["parameter", "basis", "informasi"], before)
    if created:
        _insert_answer(innovation, answer)
    elif changes:
        # The form was loaded before anyone answered ("0") or from an older version: refused, named.
        claim(answer, None if str(version).strip() == "0" else version, required=version is not None)
    if changes:
        # A changed claim goes back to the verifier, its verdict kept as history (recheck.invalidate).
        for name in ("parameter", "basis"):
            if name in changes:
                recheck.invalidate(answer, name, by=by, old=changes[name][0], new=changes[name][1])
        refresh_derived(innovation)
        record("indicator.update", actor=by, obj=answer, opd_id=innovation.opd_id,
               summary=say("%(innovation)s, indikator %(no)d %(indicator)s: parameter %(old)s -> %(new)s",
                           innovation=innovation.nama, no=indicator_no, indicator=indicator.name,
                           old=before["parameter"], new=parameter),
               changes={**changes, "_innovation_id": innovation.id, "_indicator_no": indicator_no})
    return answer


def _insert_answer(innovation: Innovation, answer: IndicatorAnswer) -> None:
    """Insert a new answer; one that another save inserted first (both forms loaded with no answer) is
    refused as a stale edit naming it, not a server error."""
    try:
        with db.session.begin_nested():
            answer.innovation_id = innovation.id
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(IndicatorAnswer).where(
            IndicatorAnswer.innovation_id == innovation.id, IndicatorAnswer.indicator_no == answer.indicator_no))
        if existing is None:
            raise
        raise StaleEdit(existing, None, changes_since(existing, None)) from None
    innovation.answers.append(answer)


def list_query(*, opd_id: int | None = None, search: str = "", tahapan: str | None = None, urusan: str | None = None):
    """The select() behind the innovation list pages (paginated by the view)."""
    query = select(Innovation).order_by(Innovation.updated_at.desc(), Innovation.id.desc())
    if opd_id:
        query = query.where(Innovation.opd_id == opd_id)
    if search:
        query = query.where(Innovation.nama.ilike(f"%{search.strip()}%"))
    if tahapan:
        query = query.where(Innovation.tahapan == tahapan)
    if urusan:
        query = query.where(Innovation.urusan_utama == urusan)
    return query
