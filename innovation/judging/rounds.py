"""Rounds of an event: the default plan, add/edit/reorder/delete, filling the first round, and the
administrative selection (the admin's pass/fail). Advancing to the next round is ``advancement``.
Plain functions; they flush, log, and never commit.

- A round's settings include its awards (``awards``: places, per category or overall, labels).
- A published round's settings, window and entries do not change (``policy.require_unpublished``).
- The event's ``blind_judging`` flag follows its rounds (``sync_blind_flag``), so the events area,
  which cannot import judging, warns operators whose texts name their OPD.
- Selection and advancement wait until the round's entries can no longer change: the event's
  submission window and every extension closed (``entries_open_until``). Deciding earlier needs the
  admin's written reason, kept in the audit log (``require_entries_settled``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from innovation.audit.services import diff, record, say, say_n, snapshot
from innovation.auth.models import User
from innovation.concurrency import claim
from innovation.events.models import DeadlineExtension, Entry, EntryStatus, Event
from innovation.extensions import db, utcnow
from innovation.innovations.services import assess
from innovation.judging import awards, policy, rubrics
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    Assignment,
    Round,
    RoundEntry,
    RoundEntryStatus,
    RoundKind,
    Rubric,
    ScoreSheet,
)
from innovation.judging.results_cache import mark_changed
from innovation.timeutil import format_local

DEFAULT_FINALISTS = 5


# --- reading ----------------------------------------------------------------------------------

def rounds_of(event: Event) -> list[Round]:
    return list(db.session.scalars(select(Round).where(Round.event_id == event.id).order_by(Round.position)))


def next_round(round_: Round) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.event_id == round_.event_id, Round.position > round_.position)
        .order_by(Round.position).limit(1)
    )


def previous_round(round_: Round) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.event_id == round_.event_id, Round.position < round_.position)
        .order_by(Round.position.desc()).limit(1)
    )


def round_entries_query(round_: Round) -> Select:
    return select(RoundEntry).where(RoundEntry.round_id == round_.id).order_by(RoundEntry.entry_id)


def round_entries(round_: Round) -> list[RoundEntry]:
    return list(db.session.scalars(round_entries_query(round_)).unique())


def has_scores(round_: Round) -> bool:
    return bool(db.session.scalar(
        select(func.count(ScoreSheet.id)).join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id).where(RoundEntry.round_id == round_.id)
    ))


# --- creating and editing ---------------------------------------------------------------------

def _clean(event: Event, data: dict[str, Any], current: Round | None = None) -> dict[str, Any]:
    name = (data.get("name") or "").strip()
    if not name:
        raise JudgingError(_("Nama babak wajib diisi."), "name")
    try:
        kind = RoundKind(data.get("kind") or (current.kind if current else ""))
    except ValueError:
        raise JudgingError(_("Jenis babak tidak dikenal."), "kind") from None
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if not isinstance(opens_at, datetime) or not isinstance(closes_at, datetime):
        raise JudgingError(_("Waktu buka dan tutup babak wajib diisi."), "closes_at")
    if closes_at <= opens_at:
        raise JudgingError(_("Waktu tutup babak harus sesudah waktu buka."), "closes_at")
    k = data.get("judges_per_entry", 3)
    if not isinstance(k, int) or not 1 <= k <= 20:
        raise JudgingError(_("Jumlah juri per entri harus antara 1 dan 20."), "judges_per_entry")
    top_n = data.get("advance_top_n")
    if top_n is not None and (not isinstance(top_n, int) or top_n < 1):
        raise JudgingError(_("Jumlah yang lolos harus bilangan bulat positif."), "advance_top_n")
    places = data.get("award_places")
    if places is None:  # not given (or the field left empty): as it was, 6 for a new round
        places = current.award_places if current else awards.DEFAULT_PLACES
    if not isinstance(places, int) or not 0 <= places <= awards.MAX_PLACES:
        raise JudgingError(_("Jumlah tempat penghargaan harus antara 0 dan %(n)d.", n=awards.MAX_PLACES),
                           "award_places")
    labels = awards.parse_labels(data.get("award_labels", current.award_labels if current else None))
    if labels and len(labels) < places:
        raise JudgingError(_("Tuliskan satu label untuk setiap tempat penghargaan (%(n)d tempat, %(k)d label).",
                             n=places, k=len(labels)), "award_labels")
    if any(len(label) > awards.LABEL_MAX for label in labels):
        raise JudgingError(_("Label penghargaan paling panjang %(n)d karakter.", n=awards.LABEL_MAX), "award_labels")
    if len(set(labels[:places])) < len(labels[:places]):
        raise JudgingError(_("Setiap tempat penghargaan perlu label yang berbeda."), "award_labels")
    return {
        "name": name[:200], "kind": kind, "opens_at": opens_at, "closes_at": closes_at,
        "judges_per_entry": k, "blind": bool(data.get("blind")),
        "use_category_panels": bool(data.get("use_category_panels")),
        "advance_top_n": top_n, "advance_per_category": bool(data.get("advance_per_category")),
        "award_places": places,
        "award_per_category": bool(data.get("award_per_category",
                                            current.award_per_category if current else True)),
        # the defaults are stored as None, so a change of the default labels reaches such rounds
        "award_labels": "\n".join(labels) if labels and labels != awards.DEFAULT_LABELS else None,
    }


def sync_blind_flag(event: Event) -> None:
    """``event.blind_judging``: some round of the event is blind (the events area reads it)."""
    blind = any(r.blind for r in rounds_of(event))
    if event.blind_judging != blind:
        event.blind_judging = blind
        db.session.flush()


def _rubric_copy_for(round_: Round, source: Rubric) -> Rubric:
    rubrics.check_weights(source)
    return rubrics.copy_rubric(source, code=f"babak-{round_.id}-{source.code}"[:40],
                               name=f"{source.name} · {round_.name}"[:200])


def create_round(event: Event, data: dict[str, Any], *, rubric: Rubric | None = None, by: User) -> Round:
    """A new last round. A scored round needs a rubric (copied for the round)."""
    values = _clean(event, data)
    if values["kind"] != RoundKind.ADMINISTRASI and rubric is None:
        raise JudgingError(_("Babak penilaian membutuhkan rubrik."), "rubric")
    position = (db.session.scalar(select(func.max(Round.position)).where(Round.event_id == event.id)) or 0) + 1
    round_ = Round(event=event, position=position, **values)
    db.session.add(round_)
    db.session.flush()
    if values["kind"] != RoundKind.ADMINISTRASI:
        round_.rubric = _rubric_copy_for(round_, rubric)
    db.session.flush()
    sync_blind_flag(event)
    record("judging.round_create", actor=by, obj=round_,
           summary=say("Babak %(position)d %(round)s dibuat untuk %(event)s", position=position, round=round_.name,
                       event=event.name))
    return round_


FIELDS = ["name", "kind", "opens_at", "closes_at", "judges_per_entry", "blind", "use_category_panels",
          "advance_top_n", "advance_per_category", "award_places", "award_per_category", "award_labels"]


def update_round(round_: Round, data: dict[str, Any], *, rubric: Rubric | None = None, by: User,
                 version: object = None) -> Round:
    """Change a round. Its rubric can be replaced only while nobody has scored in it; nothing changes
    while its result is published. ``version``: the edit version the form was loaded from (a save
    based on an older one is refused, ``concurrency.StaleEdit``); None (the CLI, tests) takes the current."""
    policy.require_unpublished(round_, _("pengaturan dan waktu babak"))
    values = _clean(round_.event, data, round_)
    if values["kind"] != round_.kind and has_scores(round_):
        raise JudgingError(_("Jenis babak tidak dapat diubah karena sudah ada nilai."), "kind")
    before = snapshot(round_, FIELDS)
    rubric_before = round_.rubric
    for name, value in values.items():
        setattr(round_, name, value)
    if round_.kind == RoundKind.ADMINISTRASI:
        if round_.rubric_id is not None and has_scores(round_):
            raise JudgingError(_("Babak ini sudah dinilai dengan rubrik; jenisnya tidak dapat diubah."), "kind")
        round_.rubric = None
    elif rubric is not None and (round_.rubric is None or rubric.id != round_.rubric_id):
        if has_scores(round_):
            raise JudgingError(_("Rubrik tidak dapat diganti karena juri sudah menilai di babak ini. "
                                 "Ubah bobot kriterianya saja."), "rubric")
        round_.rubric = _rubric_copy_for(round_, rubric)
    elif round_.rubric is None:
        raise JudgingError(_("Babak penilaian membutuhkan rubrik."), "rubric")
    changes = diff(round_, FIELDS, before)
    if round_.rubric is not rubric_before:
        changes["rubrik"] = [rubric_before.name if rubric_before else None, round_.rubric.name if round_.rubric else None]
    if not changes:
        return round_  # the same values again: nothing changes, nothing is logged
    claim(round_, version, required=version is not None)
    db.session.flush()
    sync_blind_flag(round_.event)
    record("judging.round_update", actor=by, obj=round_, changes=changes,
           summary=say("Babak %(position)d %(round)s diubah", position=round_.position, round=round_.name))
    return round_


def move_round(round_: Round, direction: str, *, by: User) -> Round:
    """Swap with the neighbouring round (``up`` or ``down``)."""
    other = previous_round(round_) if direction == "up" else next_round(round_) if direction == "down" else None
    if other is None:
        raise JudgingError(_("Babak ini tidak dapat dipindahkan ke arah itu."))
    for moved in (round_, other):
        policy.require_unpublished(moved, _("urutan babak"))
    if has_scores(round_) or has_scores(other) or round_entries(round_) and round_entries(other):
        raise JudgingError(_("Urutan babak yang sudah berisi entri atau nilai tidak dapat ditukar."))
    mine, theirs = round_.position, other.position
    round_.position = -mine
    db.session.flush()
    other.position = mine
    db.session.flush()
    round_.position = theirs
    db.session.flush()
    record("judging.round_move", actor=by, obj=round_, changes={"position": [mine, theirs]},
           summary=say("Babak %(round)s dipindah ke urutan %(position)d", round=round_.name, position=theirs))
    return round_


def delete_round(round_: Round, *, by: User) -> None:
    policy.require_unpublished(round_, _("babak"))
    if round_entries(round_):
        raise JudgingError(_("Babak yang sudah berisi entri tidak dapat dihapus."))
    event, name = round_.event, round_.name
    rubric = round_.rubric
    db.session.delete(round_)
    db.session.flush()
    if rubric is not None and not rubric.builtin:
        db.session.delete(rubric)
    later = db.session.scalars(select(Round).where(Round.event_id == event.id).order_by(Round.position)).all()
    for i, other in enumerate(later, start=1):
        if other.position != i:
            other.position = i
            db.session.flush()
    sync_blind_flag(event)
    record("judging.round_delete", actor=by, object_type="judging_round",
           summary=say("Babak %(round)s dihapus dari %(event)s", round=name, event=event.name))


def create_default_rounds(event: Event, *, by: User, now: datetime | None = None) -> list[Round]:
    """Seleksi administrasi, Penilaian presentasi (IGA rubric, 3 judges, top 5 advance), Final (six
    awards per category: Juara 1-3, Harapan 1-3; the earlier rounds award none).

    Windows start when the event's submission window and its extensions close (or now, if later). Refused when the
    event already has rounds. Submitted entries go straight into the first round.
    """
    if rounds_of(event):
        raise JudgingError(_("Event ini sudah memiliki babak penjurian."))
    rubrics.seed_builtin_rubrics(by=by)
    iga = rubrics.get_by_code(rubrics.IGA_CODE)
    start = max(entries_open_until(event), now or utcnow())
    day = timedelta(days=1)
    plan = [
        ({"name": _("Seleksi administrasi"), "kind": RoundKind.ADMINISTRASI, "opens_at": start,
          "closes_at": start + 3 * day, "judges_per_entry": 1, "award_places": 0}, None),
        # a qualifying round: its outcome is who advances; the awards are the final's
        ({"name": _("Penilaian presentasi"), "kind": RoundKind.PENILAIAN, "opens_at": start + 3 * day,
          "closes_at": start + 10 * day, "judges_per_entry": 3, "advance_top_n": DEFAULT_FINALISTS,
          "award_places": 0}, iga),
        ({"name": _("Final"), "kind": RoundKind.FINAL, "opens_at": start + 10 * day,
          "closes_at": start + 14 * day, "judges_per_entry": 3}, iga),
    ]
    made = [create_round(event, data, rubric=rubric, by=by) for data, rubric in plan]
    populate_first_round(made[0], by=by)
    return made


def populate_first_round(round_: Round, *, by: User) -> list[RoundEntry]:
    """Add the event's submitted entries that are not in the round yet (the first round only)."""
    if previous_round(round_) is not None:
        raise JudgingError(_("Hanya babak pertama yang diisi dari entri terkirim; babak berikutnya "
                             "diisi lewat keputusan lolos."))
    policy.require_unpublished(round_, _("daftar entri babak"))
    present = set(db.session.scalars(select(RoundEntry.entry_id).where(RoundEntry.round_id == round_.id)))
    entries = db.session.scalars(
        select(Entry).where(Entry.event_id == round_.event_id, Entry.status == EntryStatus.SUBMITTED).order_by(Entry.id)
    ).unique().all()
    added = [RoundEntry(round=round_, entry=e) for e in entries if e.id not in present]
    db.session.add_all(added)
    db.session.flush()
    if added:
        record("judging.round_populate", actor=by, obj=round_,
               summary=say_n("%(num)d entri terkirim masuk ke babak %(round)s", "%(num)d entri terkirim masuk ke babak %(round)s",
                             len(added), round=round_.name))
        mark_changed(round_)
    return added


