"""A round's presentation schedule: settings, order of presentation (by hand or drawn), slots in WIT,
and what an OPD's operator is told. Plain operations: they flush, log, and never commit.

- Who presents: the round's entries still in it (not failed, not eliminated), one slot each; an entry
  that joins later is added at the end, one that left is dropped (``sync_slots``).
- The order: set by hand (``set_order``) or drawn (``draw``). A draw sorts the entries by their id,
  then shuffles them with ``random.Random(seed)`` (``drawn_order``, pure): the seed is logged with the
  order it gave, so anyone can recompute the draw. The seed is the chair's, or 16 random hex digits.
- Times: slot *n* starts ``(n - 1) * (presentation + Q&A + changeover)`` minutes after the first slot;
  times are stored in UTC and shown in WIT (``timeutil``).
- A slot whose time or room changes after it was first set keeps the old ones (``previous_starts_at``,
  ``previous_room``) with ``changed_at``, worded when read in the reader's language (``change_note``),
  and an outbox event ``schedule.slot_changed`` is recorded for notifications; the operator's pages
  show the change until they mark it seen (``acknowledge``).
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from innovation.audit.services import Say, diff, record, say, snapshot
from innovation.auth.models import User
from innovation.concurrency import claim
from innovation.events.models import Entry
from innovation.extensions import db, utcnow
from innovation.judging import policy
from innovation.judging.errors import JudgingError
from innovation.judging.models import Round, RoundEntry, RoundEntryStatus
from innovation.judging.schedule_models import OrderMethod, PresentationSchedule, PresentationSlot
from innovation.outbox.services import emit
from innovation.timeutil import format_local

SETTINGS = ["starts_at", "room", "presentation_minutes", "qa_minutes", "changeover_minutes"]
MAX_MINUTES = 240
SEED_MAX = 64
LEFT = (RoundEntryStatus.FAILED, RoundEntryStatus.ELIMINATED)


# --- pure ---------------------------------------------------------------------------------------


def drawn_order(round_entry_ids: Iterable[int], seed: str) -> list[int]:
    """The draw: the ids sorted, then shuffled by ``random.Random(seed)`` (Python's seeding of a str
    seed and its shuffle are stable across versions, so the same seed always gives the same order)."""
    ids = sorted(round_entry_ids)
    random.Random(seed).shuffle(ids)
    return ids


def slot_start(first: datetime, position: int, slot_minutes: int) -> datetime:
    return first + timedelta(minutes=(position - 1) * slot_minutes)


# --- reading ------------------------------------------------------------------------------------


def schedule_of(round_: Round) -> PresentationSchedule | None:
    return db.session.scalar(select(PresentationSchedule).where(PresentationSchedule.round_id == round_.id))


def presenting_entries(round_: Round) -> list[RoundEntry]:
    return list(db.session.scalars(
        select(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.status.not_in(LEFT))
        .order_by(RoundEntry.id)))


def slots_of_opd(opd_id: int) -> list[PresentationSlot]:
    """An OPD's slots in every round, soonest first (the operator's schedule page)."""
    return list(db.session.scalars(
        select(PresentationSlot).join(PresentationSlot.round_entry).join(RoundEntry.entry)
        .where(Entry.opd_id == opd_id).order_by(PresentationSlot.starts_at, PresentationSlot.id)))


def unseen_change_count(user: User) -> int:
    """How many of an operator's OPD's slots changed since they last looked (one small statement; 0
    without a statement for everyone else): the notice on every page of theirs."""
    if not user.is_authenticated or not user.is_operator or user.opd_id is None:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(PresentationSlot)
        .join(RoundEntry, PresentationSlot.round_entry_id == RoundEntry.id)
        .join(Entry, RoundEntry.entry_id == Entry.id)
        .where(Entry.opd_id == user.opd_id, PresentationSlot.changed_at.is_not(None),
               or_(PresentationSlot.seen_at.is_(None), PresentationSlot.seen_at < PresentationSlot.changed_at))) or 0


def change_note(slot: PresentationSlot) -> str:
    """What a slot was before its last change, in the reader's language, the time in WIT: "sebelumnya
    10-08-2026 08:00 WIT, Aula Bappeda". A note from before migration 0023 that it could not read back
    into values is shown as stored (Indonesian); "" when the slot never changed."""
    if slot.previous_starts_at is None:
        return slot.legacy_change_note
    before = f"{format_local(slot.previous_starts_at)}, {slot.previous_room or '—'}"
    return _("sebelumnya %(s)s", s=before)


def unseen_changes(opd_id: int | None) -> list[PresentationSlot]:
    if opd_id is None:
        return []
    return [slot for slot in slots_of_opd(opd_id) if slot.unseen_change]


# --- changing -----------------------------------------------------------------------------------


def _check_settings(data: dict[str, Any]) -> None:
    if data.get("starts_at") is None:
        raise JudgingError(_("Isi waktu mulai presentasi pertama."), "starts_at")
    for name in ("presentation_minutes", "qa_minutes", "changeover_minutes"):
        value = data.get(name)
        if not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
            raise JudgingError(_("Durasi harus 0 sampai %(n)d menit.", n=MAX_MINUTES), name)
    if data["presentation_minutes"] < 1:
        raise JudgingError(_("Durasi presentasi minimal 1 menit."), "presentation_minutes")


def save_schedule(round_: Round, data: dict[str, Any], *, by: User,
                  version: int | None = None) -> PresentationSchedule:
    """Create or change a round's schedule settings; the slots follow (new times, changes noted)."""
    policy.require_unpublished(round_, _("jadwal presentasi"))
    _check_settings(data)
    data = {**data, "room": " ".join((data.get("room") or "").split())[:120]}
    schedule = schedule_of(round_)
    if schedule is None:
        schedule = PresentationSchedule(round=round_, **{k: data[k] for k in SETTINGS})
        db.session.add(schedule)
        db.session.flush()
        record("schedule.create", actor=by, obj=schedule, summary=say("Jadwal presentasi %(round)s dibuat", round=round_.name),
               changes={k: [None, data[k]] for k in SETTINGS})
    else:
        claim(schedule, version)
        before = snapshot(schedule, SETTINGS)
        for key in SETTINGS:
            setattr(schedule, key, data[key])
        changes = diff(schedule, SETTINGS, before)
        if changes:
            record("schedule.update", actor=by, obj=schedule, summary=say("Jadwal presentasi %(round)s diubah", round=round_.name),
                   changes=changes)
    sync_slots(schedule, by=by)
    return schedule


