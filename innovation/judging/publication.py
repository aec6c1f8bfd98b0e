"""Publishing a round's result, reopening it, and its editions.

- ``publish`` freezes the live result (``results.compute``) in a ``ResultSnapshot``, the round's next
  edition (1, 2, ...), with the sha256 of its payload, and marks the round published. Refused while
  the round is open, without a submitted sheet, or while a tie touching an awarded place waits for the
  chair (``ties``). Assigned judges who have not submitted are listed; publishing without them needs
  the admin's written reason, kept in the snapshot.
- While a round is published nothing that feeds its figures may change (``policy.publication_refusal``,
  called by every such operation).
- ``reopen`` withdraws the current edition with a written reason (who, when, why stay on it), so the
  admin can correct what was wrong; publishing again makes the next edition with its own checksum.
  Refused once entries have advanced out of the round: the next round was filled from this ranking.

Pages show the current edition and the history ("v1 diumumkan ..., dibuka kembali ... karena ...").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from innovation.audit.services import record, say, say_n
from innovation.auth.models import User
from innovation.events.models import Entry
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.judging import policy, results
from innovation.judging.errors import ResultsError
from innovation.judging.models import (
    Assignment,
    AssignmentStatus,
    ResultSnapshot,
    Round,
    RoundEntry,
    RoundEntryStatus,
    RoundKind,
    ScoreSheet,
    SheetStatus,
)
from innovation.judging.result_types import MissingSheet
from innovation.judging.results_cache import mark_changed
from innovation.judging.ties import blocking_ties
from innovation.outbox.services import emit

MISSING_NAMED = 10  # missing sheets named in a refusal's message (the page lists them all)


def missing_sheets(round_: Round) -> list[MissingSheet]:
    """Active assignments whose sheet is not submitted, by innovation and judge (one statement)."""
    rows = db.session.execute(
        select(RoundEntry.entry_id, Innovation.nama, User.full_name, ScoreSheet.status)
        .select_from(Assignment)
        .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .join(Entry, RoundEntry.entry_id == Entry.id)
        .join(Innovation, Entry.innovation_id == Innovation.id)
        .join(User, Assignment.judge_id == User.id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(RoundEntry.round_id == round_.id, Assignment.status == AssignmentStatus.ACTIVE,
               (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))
        .order_by(Innovation.nama, User.full_name)
    ).all()
    return [MissingSheet(entry_id, nama, judge, "draft" if status is not None else "todo")
            for entry_id, nama, judge, status in rows]


@dataclass(frozen=True)
class Edition:
    """One publication of a round, as the history shows it (plain values: pages keep them with the
    cached result, across requests)."""

    edition: int
    created_at: datetime
    created_by: str
    checksum: str
    incomplete_reason: str | None
    reopened_at: datetime | None
    reopened_by: str
    reopen_reason: str | None


def editions(round_: Round) -> list[Edition]:
    """Every published edition of the round, the first first, with who published and reopened it
    (one statement). Publishing and reopening mark the round changed, so a page may keep this list
    with the round's cached result (``results_cache.memo``)."""
    rows = db.session.scalars(
        select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id)
        .options(joinedload(ResultSnapshot.created_by), joinedload(ResultSnapshot.reopened_by))
        .order_by(ResultSnapshot.edition, ResultSnapshot.id)
    )
    return [Edition(s.edition, s.created_at, s.created_by.full_name if s.created_by else "", s.checksum,
                    s.incomplete_reason, s.reopened_at, s.reopened_by.full_name if s.reopened_by else "",
                    s.reopen_reason) for s in rows]


def _advanced_out(round_: Round) -> bool:
    return bool(db.session.scalar(
        select(func.count(RoundEntry.id)).where(
            RoundEntry.round_id == round_.id,
            RoundEntry.status.in_([RoundEntryStatus.ADVANCED, RoundEntryStatus.ELIMINATED]))))


def next_edition(round_: Round) -> int:
    return (db.session.scalar(select(func.max(ResultSnapshot.edition))
                              .where(ResultSnapshot.round_id == round_.id)) or 0) + 1


