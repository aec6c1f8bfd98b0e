"""Published Innovation Week results as the public sees them, and the downloadable snapshot.

The public reads only published rounds, from their frozen snapshots (``judging.results``): the ranking
with innovation, OPD, category, score and rank, as an OPD sees the others' entries.

The download. A snapshot's payload, which its checksum covers, also names each judge (name and login)
beside every score and comment; the operator pages keep judges anonymous ("Juri 1"), so the public file
is the payload with the judges' names, logins and the written comments taken out, and everything that
computes the result (every score of every criterion by every judge label, weights, methods, ranks) left
in. The page shows the sha256 of exactly the bytes it serves (canonical JSON: keys sorted, no spaces,
UTF-8) beside the official checksum of the full snapshot, which the certificate verification names.
"""
from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from innovation.events.models import Event
from innovation.extensions import db
from innovation.judging import results as judging_results
from innovation.judging.models import ResultSnapshot, Round, RoundKind
from innovation.judging.result_types import PublicRow, RoundResults
from innovation.web import id_in_range

PUBLIC_PAYLOAD_NOTE = ("Published results without the judges' names, logins and written comments; "
                       "judges appear by their label.")


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


def public_payload(snapshot: ResultSnapshot) -> dict[str, Any]:
    """The snapshot's payload without judges' names, logins and comments (see the module's docstring)."""
    payload = copy.deepcopy(snapshot.payload)
    for judge in payload.get("judges", []):
        judge.pop("name", None)
        judge.pop("username", None)
    for entry in payload.get("entries", []):
        for sheet in entry.get("sheets", []):
            sheet.pop("comment", None)
            for score in sheet.get("scores", []):
                score.pop("comment", None)
    return {"note": PUBLIC_PAYLOAD_NOTE, "snapshot_id": snapshot.id, "official_checksum": snapshot.checksum,
            "results": payload}


def public_json(snapshot: ResultSnapshot) -> bytes:
    return judging_results.canonical_json(public_payload(snapshot))


def public_checksum(snapshot: ResultSnapshot) -> str:
    return hashlib.sha256(public_json(snapshot)).hexdigest()
