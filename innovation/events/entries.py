"""Entries: an OPD's innovations entered into an Innovation Week, as drafts, submitted or withdrawn.

Every change checks the OPD's effective deadline (``services.require_open``) and is audit-logged;
``now`` is injectable so tests can check the window to the second.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, lazyload

from innovation.audit.services import Say, diff, record, say, snapshot
from innovation.auth.models import User
from innovation.events.models import Category, Entry, EntryStatus, Event
from innovation.events.services import EventError, flush_unique, require_category_in, require_open
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd
from innovation.timeutil import format_local

# --- entries ---------------------------------------------------------------------------------

class OpdEntryRow(NamedTuple):
    innovation: Innovation
    entry: Entry | None


def entries_for_opd(event: Event, opd_id: int) -> list[OpdEntryRow]:
    """Every innovation of the OPD with its entry in this event (None when not entered), one query."""
    rows = db.session.execute(
        select(Innovation, Entry)
        .outerjoin(Entry, and_(Entry.innovation_id == Innovation.id, Entry.event_id == event.id))
        # Entry's eager loads are inner joins, which would drop innovations not entered: load the
        # category by an outer join; event, innovation and OPD are already in the identity map.
        .options(
            joinedload(Entry.category, innerjoin=False),
            lazyload(Entry.event), lazyload(Entry.innovation), lazyload(Entry.opd),
        )
        .where(Innovation.opd_id == opd_id)
        .order_by(Innovation.nama, Innovation.id)
    ).unique()
    return [OpdEntryRow(innovation, entry) for innovation, entry in rows]


def entries_query(event: Event, *, category_id: int | None = None, status: str | None = None,
                  opd_id: int | None = None):
    """The select() behind the admin's entries list (paginated by the view)."""
    query = (
        select(Entry).join(Entry.innovation).join(Entry.opd)
        .where(Entry.event_id == event.id)
        .order_by(Opd.name, Innovation.nama, Entry.id)
    )
    if category_id:
        query = query.where(Entry.category_id == category_id)
    if status:
        query = query.where(Entry.status == EntryStatus(status))
    if opd_id:
        query = query.where(Entry.opd_id == opd_id)
    return query


def _acting(by: User, opd_id: int) -> dict:
    """Audit detail when an admin acts for an OPD."""
    return {"on_behalf_of_opd_id": opd_id} if by.is_admin else {}


def _by(by: User) -> Say | str:
    """Who entered the innovation, for the summaries: nothing, or " (oleh admin atas nama OPD)"."""
    return say(" (oleh admin atas nama OPD)") if by.is_admin else ""


def _existing_entry(event: Event, innovation: Innovation) -> Entry | None:
    return db.session.scalar(
        select(Entry).where(Entry.event_id == event.id, Entry.innovation_id == innovation.id)
    )


def enter_innovation(
    event: Event, innovation: Innovation, category: Category, *, by: User, now: datetime | None = None
) -> Entry:
    """Enter an innovation into the event in one category, as a draft (a withdrawn entry is re-entered)."""
    if not innovation.can_edit(by):
        raise EventError(_("Anda tidak berhak mendaftarkan inovasi OPD lain."))
    require_category_in(event, category)
    require_open(event, innovation.opd_id, now)
    existing = _existing_entry(event, innovation)
    if existing is not None:
        if existing.status != EntryStatus.WITHDRAWN:
            raise EventError(_(
                "Inovasi \"%(name)s\" sudah terdaftar di event ini (kategori %(category)s).",
                name=innovation.nama, category=existing.category.name,
            ))
        before = snapshot(existing, ["status", "category_id"])
        existing.status = EntryStatus.DRAFT
        existing.category = category
        existing.category_id = category.id
        existing.withdrawn_at = None
        existing.submitted_at = None
        db.session.flush()
        record("entry.reenter", actor=by, obj=existing,
               summary=say("Inovasi didaftarkan ulang ke %(event)s: %(innovation)s (%(category)s)%(by)s", event=event.name,
                           innovation=innovation.nama, category=category.name, by=_by(by)),
               changes={**diff(existing, ["status", "category_id"], before), **_acting(by, existing.opd_id)})
        return existing
    entry = Entry(
        event=event, event_id=event.id, innovation=innovation, innovation_id=innovation.id,
        category=category, category_id=category.id, opd_id=innovation.opd_id, opd=innovation.opd,
        status=EntryStatus.DRAFT, created_by_id=by.id,
    )
    flush_unique(_("Inovasi \"%(name)s\" sudah terdaftar di event ini.", name=innovation.nama), add=entry)
    record("entry.create", actor=by, obj=entry,
           summary=say("Inovasi didaftarkan ke %(event)s: %(innovation)s (%(category)s)%(by)s", event=event.name,
                       innovation=innovation.nama, category=category.name, by=_by(by)),
           changes={"event_id": event.id, "innovation_id": innovation.id, "category": category.name,
                    **_acting(by, entry.opd_id)})
    return entry


