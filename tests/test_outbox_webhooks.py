"""The outbox and its webhooks consumer: events exist exactly when their change was committed, are fanned
out once, delivered signed to a real local receiver, retried with backoff, failed after the last attempt,
retried by an admin; and the admin's webhook pages."""
from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from innovation.extensions import utcnow
from innovation.web import Role


class Receiver:
    """A webhook receiver on 127.0.0.1: answers with the next of ``statuses`` (then 200) and keeps what came."""

    def __init__(self):
        self.statuses: list[int] = []
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k: v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"nope")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(db, admin, receiver):
    from innovation.api import webhooks

    created, secret = webhooks.create_endpoint(name="Command Center", url=receiver.url,
                                               events=["innovation.registered", "results.published"],
                                               secret="rahasia-webhook-uji-123", by=admin)
    db.session.flush()
    return created


def events_of(db, kind):
    from innovation.outbox.models import OutboxEvent

    return list(db.session.scalars(db.select(OutboxEvent).where(OutboxEvent.kind == kind)))


# --- emitting --------------------------------------------------------------------------------------------

def test_registration_emits_once_and_a_rolled_back_change_emits_nothing(db, admin, make_innovation):
    from innovation.reporting import services as reporting

    innovation = make_innovation()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        reporting.register(innovation, by=admin)
        raise RuntimeError("the request failed")
    assert events_of(db, "innovation.registered") == []
    db.session.expire(innovation)
    reporting.register(innovation, by=admin)
    reporting.register(innovation, nomor_register="IGA-9", by=admin)  # already registered: no second event
    (event,) = events_of(db, "innovation.registered")
    assert (event.subject_type, event.subject_id) == ("innovation", innovation.id)


def test_publication_emits_results_published(db, make_opd, make_user, make_innovation, make_event):
    from open_platform import seed

    world = seed(db, make_opd, make_user, make_innovation, make_event)
    (event,) = events_of(db, "results.published")
    assert (event.subject_type, event.subject_id) == ("judging_round", world.round.id)


# --- delivering ------------------------------------------------------------------------------------------

def test_a_delivery_is_signed_and_sent_once(db, admin, make_innovation, endpoint, receiver):
    from innovation.api import webhooks
    from innovation.outbox import services
    from innovation.reporting import services as reporting

    innovation = make_innovation(nama="Izin Kilat")
    reporting.register(innovation, by=admin)
    report = services.run_due()
    assert (report.dispatched, report.sent) == (1, 1)
    ((headers, body),) = receiver.received
    assert headers["X-Inovasi-Event"] == "innovation.registered"
    assert webhooks.verify("rahasia-webhook-uji-123", headers["X-Inovasi-Timestamp"], body,
                           headers["X-Inovasi-Signature"])
    assert not webhooks.verify("another-secret-entirely", headers["X-Inovasi-Timestamp"], body,
                               headers["X-Inovasi-Signature"])
    message = json.loads(body)
    assert message["event"] == "innovation.registered" and message["data"]["innovation"]["nama"] == "Izin Kilat"
    assert message["delivery_id"] == int(headers["X-Inovasi-Delivery"])
    assert message["data"]["links"]["html"].endswith(f"/public/innovations/{innovation.id}")
    assert services.run_due().sent == 0 and len(receiver.received) == 1  # never twice


