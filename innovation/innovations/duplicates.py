"""The same innovation entered twice: similar names and descriptions, the same OPD's same name, and the
admin's report of likely duplicates (marked distinct here; merged by ``reporting.duplicates``).

Two methods give one answer shape (a score 0-100 per innovation):

- PostgreSQL with the ``pg_trgm`` extension (migration 0020): ``similarity()`` of trigrams, in the
  database, over every year and OPD. The extension may live in a schema outside the search path (one
  extension serves every schema of the database), so the function is called by its schema-qualified name.
- Anywhere else (SQLite, or PostgreSQL without the extension): RapidFuzz in Python over the names and
  descriptions loaded in one statement. A district has some hundreds of innovations a year, so this stays
  well under a second (1,000 innovations: 26 ms for one name on the shared test machine).

The admin's report compares every pair, and does so with RapidFuzz on both databases (see
``likely_duplicates``).

The scales differ (trigram overlap vs. edit-distance ratio), so each method has its own threshold, set so
that the same pairs count as alike on both: a name with a word added or dropped ("SIPANDU Kesehatan" /
"SIPANDU Kesehatan Online"), a spacing or hyphen variant ("SIPANDU" / "SI-PANDU"), while two innovations
sharing one common word ("Bank Sampah Digital" / "Pasar Digital") do not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
import numpy
from rapidfuzz import fuzz, process, utils
from sqlalchemy import column, func, literal, or_, select, table

from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.errors import DomainError
from innovation.extensions import db
from innovation.innovations.models import DuplicateDecision, Innovation
from innovation.orgs.models import Opd

TRIGRAM_NAME_MIN = 0.5  # pg_trgm similarity() of the names (0.4 took "Posyandu Keliling" for "Dokumen Kependudukan Keliling")
TRIGRAM_TEXT_MIN = 0.5  # ... of the descriptions (both at least DESCRIPTION_MIN_CHARS long)
FUZZ_NAME_MIN = 70.0  # RapidFuzz, 0-100
FUZZ_TEXT_MIN = 80.0
DESCRIPTION_CHARS = 2000  # the start of the Rancang Bangun compared (a copied text matches in its start)
DESCRIPTION_MIN_CHARS = 100  # shorter descriptions say too little to compare
REPORT_LIMIT = 500  # pairs on the admin report


class DuplicateError(DomainError):
    """A broken rule about duplicates (a decision on a pair that is not one)."""


@dataclass(frozen=True)
class Similar:
    """An innovation alike to the one being named: its id, name, OPD, year and how alike (0-100)."""

    id: int
    nama: str
    opd_id: int
    opd_name: str
    rules_year: int
    score: int
    by_description: bool  # alike by the description rather than the name


@dataclass(frozen=True)
class Pair:
    """Two innovations the report lists as likely the same."""

    first: Similar
    second: Similar
    score: int


def normalise_name(nama: str) -> str:
    """The name as the same-name rule compares it: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[\W_]+", " ", (nama or "").casefold()).split())


def _compact(text: str) -> str:
    return normalise_name(text).replace(" ", "")


def name_score(a: str, b: str) -> float:
    """RapidFuzz's score of two names (0-100): words in any order, or the same letters spaced differently."""
    return max(fuzz.token_sort_ratio(a, b, processor=utils.default_process),
               fuzz.ratio(_compact(a), _compact(b)))


def text_score(a: str, b: str) -> float:
    if min(len(a.strip()), len(b.strip())) < DESCRIPTION_MIN_CHARS:
        return 0.0
    return fuzz.ratio(a[:DESCRIPTION_CHARS], b[:DESCRIPTION_CHARS], processor=utils.default_process)


def trigram_schema() -> str | None:
    """The schema holding pg_trgm's functions, or None (not PostgreSQL, or no extension)."""
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    cache = bind.engine.__dict__.setdefault("_innovation_pg_trgm", {})
    if "schema" not in cache:
        cache["schema"] = db.session.scalar(_extension_schema_query())
    return cache["schema"]