def _require_entry_change(entry: Entry, by: User, now: datetime | None) -> None:
    if not entry.can_edit(by):
        raise EventError(_("Anda tidak berhak mengubah entri OPD lain."))
    require_open(entry.event, entry.opd_id, now)


def change_category(entry: Entry, category: Category, *, by: User, now: datetime | None = None) -> Entry:
    """Move an entry to another category of its event; a submitted entry stays submitted."""
    _require_entry_change(entry, by, now)
    require_category_in(entry.event, category)
    if entry.status == EntryStatus.WITHDRAWN:
        raise EventError(_("Entri ini sudah ditarik. Daftarkan ulang inovasinya untuk memilih kategori."))
    if category.id == entry.category_id:
        return entry
    old = entry.category.name
    entry.category = category
    entry.category_id = category.id
    db.session.flush()
    record("entry.category", actor=by, obj=entry,
           summary=say("Kategori entri %(innovation)s diubah: %(old)s -> %(new)s%(by)s", innovation=entry.innovation.nama,
                       old=old, new=category.name, by=_by(by)),
           changes={"category": [old, category.name], **_acting(by, entry.opd_id)})
    return entry


def submit_entry(entry: Entry, *, by: User, now: datetime | None = None) -> Entry:
    """Send the entry to the committee (a draft, or a withdrawn entry submitted again)."""
    now = now or utcnow()
    _require_entry_change(entry, by, now)
    if entry.status == EntryStatus.SUBMITTED:
        raise EventError(_("Entri ini sudah dikirim pada %(at)s.", at=format_local(entry.submitted_at)))
    old = entry.status
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = now
    entry.withdrawn_at = None
    db.session.flush()
    record("entry.submit", actor=by, obj=entry,
           summary=say("Entri dikirim: %(innovation)s (%(event)s)%(by)s", innovation=entry.innovation.nama,
                       event=entry.event.name, by=_by(by)),
           changes={"status": [old, entry.status], "submitted_at": now, **_acting(by, entry.opd_id)})
    return entry


def withdraw_entry(entry: Entry, *, by: User, now: datetime | None = None) -> Entry:
    """Take the entry back; it may be re-entered or submitted again before the deadline."""
    now = now or utcnow()
    _require_entry_change(entry, by, now)
    if entry.status == EntryStatus.WITHDRAWN:
        raise EventError(_("Entri ini sudah ditarik."))
    old = entry.status
    entry.status = EntryStatus.WITHDRAWN
    entry.withdrawn_at = now
    db.session.flush()
    record("entry.withdraw", actor=by, obj=entry,
           summary=say("Entri ditarik: %(innovation)s (%(event)s)%(by)s", innovation=entry.innovation.nama,
                       event=entry.event.name, by=_by(by)),
           changes={"status": [old, entry.status], "withdrawn_at": now, **_acting(by, entry.opd_id)})
    return entry