def publish(round_: Round, *, by: User, aggregate: str = "mean", method: str = "raw",
            incomplete_reason: str | None = None, now: datetime | None = None) -> ResultSnapshot:
    """Freeze the round's result as computed now as its next edition, and mark the round published."""
    now = now or utcnow()
    if round_.kind == RoundKind.ADMINISTRASI:
        raise ResultsError(_("Babak seleksi administrasi tidak memiliki nilai untuk diumumkan."))
    if round_.published_at is not None:
        raise ResultsError(_("Hasil babak ini sudah diumumkan dan dibekukan."))
    if not round_.is_closed(now):
        raise ResultsError(_("Babak masih berlangsung: hasil dapat diumumkan setelah babak ditutup."))
    found = results.compute(round_, aggregate=aggregate, method=method)
    if not found.any_sheets:
        raise ResultsError(_("Belum ada lembar nilai yang dikirim juri."))
    ties = blocking_ties(found)
    if ties:
        names = "; ".join(" = ".join(e.innovation for e in group.entries) for group in ties)
        raise ResultsError(_("Ada nilai seri setelah semua aturan otomatis pada tempat penghargaan: %(names)s. "
                             "Catat keputusan ketua atas urutannya dulu.", names=names))
    missing = missing_sheets(round_)
    reason = None
    if missing:
        if not (incomplete_reason or "").strip():
            named = "; ".join(f"{m.judge} ({m.innovation})" for m in missing[:MISSING_NAMED])
            more = len(missing) - MISSING_NAMED
            raise ResultsError(_("%(n)d lembar nilai juri yang ditugaskan belum dikirim: %(names)s%(more)s. "
                                 "Tunggu sampai dikirim, lepas penugasannya, atau umumkan tanpa lembar itu "
                                 "dengan menuliskan alasannya.", n=len(missing), names=named,
                                 more=_(" dan %(n)d lainnya", n=more) if more > 0 else ""), "incomplete_reason")
        reason = policy.require_reason(incomplete_reason, _("mengumumkan tanpa lembar nilai yang belum dikirim"),
                                       "incomplete_reason")
    edition = next_edition(round_)
    found.published_at = now
    found.edition = edition
    found.missing_sheets = missing
    found.incomplete_reason = reason
    payload = found.to_payload()
    snapshot = ResultSnapshot(round_id=round_.id, edition=edition, created_at=now, created_by_id=by.id,
                              method=f"{found.method}/{found.aggregate}", payload=payload,
                              checksum=results.checksum(payload), incomplete_reason=reason)
    try:  # two admins publishing at once: the edition is unique per round, the second is refused
        with db.session.begin_nested():
            db.session.add(snapshot)
            db.session.flush()
    except IntegrityError:
        raise ResultsError(_("Hasil babak ini baru saja diumumkan oleh admin lain; muat ulang halaman hasil.")) from None
    round_.published_at = now
    db.session.flush()
    emit("results.published", round_)  # webhooks (innovation.outbox), with this change or not at all
    changes = {"edisi": edition, "method": snapshot.method, "checksum": snapshot.checksum}
    if missing:
        changes["lembar_belum_dikirim"] = [f"{m.judge} ({m.innovation})" for m in missing]
        changes["alasan"] = reason
    published = {"round": round_.name, "event": round_.event.name, "edition": edition, "checksum": snapshot.checksum[:12]}
    record("judging.results_published", actor=by, obj=round_, changes=changes,
           summary=say_n("Hasil %(round)s (%(event)s) diumumkan, edisi %(edition)d; checksum %(checksum)s; "
                         "%(num)d lembar belum dikirim", "Hasil %(round)s (%(event)s) diumumkan, edisi %(edition)d; "
                         "checksum %(checksum)s; %(num)d lembar belum dikirim", len(missing), **published)
           if missing else say("Hasil %(round)s (%(event)s) diumumkan, edisi %(edition)d; checksum %(checksum)s",
                               **published))
    mark_changed(round_)  # what the pages show of the round (its editions) changed
    return snapshot


def reopen(round_: Round, reason: str, *, by: User, now: datetime | None = None) -> ResultSnapshot:
    """Withdraw the current edition with a written reason; the round's inputs may change again."""
    if round_.published_at is None:
        raise ResultsError(_("Hasil babak ini belum diumumkan."))
    reason = policy.require_reason(reason, _("membuka kembali hasil"))
    if _advanced_out(round_):
        raise ResultsError(_("Keputusan lolos dari babak ini sudah dibuat berdasarkan hasil yang diumumkan; "
                             "hasilnya tidak dapat dibuka kembali."))
    snapshot = results.latest_snapshot(round_)
    now = now or utcnow()
    snapshot.reopened_at = now
    snapshot.reopened_by_id = by.id
    snapshot.reopen_reason = reason
    round_.published_at = None
    db.session.flush()
    record("judging.results_reopened", actor=by, obj=round_,
           changes={"edisi": snapshot.edition, "checksum": snapshot.checksum, "alasan": reason},
           summary=say("Hasil %(round)s (%(event)s) edisi %(edition)d dibuka kembali: %(reason)s", round=round_.name,
                       event=round_.event.name, edition=snapshot.edition, reason=reason[:200]))
    mark_changed(round_)
    return snapshot