def test_failures_are_retried_with_backoff_then_failed_then_retried_by_an_admin(db, admin, make_innovation,
                                                                                   endpoint, receiver):
    from innovation.outbox import services
    from innovation.outbox.models import DeliveryStatus, OutboxAttempt, OutboxDelivery
    from innovation.reporting import services as reporting

    receiver.statuses = [500] * services.MAX_ATTEMPTS
    reporting.register(make_innovation(), by=admin)
    now = utcnow()
    services.run_due(now)
    delivery = db.session.scalar(db.select(OutboxDelivery))
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at == now + timedelta(seconds=30) and delivery.last_error.startswith("HTTP 500")
    assert services.run_due(now + timedelta(seconds=29)).sent + services.run_due(now + timedelta(seconds=29)).retrying == 0
    clock = now
    for wait in services.BACKOFF_SECONDS:
        clock += timedelta(seconds=wait + 1)
        services.run_due(clock)
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == services.MAX_ATTEMPTS
    attempts = list(db.session.scalars(db.select(OutboxAttempt).where(OutboxAttempt.delivery_id == delivery.id)))
    assert [a.number for a in attempts] == list(range(1, services.MAX_ATTEMPTS + 1))
    assert not any(a.ok for a in attempts) and all(a.detail.startswith("HTTP 500") for a in attempts)
    services.retry(delivery, by=admin)
    assert services.run_due().sent == 1
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == services.MAX_ATTEMPTS + 1


def test_gone_unreachable_and_removed_endpoints(db, admin, make_innovation, endpoint, receiver):
    from innovation.api import webhooks
    from innovation.outbox import services
    from innovation.outbox.models import DeliveryStatus, OutboxDelivery
    from innovation.reporting import services as reporting

    receiver.statuses = [410]
    reporting.register(make_innovation(), by=admin)
    services.run_due()
    gone = db.session.scalar(db.select(OutboxDelivery))
    assert gone.status == DeliveryStatus.FAILED and gone.attempts == 1  # 410: not retried
    endpoint.url = "http://127.0.0.1:9/closed"  # nothing listens on the discard port
    reporting.register(make_innovation(), by=admin)
    services.run_due()
    refused = db.session.scalars(db.select(OutboxDelivery).order_by(OutboxDelivery.id.desc())).first()
    assert refused.status == DeliveryStatus.PENDING and "Error" in refused.last_error
    webhooks.delete_endpoint(endpoint, by=admin)
    db.session.flush()
    services.run_due(utcnow() + timedelta(minutes=1))
    db.session.refresh(refused)
    assert refused.status == DeliveryStatus.FAILED and refused.last_error == "endpoint removed"


def test_a_claimed_delivery_is_not_taken_by_another_runner_until_its_lease_ends(db, admin, make_innovation,
                                                                                endpoint, receiver):
    from innovation import sending
    from innovation.outbox import services
    from innovation.outbox.models import OutboxDelivery
    from innovation.reporting import services as reporting

    reporting.register(make_innovation(), by=admin)
    now = utcnow()
    services.dispatch(now)
    delivery = db.session.scalar(db.select(OutboxDelivery))
    assert sending.claim(services.LEDGER, delivery.id, now) is True  # runner A holds it
    assert sending.claim(services.LEDGER, delivery.id, now) is False  # runner B
    assert services.deliver_due(now).sent == 0 and receiver.received == []
    assert services.deliver_due(now + services.LEASE + timedelta(seconds=1)).sent == 1  # A died: B takes it


def test_nobody_listening_starts_no_job_and_a_listener_gets_it_right_after_the_request(
        app, client, db, admin, login, make_innovation, receiver, monkeypatch):
    from innovation.api import webhooks
    from innovation.jobs.models import Job

    monkeypatch.setitem(app.config, "JOBS_SYNC", True)
    login(admin)
    first = make_innovation()
    client.post(f"/reporting/innovations/{first.id}/registration", data={"action": "register"})
    assert db.session.scalar(db.select(Job).where(Job.kind == "outbox")) is None
    webhooks.create_endpoint(name="CC", url=receiver.url, events=["innovation.registered"], by=admin)
    second = make_innovation(nama="Didaftarkan Lewat Halaman")
    db.session.flush()
    client.post(f"/reporting/innovations/{second.id}/registration", data={"action": "register"})
    assert db.session.scalar(db.select(Job).where(Job.kind == "outbox")) is not None
    names = [json.loads(body)["data"]["innovation"]["nama"] for _, body in receiver.received]
    assert "Didaftarkan Lewat Halaman" in names


