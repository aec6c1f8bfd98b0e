"""People's choice: the settings an admin saves, the ballot, a device's vote, and the tally.

One vote per device: the device is a random 32-byte token in a signed cookie (``device``), stored only as
its sha256, and the vote table's unique (event, device) key makes a device's second vote *replace* its
first while voting is open (a visitor who tapped the wrong entry can correct it; the change is audit-logged,
naming the vote row, not the visitor), so it never counts twice.
The tally is its own table and its own query: nothing here reads or writes the jury's scores or results.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from innovation.audit.services import record, say
from innovation.choice.models import ChoiceSettings, ChoiceVote
from innovation.concurrency import claim
from innovation.errors import DomainError
from innovation.events.models import Entry, EntryStatus, Event
from innovation.extensions import db, utcnow
from innovation.judging.models import Round, RoundEntry
from innovation.timeutil import format_local


class ChoiceError(DomainError):
    """A people's choice rule was broken (closed voting, an entry not on the ballot, wrong times)."""


def device_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def settings_of(event: Event) -> ChoiceSettings | None:
    return db.session.scalar(select(ChoiceSettings).where(ChoiceSettings.event_id == event.id))


def new_settings(event: Event) -> ChoiceSettings:
    """Unsaved settings for an event that has none yet: off, open for the event's day of Innovation Week."""
    return ChoiceSettings(event_id=event.id, event=event, enabled=False, opens_at=event.closes_at,
                          closes_at=event.closes_at, round_id=None, publish_tally=False, version=1)


def rounds_of(event: Event) -> list[Round]:
    return list(db.session.scalars(select(Round).where(Round.event_id == event.id).order_by(Round.position)))


@dataclass(frozen=True)
class Status:
    code: str  # "off", "before", "open", "closed"
    message: str


def status(settings: ChoiceSettings | None, now: datetime | None = None) -> Status:
    now = now or utcnow()
    if settings is None or not settings.enabled:
        return Status("off", _("Pilihan pengunjung tidak diadakan pada acara ini."))
    if now < settings.opens_at:
        return Status("before", _("Pemungutan suara belum dibuka. Dibuka %(when)s.", when=format_local(settings.opens_at)))
    if now >= settings.closes_at:
        return Status("closed", _("Pemungutan suara sudah ditutup (%(when)s). Terima kasih atas partisipasi Anda.",
                                  when=format_local(settings.closes_at)))
    return Status("open", _("Pemungutan suara dibuka sampai %(when)s.", when=format_local(settings.closes_at)))


def ballot(settings: ChoiceSettings) -> list[Entry]:
    """The entries a visitor may vote for: those of the chosen round (if it still belongs to the event), else
    every submitted entry; ordered by OPD and name so the list is stable."""
    query = select(Entry).where(Entry.event_id == settings.event_id)
    if settings.round_id is not None:  # the round's entries (one withdrawn since is off the ballot)
        query = query.where(Entry.status != EntryStatus.WITHDRAWN, Entry.id.in_(
            select(RoundEntry.entry_id).join(Round).where(RoundEntry.round_id == settings.round_id,
                                                          Round.event_id == settings.event_id)))
    else:
        query = query.where(Entry.status == EntryStatus.SUBMITTED)
    entries = list(db.session.scalars(query))
    return sorted(entries, key=lambda e: (e.opd.name.lower(), e.innovation.nama.lower(), e.id))


def save_settings(event: Event, current: ChoiceSettings | None, *, enabled: bool, opens_at: datetime,
                  closes_at: datetime, round_id: int | None, publish_tally: bool, version: object,
                  by) -> dict[str, list]:
    """Save the admin's settings (refused if someone saved since the form was loaded); returns the changes,
    recorded in the audit log."""
    if closes_at <= opens_at:
        raise ChoiceError(_("Waktu tutup harus sesudah waktu buka."), "closes_at")
    if round_id is not None and round_id not in {r.id for r in rounds_of(event)}:
        raise ChoiceError(_("Pilih babak dari acara ini."), "round_id")
    settings = current or new_settings(event)
    fields = ("enabled", "opens_at", "closes_at", "round_id", "publish_tally")
    before = {name: getattr(settings, name) for name in fields} if current is not None else {}
    after = {"enabled": enabled, "opens_at": opens_at, "closes_at": closes_at, "round_id": round_id,
             "publish_tally": publish_tally}
    changes = {name: [before.get(name), after[name]] for name in fields if before.get(name) != after[name]}
    if current is not None and not changes:
        return {}
    if current is None:
        db.session.add(settings)
        db.session.flush()
    else:
        claim(settings, version)
    for name, value in after.items():
        setattr(settings, name, value)
    settings.updated_at = utcnow()
    settings.updated_by_id = by.id
    record("choice.settings", actor=by, obj=settings,
           summary=say("Pengaturan pilihan pengunjung %(event)s diubah", event=event.name), changes=changes)
    return changes


