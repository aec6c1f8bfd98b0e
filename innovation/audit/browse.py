"""The admin's view of the audit log: the filtered, eager-loaded query and readable changes.

Kept apart from ``services.record`` (which every area calls) because it joins accounts and OPDs.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from innovation.audit.models import AuditEvent
from innovation.auth.models import User
from innovation.extensions import db
from innovation.timeutil import from_local


def event_list_query(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: int | None = None,
    opd_id: int | None = None,
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
    if opd_id is not None:
        stmt = stmt.where(AuditEvent.opd_id == opd_id)
    if date_from is not None:
        stmt = stmt.where(AuditEvent.at >= from_local(datetime.combine(date_from, time.min)))
    if date_to is not None:
        stmt = stmt.where(AuditEvent.at < from_local(datetime.combine(date_to + timedelta(days=1), time.min)))
    return stmt


def object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("ya")
    if value is False:
        return _("tidak")
    if isinstance(value, (list, tuple)):
        return ", ".join(show_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items()) or "—"
    return str(value)


def change_rows(changes: dict[str, Any] | None) -> list[tuple[str, str | None, str]]:
    """``(field, old, new)`` for ``{field: [old, new]}`` entries; ``(field, None, value)`` for anything else."""
    rows = []
    for name, value in (changes or {}).items():
        if isinstance(value, (list, tuple)) and len(value) == 2:
            rows.append((name, show_value(value[0]), show_value(value[1])))
        else:
            rows.append((name, None, show_value(value)))
    return rows