# --- administrative selection -----------------------------------------------------------------

@dataclass
class Suggestion:
    passed: bool
    reason: str
    gaps: list = field(default_factory=list)


def suggest(entry: Entry) -> Suggestion:
    """From the readiness checklist: fail when a mandatory item is missing, else pass."""
    readiness = assess(entry.innovation).readiness
    if readiness.blocking:
        reason = _("Belum lengkap: %(items)s", items="; ".join(str(g.message) for g in readiness.blocking))
        return Suggestion(False, reason, readiness.gaps)
    return Suggestion(True, _("Persyaratan administrasi lengkap."), readiness.gaps)


def entries_open_until(event: Event) -> datetime:
    """When the event's entries can no longer change: its close, or its latest extension (one statement)."""
    latest = db.session.scalar(select(func.max(DeadlineExtension.closes_at))
                               .where(DeadlineExtension.event_id == event.id))
    return max(event.closes_at, latest) if latest is not None else event.closes_at


def entries_open_refusal(round_: Round, what: str, now: datetime | None = None) -> str | None:
    """Why ``what`` should wait: the round's entries can still change (submissions or an extension open).
    The latest extension is read with the round (``Round.extensions_close``, which the results' cache
    key reads too), so a page that shows the results costs no statement more for it."""
    event = round_.event
    until = max(event.closes_at, round_.extensions_close or event.closes_at)
    if (now or utcnow()) >= until:
        return None
    return _("Pendaftaran %(event)s masih terbuka sampai %(until)s (termasuk perpanjangan): entri masih dapat "
             "dikirim, diubah atau ditarik, jadi %(what)s sekarang dapat melewatkan kiriman yang sah. Tunggu "
             "sampai pendaftaran ditutup, atau tuliskan alasan untuk tetap melanjutkan.",
             event=round_.event.name, until=format_local(until), what=what)


