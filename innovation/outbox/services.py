"""Emitting domain events, and delivering them: the transactional outbox.

An operation calls ``emit("innovation.registered", innovation)`` next to its change; the event row is
flushed with the change, so it exists exactly when the change was committed (never a message about a
change that was rolled back, never a change whose message is lost).

``run_due`` then does the work, from a job (``outbox.job``) or ``flask outbox run``:

1. dispatch: each new event is claimed (one conditional UPDATE of ``dispatched_at``) and every registered
   ``Consumer`` interested in its kind fans it out into deliveries, one per target, with the payload frozen;
2. deliver (``innovation.sending``, the mechanism the notifications use too): each due delivery is claimed
   with a lease (``claimed_until``) by one conditional UPDATE, so two runners never send it at the same time,
   then handed to its consumer. Success marks it sent; a failure is logged as an attempt and retried after
   ``BACKOFF_SECONDS`` (30 s, 2 min, 10 min, 1 h, 6 h, 24 h), and after ``MAX_ATTEMPTS`` it is failed for an
   admin to retry.

Delivery is at least once: a runner that dies after the receiver accepted a message but before it wrote
"sent" leaves the lease to expire, and the message goes again. Receivers deduplicate by the delivery id
each consumer sends along (webhooks: ``X-Inovasi-Delivery``).

The runner commits its own steps (it is a worker, like ``jobs.execution``); ``emit`` and ``retry`` are
operations and only flush. Level 2: it knows no area; consumers register themselves from ``create_app``.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from innovation import sending
from innovation.audit.services import record, say
from innovation.extensions import db, utcnow
from innovation.outbox.models import DeliveryStatus, OutboxAttempt, OutboxDelivery, OutboxEvent
from innovation.sending import DeliveryFailed

BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600, 24 * 3600)  # the wait after attempt 1, 2, ...
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
LEASE = timedelta(minutes=5)  # longer than any consumer's timeout
_EMITTED = "outbox_emitted"  # session.info: kinds emitted in the open transaction
_COMMITTED = "outbox_committed"  # session.info: kinds committed since the last ``take_committed``
LEDGER = sending.Ledger(
    name="outbox delivery", model=OutboxDelivery, attempt=OutboxAttempt, status="status",
    waiting=(DeliveryStatus.PENDING,), retrying=DeliveryStatus.PENDING, sent=DeliveryStatus.SENT,
    failed=DeliveryStatus.FAILED, backoff_seconds=BACKOFF_SECONDS, max_attempts=MAX_ATTEMPTS, lease=LEASE,
    timed=True)


@dataclass(frozen=True)
class Consumer:
    """What turns events into deliveries and sends them.

    ``fan_out(event, context)`` yields ``(target, payload)`` pairs (``target`` names the receiver, e.g.
    ``"webhook:3"``; ``context`` carries what the runner knows of its surroundings, such as ``base_url``
    for links); ``prepare(delivery)`` reads what sending needs from the database and returns a
    function that sends without touching it (the runner ends its transaction in between, so no database
    lock or open transaction waits on a slow receiver), returning a short detail ("HTTP 200") or raising
    ``DeliveryFailed``; ``wants(kind)`` says cheaply whether anyone listens now (so a change nobody
    listens to starts no job)."""

    name: str
    kinds: frozenset[str]
    fan_out: Callable[[OutboxEvent, dict[str, Any]], Iterable[tuple[str, dict[str, Any]]]]
    prepare: Callable[[OutboxDelivery], Callable[[], str]]
    wants: Callable[[str], bool] = lambda kind: True


_CONSUMERS: dict[str, Consumer] = {}


def register_consumer(consumer: Consumer) -> None:
    """Registered by ``create_app`` (registering the same name again replaces it)."""
    _CONSUMERS[consumer.name] = consumer


def consumers_for(kind: str) -> list[Consumer]:
    return [c for c in _CONSUMERS.values() if kind in c.kinds]


# --- emitting ------------------------------------------------------------------------------------

def emit(kind: str, subject: Any = None, *, data: dict[str, Any] | None = None) -> OutboxEvent:
    """Record that ``kind`` happened to ``subject`` (a persisted row), in the caller's transaction."""
    subject_id = getattr(subject, "id", None)
    if subject is not None and subject_id is None:
        db.session.flush()
        subject_id = subject.id
    event = OutboxEvent(kind=kind, subject_type=getattr(subject, "__tablename__", "") if subject is not None else "",
                        subject_id=subject_id, data=dict(data or {}), created_at=utcnow())
    db.session.add(event)
    if anyone_listens([kind]):  # asked here, in the emitting transaction: after the commit only a flag is read
        db.session.info.setdefault(_EMITTED, set()).add(kind)
    return event


def _committed(session: Session) -> None:
    emitted = session.info.pop(_EMITTED, None)
    if emitted:
        session.info.setdefault(_COMMITTED, set()).update(emitted)


