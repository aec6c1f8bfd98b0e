"""Sending rows of a delivery table, the same way for every table: the one mechanism under the outbox's webhook
deliveries and the notifications' email and WhatsApp deliveries.

A delivery table is described by a ``Ledger``: its model (with ``attempts``, ``next_attempt_at``,
``claimed_until``, ``last_error``, ``sent_at`` and a status column), its attempt log, which statuses wait for an
attempt, its backoff schedule, its number of attempts and its lease. Each area keeps its own tables, schedule,
report and audit wording; what is shared here:

- ``due`` / ``claim``: a row is due when it waits, its ``next_attempt_at`` has come and nobody holds it; a
  runner takes it with one conditional UPDATE that sets ``claimed_until = now + lease`` only if it is still due,
  so two runners never send the same row at the same time, and a runner that died lets go when the lease ends;
- ``deliver_due``: claim, commit, read what sending needs (the area's ``prepare``), commit again (no
  transaction stays open while a server takes its time), send, then book the attempt: success -> sent; a
  failure -> an attempt logged and the next try after the backoff; a permanent failure or the last attempt ->
  failed. The runner commits its own steps (it is a worker, like ``jobs.execution``);
- ``reopen``: an admin sends a row again at the next run (an operation: it only flushes);
- ``Report``: what a run did (sent, retrying, failed), which each area's report extends with its own counts
  and its own summary.

Delivery is at least once: a runner that dies after the receiver accepted a message but before it wrote "sent"
leaves the lease to expire, and the message goes again (each area sends a key its receiver deduplicates by).

Hand-written, not a library: the job queue (RQ) runs the passes but keeps no per-row state in the database;
the outbox libraries for Python bring their own table, broker or framework (Django, asyncio, MongoDB,
PostgreSQL-only), and none claims rows of two existing Flask-SQLAlchemy tables with a lease that works alike on
SQLite and PostgreSQL. This is one UPDATE and a bookkeeping step.

Level 2: it knows no area; areas describe their tables with a ``Ledger``.
"""
from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update

from innovation.extensions import db, utcnow

Prepare = Callable[[Any], Callable[[], str]]


