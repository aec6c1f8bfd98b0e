"""Reporting services: verification, registration and the district index.

Plain functions: they change models, flush, log with ``audit.services.record`` and raise
``ReportingError``; the views commit. ``district_index(year, verified=..., registered_only=...)`` is
the DB-level entry the export bundle and the dashboard share. Entering regional values and their
evidence files is in ``reporting.regional`` (``regional_scores``, read by the index, stays here).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, and_, case, column, exists, false, func, or_, select, true, values
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.innovations import carry, recheck, scoring
from innovation.innovations import services as innovations
from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation, VerificationStatus
from innovation.orgs.models import Opd
from innovation.outbox.services import emit
from innovation.reporting.index import ChangeKind, IndexResult, InnovationLines, LineGap, compute_index_from_totals
from innovation.reporting.models import RegionalIndicatorValue
from innovation.reporting.policy import can_register, can_verify
from innovation.rules import Rules, get_rules
from innovation.web import id_in_range

CENT = Decimal("0.01")
# A verdict in the audit log's summaries, in the reader's language (the catalog's wording of the form).
VERDICT_WORDS = {
    VerificationStatus.SESUAI: say("Sesuai"),
    VerificationStatus.DIPERBAIKI: say("Diperbaiki"),
    VerificationStatus.DITOLAK: say("Ditolak"),
}


class ReportingError(DomainError):
    """A broken rule in reporting; ``field`` names the form field when there is one."""


# --- regional indicators -------------------------------------------------------------------------

def regional_scores(year: int) -> dict[int, Decimal]:
    rows = db.session.execute(
        select(RegionalIndicatorValue.indicator_no, RegionalIndicatorValue.score)
        .where(RegionalIndicatorValue.year == year))
    return {no: score for no, score in rows}


# --- verification ------------------------------------------------------------------------------

def line_fingerprint(answer: IndicatorAnswer) -> str:
    """What a verifier judges on one line: the claimed parameter and basis and the current evidence
    (by id: a replaced file is a new row). The verification form carries it from the page it was read
    on, so a verdict is never given on a claim or file the verifier did not see."""
    evidence = sorted(e.id for e in innovations.current_evidence(answer.innovation)
                      if e.indicator_no == answer.indicator_no)
    return f"{answer.parameter or ''}:{answer.basis or ''}:{','.join(map(str, evidence))}"


def verify_line(
    answer: IndicatorAnswer, status: VerificationStatus | str | None, verified_parameter: int | None,
    note: str | None, *, by: User, seen: str | None = None,
) -> IndicatorAnswer:
    """Record the planning office's decision on one indicator claim and refresh the verified score.

    sesuai: the claim stands. diperbaiki: the parameter is corrected to ``verified_parameter`` (a note
    is required). ditolak: no valid evidence, the line scores 0 (a note is required). ``seen`` is the
    ``line_fingerprint`` of the page the verifier decided on: when the line changed since, the verdict
    is refused (it would judge evidence nobody looked at). A decision ends a re-check (``recheck.settle``).
    """
    if not can_verify(by):
        raise ReportingError(_("Hanya verifikator dan admin yang boleh memverifikasi."))
    if seen is not None and seen != line_fingerprint(answer):
        pending = recheck.view(answer.recheck_since, answer.recheck)
        what = "; ".join(pending.descriptions) if pending and pending.changes else _("klaim atau bukti dukung diubah")
        raise ReportingError(_("Indikator %(no)d berubah sejak Anda membukanya (%(what)s). Periksa klaim dan bukti "
                               "yang sekarang, lalu simpan lagi.", no=answer.indicator_no, what=what))
    try:
        status = VerificationStatus(status)
    except ValueError:
        raise ReportingError(_("Pilih hasil verifikasi: sesuai, diperbaiki atau ditolak."), "status")
    if answer.parameter is None:
        raise ReportingError(_("Indikator ini belum diisi oleh OPD; tidak ada klaim untuk diverifikasi."))
    note = (note or "").replace("\r\n", "\n").strip()[:5000]
    if status != VerificationStatus.SESUAI and not note:
        raise ReportingError(_("Catatan wajib diisi bila klaim diperbaiki atau ditolak."), "note")
    if status == VerificationStatus.DIPERBAIKI:
        if verified_parameter not in (1, 2, 3):
            raise ReportingError(_("Pilih parameter hasil perbaikan (1, 2 atau 3)."), "verified_parameter")
        if verified_parameter == answer.parameter:
            raise ReportingError(_("Parameter perbaikan sama dengan klaim; pilih Sesuai."), "verified_parameter")
    else:
        verified_parameter = None
    before = {"status": answer.verification_status, "verified_parameter": answer.verified_parameter,
              "note": answer.verification_note}
    answer.verification_status = status
    answer.verified_parameter = verified_parameter
    answer.verification_note = note or None
    answer.verified_by_id = by.id
    answer.verified_at = utcnow()
    rechecked = recheck.settle(answer)
    innovation = answer.innovation
    innovations.refresh_derived(innovation)
    indicator = innovation.rules.indicator(answer.indicator_no)
    shown = {"innovation": innovation.nama, "no": answer.indicator_no, "indicator": indicator.name,
             "status": VERDICT_WORDS[status]}
    record("indicator.verify", actor=by, obj=innovation, object_type="innovation",
           summary=(say("Verifikasi %(innovation)s, indikator %(no)d %(indicator)s: %(status)s (diperiksa ulang)", **shown)
                    if rechecked else
                    say("Verifikasi %(innovation)s, indikator %(no)d %(indicator)s: %(status)s", **shown)),
           changes={"indicator_no": answer.indicator_no, "status": [before["status"], status],
                    "verified_parameter": [before["verified_parameter"], verified_parameter],
                    "note": [before["note"], note or None], "verified_score": innovation.verified_score,
                    "rechecked": rechecked})
    return answer


def resubmit_line(answer: IndicatorAnswer, *, by: User) -> IndicatorAnswer:
    """The operator fixed a corrected or rejected line: it goes back to the verifier, to be re-checked
    (``recheck.invalidate``: the verdict is kept as history). The verifier's last note stays visible (as
    the previous note) until the next decision.
    """
    innovation = answer.innovation
    if not innovation.can_edit(by):
        raise ReportingError(_("Anda tidak boleh mengubah inovasi ini."))
    if answer.verification_status not in (VerificationStatus.DIPERBAIKI, VerificationStatus.DITOLAK):
        raise ReportingError(_("Hanya baris yang diperbaiki atau ditolak yang dapat diajukan ulang."))
    old = answer.verification_status
    recheck.invalidate(answer, recheck.Change.RESUBMITTED, by=by)
    innovations.refresh_derived(innovation)
    record("indicator.resubmit", actor=by, obj=innovation, object_type="innovation",
           summary=say("Diajukan ulang: %(innovation)s, indikator %(no)d", innovation=innovation.nama, no=answer.indicator_no),
           changes={"indicator_no": answer.indicator_no, "status": [old, None]})
    return answer


def answer_for(innovation: Innovation, indicator_no: int) -> IndicatorAnswer:
    answer = innovations.get_answer(innovation, indicator_no)
    if answer is None:
        raise ReportingError(_("Indikator ini belum diisi oleh OPD; tidak ada klaim untuk diverifikasi."))
    return answer


def pending_counts(innovation_ids: Iterable[int]) -> dict[int, int]:
    """Lines with a claimed parameter and no verification decision, per innovation (one query)."""
    ids = list(innovation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(IndicatorAnswer.innovation_id, func.count())
        .where(IndicatorAnswer.innovation_id.in_(ids), _pending_line())
        .group_by(IndicatorAnswer.innovation_id))
    return {innovation_id: count for innovation_id, count in rows}


@dataclass(frozen=True)
class RecheckLine:
    """A line of the queue's innovation to be re-checked, with what changed since its verdict."""

    indicator_no: int
    recheck: recheck.RecheckView


