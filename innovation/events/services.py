"""Innovation Week events: windows, categories, per-OPD extensions and entries.

Services change models and flush; the view commits. Every broken rule raises ``EventError`` with
an Indonesian message (translated by Flask-Babel) and, when there is one, the form field it is about.
Every change is written to the audit log. ``now`` is a parameter everywhere a deadline matters, so
tests (and the CLI) can check the window to the second.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from innovation.audit.models import AuditEvent
from innovation.audit.services import diff, record, say, snapshot
from innovation.auth.models import User
from innovation.concurrency import claim
from innovation.errors import DomainError
from innovation.events.models import (
    DEFAULT_CATEGORIES,
    Category,
    DeadlineExtension,
    Entry,
    Event,
)
from innovation.extensions import db, utcnow
from innovation.orgs.models import Opd
from innovation.timeutil import format_local

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new"}
EVENT_FIELDS = ["name", "slug", "year", "description", "opens_at", "closes_at"]
MIN_YEAR, MAX_YEAR = 2000, 2100


class EventError(DomainError):
    """A broken rule about an event or an entry; ``field`` names the form field when there is one."""


# --- events ----------------------------------------------------------------------------------

def _clean_event(
    *, name: str, slug: str, year: int | None, description: str | None,
    opens_at: datetime | None, closes_at: datetime | None, event: Event | None = None,
) -> dict:
    name = (name or "").strip()
    if not name:
        raise EventError(_("Nama event wajib diisi."), "name")
    if len(name) > 200:
        raise EventError(_("Nama event paling panjang 200 karakter."), "name")
    slug = (slug or "").strip().lower()
    if not slug:
        raise EventError(_("Slug wajib diisi."), "slug")
    if len(slug) > 80 or not SLUG_RE.match(slug):
        raise EventError(_(
            "Slug hanya boleh berisi huruf kecil, angka dan tanda hubung (maksimal 80 karakter), "
            "misalnya innovation-week-2026."
        ), "slug")
    if slug in RESERVED_SLUGS:
        raise EventError(_("Slug \"%(slug)s\" tidak boleh dipakai.", slug=slug), "slug")
    taken = select(Event.id).where(Event.slug == slug)
    if event is not None and event.id is not None:
        taken = taken.where(Event.id != event.id)
    if db.session.scalar(taken) is not None:
        raise EventError(_("Slug \"%(slug)s\" sudah dipakai event lain.", slug=slug), "slug")
    if year is None or not (MIN_YEAR <= int(year) <= MAX_YEAR):
        raise EventError(_("Tahun harus di antara %(low)d dan %(high)d.", low=MIN_YEAR, high=MAX_YEAR), "year")
    if opens_at is None:
        raise EventError(_("Waktu pendaftaran dibuka wajib diisi."), "opens_at")
    if closes_at is None:
        raise EventError(_("Waktu pendaftaran ditutup wajib diisi."), "closes_at")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ValueError("event times must be timezone-aware (use timeutil.from_local)")
    if closes_at <= opens_at:
        raise EventError(_("Waktu ditutup harus sesudah waktu dibuka."), "closes_at")
    description = (description or "").replace("\r\n", "\n").strip()
    if len(description) > 20_000:
        raise EventError(_("Deskripsi terlalu panjang (maksimal 20.000 karakter)."), "description")
    return {
        "name": name, "slug": slug, "year": int(year), "description": description,
        "opens_at": opens_at, "closes_at": closes_at,
    }


def flush_unique(message: str, field: str | None = None, *, add: object | None = None) -> None:
    """Flush, turning a unique-constraint violation (a race the checks before could not see) into an EventError.

    A new row given as ``add`` is inserted inside a savepoint, so a duplicate leaves the session usable;
    after a failed update the caller (the view) rolls back.
    """
    try:
        with db.session.begin_nested():
            if add is not None:
                db.session.add(add)
            db.session.flush()
    except IntegrityError:
        raise EventError(message, field) from None


def create_event(
    *, name: str, slug: str, year: int, description: str = "", opens_at: datetime, closes_at: datetime,
    by: User, categories: Sequence[str] | None = None,
) -> Event:
    clean = _clean_event(
        name=name, slug=slug, year=year, description=description, opens_at=opens_at, closes_at=closes_at
    )
    names = _clean_category_names(DEFAULT_CATEGORIES if categories is None else categories)
    event = Event(**clean, created_by_id=by.id)
    event.categories = [Category(name=n, position=i) for i, n in enumerate(names)]
    flush_unique(_("Slug \"%(slug)s\" sudah dipakai event lain.", slug=clean["slug"]), "slug", add=event)
    record(
        "event.create", actor=by, obj=event,
        summary=say("Event dibuat: %(event)s (%(slug)s)", event=event.name, slug=event.slug),
        changes={**{k: clean[k] for k in EVENT_FIELDS if k != "description"}, "categories": names},
    )
    return event


def update_event(
    event: Event, *, name: str, slug: str, year: int, description: str = "", opens_at: datetime,
    closes_at: datetime, by: User, version: object = None,
) -> dict[str, list]:
    """Save the event's fields; returns the changes ({field: [old, new]}), also audit-logged.

    ``version`` is the edit version the form was loaded from: a change based on an older one is refused
    with what the other admin changed (``concurrency.StaleEdit``); ``None`` (the CLI, tests) changes the
    current version."""
    clean = _clean_event(
        name=name, slug=slug, year=year, description=description, opens_at=opens_at, closes_at=closes_at,
        event=event,
    )
    before = snapshot(event, EVENT_FIELDS)
    for key, value in clean.items():
        setattr(event, key, value)
    changes = diff(event, EVENT_FIELDS, before)
    if changes:
        claim(event, version, required=version is not None)
        flush_unique(_("Slug \"%(slug)s\" sudah dipakai event lain.", slug=clean["slug"]), "slug")
        record("event.update", actor=by, obj=event,
               summary=say("Event diubah: %(event)s (%(fields)s)", event=event.name, fields=", ".join(changes)),
               changes=changes)
    return changes


def renamed_event(slug: str, *, look_back: int = 50) -> Event | None:
    """The event that had ``slug`` before an admin changed it (the latest ``look_back`` event changes),
    so a form posted to the old address reaches its event and its stale-edit notice, not a 404."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "event.update",
                                                          AuditEvent.object_type == "event")
                                .order_by(AuditEvent.id.desc()).limit(look_back))
    for logged in events:
        old = (logged.changes or {}).get("slug")
        if isinstance(old, list) and old and old[0] == slug and logged.object_id is not None:
            return db.session.get(Event, logged.object_id)
    return None