def _rolled_back(session: Session, *args) -> None:
    session.info.pop(_EMITTED, None)


def track_commits() -> None:
    """Know which event kinds a session committed (``take_committed``): after a request that registered an
    innovation, the runner is started at once instead of waiting for the next scheduled run."""
    if not sa_event.contains(Session, "after_commit", _committed):
        sa_event.listen(Session, "after_commit", _committed)
        sa_event.listen(Session, "after_rollback", _rolled_back)


def take_committed() -> set[str]:
    """The event kinds committed in this session since the last call (and forget them)."""
    if not db.session.registry.has():
        return set()
    return db.session.info.pop(_COMMITTED, None) or set()


def anyone_listens(kinds: Iterable[str]) -> bool:
    return any(consumer.wants(kind) for kind in kinds for consumer in consumers_for(kind))


# --- running -------------------------------------------------------------------------------------

@dataclass
class RunReport(sending.Report):
    dispatched: int = 0
    deliveries: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"dispatched": self.dispatched, "deliveries": self.deliveries, "sent": self.sent,
                "retrying": self.retrying, "failed": self.failed, "errors": self.errors}

    @property
    def summary(self) -> str:
        return (f"{self.dispatched} peristiwa, {self.sent} terkirim, {self.retrying} dicoba lagi nanti, "
                f"{self.failed} gagal")


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based)."""
    return LEDGER.backoff(attempt)


def dispatch(now: datetime, *, limit: int = 100, report: RunReport | None = None,
             context: dict[str, Any] | None = None) -> RunReport:
    """Turn new events into deliveries (each event by exactly one runner); commits per event."""
    report = report or RunReport()
    ids = list(db.session.scalars(select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None))
                                  .order_by(OutboxEvent.id).limit(limit)))
    for event_id in ids:
        claimed = db.session.execute(
            update(OutboxEvent).where(OutboxEvent.id == event_id, OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=now).execution_options(synchronize_session=False)
        ).rowcount == 1
        if not claimed:
            db.session.rollback()
            continue
        try:
            event = db.session.get(OutboxEvent, event_id)
            for consumer in consumers_for(event.kind):
                for target, payload in consumer.fan_out(event, context or {}):
                    db.session.add(OutboxDelivery(event_id=event.id, consumer=consumer.name, target=target[:100],
                                                  payload=payload, status=DeliveryStatus.PENDING,
                                                  next_attempt_at=now, created_at=now))
                    report.deliveries += 1
            db.session.commit()
            report.dispatched += 1
        except Exception:  # noqa: BLE001 - one broken event must not stop the others; it stays undispatched
            db.session.rollback()
            current_app.logger.error("outbox event %s not dispatched:\n%s", event_id, traceback.format_exc())
            report.errors.append(f"event {event_id}")
    return report


def due_deliveries(now: datetime, *, limit: int = 100) -> list[OutboxDelivery]:
    """What a run would send now (``flask outbox run --dry-run`` lists these)."""
    return sending.due(LEDGER, now, limit=limit)


def _prepare(delivery: OutboxDelivery) -> Callable[[], str]:
    """The sender of the delivery's consumer (a consumer registered in another process only fails here)."""
    consumer = _CONSUMERS.get(delivery.consumer)
    if consumer is None:
        raise DeliveryFailed(f"no consumer {delivery.consumer!r} in this process")
    return consumer.prepare(delivery)


def deliver_due(now: datetime, *, limit: int = 100, report: RunReport | None = None) -> RunReport:
    """Send what is due, each delivery by exactly one runner (``sending.deliver_due``); commits the claim,
    then the outcome."""
    report = report or RunReport()
    sending.deliver_due(LEDGER, _prepare, now, limit=limit, report=report)
    return report


def run_due(now: datetime | None = None, *, limit: int = 100, context: dict[str, Any] | None = None) -> RunReport:
    """One pass: dispatch new events, then send the deliveries that are due."""
    now = now or utcnow()
    report = dispatch(now, limit=limit, context=context)
    return deliver_due(now, limit=limit, report=report)


def retry(delivery: OutboxDelivery, *, by: Any) -> OutboxDelivery:
    """An admin sends a failed (or waiting) delivery again at the next run; flushes."""
    if delivery.status == DeliveryStatus.SENT:
        return delivery
    before = sending.reopen(LEDGER, delivery)
    db.session.info.setdefault(_EMITTED, set()).add(delivery.event.kind)  # start the runner after the commit
    record("outbox.retry", actor=by, object_type="outbox_delivery", object_id=delivery.id,
           summary=say("Kirim ulang %(kind)s ke %(target)s", kind=delivery.event.kind, target=delivery.target),
           changes={"status": [before.value, DeliveryStatus.PENDING.value], "attempts": delivery.attempts})
    return delivery