@dataclass
class QueueRow:
    pending: int = 0  # lines awaiting a verdict, re-checks included
    rechecks: list[RecheckLine] = field(default_factory=list)  # first changed first


def queue_rows(innovation_ids: Iterable[int]) -> dict[int, QueueRow]:
    """What the queue shows per innovation: its waiting lines and, among them, the lines to be re-checked
    with what changed (one query, whatever the page's size)."""
    ids = list(innovation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(IndicatorAnswer.innovation_id, IndicatorAnswer.indicator_no, IndicatorAnswer.recheck_since,
               IndicatorAnswer.recheck)
        .where(IndicatorAnswer.innovation_id.in_(ids), _pending_line())
        .order_by(IndicatorAnswer.innovation_id, IndicatorAnswer.recheck_since, IndicatorAnswer.indicator_no))
    found: dict[int, QueueRow] = {}
    for innovation_id, no, since, state in rows:
        row = found.setdefault(innovation_id, QueueRow())
        row.pending += 1
        if since is not None:
            row.rechecks.append(RecheckLine(no, recheck.view(since, state)))
    for row in found.values():
        row.rechecks.sort(key=lambda line: line.recheck.since)
    return found


def _pending_line():
    return and_(IndicatorAnswer.parameter.is_not(None), IndicatorAnswer.verification_status.is_(None))