def test_the_cron_command(app, db, admin, make_innovation, endpoint, receiver):
    from innovation.reporting import services as reporting

    reporting.register(make_innovation(), by=admin)
    db.session.flush()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["outbox", "run", "--dry-run"])
    assert "1 event(s) to dispatch" in dry.output and receiver.received == []
    result = runner.invoke(args=["outbox", "run", "--base-url", "https://inovasi.mimikakab.go.id"])
    assert "1 terkirim" in result.output
    body = json.loads(receiver.received[0][1])
    assert body["data"]["links"]["html"].startswith("https://inovasi.mimikakab.go.id/public/innovations/")


# --- the admin's pages -----------------------------------------------------------------------------------

def test_webhook_pages(app, client, db, admin, login, receiver, make_user):
    from conftest import TEST_PASSWORD

    from innovation.api.models import WebhookEndpoint
    from innovation.audit.models import AuditEvent

    operator = make_user(role=Role.OPERATOR)
    other = app.test_client()
    other.post("/auth/login", data={"username": operator.username, "password": TEST_PASSWORD})
    assert other.get("/api/webhooks").status_code == 403
    login(admin)
    bad = client.post("/api/webhooks", data={"name": "X", "url": "ftp://nope", "events": ["results.published"]})
    assert bad.status_code == 200 and db.session.scalar(db.select(WebhookEndpoint)) is None
    created = client.post("/api/webhooks", data={"name": "Provinsi", "url": receiver.url,
                                                  "events": ["results.published"]})
    secret = re.search(r'<code class="secret-value">([^<]+)</code>', created.get_data(as_text=True)).group(1)
    assert secret.startswith("whsec_")
    row = db.session.scalar(db.select(WebhookEndpoint))
    assert row.secret == secret and secret not in client.get("/api/webhooks").get_data(as_text=True)
    page = client.get(f"/api/webhooks/{row.id}").get_data(as_text=True)
    assert secret not in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    saved = client.post(f"/api/webhooks/{row.id}", data={"name": "Provinsi Papua Tengah", "url": receiver.url,
                                                         "events": ["results.published"], "active": "y",
                                                         "version": version})
    assert saved.status_code == 302 and row.name == "Provinsi Papua Tengah"
    stale = client.post(f"/api/webhooks/{row.id}", data={"name": "Lama", "url": receiver.url,
                                                         "events": ["results.published"], "active": "y",
                                                         "version": version})
    assert stale.status_code == 200 and "sudah diubah" in stale.get_data(as_text=True) and row.name != "Lama"
    rotated = client.post(f"/api/webhooks/{row.id}/rotate").get_data(as_text=True)
    assert row.secret != secret and row.secret in rotated
    client.post(f"/api/webhooks/{row.id}/delete")
    assert db.session.get(WebhookEndpoint, row.id) is None
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("api.webhook%"))))
    assert actions == {"api.webhook_create", "api.webhook_update", "api.webhook_rotate", "api.webhook_delete"}


def test_the_delivery_log_and_retry_button(app, client, db, admin, login, make_innovation, endpoint, receiver,
                                          monkeypatch):
    from innovation.outbox import services
    from innovation.outbox.models import DeliveryStatus, OutboxDelivery
    from innovation.reporting import services as reporting

    monkeypatch.setitem(app.config, "JOBS_SYNC", True)  # runs started by requests, inline
    receiver.statuses = [503]
    reporting.register(make_innovation(), by=admin)
    services.run_due()
    login(admin)
    log = client.get(f"/api/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "HTTP 503" in log and "innovation.registered" in log and "Kirim ulang sekarang" in log
    delivery = db.session.scalar(db.select(OutboxDelivery))
    delivery.next_attempt_at = utcnow() + timedelta(hours=1)
    db.session.flush()
    client.post(f"/api/deliveries/{delivery.id}/retry")
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