def _extension_schema_query():
    extension = table("pg_extension", column("extname"), column("extnamespace"), schema="pg_catalog")
    namespace = table("pg_namespace", column("oid"), column("nspname"), schema="pg_catalog")
    return (select(namespace.c.nspname).select_from(extension)
            .join(namespace, namespace.c.oid == extension.c.extnamespace)
            .where(extension.c.extname == "pg_trgm"))


def _related_ids(innovation: Innovation | None) -> set[int]:
    """The innovation and the ones it was carried from or to: the same innovation in other years."""
    if innovation is None or innovation.id is None:
        return set()
    related = {innovation.id}
    frontier = {innovation.id}
    while frontier:
        rows = db.session.execute(select(Innovation.id, Innovation.carried_from_id).where(
            or_(Innovation.id.in_(frontier), Innovation.carried_from_id.in_(frontier)))).all()
        found = {i for row in rows for i in row if i is not None} - related
        related |= found
        frontier = found
    return related


def similar_innovations(nama: str, description: str = "", *, exclude: Innovation | None = None,
                        limit: int = 8) -> list[Similar]:
    """Innovations (any OPD, any year) whose name, or Rancang Bangun, is alike to ``nama`` /
    ``description``, most alike first. ``exclude`` and its carry-over relatives are left out."""
    nama = (nama or "").strip()
    description = (description or "").strip()
    if not nama:
        return []
    skip = _related_ids(exclude)
    schema = trigram_schema()
    if schema is not None:
        return _similar_by_trigrams(schema, nama, description, skip, limit)
    return _similar_by_rapidfuzz(nama, description, skip, limit)


def _similar_by_trigrams(schema: str, nama: str, description: str, skip: set[int], limit: int) -> list[Similar]:
    similarity = getattr(func, schema).similarity
    name_sim = similarity(func.lower(Innovation.nama), nama.lower())
    compare_text = len(description) >= DESCRIPTION_MIN_CHARS
    if compare_text:
        text_sim = similarity(func.lower(func.substr(Innovation.rancang_bangun, 1, DESCRIPTION_CHARS)),
                              description[:DESCRIPTION_CHARS].lower())
        text_sim = func.coalesce(text_sim, 0.0)
        alike = or_(name_sim >= TRIGRAM_NAME_MIN,
                    (func.length(Innovation.rancang_bangun) >= DESCRIPTION_MIN_CHARS) & (text_sim >= TRIGRAM_TEXT_MIN))
        score = func.greatest(name_sim, text_sim)
    else:
        text_sim = literal(0.0)
        alike = name_sim >= TRIGRAM_NAME_MIN
        score = name_sim
    query = (select(Innovation.id, Innovation.nama, Innovation.opd_id, Opd.name, Innovation.rules_year,
                    score.label("score"), name_sim.label("name_sim"))
             .join(Opd, Opd.id == Innovation.opd_id).where(alike)
             .order_by(score.desc(), Innovation.id).limit(limit))
    if skip:
        query = query.where(Innovation.id.not_in(skip))
    return [Similar(i, n, o, on, y, round(float(s) * 100), float(ns) < TRIGRAM_NAME_MIN)
            for i, n, o, on, y, s, ns in db.session.execute(query)]


def _similar_by_rapidfuzz(nama: str, description: str, skip: set[int], limit: int) -> list[Similar]:
    rows = db.session.execute(
        select(Innovation.id, Innovation.nama, Innovation.opd_id, Opd.name, Innovation.rules_year,
               func.substr(Innovation.rancang_bangun, 1, DESCRIPTION_CHARS))
        .join(Opd, Opd.id == Innovation.opd_id))
    found = []
    for ident, other_name, opd_id, opd_name, year, text in rows:
        if ident in skip:
            continue
        by_name = name_score(nama, other_name)
        by_text = text_score(description, text or "") if description else 0.0
        if by_name >= FUZZ_NAME_MIN or by_text >= FUZZ_TEXT_MIN:
            found.append(Similar(ident, other_name, opd_id, opd_name, year, round(max(by_name, by_text)),
                                 by_name < FUZZ_NAME_MIN))
    found.sort(key=lambda s: (-s.score, s.id))
    return found[:limit]


