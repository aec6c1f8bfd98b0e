"""The certificate register: numbers for a published edition, and looking one up.

``issue(snapshot)`` gives every scored entry of the edition its certificate number, in the ranking's
order (so the winners of the first category come first), the first time anything needs them (the
certificate download, the documents' pages), and returns the edition's register. The running number
``seq`` continues across the whole register, so the formatted number differs for every certificate
whatever the format; two requests issuing at once: the unique constraints refuse the second, which
reads the first's numbers (a savepoint keeps the request's transaction usable).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from innovation.documents import settings as document_settings
from innovation.documents.models import Certificate
from innovation.extensions import db, utcnow
from innovation.judging import results as judging_results
from innovation.judging.models import ResultSnapshot, Round

ATTEMPTS = 3
NUMBER_MAX = 120


def register(snapshot: ResultSnapshot) -> dict[int, Certificate]:
    """The edition's issued certificates by entry id (empty before ``issue``)."""
    return {c.entry_id: c for c in db.session.scalars(select(Certificate).where(Certificate.snapshot_id == snapshot.id))}


def issue(snapshot: ResultSnapshot) -> dict[int, Certificate]:
    """The edition's register, numbering every scored entry that has none yet."""
    for _attempt in range(ATTEMPTS):
        issued = register(snapshot)
        found = judging_results.published_results(snapshot)
        wanted = [e for e in found.entries if e.scored and e.id not in issued]
        if not wanted:
            return issued
        round_ = db.session.get(Round, snapshot.round_id)
        template = document_settings.load(round_.event).number_format
        now = utcnow()
        try:
            with db.session.begin_nested():
                seq = db.session.scalar(select(func.max(Certificate.seq))) or 0
                for entry in _in_award_order(found, wanted):
                    seq += 1
                    number = document_settings.format_certificate_number(
                        template, seq=seq, year=found.event.year, issued_at=now)[:NUMBER_MAX]
                    db.session.add(Certificate(snapshot_id=snapshot.id, entry_id=entry.id, seq=seq, number=number,
                                               award=entry.award if entry.winner else None, created_at=now))
                db.session.flush()
        except IntegrityError:
            continue  # another request issued meanwhile (or a number repeated): read again
    return register(snapshot)


def _in_award_order(found, entries):
    """Per category in the event's order, by category rank (winners first), as an office numbers them."""
    position = {entry_id: (ci, pos) for ci, category in enumerate(found.categories)
                for pos, entry_id in enumerate(category.ranking)}
    return sorted(entries, key=lambda e: position.get(e.id, (len(found.categories), e.rank)))


def by_number(number: str) -> Certificate | None:
    number = " ".join((number or "").split())
    if not number or len(number) > NUMBER_MAX:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.number == number))