# --- registration ------------------------------------------------------------------------------

def register(innovation: Innovation, *, nomor_register: str | None = None, by: User) -> Innovation:
    if not can_register(by):
        raise ReportingError(_("Hanya admin yang boleh mendaftarkan inovasi ke Kemendagri."))
    nomor = (nomor_register or "").strip()
    if len(nomor) > 64:
        raise ReportingError(_("Nomor Register IGA paling panjang 64 karakter."), "nomor_register")
    before = (innovation.registered_at, innovation.nomor_register)
    if innovation.registered_at is None:
        carry.check_award_limit(innovation)  # at most twice in the award, along its carry-over chain
        innovation.registered_at = utcnow()
        emit("innovation.registered", innovation)  # webhooks (innovation.outbox), with this change or not at all
    if nomor:
        innovation.nomor_register = nomor
    if (innovation.registered_at, innovation.nomor_register) != before:
        record("innovation.register", actor=by, obj=innovation,
               summary=(say("Didaftarkan untuk Kemendagri: %(innovation)s (%(register)s)", innovation=innovation.nama,
                            register=innovation.nomor_register) if innovation.nomor_register
                        else say("Didaftarkan untuk Kemendagri: %(innovation)s", innovation=innovation.nama)),
               changes={"registered_at": [before[0], innovation.registered_at],
                        "nomor_register": [before[1], innovation.nomor_register]})
    return innovation


def unregister(innovation: Innovation, *, by: User) -> Innovation:
    if not can_register(by):
        raise ReportingError(_("Hanya admin yang boleh membatalkan pendaftaran inovasi."))
    if innovation.registered_at is not None:
        before = innovation.registered_at
        innovation.registered_at = None
        record("innovation.unregister", actor=by, obj=innovation,
               summary=say("Pendaftaran Kemendagri dibatalkan: %(innovation)s", innovation=innovation.nama),
               changes={"registered_at": [before, None]})
    return innovation


def set_registration(innovation_ids: Iterable[int], *, registered: bool, by: User) -> int:
    """Bulk register or unregister (from the dashboard); returns how many innovations changed."""
    ids = sorted({int(i) for i in innovation_ids})
    if not ids:
        raise ReportingError(_("Pilih setidaknya satu inovasi."))
    if not all(id_in_range(Innovation, i) for i in ids):
        raise ReportingError(_("Sebagian inovasi yang dipilih tidak ditemukan."))
    rows = list(db.session.scalars(select(Innovation).where(Innovation.id.in_(ids))))
    if len(rows) != len(ids):
        raise ReportingError(_("Sebagian inovasi yang dipilih tidak ditemukan."))
    changed = 0
    for innovation in rows:
        was = innovation.registered_at
        if registered:
            register(innovation, by=by)
        else:
            unregister(innovation, by=by)
        changed += innovation.registered_at != was
    db.session.flush()
    return changed


# --- lists -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListFilters:
    opd_ids: tuple[int, ...] | None = None  # None: every OPD (orgs.picker.OpdFilter.opd_ids)
    urusan: str | None = None
    tahapan: str | None = None
    registered: bool | None = None  # None: both


def _filtered(query: Select, filters: ListFilters) -> Select:
    if filters.opd_ids is not None:
        query = query.where(Innovation.opd_id.in_(filters.opd_ids))
    if filters.urusan:
        query = query.where(Innovation.urusan_utama == filters.urusan)
    if filters.tahapan:
        query = query.where(Innovation.tahapan == filters.tahapan)
    if filters.registered is True:
        query = query.where(Innovation.registered_at.is_not(None))
    elif filters.registered is False:
        query = query.where(Innovation.registered_at.is_(None))
    return query


