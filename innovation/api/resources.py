"""What the API's views return: reading the database into the response models.

Innovations reuse the public side's rules: without a token the listing is ``public.showcase``'s (registered
innovations, the public fields, searches and filters only on public fields); with ``innovations:read``
every innovation and every shareable field (``public.fields.FIELDS``: still never the initiator's name,
the OPD's explanations or the verifier's notes).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, TypeVar

from flask import url_for
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import selectinload

from innovation.api import cursor, schemas
from innovation.events.models import Event
from innovation.extensions import db
from innovation.followup import clock
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd
from innovation.public import fields as catalogue
from innovation.public import results as public_results
from innovation.public import showcase
from innovation.reporting.index import IndexResult
from innovation.reporting.index_cache import cached_district_index
from innovation.web import id_in_range

EVERY_FIELD = frozenset(f.code for f in catalogue.FIELDS)
M = TypeVar("M", Opd, Event)


def _link(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


# --- innovations ----------------------------------------------------------------------------------

def innovation_model(innovation: Innovation, fields: frozenset[str], *, with_indicators: bool) -> schemas.Innovation:
    registered = innovation.registered_at is not None
    html = _link("public.innovation", innovation_id=innovation.id) if registered else None
    values: dict[str, Any] = showcase.record(innovation, fields)
    values.pop("id", None)
    evidence = [schemas.PublicFile(id=e.id, name=e.display_name, type=e.file.extension if e.file else "link",
                                   size=e.file.size if e.file else None,
                                   url=_link("public.evidence_file", evidence_id=e.id) if e.file else e.url)
                for e in showcase.public_evidence(innovation)] if registered else []
    indicators = None
    if with_indicators:
        indicators = [schemas.IndicatorScore(**{**asdict(s), "score": float(s.score),
                                                "verified_score": float(s.verified_score)})
                      for s in showcase.indicator_scores(innovation)]
    return schemas.Innovation(
        id=innovation.id, opd_id=innovation.opd_id, registered=registered,
        registered_at=innovation.registered_at, indikator=indicators,
        dokumen_publik=evidence, links=schemas.Links(self=_link("api.innovation", innovation_id=innovation.id),
                                                     html=html),
        **values,
    )


def _filters_dict(query: schemas.InnovationQuery, full: bool) -> dict[str, Any]:
    names = ("q", "opd", "year", "urusan", "tahapan", "digital") + (("registered",) if full else ())
    return {name: getattr(query, name) for name in names}


def innovations_select(query: schemas.InnovationQuery, *, full: bool, fields: frozenset[str]) -> Select:
    filters = showcase.PublicFilters(q=" ".join((query.q or "").split()), opd_id=query.opd, year=query.year,
                                     urusan=query.urusan, tahapan=query.tahapan, digital=query.digital)
    statement = showcase.public_query(filters.within(fields), fields, registered_only=not full)
    if full and query.registered is not None:
        statement = statement.where(showcase.registered() if query.registered
                                    else Innovation.registered_at.is_(None))
    return statement


def list_innovations(query: schemas.InnovationQuery, *, full: bool, fields: frozenset[str],
                     with_indicators: bool) -> schemas.InnovationPage:
    filters = _filters_dict(query, full)
    after = cursor.decode(query.cursor, filters)
    statement = innovations_select(query, full=full, fields=fields).order_by(None).where(Innovation.id > after) \
        .order_by(Innovation.id).limit(query.limit + 1)
    if with_indicators:
        statement = statement.options(selectinload(Innovation.answers), selectinload(Innovation.evidence))
    else:
        statement = statement.options(selectinload(Innovation.evidence))
    rows, next_cursor = cursor.page(list(db.session.scalars(statement)), query.limit, filters)
    return schemas.InnovationPage(data=[innovation_model(i, fields, with_indicators=with_indicators) for i in rows],
                                  next_cursor=next_cursor)


def find_innovation(innovation_id: int, *, full: bool) -> Innovation | None:
    if not id_in_range(Innovation, innovation_id):
        return None
    statement = select(Innovation).where(Innovation.id == innovation_id)
    if not full:
        statement = statement.where(showcase.registered())
    return db.session.scalar(statement)


# --- OPDs and events: a page of rows by id ---------------------------------------------------------

def _page_of(model: type[M], query: schemas.PageQuery, filters: dict[str, Any],
             condition: ColumnElement[bool] | None) -> tuple[list[M], str | None]:
    """One page of ``model``'s rows in id order after the query's cursor (made for ``filters``, the query's
    own filter values), narrowed by ``condition`` when there is one; and the next page's cursor."""
    after = cursor.decode(query.cursor, filters)
    statement = select(model).where(model.id > after).order_by(model.id).limit(query.limit + 1)
    if condition is not None:
        statement = statement.where(condition)
    return cursor.page(list(db.session.scalars(statement)), query.limit, filters)


# --- OPDs -----------------------------------------------------------------------------------------

def _opd_model(opd: Opd, registered: int) -> schemas.Opd:
    return schemas.Opd(id=opd.id, code=opd.code, name=opd.name, kind=opd.kind.value, parent_id=opd.parent_id,
                       active=opd.active, registered_innovations=registered,
                       links=schemas.Links(self=_link("api.opd", opd_id=opd.id),
                                           html=_link("public.index", opd=opd.id)))


