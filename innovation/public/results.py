"""Published Innovation Week results as the public sees them, and the downloadable snapshot.

The public reads only published rounds, from their frozen snapshots (``judging.results``): the ranking
with innovation, OPD, category, score and rank, as an OPD sees the others' entries.

The download is ``judging.public_file``: the snapshot without judges' names, logins and comments, whose
sha256 anyone can recompute; the page shows it beside the official checksum of the full snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from innovation.events.models import Event
from innovation.extensions import db
from innovation.judging import results as judging_results
from innovation.judging.models import ResultSnapshot, Round, RoundKind
from innovation.judging.public_file import public_checksum, public_json, public_payload  # noqa: F401 (the public side's names)
from innovation.judging.result_types import PublicRow, RoundResults
from innovation.web import id_in_range



@dataclass
class PublishedRound:
    round: Round
    snapshot: ResultSnapshot
    results: RoundResults
    rows: list[PublicRow]

    @property
    def categories(self) -> list[tuple[str, list[PublicRow]]]:
        """The ranking per category, in the event's order of categories."""
        by_id: dict[int, list[PublicRow]] = {}
        for row in self.rows:
            by_id.setdefault(row.category_id, []).append(row)
        return [(c.name, sorted(by_id.get(c.id, []), key=lambda r: r.category_rank)) for c in self.results.categories
                if by_id.get(c.id)]


def _published():
    return (Round.published_at.is_not(None), Round.kind != RoundKind.ADMINISTRASI)


def published_events() -> list[Event]:
    """Events with at least one published round, newest first."""
    return list(db.session.scalars(
        select(Event).where(Event.id.in_(select(Round.event_id).where(*_published())))
        .order_by(Event.year.desc(), Event.opens_at.desc())))


def published_event(slug: str) -> Event | None:
    if not slug or len(slug) > 80:
        return None
    return db.session.scalar(select(Event).where(Event.slug == slug, Event.id.in_(
        select(Round.event_id).where(*_published()))))


def event_results(event: Event) -> list[PublishedRound]:
    """Each published round of ``event`` with its latest snapshot's public ranking, in the rounds' order."""
    rounds = list(db.session.scalars(select(Round).where(Round.event_id == event.id, *_published())
                                     .order_by(Round.position)))
    found = []
    for round_ in rounds:
        snapshot = judging_results.latest_snapshot(round_)
        if snapshot is None:
            continue
        results = judging_results.published_results(snapshot)
        found.append(PublishedRound(round_, snapshot, results, judging_results.operator_view(results, None).public))
    return found


def published_snapshot(snapshot_id: int) -> ResultSnapshot | None:
    """A snapshot of a round that is published now (the latest one or an earlier version of it)."""
    if not id_in_range(ResultSnapshot, snapshot_id):
        return None
    return db.session.scalar(select(ResultSnapshot).join(Round, ResultSnapshot.round_id == Round.id)
                             .where(ResultSnapshot.id == snapshot_id, *_published()))