LIST_COLUMNS = (Innovation.id, Innovation.opd_id, Innovation.rules_year, Innovation.nama, Innovation.tahapan,
                Innovation.urusan_utama, Innovation.claimed_score, Innovation.verified_score, Innovation.gap_count,
                Innovation.blocking_gap_count,
                Innovation.registered_at, Innovation.nomor_register, Innovation.updated_at)


def dashboard_query(filters: ListFilters) -> Select:
    """Every innovation of the district, filtered, by name (``ix_innovation_nama_id``: a page is read in
    index order, not sorted from the whole table); only the listed columns (not the long texts), the
    OPD's name joined. Paginated by the view."""
    return (_filtered(select(Innovation), filters)
            .options(load_only(*LIST_COLUMNS), joinedload(Innovation.opd).load_only(Opd.id, Opd.name))
            .order_by(Innovation.nama, Innovation.id))


def count_listed(filters: ListFilters) -> int:
    """How many innovations ``filters`` list (one count, on the id only)."""
    return db.session.scalar(_filtered(select(func.count(Innovation.id)), filters)) or 0


def queue_query(filters: ListFilters) -> Select:
    """Innovations with at least one claimed line waiting for verification: first those with lines to
    be re-checked (a verdict undone by a change, the earliest change first), then the others, oldest
    change first."""
    waiting = exists().where(IndicatorAnswer.innovation_id == Innovation.id, _pending_line())
    # The derived Innovation.recheck_since in ix_innovation_recheck_queue's order: a page is read in index
    # order and stops after 25. A correlated min() over the answers sorted every waiting innovation
    # instead: 2 ms became 870 ms at 10,000 innovations (PostgreSQL, benchmarks.seed).
    return (_filtered(select(Innovation).where(waiting), filters)
            .order_by(Innovation.recheck_since.asc().nulls_last(), Innovation.updated_at, Innovation.id))


# --- the district index ------------------------------------------------------------------------

def counted_innovations(year: int, *, registered_only: bool = True) -> list[Innovation]:
    """The innovations that count for ``year``'s index: those assessed under that year's rules
    (``rules_year``), registered with Kemendagri unless ``registered_only`` is False.

    Loads every one with its answers and evidence: for checks and small sets (``innovation_lines``
    + ``index.compute_index``), never for a page; ``district_index`` aggregates in SQL instead."""
    query = (select(Innovation).where(Innovation.rules_year == year)
             .options(selectinload(Innovation.answers), selectinload(Innovation.evidence))
             .order_by(Innovation.id))
    if registered_only:
        query = query.where(Innovation.registered_at.is_not(None))
    return list(db.session.scalars(query))


def innovation_lines(innovation: Innovation, rules: Rules, *, verified: bool) -> InnovationLines:
    claims = innovations.claims_of(innovation)
    evidence_nos = innovations.evidence_indicator_nos(innovation)
    if verified:
        lines = scoring.score_verified_lines(rules, claims, evidence_nos)
        rejected = frozenset(no for no, c in claims.items() if c.verified_status == VerificationStatus.DITOLAK.value)
    else:
        lines = scoring.score_lines(rules, claims, evidence_nos)
        rejected = frozenset()
    return InnovationLines(innovation.id, innovation.nama, innovation.urusan_utama, lines, rejected)


def _counted(query: Select, year: int, registered_only: bool) -> Select:
    query = query.where(Innovation.rules_year == year)
    if registered_only:
        query = query.where(Innovation.registered_at.is_not(None))
    return query


def _code_point_order(column):
    """``column`` ordered by code point, as Python orders ``str`` (PostgreSQL's default collation does not)."""
    return column.collate("C") if db.session.get_bind().dialect.name == "postgresql" else column


