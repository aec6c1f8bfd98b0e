"""The public listing of the district's registered innovations, and each one's public record.

Everything here reads ``fields`` (the public field codes of ``settings.public_fields()``) and shows or
searches nothing else: a search looks only into public texts, and a filter on a field that is not public
is ignored (otherwise which innovations match would tell what the hidden field holds).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from innovation.extensions import db
from innovation.innovations import services as innovation_services
from innovation.innovations.models import Evidence, Innovation
from innovation.innovations.scoring import score_verified_lines
from innovation.orgs.models import Opd
from innovation.rules import available_years, get_rules
from innovation.web import id_in_range

# The public text fields a search looks into (when they are public); the name always.
SEARCHABLE = {"tujuan": Innovation.tujuan, "manfaat": Innovation.manfaat, "hasil": Innovation.hasil,
              "rancang_bangun": Innovation.rancang_bangun}
MAX_SEARCH = 100
SUMMARY_CHARS = 220


@dataclass(frozen=True)
class PublicFilters:
    q: str = ""
    opd_id: int | None = None
    year: int | None = None
    urusan: str | None = None
    tahapan: str | None = None
    digital: bool | None = None

    def within(self, fields: frozenset[str]) -> PublicFilters:
        """Only the filters on public fields."""
        return replace(self, urusan=self.urusan if "urusan" in fields else None,
                       tahapan=self.tahapan if "tahapan" in fields else None,
                       digital=self.digital if "jenis" in fields else None)

    @property
    def active(self) -> bool:
        return any(value not in (None, "") for value in (self.q, self.opd_id, self.year, self.urusan, self.tahapan,
                                                         self.digital))


def filters_from(args, fields: frozenset[str]) -> PublicFilters:
    """The filters of a query string, bounded and limited to public fields."""

    def number(name: str) -> int | None:
        try:
            value = int(args.get(name, ""))
        except ValueError:
            return None
        return value if 0 < value < 2**31 else None

    digital = {"1": True, "true": True, "0": False, "false": False}.get((args.get("digital") or "").lower())
    year = number("year")
    return PublicFilters(
        q=" ".join((args.get("q") or "").split())[:MAX_SEARCH], opd_id=number("opd"),
        year=year if year in available_years() else None,
        urusan=(args.get("urusan") or "")[:80] or None, tahapan=(args.get("tahapan") or "")[:40] or None,
        digital=digital,
    ).within(fields)


def registered():
    return Innovation.registered_at.is_not(None)


def public_query(filters: PublicFilters, fields: frozenset[str], *, registered_only: bool = True) -> Select:
    """The registered innovations matching ``filters``, by name (each row with its OPD). The read API with
    a token (``registered_only=False``) reads unregistered ones too."""
    query = select(Innovation).where(registered()) if registered_only else select(Innovation)
    if filters.q:
        columns = [Innovation.nama] + [column for code, column in SEARCHABLE.items() if code in fields]
        for term in filters.q.split()[:8]:
            query = query.where(or_(*(func.lower(column).contains(term.lower(), autoescape=True)
                                      for column in columns)))
    if filters.opd_id:
        query = query.where(Innovation.opd_id == filters.opd_id)
    if filters.year:
        query = query.where(Innovation.rules_year == filters.year)
    if filters.urusan and "urusan" in fields:
        query = query.where(Innovation.urusan_utama == filters.urusan)
    if filters.tahapan and "tahapan" in fields:
        query = query.where(Innovation.tahapan == filters.tahapan)
    if filters.digital is not None and "jenis" in fields:
        query = query.where(Innovation.jenis == "digital") if filters.digital else \
            query.where(or_(Innovation.jenis.is_(None), Innovation.jenis != "digital"))
    return query.order_by(Innovation.nama, Innovation.id)


def listing_query(filters: PublicFilters, fields: frozenset[str]) -> Select:
    """``public_query`` loading only what a list shows (not the long texts)."""
    return public_query(filters, fields).options(load_only(
        Innovation.id, Innovation.nama, Innovation.opd_id, Innovation.rules_year, Innovation.tahapan,
        Innovation.urusan_utama, Innovation.jenis, Innovation.waktu_penerapan, Innovation.tujuan,
        Innovation.updated_at, Innovation.registered_at,
    ))


def public_innovation(innovation_id: int) -> Innovation | None:
    """A registered innovation, or None (an unregistered one is not public, whatever its id)."""
    if not id_in_range(Innovation, innovation_id):
        return None
    return db.session.scalar(select(Innovation).where(Innovation.id == innovation_id, registered())
                             .options(joinedload(Innovation.evidence)))


def public_evidence(innovation: Innovation) -> list[Evidence]:
    """The innovation's evidence the OPD offered and an admin approved (current versions only)."""
    return [e for e in innovation.evidence if e.is_public]


