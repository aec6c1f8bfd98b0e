"""The one delivery mechanism (``innovation.sending``) on its own: each area's schedule as its ``Ledger`` says, the
claim with a lease, and the bookkeeping of an attempt whatever the sender does (answers, fails for good, fails
for now, or raises something nobody expected). Driven through the notifications' ledger with senders of the
test's own; the areas' own tests (test_notify, test_outbox_webhooks) drive it with real servers."""
from __future__ import annotations

from datetime import timedelta

import pytest

from innovation.extensions import utcnow
from innovation.web import Role


def test_each_area_keeps_its_schedule():
    from innovation.notify import services as notify
    from innovation.outbox import services as outbox

    minutes = [notify.LEDGER.backoff(n) / timedelta(minutes=1) for n in range(1, notify.MAX_ATTEMPTS)]
    assert minutes == [1, 5, 30, 120] and notify.LEDGER.max_attempts == 5
    seconds = [outbox.LEDGER.backoff(n).total_seconds() for n in range(1, outbox.MAX_ATTEMPTS)]
    assert seconds == [30, 120, 600, 3600, 6 * 3600, 24 * 3600] and outbox.LEDGER.max_attempts == 7
    assert notify.LEDGER.backoff(99) == timedelta(hours=2)  # the last wait repeats
    assert notify.LEDGER.lease == outbox.LEDGER.lease == timedelta(minutes=5)


@pytest.fixture
def queued(db, make_user):
    """One email delivery waiting for its first attempt."""
    from innovation.notify import services

    user = make_user(role=Role.OPERATOR)
    user.email = "operator@opd.example"
    db.session.flush()
    message = services.notify(user, "event.opened", "event:1", {"event": "Innovation Week 2026",
                                                                "deadline": "1 Jul 2026 17.00 WIT"})
    return message.deliveries[0]


def run(db, delivery, send, now):
    """One pass over the notifications' table with ``send`` as the sender; the delivery read afresh."""
    from innovation import sending
    from innovation.notify import services

    seen = []

    def prepare(row):
        seen.append(row.id)
        return send

    report = sending.deliver_due(services.LEDGER, prepare, now, limit=10, report=sending.Report())
    db.session.refresh(delivery)
    return report, seen


def test_an_answer_marks_it_sent_once(db, queued):
    from innovation.notify.models import DeliveryState

    now = utcnow()
    report, seen = run(db, queued, lambda: "250 OK", now)
    assert (report.sent, report.retrying, report.failed, seen) == (1, 0, 0, [queued.id])
    assert queued.state == DeliveryState.SENT and queued.attempts == 1 and queued.claimed_until is None
    assert [(a.number, a.ok, a.detail) for a in queued.log] == [(1, True, "250 OK")]
    assert run(db, queued, lambda: "250 OK", now + timedelta(days=1))[1] == []  # never twice


def test_an_unexpected_error_is_an_attempt_retried_after_the_backoff_then_failed(db, queued):
    from innovation.notify import services
    from innovation.notify.models import DeliveryState

    def broken():
        raise RuntimeError("the sender broke")

    now = utcnow()
    report, _ = run(db, queued, broken, now)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    assert queued.state == DeliveryState.RETRYING and queued.next_attempt_at == now + timedelta(minutes=1)
    assert queued.last_error == "RuntimeError: the sender broke" and queued.claimed_until is None
    assert run(db, queued, broken, now + timedelta(seconds=59))[1] == []  # not due yet
    clock = now
    for _attempt in range(2, services.MAX_ATTEMPTS + 1):
        clock = queued.next_attempt_at
        report, _ = run(db, queued, broken, clock)
    assert report.failed == 1 and queued.state == DeliveryState.FAILED and queued.attempts == services.MAX_ATTEMPTS
    assert [a.number for a in queued.log] == list(range(1, services.MAX_ATTEMPTS + 1))
    assert run(db, queued, lambda: "250 OK", clock + timedelta(days=1))[1] == []  # failed stays failed


def test_a_permanent_failure_is_failed_at_once_and_an_admin_reopens_it(db, queued):
    from innovation import sending
    from innovation.notify import services
    from innovation.notify.models import DeliveryState

    def refused():
        raise sending.DeliveryFailed("550 no such mailbox", permanent=True)

    report, _ = run(db, queued, refused, utcnow())
    assert report.failed == 1 and queued.state == DeliveryState.FAILED and queued.last_error == "550 no such mailbox"
    assert sending.reopen(services.LEDGER, queued) == DeliveryState.FAILED
    assert queued.state == DeliveryState.RETRYING and queued.next_attempt_at <= utcnow()
    report, _ = run(db, queued, lambda: "250 OK", utcnow())
    assert report.sent == 1 and queued.attempts == 2


def test_one_runner_holds_a_claim_until_its_lease_ends(db, queued):
    from innovation import sending
    from innovation.notify import services

    now = utcnow()
    assert sending.claim(services.LEDGER, queued.id, now) is True  # runner A
    assert sending.claim(services.LEDGER, queued.id, now) is False  # runner B, at the same moment
    assert run(db, queued, lambda: "250 OK", now + services.LEASE)[1] == []  # the lease still holds
    assert run(db, queued, lambda: "250 OK", now + services.LEASE + timedelta(seconds=1))[0].sent == 1  # A died
