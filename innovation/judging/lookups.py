"""What judging's views look up from a request: an event by slug, a round entry of a round, a choice
among a few values. Plain helpers shared by the route modules (the rest is ``innovation.web``)."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from innovation.events.models import Event
from innovation.extensions import db
from innovation.judging.models import Round, RoundEntry
from innovation.web import get_or_404


def event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def round_entry_of(round_: Round, round_entry_id: str | None) -> RoundEntry:
    """The round entry a form names (400 when it is not a number), which must belong to ``round_``."""
    try:
        ident = int(round_entry_id)
    except (TypeError, ValueError):
        abort(400)
    round_entry = get_or_404(RoundEntry, ident)
    if round_entry.round_id != round_.id:
        abort(404)
    return round_entry


def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    """A query or form value among ``allowed``, else ``default``."""
    value = request.values.get(name, default)
    return value if value in allowed else default


def round_page(round_: Round):
    return redirect(url_for("judging.round_detail", round_id=round_.id))
