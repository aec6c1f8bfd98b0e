"""Notifications: recorded once per (event, recipient, item), sent by email to a real SMTP server (aiosmtpd)
and by WhatsApp to a local fake gateway (with its failures), retried with backoff, failed at the end; the
inbox and its count; the settings page; ``flask notify run`` twice."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from support import FakeGateway

from innovation.extensions import utcnow
from innovation.web import Role


class Mailbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), keeping what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                box.messages.append(envelope)
                return "250 Message accepted for delivery"

        with socket.socket() as probe:  # a free port (aiosmtpd's start-up check cannot use port 0)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()
        self.url = f"smtp://127.0.0.1:{port}"

    def close(self):
        self.controller.stop()


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    old = app.config.get("MAIL_URL"), app.config.get("MAIL_FROM")
    app.config.update(MAIL_URL=box.url, MAIL_FROM="inovasi@mimikakab.go.id")
    yield box
    app.config["MAIL_URL"], app.config["MAIL_FROM"] = old
    box.close()


@pytest.fixture
def gateway(app):
    found = FakeGateway()
    old = app.config.get("WHATSAPP_WEBHOOK_URL"), app.config.get("WHATSAPP_TOKEN")
    app.config.update(WHATSAPP_WEBHOOK_URL=found.url, WHATSAPP_TOKEN="token-uji")
    yield found
    app.config["WHATSAPP_WEBHOOK_URL"], app.config["WHATSAPP_TOKEN"] = old
    found.close()


@pytest.fixture
def operator(db, make_user):
    user = make_user(role=Role.OPERATOR)
    user.email = "operator@opd.example"
    db.session.flush()
    return user


def values():
    return {"event": "Innovation Week 2026", "deadline": "1 Jul 2026 17.00 WIT"}


def test_a_message_is_recorded_once_per_event_recipient_item(db, operator):
    from innovation.notify import services
    from innovation.notify.models import Notification

    first = services.notify(operator, "event.opened", "event:1", values())
    again = services.notify(operator, "event.opened", "event:1", values())
    other_item = services.notify(operator, "event.opened", "event:2", values())
    assert first is not None and again is None and other_item is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 2
    # the constraint itself, not only the look-up: a direct second insert is refused
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Notification(user_id=operator.id, event="event.opened", item="event:1", title="x"))
        db.session.flush()


def test_message_in_the_recipients_language(db, operator):
    from innovation.notify import services

    services.save_settings(operator, email=True, whatsapp=False, phone="", language="en")
    message = services.notify(operator, "event.opened", "event:1", values())
    assert message.title == "Innovation Week 2026 registration is open"
    other = services.notify(operator, "extension.granted", "extension:1",
                            {"event": "IW", "deadline": "2 Jul", "reason": "banjir"})
    assert "extension" in other.title.lower()


def test_email_reaches_a_real_smtp_server_once(db, operator, mailbox):
    from innovation.notify import services
    from innovation.notify.models import DeliveryState

    message = services.notify(operator, "event.opened", "event:1", values(), link="/events/iw")
    report = services.send_due()
    assert report.sent == 1
    assert len(mailbox.messages) == 1
    envelope = mailbox.messages[0]
    assert envelope.rcpt_tos == ["operator@opd.example"]
    assert envelope.mail_from == "inovasi@mimikakab.go.id"
    text = envelope.content.decode()
    assert "Subject: Pendaftaran Innovation Week 2026 dibuka" in text
    assert "/events/iw" in text
    delivery = message.deliveries[0]
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 1
    assert services.send_due().sent == 0  # nothing sent twice
    assert len(mailbox.messages) == 1


def test_email_server_down_is_retried_with_backoff_then_failed(db, app, operator):
    from innovation.notify import services
    from innovation.notify.models import DeliveryState

    app.config.update(MAIL_URL="smtp://127.0.0.1:1", MAIL_FROM="inovasi@mimikakab.go.id")
    try:
        message = services.notify(operator, "event.opened", "event:1", values())
        delivery = message.deliveries[0]
        now = utcnow()
        report = services.send_due(now)
        db.session.refresh(delivery)
        assert report.retrying == 1 and delivery.state == DeliveryState.RETRYING
        assert "SMTP" in delivery.last_error
        assert delivery.next_attempt_at == now + services.backoff(1)
        assert services.send_due(now + timedelta(seconds=30)).retrying == 0  # not due yet
        for attempt in range(2, services.MAX_ATTEMPTS + 1):
            now = now + timedelta(days=1)
            services.send_due(now)
        db.session.refresh(delivery)
        assert delivery.state == DeliveryState.FAILED and delivery.attempts == services.MAX_ATTEMPTS
        assert [a.ok for a in delivery.log] == [False] * services.MAX_ATTEMPTS
    finally:
        app.config.update(MAIL_URL=None, MAIL_FROM=None)


def test_whatsapp_through_the_gateway_with_its_failures(db, operator, gateway):
    from innovation.notify import services
    from innovation.notify.models import Channel, DeliveryState

    services.save_settings(operator, email=False, whatsapp=True, phone="0812-3456-7890", language="id")
    message = services.notify(operator, "event.opened", "event:1", values())
    assert [d.channel for d in message.deliveries] == [Channel.WHATSAPP]
    delivery = message.deliveries[0]
    gateway.statuses = [503, 500]
    now = utcnow()
    assert services.send_due(now).retrying == 1
    assert services.send_due(now + timedelta(minutes=2)).retrying == 1
    assert services.send_due(now + timedelta(hours=1)).sent == 1
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 3
    assert [(a.ok, a.detail[:8]) for a in delivery.log] == [(False, "HTTP 503"), (False, "HTTP 500"), (True, "HTTP 200")]
    headers, body = gateway.headers[-1], gateway.received[-1]
    assert headers["Authorization"] == "Bearer token-uji"
    assert body["phone"] == body["target"] == "6281234567890"
    assert "Innovation Week 2026" in body["message"]
    assert body["idempotency_key"] == f"notif-{message.id}-whatsapp"
    assert len(gateway.received) == 3


def test_whatsapp_gateway_refusal_is_permanent(db, operator, gateway):
    from innovation.notify import services
    from innovation.notify.models import DeliveryState

    services.save_settings(operator, email=False, whatsapp=True, phone="+62 812 3456 7890", language="id")
    message = services.notify(operator, "event.opened", "event:1", values())
    gateway.statuses = [401]
    assert services.send_due().failed == 1
    delivery = message.deliveries[0]
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.FAILED and delivery.last_error.startswith("HTTP 401")


def test_a_claimed_delivery_is_not_sent_by_a_second_runner(db, operator, gateway):
    from innovation.notify import services

    services.save_settings(operator, email=False, whatsapp=True, phone="081234567890", language="id")
    message = services.notify(operator, "event.opened", "event:1", values())
    delivery = message.deliveries[0]
    now = utcnow()
    delivery.claimed_until = now + services.LEASE  # another worker holds it
    db.session.flush()
    assert services.send_due(now).sent == 0 and gateway.received == []
    assert services.send_due(now + services.LEASE + timedelta(seconds=1)).sent == 1  # its worker died


def test_email_by_default_only_with_an_address(db, make_user):
    from innovation.notify import services

    without = make_user(role=Role.JUDGE)
    assert services.settings_for(without).email is False
    without.email = "juri@example.org"
    assert services.settings_for(without).email is True


def test_settings_refuse_a_bad_number(db, operator):
    from innovation.notify import services

    with pytest.raises(services.NotifyError):
        services.save_settings(operator, email=True, whatsapp=True, phone="", language="id")
    with pytest.raises(services.NotifyError):
        services.save_settings(operator, email=True, whatsapp=True, phone="abc", language="id")


@pytest.mark.parametrize("raw, expected", [
    ("0812-3456-7890", "6281234567890"), ("+62 812 3456 7890", "6281234567890"), ("81234567890", "6281234567890"),
    ("12", None), ("0812abc", None),
])
def test_phone_numbers(raw, expected):
    from innovation.notify.channels import normalise_phone

    assert normalise_phone(raw) == expected


def test_mail_url_forms():
    from innovation.notify.channels import mail_settings

    plain = mail_settings("smtp://mail.local", "a@b")
    assert (plain.host, plain.port, plain.security, plain.username) == ("mail.local", 25, "plain", None)
    tls = mail_settings("smtp+starttls://user%40x:p%3Ass@mail.local:587", "a@b")
    assert (tls.port, tls.security, tls.username, tls.password) == (587, "starttls", "user@x", "p:ss")
    assert mail_settings(None, None) is None
    with pytest.raises(ValueError):
        mail_settings("http://mail.local", "a@b")


def test_inbox_count_on_every_page_and_reading(db, client, login, operator):
    from innovation.notify import services

    services.notify(operator, "event.opened", "event:1", values(), link="/events/")
    services.notify(operator, "event.opened", "event:2", values())
    login(operator)
    page = client.get("/events/").get_data(as_text=True)
    assert 'id="inbox-count">2<' in page
    inbox = client.get("/notify/").get_data(as_text=True)
    assert "Pendaftaran Innovation Week 2026 dibuka" in inbox
    first = db.session.scalars(db.select(services.Notification).order_by(services.Notification.id)).first()
    response = client.post(f"/notify/{first.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/")
    assert 'id="inbox-count">1<' in client.get("/events/").get_data(as_text=True)
    client.post("/notify/read-all")
    assert 'id="inbox-count"' not in client.get("/events/").get_data(as_text=True)


def test_nobody_opens_another_users_message(db, client, login, operator, make_user):
    from innovation.notify import services

    message = services.notify(operator, "event.opened", "event:1", values())
    login(make_user(role=Role.OPERATOR))
    client.post(f"/notify/{message.id}/open")
    db.session.refresh(message)
    assert message.read_at is None


def test_settings_page(db, client, login, operator):
    from innovation.notify import services

    login(operator)
    assert client.get("/notify/settings").status_code == 200
    bad = client.post("/notify/settings", data={"email": "y", "whatsapp": "y", "phone": "nomor", "language": "en"})
    assert bad.status_code == 200 and "Nomor WhatsApp tidak dikenali" in bad.get_data(as_text=True)
    ok = client.post("/notify/settings", data={"email": "y", "whatsapp": "y", "phone": "0812 3456 7890",
                                               "language": "en"})
    assert ok.status_code == 302
    setting = services.settings_for(operator)
    assert (setting.whatsapp, setting.phone, setting.language) == (True, "6281234567890", "en")


def test_admin_delivery_log_and_retry(db, client, login, admin, operator, app):
    from innovation.notify import services
    from innovation.notify.models import DeliveryState

    message = services.notify(operator, "event.opened", "event:1", values())
    services.send_due()  # MAIL_URL unset: failed at once, permanently
    delivery = message.deliveries[0]
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.FAILED and "MAIL_URL" in delivery.last_error
    login(admin)
    assert "MAIL_URL is not set" in client.get("/notify/deliveries").get_data(as_text=True)
    assert client.post(f"/notify/deliveries/{delivery.id}/retry").status_code == 302
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.RETRYING


def test_notify_run_twice_sends_once(db, app, operator, mailbox, make_event):
    event = make_event(opens_at=utcnow() - timedelta(hours=1))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["notify", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"event.opened -> {operator.username} [event:{event.id}]" in dry.output
    assert mailbox.messages == []
    first = runner.invoke(args=["notify", "run"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["notify", "run"])
    assert second.exit_code == 0, second.output
    to_operator = [m for m in mailbox.messages if m.rcpt_tos == ["operator@opd.example"]]
    assert len(to_operator) == 1
    assert "0 pesan baru" in second.output