def require_entries_settled(round_: Round, what: str, override_reason: str | None,
                            now: datetime | None = None) -> str | None:
    """Refuse ``what`` while the round's entries can still change, unless the admin gives a written
    reason; returns that reason (None when the entries were settled anyway), for the audit log."""
    refusal = entries_open_refusal(round_, what, now)
    if refusal is None:
        return None
    if not (override_reason or "").strip():
        raise JudgingError(refusal, "override_reason")
    return policy.require_reason(override_reason, _("melanjutkan sebelum pendaftaran ditutup"), "override_reason")


def decide(round_entry: RoundEntry, passed: bool, reason: str, *, by: User, now: datetime | None = None,
           override_reason: str | None = None) -> RoundEntry:
    """The admin's pass/fail decision in an administrative round (a reason is required to fail).

    Refused while the event's entries can still change, unless ``override_reason`` says why not wait."""
    if round_entry.round.kind != RoundKind.ADMINISTRASI:
        raise JudgingError(_("Keputusan lolos/tidak lolos langsung hanya untuk seleksi administrasi."))
    if round_entry.status in (RoundEntryStatus.ADVANCED, RoundEntryStatus.ELIMINATED):
        raise JudgingError(_("Entri ini sudah diteruskan ke babak berikutnya; keputusannya tidak dapat diubah."))
    policy.require_unpublished(round_entry.round, _("keputusan seleksi"))
    reason = (reason or "").strip()
    if not passed and not reason:
        raise JudgingError(_("Tuliskan alasan bila entri tidak lolos."), "reason")
    early = require_entries_settled(round_entry.round, _("memutuskan seleksi"), override_reason, now)
    old = round_entry.status
    round_entry.status = RoundEntryStatus.PASSED if passed else RoundEntryStatus.FAILED
    round_entry.decision_reason = reason[:2000]
    round_entry.decided_by_id = by.id
    round_entry.decided_at = now or utcnow()
    db.session.flush()
    changes = {"status": [old, round_entry.status]}
    if early:
        changes["sebelum_pendaftaran_ditutup"] = early
    record("judging.admin_decision", actor=by, obj=round_entry, changes=changes,
           summary=(say("%(innovation)s: lolos seleksi administrasi (%(reason)s)",
                        innovation=round_entry.entry.innovation.nama, reason=reason[:200]) if passed
                    else say("%(innovation)s: tidak lolos seleksi administrasi (%(reason)s)",
                             innovation=round_entry.entry.innovation.nama, reason=reason[:200])))
    return round_entry
