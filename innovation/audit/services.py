"""Recording who changed what. Every service that changes state calls ``record``.

A summary is written as ``say("Akun %(username)s dibuat", username=...)``: an Indonesian source string of
the catalog (``pybabel extract -k say -k say_n:1,2``, in the Makefile's ``messages``) and its values. The event keeps
both, and the audit log renders them with gettext when it is read (``browse.shown_summary``): each reader
sees the summary in their own language, whoever did the change. ``summary`` also keeps the Indonesian
sentence, for older readers and for SQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from innovation.audit.models import AuditEvent
from innovation.config import MB
from innovation.extensions import db
from innovation.numbers import round_half_up


def _plain(value: Any) -> Any:
    if isinstance(value, Say):  # a message inside a message: translated with it
        return {"say": value.msgid, "params": value.params}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Say:
    """An audit summary: a catalog message (Indonesian source) and its ``%(name)s`` values."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None  # with ``params["num"]``: ``say_n``

    def indonesian(self) -> str:
        """The message with its values, untranslated (the stored ``summary``)."""
        try:
            return _fill(self.msgid, self.params)
        except (KeyError, ValueError, TypeError):
            return self.msgid


def _fill(msgid: str, params: dict[str, Any]) -> str:
    if not params:
        return msgid
    return msgid % {name: _fill(value["say"], value.get("params", {})) if is_message(value) else value
                    for name, value in params.items()}


def is_message(value: Any) -> bool:
    """Whether a stored summary value is itself a message (a ``Say`` given as a value)."""
    return isinstance(value, dict) and isinstance(value.get("say"), str) and isinstance(value.get("params", {}), dict)


def say(msgid: str, **params: Any) -> Say:
    """Mark ``msgid`` for extraction and keep it with its values (JSON-plain: text, numbers, booleans),
    to be translated when the log is read. Decimals are kept as text and shown in the reader's format."""
    return Say(msgid, {name: _plain(value) for name, value in params.items()})


def say_n(singular: str, plural: str, num: int, **params: Any) -> Say:
    """``say`` for a message that counts something: ``%(num)d`` in both forms (``pybabel extract -k say_n:1,2``).
    Indonesian has one form: write it twice, as for ``ngettext``."""
    return Say(singular, {"num": num, **{name: _plain(value) for name, value in params.items()}}, plural)


def megabytes(size: int) -> Decimal:
    """A file size for a summary, in MB to one decimal (shown as "2,5" or "2.5" by the reader's locale)."""
    return round_half_up(Decimal(size) / MB, 1 if size < 10 * MB else 0)


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
    summary: Say | str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the request's commit saves it with the change). ``summary``:
    ``say(...)``; plain text is kept as it is, in every language (tests/test_audit_log.py fails on a literal
    or an f-string summary in the package)."""
    if isinstance(summary, str):  # no message: shown as written
        text, msgid, plural, params = summary, None, None, None
    else:
        text, msgid, plural, params = summary.indonesian(), summary.msgid[:500], summary.plural, summary.params
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
        summary=text[:500],
        summary_msgid=msgid,
        summary_plural=plural[:500] if plural else None,
        summary_params=params or None,
        changes={k: _plain(v) for k, v in changes.items()} if changes else None,
    )
    db.session.add(event)
    return event