# --- categories ------------------------------------------------------------------------------

def _clean_category_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise EventError(_("Nama kategori wajib diisi."), "name")
    if len(name) > 200:
        raise EventError(_("Nama kategori paling panjang 200 karakter."), "name")
    return name


def _clean_category_names(names: Iterable[str]) -> list[str]:
    clean: list[str] = []
    for raw in names:
        if not (raw or "").strip():
            continue
        name = _clean_category_name(raw)
        if name.casefold() in {n.casefold() for n in clean}:
            raise EventError(_("Kategori \"%(name)s\" tertulis dua kali.", name=name), "categories")
        clean.append(name)
    if not clean:
        raise EventError(_("Isi paling sedikit satu kategori."), "categories")
    return clean


def _ensure_name_free(event: Event, name: str, except_category: Category | None = None) -> None:
    for other in event.categories:
        if other is not except_category and other.name.casefold() == name.casefold():
            raise EventError(_("Kategori \"%(name)s\" sudah ada di event ini.", name=name), "name")


def _renumber(event: Event) -> None:
    event.categories.sort(key=lambda c: (c.position, c.id or 0))
    for position, category in enumerate(event.categories):
        category.position = position


def _entry_count(category: Category) -> int:
    if category.id is None:
        return 0
    return db.session.scalar(select(func.count(Entry.id)).where(Entry.category_id == category.id)) or 0


def require_category_in(event: Event, category: Category) -> Category:
    """The category, if it is one of the event's (an entry's category always is)."""
    if category.event_id != event.id:
        raise EventError(_("Kategori tidak termasuk event ini."), "category_id")
    return category


def category_entry_counts(event: Event) -> dict[int, int]:
    """{category_id: number of entries (any status)} for the event, in one query."""
    rows = db.session.execute(
        select(Entry.category_id, func.count(Entry.id)).where(Entry.event_id == event.id).group_by(Entry.category_id)
    )
    return {category_id: count for category_id, count in rows}


def set_categories(event: Event, names: Sequence[str], *, by: User) -> list[Category]:
    """Make the event's categories exactly ``names``, in that order (matched by name, case-insensitive).

    Categories kept keep their id (and their entries); a category left out is removed, which is
    refused while it has entries.
    """
    clean = _clean_category_names(names)
    by_name = {c.name.casefold(): c for c in event.categories}
    wanted = {n.casefold() for n in clean}
    for category in list(event.categories):
        if category.name.casefold() not in wanted:
            _refuse_if_used(category)
    before = [c.name for c in event.categories]
    for category in list(event.categories):
        if category.name.casefold() not in wanted:
            event.categories.remove(category)
    for position, name in enumerate(clean):
        category = by_name.get(name.casefold())
        if category is None:
            category = Category(name=name, position=position)
            event.categories.append(category)
        category.name = name
        category.position = position
    _renumber(event)
    flush_unique(_("Nama kategori sudah ada di event ini."), "categories")
    after = [c.name for c in event.categories]
    if after != before:
        record("event.categories", actor=by, obj=event, summary=say("Kategori %(event)s diatur ulang", event=event.name),
               changes={"categories": [before, after]})
    return event.categories