def vote_of(settings: ChoiceSettings, token: str | None) -> ChoiceVote | None:
    if not token:
        return None
    return db.session.scalar(select(ChoiceVote).where(ChoiceVote.event_id == settings.event_id,
                                                      ChoiceVote.device_hash == device_hash(token)))


def cast_vote(settings: ChoiceSettings | None, token: str, entry_id: int | None,
              now: datetime | None = None) -> tuple[ChoiceVote, bool]:
    """The device's vote for ``entry_id``: a new vote, or its earlier vote moved to this entry (returns the
    vote and whether it was changed). Refused when voting is not open or the entry is not on the ballot."""
    now = now or utcnow()
    state = status(settings, now)
    if state.code != "open":
        raise ChoiceError(state.message)
    if entry_id is None or entry_id not in {e.id for e in ballot(settings)}:
        raise ChoiceError(_("Pilih salah satu inovasi dari daftar."), "entry")
    vote = vote_of(settings, token)
    if vote is not None:
        changed = vote.entry_id != entry_id
        _move_vote(settings, vote, entry_id, now)
        return vote, changed
    vote = ChoiceVote(event_id=settings.event_id, device_hash=device_hash(token), entry_id=entry_id,
                      created_at=now, updated_at=now)
    # A second tab of the same device racing this one meets the unique key: the savepoint keeps the request's
    # transaction usable, and the other tab's vote is then this device's vote, moved to this entry.
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        vote = vote_of(settings, token)
        if vote is None:
            raise
        _move_vote(settings, vote, entry_id, now)
        return vote, True
    return vote, False


def _move_vote(settings: ChoiceSettings, vote: ChoiceVote, entry_id: int, now: datetime) -> None:
    """A device's vote moved to ``entry_id``; a real change (another entry) is audit-logged. The event names
    the vote row and the two entries, nothing of the visitor: no account, address or device token (the row
    holds only the token's sha256, as before)."""
    before = vote.entry_id
    vote.entry_id = entry_id
    vote.updated_at = now
    if before != entry_id:
        record("choice.vote_change", actor=None, obj=vote,
               summary=say("Seorang pengunjung mengganti pilihannya pada %(event)s", event=settings.event.name),
               changes={"entry_id": [before, entry_id]})


@dataclass(frozen=True)
class TallyRow:
    entry: Entry
    votes: int
    share: float  # of all votes, 0..1


@dataclass(frozen=True)
class Tally:
    rows: list[TallyRow]
    total: int
    devices: int


def tally(settings: ChoiceSettings) -> Tally:
    """Votes per entry on the ballot (most first, then by OPD and title), counted from the vote table alone."""
    counts = dict(db.session.execute(select(ChoiceVote.entry_id, func.count(ChoiceVote.id))
                                     .where(ChoiceVote.event_id == settings.event_id)
                                     .group_by(ChoiceVote.entry_id)).all())
    entries = {e.id: e for e in ballot(settings)}
    for entry_id in counts:  # a vote for an entry taken off the ballot since still shows
        if entry_id not in entries:
            found = db.session.get(Entry, entry_id)
            if found is not None:
                entries[entry_id] = found
    total = sum(counts.values())
    rows = [TallyRow(e, counts.get(e.id, 0), counts.get(e.id, 0) / total if total else 0.0)
            for e in entries.values()]
    rows.sort(key=lambda r: (-r.votes, r.entry.opd.name.lower(), r.entry.innovation.nama.lower()))
    return Tally(rows, total, total)


def published_tally(event: Event, now: datetime | None = None) -> Tally | None:
    """The tally for the public results page: only when the admin chose to publish it and voting has closed."""
    settings = settings_of(event)
    if settings is None or not settings.publish_tally or status(settings, now).code != "closed":
        return None
    return tally(settings)