def sync_slots(schedule: PresentationSchedule, *, by: User | None, order: Sequence[int] | None = None) -> None:
    """One slot per presenting entry, in ``order`` (round entry ids; default: the current order, newcomers
    last), timed from the schedule's settings. A time or room that changes on an existing slot is noted."""
    entries = {re_.id: re_ for re_ in presenting_entries(schedule.round)}
    existing = {slot.round_entry_id: slot for slot in schedule.slots}
    for round_entry_id, slot in list(existing.items()):
        if round_entry_id not in entries:
            schedule.slots.remove(slot)
            del existing[round_entry_id]
    if order is None:
        order = [s.round_entry_id for s in sorted(existing.values(), key=lambda s: (s.position, s.id))]
        order += [i for i in sorted(entries) if i not in existing]
    now = utcnow()
    for position, round_entry_id in enumerate(order, start=1):
        starts_at = slot_start(schedule.starts_at, position, schedule.slot_minutes)
        slot = existing.get(round_entry_id)
        if slot is None:
            schedule.slots.append(PresentationSlot(round_entry=entries[round_entry_id], position=position,
                                                   starts_at=starts_at, room=schedule.room))
            continue
        slot.position = position
        if slot.starts_at != starts_at or slot.room != schedule.room:
            slot.previous_starts_at, slot.previous_room, slot.legacy_change_note = slot.starts_at, slot.room, ""
            slot.starts_at, slot.room, slot.changed_at = starts_at, schedule.room, now
            emit("schedule.slot_changed", slot, data={
                "round_id": schedule.round_id, "entry_id": slot.round_entry.entry_id,
                "opd_id": slot.round_entry.entry.opd_id, "starts_at": starts_at.isoformat(), "room": slot.room,
            })
    db.session.flush()
    schedule.slots.sort(key=lambda s: s.position)


def _require_schedule(round_: Round) -> PresentationSchedule:
    schedule = schedule_of(round_)
    if schedule is None:
        raise JudgingError(_("Buat jadwal presentasi babak ini dulu."))
    policy.require_unpublished(round_, _("jadwal presentasi"))
    return schedule


def set_order(round_: Round, round_entry_ids: Sequence[int], *, by: User) -> PresentationSchedule:
    """The chair's order, by hand: every presenting entry exactly once."""
    schedule = _require_schedule(round_)
    present = {re_.id for re_ in presenting_entries(round_)}
    if len(round_entry_ids) != len(set(round_entry_ids)) or set(round_entry_ids) != present:
        raise JudgingError(_("Urutan harus memuat setiap entri tepat satu kali."))
    before = [s.round_entry_id for s in schedule.slots]
    schedule.order_method, schedule.draw_seed, schedule.drawn_at, schedule.drawn_by_id = (
        OrderMethod.MANUAL, None, None, None)
    sync_slots(schedule, by=by, order=list(round_entry_ids))
    schedule.version += 1
    record("schedule.order", actor=by, obj=schedule, summary=say("Urutan presentasi %(round)s diatur manual", round=round_.name),
           changes={"order": [before, list(round_entry_ids)]})
    return schedule


def draw(round_: Round, seed: str | None, *, by: User) -> PresentationSchedule:
    """Draw the order at random from ``seed`` (16 random hex digits when blank); logged, reproducible."""
    schedule = _require_schedule(round_)
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > SEED_MAX or not seed.isprintable():
        raise JudgingError(_("Seed undian paling panjang %(n)d karakter biasa.", n=SEED_MAX), "seed")
    ids = [re_.id for re_ in presenting_entries(round_)]
    if not ids:
        raise JudgingError(_("Belum ada entri untuk diundi."))
    order = drawn_order(ids, seed)
    before = [s.round_entry_id for s in schedule.slots]
    schedule.order_method, schedule.draw_seed, schedule.drawn_at, schedule.drawn_by_id = (
        OrderMethod.DRAW, seed, utcnow(), by.id)
    sync_slots(schedule, by=by, order=order)
    schedule.version += 1
    record("schedule.draw", actor=by, obj=schedule,
           summary=say("Urutan presentasi %(round)s diundi (seed %(seed)s)", round=round_.name, seed=seed),
           changes={"seed": [None, seed], "entries_sorted": [None, sorted(ids)], "order": [before, order]})
    return schedule


def acknowledge(slots: Iterable[PresentationSlot], *, by: User) -> int:
    """The operator has seen the changes of their slots (their own OPD's only)."""
    now, count = utcnow(), 0
    for slot in slots:
        if slot.unseen_change and by.belongs_to(slot.round_entry.entry.opd_id):
            slot.seen_at = now
            count += 1
            record("schedule.change_seen", actor=by, obj=slot, summary=say("Perubahan jadwal slot %(position)d dibaca", position=slot.position))
    db.session.flush()
    return count