def add_category(event: Event, name: str, *, by: User) -> Category:
    name = _clean_category_name(name)
    _ensure_name_free(event, name)
    category = Category(name=name, position=len(event.categories))
    event.categories.append(category)
    flush_unique(_("Kategori \"%(name)s\" sudah ada di event ini.", name=name), "name")
    record("category.create", actor=by, obj=category, summary=say("Kategori ditambahkan ke %(event)s: %(name)s", event=event.name, name=name),
           changes={"event_id": event.id, "name": name})
    return category


def rename_category(event: Event, category: Category, name: str, *, by: User) -> Category:
    require_category_in(event, category)
    name = _clean_category_name(name)
    if name == category.name:
        return category
    _ensure_name_free(event, name, except_category=category)
    old = category.name
    category.name = name
    flush_unique(_("Kategori \"%(name)s\" sudah ada di event ini.", name=name), "name")
    record("category.rename", actor=by, obj=category, summary=say("Kategori %(event)s diganti nama: %(old)s -> %(new)s", event=event.name, old=old, new=name),
           changes={"name": [old, name]})
    return category


def move_category(event: Event, category: Category, direction: str, *, by: User) -> Category:
    """Move a category one place up or down in the event's order."""
    require_category_in(event, category)
    if direction not in ("up", "down"):
        raise EventError(_("Arah pemindahan tidak dikenal."))
    _renumber(event)
    ordered = list(event.categories)
    index = ordered.index(category)
    target = index - 1 if direction == "up" else index + 1
    if not (0 <= target < len(ordered)):
        return category
    other = ordered[target]
    category.position, other.position = other.position, category.position
    _renumber(event)
    db.session.flush()
    record("category.move", actor=by, obj=category,
           summary=say("Urutan kategori %(event)s: %(name)s ke posisi %(position)d", event=event.name, name=category.name,
                       position=category.position + 1),
           changes={"position": [index, category.position]})
    return category


def _refuse_if_used(category: Category) -> None:
    count = _entry_count(category)
    if count:
        raise EventError(_(
            "Kategori \"%(name)s\" tidak dapat dihapus karena sudah dipakai oleh %(count)d entri. "
            "Pindahkan entri tersebut ke kategori lain terlebih dahulu.",
            name=category.name, count=count,
        ), "categories")


def remove_category(event: Event, category: Category, *, by: User) -> None:
    require_category_in(event, category)
    _refuse_if_used(category)
    if len(event.categories) <= 1:
        raise EventError(_("Event harus punya paling sedikit satu kategori."))
    name, category_id = category.name, category.id
    event.categories.remove(category)
    _renumber(event)
    db.session.flush()
    record("category.delete", actor=by, object_type="category", object_id=category_id,
           summary=say("Kategori dihapus dari %(event)s: %(name)s", event=event.name, name=name), changes={"event_id": event.id, "name": name})


# --- deadlines -------------------------------------------------------------------------------

class SubmissionState(NamedTuple):
    """Whether an OPD may change its entries now, why (a sentence to show), until when, how long left."""

    open: bool
    reason: str
    deadline: datetime
    time_left: timedelta | None
    phase: str  # "before", "open" or "closed"
    extended: bool


def extension_for(event: Event, opd_id: int) -> DeadlineExtension | None:
    return db.session.scalar(
        select(DeadlineExtension).where(DeadlineExtension.event_id == event.id, DeadlineExtension.opd_id == opd_id)
    )


def list_extensions(event: Event) -> list[DeadlineExtension]:
    return list(db.session.scalars(
        select(DeadlineExtension).join(DeadlineExtension.opd)
        .where(DeadlineExtension.event_id == event.id).order_by(Opd.name)
    ).unique())


def _effective(event: Event, extension_closes_at: datetime | None) -> datetime:
    # An extension never shortens the window, even if the event's own close was later moved past it.
    if extension_closes_at is not None and extension_closes_at > event.closes_at:
        return extension_closes_at
    return event.closes_at


def effective_deadline(event: Event, opd_id: int | None) -> datetime:
    """The OPD's extension if it has one, else the event's close (one query)."""
    if opd_id is None:
        return event.closes_at
    extension_closes_at = db.session.scalar(
        select(DeadlineExtension.closes_at).where(
            DeadlineExtension.event_id == event.id, DeadlineExtension.opd_id == opd_id
        )
    )
    return _effective(event, extension_closes_at)


