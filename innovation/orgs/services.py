"""OPDs: creating and editing units and their parents. Never commits; every change is audited."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from innovation.audit.services import diff, record, say, snapshot
from innovation.concurrency import claim
from innovation.errors import DomainError
from innovation.extensions import db
from innovation.orgs.models import OPD_KIND_LABELS, Opd, OpdKind

CODE_RE = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]{0,30}[A-Z0-9])?$")
NAME_MAX = 200
AUDITED_FIELDS = ["name", "code", "kind", "parent_id", "active"]


class OrgError(DomainError):
    """A broken rule about OPDs; the message is shown to the user (``field`` names the form field)."""


# --- values --------------------------------------------------------------------------------------


def clean_code(raw: str | None) -> str:
    code = (raw or "").strip().upper()
    if not code:
        raise OrgError(_("Kode singkat wajib diisi."), "code")
    if not CODE_RE.match(code):
        raise OrgError(_(
            "Kode singkat %(c)s tidak sah: 1-32 karakter, hanya huruf besar, angka dan tanda strip (-), "
            "tidak diawali atau diakhiri strip.", c=code,
        ), "code")
    return code


def clean_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise OrgError(_("Nama OPD wajib diisi."), "name")
    if len(name) > NAME_MAX:
        raise OrgError(_("Nama OPD maksimal %(n)d karakter.", n=NAME_MAX), "name")
    return name


def parse_kind(raw: str | OpdKind | None) -> OpdKind:
    """A kind by its code (``dinas``) or its label (``Dinas``), any case."""
    if isinstance(raw, OpdKind):
        return raw
    word = (raw or "").strip().lower()
    for kind, label in OPD_KIND_LABELS.items():
        if word in (kind.value, label.lower()):
            return kind
    raise OrgError(_(
        "Jenis OPD %(k)s tidak dikenal. Pilihan: %(c)s.", k=raw or "", c=", ".join(k.value for k in OpdKind)
    ), "kind")


# --- queries -------------------------------------------------------------------------------------


def opd_list_query(*, text: str = "", kind: OpdKind | None = None, active: bool | None = None) -> Select:
    """OPDs for the admin list, by name, with their parent loaded (one extra statement per page)."""
    stmt = select(Opd).options(selectinload(Opd.parent)).order_by(Opd.name, Opd.id)
    text = text.strip()
    if text:
        needle = text.lower()
        stmt = stmt.where(or_(
            func.lower(Opd.name).contains(needle, autoescape=True),
            func.lower(Opd.code).contains(needle, autoescape=True),
        ))
    if kind is not None:
        stmt = stmt.where(Opd.kind == kind)
    if active is not None:
        stmt = stmt.where(Opd.active.is_(active))
    return stmt


def all_opds() -> list[Opd]:
    """Every OPD by name (for choice lists)."""
    return list(db.session.scalars(select(Opd).order_by(Opd.name)))


def find_by_code(code: str) -> Opd | None:
    return db.session.scalar(select(Opd).where(func.upper(Opd.code) == code.strip().upper()))


# --- changes -------------------------------------------------------------------------------------


def _check_unique(name: str, code: str, *, exclude_id: int | None = None) -> None:
    def taken(condition) -> bool:
        stmt = select(Opd.id).where(condition)
        if exclude_id is not None:
            stmt = stmt.where(Opd.id != exclude_id)
        return db.session.scalar(stmt.limit(1)) is not None

    if taken(func.upper(Opd.code) == code):
        raise OrgError(_("Kode %(c)s sudah dipakai OPD lain.", c=code), "code")
    if taken(func.lower(Opd.name) == name.lower()):
        raise OrgError(_("Nama %(n)s sudah dipakai OPD lain.", n=name), "name")


def _check_parent(opd: Opd | None, parent: Opd | None) -> None:
    """A parent must exist, and must not be the unit itself or one of its descendants."""
    if parent is None or opd is None or opd.id is None:
        return
    seen: set[int] = set()
    node: Opd | None = parent
    while node is not None and node.id not in seen:
        if node.id == opd.id:
            if node is parent:
                raise OrgError(_("Sebuah OPD tidak dapat menjadi induk bagi dirinya sendiri."), "parent_id")
            raise OrgError(_(
                "%(p)s berada di bawah %(o)s; menjadikannya induk akan membuat lingkaran.", p=parent.name, o=opd.name
            ), "parent_id")
        seen.add(node.id)
        node = node.parent


def create_opd(
    *, name: str, code: str, kind: OpdKind | str, parent: Opd | None = None, active: bool = True, by,
    imported: bool = False,
) -> Opd:
    name, code, kind = clean_name(name), clean_code(code), parse_kind(kind)
    _check_unique(name, code)
    opd = Opd(name=name, code=code, kind=kind, parent=parent, active=active)
    db.session.add(opd)
    db.session.flush()
    record("opd.create", actor=by, obj=opd, opd_id=opd.id,
           summary=say("OPD %(code)s (%(name)s) dibuat (impor CSV)", code=opd.code, name=opd.name) if imported
           else say("OPD %(code)s (%(name)s) dibuat", code=opd.code, name=opd.name),
           changes={f: [None, getattr(opd, f)] for f in AUDITED_FIELDS if getattr(opd, f) is not None})
    return opd


def update_opd(
    opd: Opd, *, name: str, code: str, kind: OpdKind | str, parent: Opd | None, active: bool, by,
    version: object = None,
) -> dict:
    """Change an OPD; returns the audited changes ({} when nothing changed, and then nothing is recorded).

    ``version`` is the edit version the form was loaded from: a change based on an older one is refused
    (``concurrency.StaleEdit``). ``None`` (the CSV import, the CLI) changes the current version.
    """
    name, code, kind = clean_name(name), clean_code(code), parse_kind(kind)
    _check_unique(name, code, exclude_id=opd.id)
    _check_parent(opd, parent)
    before = snapshot(opd, AUDITED_FIELDS)
    opd.name, opd.code, opd.kind, opd.active = name, code, kind, active
    opd.parent = parent
    opd.parent_id = parent.id if parent is not None else None
    changes = diff(opd, AUDITED_FIELDS, before)
    if changes:
        claim(opd, version, required=version is not None)
        db.session.flush()
        record("opd.update", actor=by, obj=opd, opd_id=opd.id,
               summary=say("OPD %(code)s (%(name)s) diubah: %(fields)s", code=opd.code, name=opd.name,
                           fields=", ".join(changes)), changes=changes)
    return changes