class DeliveryFailed(Exception):
    """A delivery did not arrive. ``detail`` is what came back (shown in the delivery log); a ``permanent``
    failure (a refused address, a target that no longer exists, a missing setting) is not retried."""

    def __init__(self, detail: str, *, permanent: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


@dataclass(frozen=True)
class Ledger:
    """One delivery table and its rules.

    ``model``: the delivery rows; ``attempt``: their log (a model taking ``delivery_id``, ``number``,
    ``started_at``, ``ok``, ``detail``, and ``duration_ms`` when ``timed``); ``status``: the name of the status
    column; ``waiting``: the statuses that wait for an attempt; ``retrying``: the status after a failure that
    will be retried (and after an admin's retry); ``backoff_seconds``: the wait after attempt 1, 2, ... (the
    last one repeats); after ``max_attempts`` failures a row is ``failed``; ``lease``: how long a claim holds
    (longer than any send's timeout); ``name``: the rows in the log ("outbox delivery")."""

    name: str
    model: type
    attempt: type
    status: str
    waiting: tuple[StrEnum, ...]
    retrying: StrEnum
    sent: StrEnum
    failed: StrEnum
    backoff_seconds: tuple[int, ...]
    max_attempts: int
    lease: timedelta
    timed: bool = False

    def backoff(self, attempt: int) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        return timedelta(seconds=self.backoff_seconds[min(max(attempt, 1), len(self.backoff_seconds)) - 1])

    def is_due(self, now: datetime) -> tuple[ColumnElement[bool], ...]:
        """The conditions of a due row: waiting, its time has come, nobody holds it."""
        model, status = self.model, getattr(self.model, self.status)
        waits = status == self.waiting[0] if len(self.waiting) == 1 else status.in_(self.waiting)
        return (waits, model.next_attempt_at <= now, or_(model.claimed_until.is_(None), model.claimed_until < now))


@dataclass
class Report:
    """What a run did with the due rows; each area's report adds its own counts and summary."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def booked(self, delivery: Any, detail: str) -> None:
        """Called after each attempt is booked (a report may keep a line per delivery)."""


def due(ledger: Ledger, now: datetime, *, limit: int) -> list[Any]:
    """What a run would send now, oldest first (the CLIs' ``--dry-run`` lists these)."""
    model = ledger.model
    return list(db.session.scalars(select(model).where(*ledger.is_due(now))
                                   .order_by(model.next_attempt_at, model.id).limit(limit)))


def claim(ledger: Ledger, delivery_id: int, now: datetime) -> bool:
    """Take the row for ``ledger.lease`` if it is still due: one conditional UPDATE, so of two runners that
    try at once exactly one gets it. Not committed (the caller commits at once)."""
    model = ledger.model
    return db.session.execute(
        update(model).where(model.id == delivery_id, *ledger.is_due(now))
        .values(claimed_until=now + ledger.lease).execution_options(synchronize_session=False)
    ).rowcount == 1


def deliver_due(ledger: Ledger, prepare: Prepare, now: datetime, *, limit: int, report: Report) -> Report:
    """Send what is due, each row by exactly one runner; commits each claim and each outcome.

    ``prepare(delivery)`` reads what sending needs from the database and returns a function that sends without
    touching it, returning a short detail ("HTTP 200") or raising ``DeliveryFailed``; any other exception is a
    failed attempt too (logged with its traceback, and retried)."""
    for delivery_id in [row.id for row in due(ledger, now, limit=limit)]:
        if not claim(ledger, delivery_id, now):
            db.session.rollback()
            continue
        db.session.commit()
        delivery = db.session.get(ledger.model, delivery_id)
        db.session.refresh(delivery)
        started, clock, permanent = utcnow(), time.monotonic(), False
        try:
            send = prepare(delivery)
            db.session.commit()  # nothing open in the database while the receiver takes its time
            detail, ok = send(), True
        except DeliveryFailed as failure:
            detail, ok, permanent = failure.detail, False, failure.permanent
        except Exception as error:  # noqa: BLE001 - logged as a failed attempt and retried
            detail, ok = f"{type(error).__name__}: {error}", False
            current_app.logger.warning("%s %s failed:\n%s", ledger.name, delivery_id, traceback.format_exc())
        db.session.rollback()  # whatever prepare left open; the row is read afresh
        delivery = db.session.get(ledger.model, delivery_id)
        _book(ledger, delivery, now, started=started, duration=time.monotonic() - clock, ok=ok, detail=detail,
              permanent=permanent, report=report)
        report.booked(delivery, detail)
        db.session.commit()
    return report


def _book(ledger: Ledger, delivery: Any, now: datetime, *, started: datetime, duration: float, ok: bool,
          detail: str, permanent: bool, report: Report) -> None:
    """The attempt's row, and the delivery's new state: sent; failed (permanent, or the last attempt); or
    waiting again until ``now`` plus the backoff."""
    number = delivery.attempts + 1
    logged: dict[str, Any] = {"delivery_id": delivery.id, "number": number, "started_at": started, "ok": ok,
                              "detail": detail[:500]}
    if ledger.timed:
        logged["duration_ms"] = int(duration * 1000)
    db.session.add(ledger.attempt(**logged))
    delivery.attempts, delivery.claimed_until = number, None
    if ok:
        setattr(delivery, ledger.status, ledger.sent)
        delivery.sent_at, delivery.last_error = utcnow(), None
        report.sent += 1
    elif permanent or number >= ledger.max_attempts:
        setattr(delivery, ledger.status, ledger.failed)
        delivery.last_error = detail[:500]
        report.failed += 1
    else:
        setattr(delivery, ledger.status, ledger.retrying)
        delivery.last_error = detail[:500]
        delivery.next_attempt_at = now + ledger.backoff(number)
        report.retrying += 1


def reopen(ledger: Ledger, delivery: Any) -> StrEnum:
    """Send ``delivery`` again at the next run (an admin's retry); returns its status before; flushes."""
    before = getattr(delivery, ledger.status)
    setattr(delivery, ledger.status, ledger.retrying)
    delivery.next_attempt_at, delivery.claimed_until = utcnow(), None
    db.session.flush()
    return before