def same_name_in_opd(opd_id: int, nama: str, rules_year: int, *, exclude_id: int | None = None) -> Innovation | None:
    """The OPD's innovation of the same assessment year with the same name (case, punctuation and spacing
    ignored), if any: the same OPD may not have two of them."""
    wanted = normalise_name(nama)
    query = select(Innovation).where(Innovation.opd_id == opd_id, Innovation.rules_year == rules_year)
    if exclude_id is not None:
        query = query.where(Innovation.id != exclude_id)
    return next((i for i in db.session.scalars(query) if normalise_name(i.nama) == wanted), None)


# --- the admin's report --------------------------------------------------------------------------

def likely_duplicates(*, limit: int = REPORT_LIMIT) -> list[Pair]:
    """Pairs of innovations with alike names that are not the same innovation carried over, and that no
    admin marked distinct, most alike first."""
    decided = {(a, b) for a, b in db.session.execute(select(DuplicateDecision.first_id, DuplicateDecision.second_id))}
    rows = db.session.execute(
        select(Innovation.id, Innovation.nama, Innovation.opd_id, Opd.name, Innovation.rules_year,
               Innovation.carried_from_id).join(Opd, Opd.id == Innovation.opd_id).order_by(Innovation.id)).all()
    carried = {(min(i, f), max(i, f)) for i, *_, f in rows if f is not None}
    by_id = {r[0]: Similar(r[0], r[1], r[2], r[3], r[4], 0, False) for r in rows}
    # Every pair at once, on both databases, with RapidFuzz's matrices in C++: pg_trgm's similarity() over a
    # self-join took 16 s for 1,000 innovations on the test machine (half a million pairs, trigrams rebuilt
    # per call; a GIN index helps only the one-name search), RapidFuzz 0.5 s (3,000: 5.7 s; a district enters
    # some 40-80 innovations a year). Measured with synthetic names, each alike to many (a worst case).
    pairs: list[tuple[int, int, int]] = []
    if len(rows) > 1:
        names = [r[1] for r in rows]
        compact = [_compact(n) for n in names]
        # whole-number scores in one byte each: 5,000 innovations take 25 MB per matrix, not 100
        by_words = process.cdist(names, names, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                                 dtype=numpy.uint8, workers=1)
        by_letters = process.cdist(compact, compact, scorer=fuzz.ratio, dtype=numpy.uint8, workers=1)
        best = numpy.maximum(by_words, by_letters)
        xs, ys = numpy.triu(best >= FUZZ_NAME_MIN, k=1).nonzero()  # each pair once (rows are in id order)
        scores = best[xs, ys].astype(numpy.int16)
        for i in numpy.lexsort((ys, xs, -scores)):  # most alike first, then by the ids
            a, b = rows[xs[i]][0], rows[ys[i]][0]
            if (a, b) in decided or (a, b) in carried:
                continue
            pairs.append((a, b, int(scores[i])))
            if len(pairs) == limit:
                break
    return [Pair(by_id[a], by_id[b], score) for a, b, score in pairs]


def mark_distinct(first: Innovation, second: Innovation, *, by: User) -> DuplicateDecision:
    """The admin's word that two alike innovations are different ones: the report lists them no more."""
    if first.id == second.id:
        raise DuplicateError(_("Pilih dua inovasi yang berbeda."))
    low, high = sorted((first.id, second.id))
    existing = db.session.scalar(select(DuplicateDecision).where(
        DuplicateDecision.first_id == low, DuplicateDecision.second_id == high))
    if existing is not None:
        return existing
    decision = DuplicateDecision(first_id=low, second_id=high, decided_by_id=by.id)
    db.session.add(decision)
    db.session.flush()
    record("innovation.duplicate_distinct", actor=by, obj=first,
           summary=say("Bukan duplikat: %(first)s (#%(first_id)d) dan %(second)s (#%(second_id)d)", first=first.nama,
                       first_id=first.id, second=second.nama, second_id=second.id))
    return decision
