"""The OPD filter of list pages (district dashboard, verification queue, audit log).

A region has 30-80 OPDs, a province thousands: a ``<select>`` of every OPD is fine for the first and a
100 kB page (and 0.5 s of rendering) for the second. ``opd_filter(value)`` decides: up to
``SELECT_MAX`` OPDs the page shows a select (``options``); above, a text field where the user types a
code (exact) or part of a name. Either way the request's ``opd`` argument is read the same: an OPD id
(what the select sends) or text, and the result is the ids to filter on.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from innovation.extensions import db
from innovation.orgs.models import Opd

SELECT_MAX = 100
MATCH_MAX = 200  # ids a name search may return (a search matching more is too broad to be useful)


@dataclass(frozen=True)
class OpdFilter:
    options: list[tuple[int, str, str]] | None  # (id, name, code) for a select; None: a text field
    value: str  # the argument as given
    opd_ids: tuple[int, ...] | None  # None: every OPD; () matches nothing
    selected_id: int | None = None  # the chosen OPD when the value named exactly one

    @property
    def active(self) -> bool:
        return self.opd_ids is not None

    @property
    def matched_nothing(self) -> bool:
        return self.opd_ids == ()


def match_opds(text: str) -> tuple[int, ...]:
    """OPDs whose code is ``text`` (any case), else whose name contains it, by name.

    Names are compared in Python with ``casefold`` (one statement for the id and name of every OPD, a
    few thousand rows at most): SQLite's ``lower()`` folds ASCII only, so "Á" would never match "á"
    there, and LIKE's wildcards need no escaping."""
    text = text.strip()
    if not text:
        return ()
    by_code = db.session.scalar(select(Opd.id).where(func.upper(Opd.code) == text.upper()))
    if by_code is not None:
        return (by_code,)
    wanted = text.casefold()
    rows = db.session.execute(select(Opd.id, Opd.name).order_by(Opd.name, Opd.id)).all()
    return tuple(opd_id for opd_id, name in rows if wanted in name.casefold())[:MATCH_MAX]


def opd_filter(value: str | None) -> OpdFilter:
    value = (value or "").strip()[:200]
    # One statement either way: up to SELECT_MAX + 1 OPDs; one more than SELECT_MAX means "many".
    rows = db.session.execute(select(Opd.id, Opd.name, Opd.code).order_by(Opd.name, Opd.id).limit(SELECT_MAX + 1)).all()
    options = [tuple(row) for row in rows] if len(rows) <= SELECT_MAX else None
    if not value:
        return OpdFilter(options, "", None)
    # The select sends an id; the text field a code or a name (a code of digits is a code there).
    as_id = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
    if options is not None and as_id is not None and any(option[0] == as_id for option in options):
        return OpdFilter(options, value, (as_id,), as_id)
    ids = match_opds(value)
    if not ids and as_id is not None and db.session.get(Opd, as_id) is not None:
        ids = (as_id,)  # an id in a link made while the page had a select
    return OpdFilter(options, value, ids, ids[0] if len(ids) == 1 else None)
