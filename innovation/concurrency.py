"""No silent lost update: every edit form carries the version of the row it was loaded from, and a
save based on an older version is refused with what the other person changed.

A ``Versioned`` row has a ``version`` that only its edit operations bump (not derived figures, so an
evidence upload in another tab does not make the profile form stale). A service that applies a form
calls ``claim(row, loaded_version)`` first:

- the version the form was loaded from is compared with the row's, and the bump is one
  ``UPDATE ... SET version = version + 1 WHERE id = :id AND version = :loaded``: two saves of the same
  version cannot both pass, on SQLite or PostgreSQL, whichever commits first;
- a refused save raises ``StaleEdit`` (a ``DomainError``) naming who saved meanwhile, when, and which
  fields they changed, read from the audit log: ``audit.services.record`` stores the row's version on
  every event about a ``Versioned`` row, so the events after the loaded version are exactly the others'
  changes. The view re-renders the form with the user's typed values and the other person's values
  beside them (``templates/_macros/forms.html``: ``stale_notice``).

Level 2: imports the audit log, never an area.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from wtforms import HiddenField
from wtforms.utils import unset_value
from sqlalchemy.orm import Mapped, joinedload, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from innovation.audit.models import AuditEvent
from innovation.errors import DomainError
from innovation.extensions import db


class VersionField(HiddenField):
    """The hidden ``version`` of an edit form: filled from the row by ``Form(obj=row)`` on GET, posted
    back with the save, handed to ``claim``. After a refused stale save ``web.attach_error`` sets it to
    the current version, so saving again (after reading the notice) is a deliberate overwrite.

    A save that posts no version gets "" (not the row's version, which ``obj=row`` would otherwise
    fill in): a client that never loaded the form cannot prove it saw the latest data."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None and self.name not in formdata:
            self.data = ""


class Versioned:
    """Mixin: the row's edit version (1 when created, +1 on every save through a form)."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")


@dataclass
class OtherChange:
    """One save by someone else since the form was loaded."""

    actor: str
    at: datetime
    version: int | None
    fields: dict[str, list[Any]] = field(default_factory=dict)  # field -> [old, new]


class StaleEdit(DomainError):
    """The form was loaded from an older version; ``changes`` say what happened since."""

    def __init__(self, row: Any, loaded: int | None, changes: list[OtherChange]):
        who = ", ".join(dict.fromkeys(c.actor for c in changes)) or _("pengguna lain")
        super().__init__(_(
            "Data ini sudah diubah oleh %(who)s sejak Anda membukanya (versi %(old)s, sekarang %(new)s). "
            "Isian Anda belum disimpan dan masih ada di formulir: periksa perubahan mereka, lalu simpan lagi.",
            who=who, old=loaded if loaded is not None else "?", new=row.version,
        ))
        self.row = row
        self.loaded = loaded
        self.current_version = row.version  # read now: the view rolls back, and the form is given this one
        self.changes = changes

    @property
    def changed_fields(self) -> dict[str, Any]:
        """field -> its value now (after every change since the form was loaded)."""
        values: dict[str, Any] = {}
        for change in self.changes:
            for name, pair in change.fields.items():
                values[name] = pair[1] if isinstance(pair, list) and len(pair) == 2 else pair
        return values


def parse_version(raw: object) -> int | None:
    """The form's hidden ``version`` value, or None when it is missing or not a number."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def changes_since(row: Any, loaded: int | None, *, limit: int = 20) -> list[OtherChange]:
    """The audited saves of ``row`` after version ``loaded``, oldest first."""
    statement = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.object_type == row.__tablename__, AuditEvent.object_id == row.id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    if loaded is not None:
        statement = statement.where(AuditEvent.object_version > loaded)
    found = [
        OtherChange(actor=event.actor.full_name if event.actor else _("pengguna lain"), at=event.at,
                    version=event.object_version,
                    fields={k: v for k, v in (event.changes or {}).items() if not k.startswith("_")})
        for event in db.session.scalars(statement)
    ]
    return list(reversed(found))


def claim(row: Any, loaded: object, *, required: bool = True) -> int:
    """Take the next version of ``row`` for a save based on the form's ``loaded`` version.

    Raises ``StaleEdit`` when someone saved since (or, with ``required``, when the form carried no
    version: a form without one cannot prove it saw the latest data). Returns the new version,
    already set on the row, so the audit event recorded next carries it.
    """
    version = parse_version(loaded)
    if version is None and not required:
        version = row.version
    if version is None or version != row.version:
        raise StaleEdit(row, version, changes_since(row, version))
    table = type(row).__table__
    result = db.session.execute(
        update(table).where(table.c.id == row.id, table.c.version == version).values(version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another transaction committed a save between our read and this UPDATE
        db.session.refresh(row, ["version"])
        raise StaleEdit(row, version, changes_since(row, version))
    # The UPDATE wrote it; make the object agree without a second UPDATE at flush.
    set_committed_value(row, "version", version + 1)
    return version + 1


def stale_values(error: StaleEdit, labels: Mapping[str, str]) -> list[tuple[str, Any]]:
    """(label, value now) for the changed fields a form shows, in the form's order."""
    now = error.changed_fields
    return [(label, now[name]) for name, label in labels.items() if name in now]
