"""Recording who changed what. Every service that changes state calls ``record``."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from innovation.audit.models import AuditEvent
from innovation.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def diff(obj: Any, fields: list[str], before: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed since ``before`` was taken."""
    changes = {}
    for name in fields:
        old, new = _plain(before.get(name)), _plain(getattr(obj, name))
        if old != new:
            changes[name] = [old, new]
    return changes


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def record(
    action: str,
    *,
    actor: Any | None,
    obj: Any | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    opd_id: int | None = None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the request's commit saves it with the change)."""
    object_version = None
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if opd_id is None:
            opd_id = getattr(obj, "opd_id", None)
        if object_type == obj.__tablename__:
            object_version = getattr(obj, "version", None)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        object_version=object_version if isinstance(object_version, int) else None,
        opd_id=opd_id,
        summary=summary[:500],
        changes={k: _plain(v) for k, v in changes.items()} if changes else None,
    )
    db.session.add(event)
    return event