def opd_choices() -> list[tuple[int, str]]:
    """The OPDs that have a registered innovation, for the filter."""
    return [(row.id, row.name) for row in db.session.execute(
        select(Opd.id, Opd.name).where(Opd.id.in_(select(Innovation.opd_id).where(registered())))
        .order_by(Opd.name))]


def summary(text: str | None, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# --- the public record -----------------------------------------------------------------------------

def _label(rules, field_name: str, code: str | None) -> str | None:
    return (rules.option_label(field_name, code) or code) if code else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def record(innovation: Innovation, fields: frozenset[str], *, url: str | None = None) -> dict[str, Any]:
    """The innovation as open data: the always-public columns and those of the public fields, in the
    catalogue's order (``fields.FIELDS``); option fields by their label, dates as ISO 8601."""
    rules = innovation.rules
    row: dict[str, Any] = {"id": innovation.id, "nama": innovation.nama, "opd_kode": innovation.opd.code,
                           "opd_nama": innovation.opd.name, "tahun": innovation.rules_year}
    if "tahapan" in fields:
        row["tahapan"] = _label(rules, "tahapan", innovation.tahapan)
    if "urusan" in fields:
        row["urusan_utama"] = innovation.urusan_utama
        row["urusan_utama_nama"] = _label(rules, "urusan", innovation.urusan_utama)
        row["urusan_lain"] = [_label(rules, "urusan", code) for code in innovation.urusan_lain or []]
    if "jenis" in fields:
        row["jenis"] = _label(rules, "jenis", innovation.jenis)
        row["digital"] = None if innovation.jenis is None else innovation.jenis == "digital"
    if "waktu" in fields:
        row["waktu_uji_coba"] = _iso(innovation.waktu_uji_coba)
        row["waktu_penerapan"] = _iso(innovation.waktu_penerapan)
        row["waktu_pengembangan"] = _iso(innovation.waktu_pengembangan)
    for code in ("tujuan", "manfaat", "hasil", "rancang_bangun"):
        if code in fields:
            row[code] = getattr(innovation, code) or None
    for code in ("inisiator", "klasifikasi", "bentuk", "tematik"):
        if code in fields:
            row[code] = _label(rules, code, getattr(innovation, code))
    if "koordinat" in fields:
        row["latitude"] = None if innovation.latitude is None else float(innovation.latitude)
        row["longitude"] = None if innovation.longitude is None else float(innovation.longitude)
    if "nomor_register" in fields:
        row["nomor_register"] = innovation.nomor_register
    if "skor" in fields:
        row["skor_klaim"] = float(innovation.claimed_score)
        row["skor_terverifikasi"] = None if innovation.verified_score is None else float(innovation.verified_score)
        row["kematangan_persen"] = float(innovation.maturity_percent)
    if url is not None:
        row["url"] = url
    return row


@dataclass(frozen=True)
class IndicatorScore:
    no: int
    name: str
    weight: int
    parameter: int | None  # the OPD's claim
    verified_parameter: int | None  # the verifier's, when decided
    verification: str | None  # sesuai / diperbaiki / ditolak
    score: Decimal  # the claimed line score (0 without evidence)
    verified_score: Decimal  # the line as verified (undecided lines count as claimed)
    max_score: int


def indicator_scores(innovation: Innovation) -> list[IndicatorScore]:
    """Each indicator's claimed and verified line (the ``skor_indikator`` field; the API with a token)."""
    assessment = innovation_services.assess(innovation)
    answers = {a.indicator_no: a for a in innovation.answers}
    verified = {line.indicator.no: line.score for line in score_verified_lines(
        innovation.rules, innovation_services.claims_of(innovation),
        innovation_services.evidence_indicator_nos(innovation))}
    result = []
    for line in assessment.lines:
        answer = answers.get(line.no)
        status = answer.verification_status if answer is not None else None
        result.append(IndicatorScore(
            no=line.no, name=line.indicator.name, weight=line.indicator.bobot, parameter=line.parameter,
            verified_parameter=answer.verified_parameter if answer is not None else None,
            verification=status.value if status is not None else None, score=Decimal(line.score),
            verified_score=Decimal(verified.get(line.no, line.score)), max_score=line.max_score,
        ))
    return result


def years() -> list[int]:
    """The assessment years that have registered innovations, newest first."""
    return list(db.session.scalars(select(Innovation.rules_year).where(registered()).distinct()
                                   .order_by(Innovation.rules_year.desc())))


def rules_for_filters():
    return get_rules(max(available_years()))