def line_gap_candidates(rules: Rules, *, verified: bool, registered_only: bool = True, top: int = 10) -> list[LineGap]:
    """The ``top`` lines of the counted innovations that would gain the most points, best first (one query).

    Ordered as ``index.compute_index_from_totals`` expects: line points descending, name by code point,
    indicator number, innovation id. The weights come from ``rules`` as a small VALUES list (a CTE); a line
    "without evidence" has no current evidence row (``ix_evidence_innovation_indicator``).

    Only innovations whose derived figures (``refresh_derived``) say they can have such a line are
    looked at, so the query does not read every line of the district: a line without evidence or a
    mandatory line without a parameter is always a readiness gap (``gap_count > 0``), and a rejected
    line either has no evidence (a gap) or lowers the verified score below the claimed one
    (``verified_score <> claimed_score``). Not found: a rejected line whose loss an upward correction
    of the same innovation exactly cancels.
    """
    if top <= 0:
        return []
    ind = values(column("no", Integer), column("bobot", Integer), name="ind").data(
        [(i.no, i.bobot) for i in rules.indicators]).cte("ind")
    answer = aliased(IndicatorAnswer)
    status = answer.verification_status
    if verified:
        rejected = status == VerificationStatus.DITOLAK
        parameter = case((rejected, None), (status == VerificationStatus.DIPERBAIKI, answer.verified_parameter),
                         else_=answer.parameter)
        # "verified <> claimed" written as CASE ... = 1: PostgreSQL then estimates it as an equality (few
        # rows) rather than as <> (nearly every row), which planned this query at many times its real
        # cost and switched on JIT compilation (tens of ms per view at 10,000 innovations).
        scores_differ = case((Innovation.verified_score != Innovation.claimed_score, 1), else_=0) == 1
        may_gain = or_(Innovation.gap_count > 0, scores_differ)
    else:
        rejected = false()
        parameter = answer.parameter
        may_gain = Innovation.gap_count > 0
    has_evidence = exists().where(Evidence.innovation_id == Innovation.id, Evidence.indicator_no == ind.c.no,
                                  Evidence.superseded_at.is_(None), Evidence.removed_at.is_(None))
    missing_evidence = and_(parameter.is_not(None), ~has_evidence)
    mandatory_empty = and_(ind.c.no.in_([i.no for i in rules.indicators if i.mandatory]), parameter.is_(None))
    kind = case((rejected, ChangeKind.REJECTED.value), (missing_evidence, ChangeKind.EVIDENCE.value),
                else_=ChangeKind.PARAMETER.value)
    points = case((missing_evidence, ind.c.bobot * parameter), else_=ind.c.bobot * 3)  # rejected: bobot x 3 - 0
    query = _counted(
        select(Innovation.id, Innovation.nama, ind.c.no, kind.label("kind"), points.label("points"))
        .select_from(Innovation).join(ind, true())
        .outerjoin(answer, and_(answer.innovation_id == Innovation.id, answer.indicator_no == ind.c.no))
        .where(may_gain, or_(rejected, missing_evidence, mandatory_empty)),
        rules.year, registered_only,
    ).order_by(points.desc(), _code_point_order(Innovation.nama), ind.c.no, Innovation.id).limit(top)
    names = {i.no: i.name for i in rules.indicators}
    return [LineGap(ChangeKind(row.kind), int(row.points), row.id, row.nama, row.no, names[row.no])
            for row in db.session.execute(query)]


def district_index(year: int, *, verified: bool, registered_only: bool = True, top: int = 10) -> IndexResult:
    """The district's IID for ``year`` from the database (claimed or verified line scores).

    Verified scores follow ``innovations.scoring.score_verified_lines``: a line the verifier has not
    decided yet counts as claimed, a corrected line with the corrected parameter, a rejected line 0.
    Three statements whatever the number of innovations, none loading an innovation: the line sums are
    the derived ``claimed_score`` / ``verified_score`` (NULL when nothing is verified, then the verified
    lines are the claimed ones) summed per main urusan, the regional scores, and the ``top`` lines that
    would gain most (``line_gap_candidates``). The same figures as ``compute_index`` over
    ``innovation_lines`` of ``counted_innovations`` (tests/test_reporting_sql_index.py).
    """
    rules = get_rules(year)
    line_sum = func.coalesce(Innovation.verified_score, Innovation.claimed_score) if verified \
        else Innovation.claimed_score
    rows = db.session.execute(_counted(
        select(Innovation.urusan_utama, func.count(), func.coalesce(func.sum(line_sum), 0))
        .group_by(Innovation.urusan_utama), year, registered_only)).all()
    return compute_index_from_totals(
        rules,
        regional_scores=regional_scores(year),
        sum_lines=int(sum((Decimal(total) for _, _, total in rows), Decimal(0))),
        n=sum(count for _, count, _ in rows),
        urusan_present=[urusan for urusan, _, _ in rows],
        line_gaps=line_gap_candidates(rules, verified=verified, registered_only=registered_only, top=top),
        top=top,
    )