def _state(event: Event, deadline: datetime, now: datetime) -> SubmissionState:
    extended = deadline > event.closes_at
    if now < event.opens_at:
        return SubmissionState(
            False, _("Pendaftaran belum dibuka. Pendaftaran dibuka %(opens)s dan ditutup %(deadline)s.",
                     opens=format_local(event.opens_at), deadline=format_local(deadline)),
            deadline, None, "before", extended,
        )
    if now >= deadline:
        return SubmissionState(
            False, _("Batas waktu pendaftaran sudah lewat (%(deadline)s). Entri tidak dapat diubah lagi.",
                     deadline=format_local(deadline)),
            deadline, None, "closed", extended,
        )
    return SubmissionState(
        True, _("Pendaftaran dibuka sampai %(deadline)s.", deadline=format_local(deadline)),
        deadline, deadline - now, "open", extended,
    )


def submission_state(event: Event, opd_id: int | None, now: datetime | None = None) -> SubmissionState:
    """May ``opd_id`` change its entries at ``now``? The window is opens_at <= now < deadline."""
    return _state(event, effective_deadline(event, opd_id), now or utcnow())


def submission_states(events: Sequence[Event], opd_id: int | None, now: datetime | None = None) -> dict[int, SubmissionState]:
    """{event_id: state} for a list page, with the OPD's extensions read in one query."""
    now = now or utcnow()
    extensions: dict[int, datetime] = {}
    if opd_id is not None and events:
        extensions = dict(db.session.execute(
            select(DeadlineExtension.event_id, DeadlineExtension.closes_at).where(
                DeadlineExtension.opd_id == opd_id, DeadlineExtension.event_id.in_([e.id for e in events])
            )
        ).all())
    return {e.id: _state(e, _effective(e, extensions.get(e.id)), now) for e in events}


def require_open(event: Event, opd_id: int, now: datetime | None = None) -> SubmissionState:
    """The server-side deadline rule behind every change to an entry."""
    state = submission_state(event, opd_id, now)
    if not state.open:
        raise EventError(state.reason)
    return state


def _clean_extension(event: Event, closes_at: datetime | None, reason: str) -> tuple[datetime, str]:
    if closes_at is None:
        raise EventError(_("Batas waktu baru wajib diisi."), "closes_at")
    if closes_at.tzinfo is None:
        raise ValueError("extension time must be timezone-aware (use timeutil.from_local)")
    if closes_at <= event.closes_at:
        raise EventError(_(
            "Batas waktu baru harus sesudah penutupan event (%(closes)s).", closes=format_local(event.closes_at)
        ), "closes_at")
    reason = " ".join((reason or "").split())
    if not reason:
        raise EventError(_("Alasan perpanjangan wajib diisi."), "reason")
    if len(reason) > 500:
        raise EventError(_("Alasan paling panjang 500 karakter."), "reason")
    return closes_at, reason


def grant_extension(event: Event, opd: Opd, closes_at: datetime, reason: str, *, by: User) -> DeadlineExtension:
    """Give one OPD a later close; an OPD that already has one gets it changed."""
    closes_at, reason = _clean_extension(event, closes_at, reason)
    existing = extension_for(event, opd.id)
    if existing is not None:
        return update_extension(existing, closes_at, reason, by=by)
    extension = DeadlineExtension(
        event_id=event.id, opd_id=opd.id, opd=opd, closes_at=closes_at, reason=reason, granted_by_id=by.id
    )
    flush_unique(_("OPD ini sudah punya perpanjangan di event ini."), "opd_id", add=extension)
    record("extension.grant", actor=by, obj=extension,
           summary=say("Perpanjangan %(event)s untuk %(opd)s sampai %(until)s: %(reason)s", event=event.name, opd=opd.name,
                       until=format_local(closes_at), reason=reason),
           changes={"event_id": event.id, "closes_at": closes_at, "reason": reason})
    return extension


def update_extension(extension: DeadlineExtension, closes_at: datetime, reason: str, *, by: User) -> DeadlineExtension:
    event = db.session.get(Event, extension.event_id)
    closes_at, reason = _clean_extension(event, closes_at, reason)
    before = snapshot(extension, ["closes_at", "reason"])
    extension.closes_at = closes_at
    extension.reason = reason
    extension.granted_by_id = by.id
    changes = diff(extension, ["closes_at", "reason"], before)
    if changes:
        db.session.flush()
        record("extension.update", actor=by, obj=extension,
               summary=say("Perpanjangan %(event)s untuk %(opd)s diubah: sampai %(until)s", event=event.name,
                           opd=extension.opd.name, until=format_local(closes_at)),
               changes=changes)
    return extension


def revoke_extension(extension: DeadlineExtension, *, by: User) -> None:
    event = db.session.get(Event, extension.event_id)
    record("extension.revoke", actor=by, obj=extension,
           summary=say("Perpanjangan %(event)s untuk %(opd)s dicabut", event=event.name, opd=extension.opd.name),
           changes={"closes_at": extension.closes_at, "reason": extension.reason})
    db.session.delete(extension)
    db.session.flush()
