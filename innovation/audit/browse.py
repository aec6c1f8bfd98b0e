"""The admin's view of the audit log: the filtered, eager-loaded query, keyset pages and readable changes.

Kept apart from ``services.record`` (which every area calls) because it joins accounts and OPDs.
Nothing here reads the whole log: the filter's object types are a fixed list, and pages move by
``(at, id)`` from the previous page's edge (index ``ix_audit_event_at_id``) with no total count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import selectinload

from innovation.audit.models import AuditEvent
from innovation.audit.services import is_message
from innovation.auth.models import User
from innovation.extensions import db
from innovation.numbers import format_number
from innovation.timeutil import from_local


def event_list_query(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: int | None = None,
    opd_ids: tuple[int, ...] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """Events newest first, with actor and OPD loaded in one statement each per page.

    Dates are days in the region's zone (WIT); ``date_to`` includes that whole day.
    """
    stmt = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.opd))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    actor = actor.strip().lower()
    if actor:
        stmt = stmt.join(AuditEvent.actor).where(func.lower(User.username) == actor)
    action = action.strip()
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if opd_ids is not None:
        stmt = stmt.where(AuditEvent.opd_id.in_(opd_ids))
    if date_from is not None:
        stmt = stmt.where(AuditEvent.at >= from_local(datetime.combine(date_from, time.min)))
    if date_to is not None:
        stmt = stmt.where(AuditEvent.at < from_local(datetime.combine(date_to + timedelta(days=1), time.min)))
    return stmt


# The object types the services record: the ``object_type=`` given to ``record(...)``, or the table name
# of its ``obj=``. A fixed list, since reading them from the log (SELECT DISTINCT) scans every event;
# tests/test_audit_log.py checks that every literal ``object_type="..."`` in the code is here.
KNOWN_OBJECT_TYPES: tuple[str, ...] = (
    "api_token", "assignment", "category", "deadline_extension", "entry", "event", "export", "indicator_answer",
    "innovation", "job", "judging_round", "opd", "outbox_delivery", "public_settings", "regional_indicator_value",
    "round_entry", "rubric", "score_sheet", "user_account", "webhook_endpoint",
    "presentation_schedule", "presentation_slot", "discussion_comment", "notification_delivery",
    "choice_settings", "choice_vote",
)
OBJECT_TYPE_MAX = 40  # AuditEvent.object_type


def object_types(given: str | None = None) -> list[str]:
    """The filter's choices: the known object types, plus ``given`` (the type in the query string, e.g.
    one an older version wrote, or a link from the table), so that any type can still be filtered on."""
    types = set(KNOWN_OBJECT_TYPES)
    given = (given or "").strip()
    if given and len(given) <= OBJECT_TYPE_MAX:
        types.add(given)
    return sorted(types)


# --- keyset pages -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cursor:
    """A page edge: an event's ``(at, id)``; in URLs as ``<microseconds since 1970 UTC>.<id>``."""

    at: datetime
    id: int

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        return cls(event.at, event.id)

    @property
    def token(self) -> str:
        delta = self.at - datetime(1970, 1, 1, tzinfo=timezone.utc)
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor in ``token``, or None for anything malformed (the page then starts at the newest)."""
        micros, dot, id_ = (token or "").partition(".")
        if not dot or len(token or "") > 40:
            return None
        try:
            at = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=int(micros))
            id_number = int(id_)
        except (ValueError, OverflowError):
            return None
        return cls(at, id_number) if 0 <= id_number < 2**31 else None


@dataclass(frozen=True)
class KeysetPage:
    items: list[AuditEvent]
    newer: Cursor | None  # pass as ?newer= for the page before (newer events), None at the newest
    older: Cursor | None  # pass as ?older= for the page after (older events), None at the oldest
    at_start: bool  # the page starts at the newest event (else, without ``newer``, link to the newest page)


def keyset_page(stmt: Select, *, per_page: int, older: Cursor | None = None,
                newer: Cursor | None = None) -> KeysetPage:
    """One page of ``stmt`` (ordered newest first by ``(at, id)``): the ``per_page`` events just older
    than ``older``, just newer than ``newer``, or the newest. One statement (plus the eager loads)
    reading at most ``per_page + 1`` rows along ``ix_audit_event_at_id``, however long the log is."""
    key = tuple_(AuditEvent.at, AuditEvent.id)
    if newer is not None and older is None:
        rows = list(db.session.scalars(
            stmt.where(key > tuple_(newer.at, newer.id))
            .order_by(None).order_by(AuditEvent.at, AuditEvent.id).limit(per_page + 1)))
        more = len(rows) > per_page
        items = rows[:per_page][::-1]
        return KeysetPage(items, Cursor.of(items[0]) if more else None,
                          Cursor.of(items[-1]) if items else None, at_start=bool(items) and not more)
    if older is not None:
        stmt = stmt.where(key < tuple_(older.at, older.id))
    rows = list(db.session.scalars(stmt.limit(per_page + 1)))
    items = rows[:per_page]
    return KeysetPage(items, Cursor.of(items[0]) if older is not None and items else None,
                      Cursor.of(items[-1]) if len(rows) > per_page else None, at_start=older is None)


# A decimal as ``services.record`` stores it (``str(Decimal)``): shown in the reader's number format.
DECIMAL_TEXT = re.compile(r"-?[0-9]{1,15}\.[0-9]{1,6}")


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return format_number(value, len(value.partition(".")[2]), group=False)
    if value is True:
        return _("ya")
    if value is False:
        return _("tidak")
    if isinstance(value, (list, tuple)):
        return ", ".join(show_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items()) or "—"
    return str(value)


def shown_param(value: Any) -> Any:
    """A summary's value as the reader reads it: a stored decimal in their number format, a message
    translated; the rest as stored."""
    if is_message(value):
        params = {name: shown_param(v) for name, v in value.get("params", {}).items()}
        return _(value["say"], **params) if params else _(value["say"])
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return format_number(value, len(value.partition(".")[2]), group=False)
    return value


def shown_summary(event: AuditEvent) -> str:
    """The event's summary in the reader's language: its message (``services.say``) translated now, with
    its values; an event recorded before messages were kept (or whose values no longer fit) shows the
    Indonesian sentence it stored."""
    if not event.summary_msgid:
        return event.summary
    params = {name: shown_param(value) for name, value in (event.summary_params or {}).items()}
    try:
        if event.summary_plural and isinstance(params.get("num"), int):
            return ngettext(event.summary_msgid, event.summary_plural, **params)
        return _(event.summary_msgid, **params)
    except (KeyError, ValueError, TypeError):
        return event.summary


def change_rows(changes: dict[str, Any] | None) -> list[tuple[str, str | None, str]]:
    """``(field, old, new)`` for ``{field: [old, new]}`` entries; ``(field, None, value)`` for anything else."""
    rows = []
    for name, value in (changes or {}).items():
        if isinstance(value, (list, tuple)) and len(value) == 2:
            rows.append((name, show_value(value[0]), show_value(value[1])))
        else:
            rows.append((name, None, show_value(value)))
    return rows