def _registered_counts(opd_ids: list[int]) -> dict[int, int]:
    if not opd_ids:
        return {}
    return dict(db.session.execute(select(Innovation.opd_id, func.count()).where(
        Innovation.opd_id.in_(opd_ids), showcase.registered()).group_by(Innovation.opd_id)).all())


def list_opds(query: schemas.OpdQuery) -> schemas.OpdPage:
    rows, next_cursor = _page_of(Opd, query, {"active": query.active},
                                 None if query.active is None else Opd.active.is_(query.active))
    counts = _registered_counts([o.id for o in rows])
    return schemas.OpdPage(data=[_opd_model(o, counts.get(o.id, 0)) for o in rows], next_cursor=next_cursor)


def opd(opd_id: int) -> schemas.Opd | None:
    found = db.session.get(Opd, opd_id) if id_in_range(Opd, opd_id) else None
    return None if found is None else _opd_model(found, _registered_counts([found.id]).get(found.id, 0))


# --- events and results ---------------------------------------------------------------------------

def _event_model(event: Event, published: bool) -> schemas.Event:
    return schemas.Event(id=event.id, slug=event.slug, name=event.name, year=event.year,
                         description=event.description or "", opens_at=event.opens_at, closes_at=event.closes_at,
                         results_published=published,
                         links=schemas.Links(self=_link("api.event", slug=event.slug),
                                             html=_link("public.event_results", slug=event.slug) if published else None))


def _published_ids(event_ids: list[int]) -> set[int]:
    return {e.id for e in public_results.published_events() if e.id in set(event_ids)}


def list_events(query: schemas.EventQuery) -> schemas.EventPage:
    rows, next_cursor = _page_of(Event, query, {"year": query.year},
                                 None if query.year is None else Event.year == query.year)
    published = _published_ids([e.id for e in rows])
    return schemas.EventPage(data=[_event_model(e, e.id in published) for e in rows], next_cursor=next_cursor)


def find_event(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug)) if 0 < len(slug) <= 80 else None


def event(found: Event) -> schemas.Event:
    return _event_model(found, bool(_published_ids([found.id])))


def event_results(found: Event) -> schemas.EventResults:
    rounds = []
    for published in public_results.event_results(found):
        snapshot = published.snapshot
        rounds.append(schemas.PublishedRound(
            id=published.round.id, name=published.round.name, kind=published.round.kind.value,
            published_at=published.round.published_at, snapshot_id=snapshot.id, method=snapshot.method,
            checksum=snapshot.checksum, download_sha256=public_results.public_checksum(snapshot),
            download_url=_link("public.snapshot_json", snapshot_id=snapshot.id),
            ranking=[schemas.RankingRow(
                rank=entry.rank, category_rank=entry.category_rank, innovation=entry.innovation,
                innovation_id=entry.innovation_id, opd=entry.opd, opd_id=entry.opd_id, category=entry.category,
                score=None if entry.score is None else float(entry.score), winner=entry.winner)
                for entry in published.results.entries],
        ))
    return schemas.EventResults(event=_event_model(found, bool(rounds)), rounds=rounds)


# --- the district index ---------------------------------------------------------------------------

def _figures(result: IndexResult) -> schemas.IndexFigures:
    return schemas.IndexFigures(iid=float(result.iid), predicate=result.predicate, spd=float(result.spd),
                                sid=float(result.sid), innovations=result.n, divisor=result.divisor,
                                count_score=float(result.count_score), sum_lines=result.sum_lines,
                                basic_covered=list(result.basic_covered), basic_missing=list(result.basic_missing))


def district_index(year: int, *, registered_only: bool) -> schemas.DistrictIndex:
    return schemas.DistrictIndex(
        year=year, registered_only=registered_only,
        claimed=_figures(cached_district_index(year, verified=False, registered_only=registered_only)),
        verified=_figures(cached_district_index(year, verified=True, registered_only=registered_only)))


# --- follow-up (the control room's clock) -----------------------------------------------------------

def followup() -> schemas.Followup:
    """Every active OPD with what waits on it, counted by colour (the clock of innovation/followup)."""
    yellow, red = clock.thresholds()
    items = clock.waiting_items()
    counts = clock.states(items)
    by_opd: dict[int, list[schemas.FollowupItem]] = {}
    for item in items:
        by_opd.setdefault(item.opd_id, []).append(schemas.FollowupItem(
            kind=item.kind.value, colour=item.colour.value, since=item.since, age_days=item.age_days,
            actor=item.actor.value, innovation_id=item.innovation_id, innovation=item.innovation,
            indicator_no=item.indicator_no))
    data = []
    for opd in db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name, Opd.id)):
        state = counts.get(opd.id) or clock.OpdState()
        data.append(schemas.OpdFollowup(opd_id=opd.id, code=opd.code, name=opd.name, colour=state.colour.value,
                                        red=state.red, yellow=state.yellow, green=state.green,
                                        items=by_opd.get(opd.id, [])))
    return schemas.Followup(yellow_after_days=yellow, red_after_days=red, data=data)
