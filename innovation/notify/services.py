"""Recording and sending messages.

``notify(user, event, item, values)`` records one message, at most once per (event, recipient, item): the
unique constraint decides, inside a savepoint, so two runs at the same time cannot both record it. It also
queues one delivery per channel the user chose (email when they have an address, WhatsApp when they gave a
number). ``send_due`` sends what is due through ``innovation.sending`` (the mechanism the outbox uses too):
each delivery claimed by one runner with a conditional UPDATE and a lease, retried with a growing wait
(``BACKOFF_SECONDS``), failed after ``MAX_ATTEMPTS``; every attempt is logged.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from innovation import sending
from innovation.audit.services import record, say
from innovation.auth.models import User
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.notify import channels
from innovation.notify.messages import render
from innovation.notify.models import (
    Channel,
    DeliveryState,
    Notification,
    NotificationAttempt,
    NotificationDelivery,
    NotificationSetting,
)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 1800, 7200)  # after attempt 1, 2, 3, 4
LEASE = timedelta(minutes=5)  # a claimed delivery whose runner died is free again after this
LEDGER = sending.Ledger(
    name="notification delivery", model=NotificationDelivery, attempt=NotificationAttempt, status="state",
    waiting=(DeliveryState.QUEUED, DeliveryState.RETRYING), retrying=DeliveryState.RETRYING,
    sent=DeliveryState.SENT, failed=DeliveryState.FAILED, backoff_seconds=BACKOFF_SECONDS,
    max_attempts=MAX_ATTEMPTS, lease=LEASE)


class NotifyError(DomainError):
    pass


def backoff(attempt: int) -> timedelta:
    return LEDGER.backoff(attempt)


# --- settings ------------------------------------------------------------------------------------

def settings_for(user: User) -> NotificationSetting:
    """The user's settings (defaults, not stored, until they save them: email when the account has an address)."""
    found = db.session.get(NotificationSetting, user.id)
    return found or NotificationSetting(user_id=user.id, email=bool(user.email), whatsapp=False, phone=None,
                                        language="id")


def save_settings(user: User, *, email: bool, whatsapp: bool, phone: str, language: str) -> NotificationSetting:
    """Store the user's channels, number and language; flushes. A WhatsApp choice needs a valid number."""
    phone = (phone or "").strip()
    number = channels.normalise_phone(phone) if phone else None
    if phone and number is None:
        raise NotifyError(_("Nomor WhatsApp tidak dikenali. Tulis seperti 0812-3456-7890 atau +62 812 3456 7890."),
                          field="phone")
    if whatsapp and number is None:
        raise NotifyError(_("Isi nomor WhatsApp untuk menerima pesan WhatsApp."), field="phone")
    if email and not user.email:
        raise NotifyError(_("Akun Anda belum punya alamat email; minta admin mengisinya."), field="email")
    setting = db.session.get(NotificationSetting, user.id)
    if setting is None:
        setting = NotificationSetting(user_id=user.id)
        db.session.add(setting)
    before = {"email": setting.email, "whatsapp": setting.whatsapp, "language": setting.language}
    setting.email, setting.whatsapp, setting.phone = email, whatsapp, number
    setting.language = language if language in ("id", "en") else "id"
    db.session.flush()
    record("notify.settings", actor=user, object_type="user_account", object_id=user.id,
           summary=say("Ubah pengaturan pemberitahuan"),
           changes={key: [before[key], getattr(setting, key)] for key in before if before[key] != getattr(setting, key)})
    return setting


# --- recording -----------------------------------------------------------------------------------

def notify(user: User, event: str, item: str, values: dict[str, Any], *, link: str = "",
           now: datetime | None = None) -> Notification | None:
    """Record the message and queue its deliveries; None when it exists already (never twice)."""
    now = now or utcnow()
    item = item[:100]
    exists = db.session.scalar(select(Notification.id).where(
        Notification.event == event, Notification.user_id == user.id, Notification.item == item))
    if exists is not None:
        return None
    setting = settings_for(user)
    text = render(event, values, setting.language)
    message = Notification(user_id=user.id, event=event, item=item, title=text.title, body=text.body,
                           link=link[:300], created_at=now)
    if setting.email and user.email:
        message.deliveries.append(NotificationDelivery(channel=Channel.EMAIL, address=user.email,
                                                       next_attempt_at=now, created_at=now))
    if setting.whatsapp and setting.phone:
        message.deliveries.append(NotificationDelivery(channel=Channel.WHATSAPP, address=setting.phone,
                                                       next_attempt_at=now, created_at=now))
    try:
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:  # another runner recorded it between our look and our insert
        return None
    return message


# --- the inbox -----------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def inbox_query(user: User):
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def mark_read(user: User, message: Notification | None = None) -> int:
    """Mark one message (or all) of ``user`` read; returns how many changed; flushes."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if message is not None:
        statement = statement.where(Notification.id == message.id)
    changed = db.session.execute(statement.values(read_at=utcnow())
                                 .execution_options(synchronize_session="fetch")).rowcount
    return changed


# --- sending -------------------------------------------------------------------------------------

@dataclass
class SendReport(sending.Report):
    created: int = 0
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "sent": self.sent, "retrying": self.retrying, "failed": self.failed}

    @property
    def summary(self) -> str:
        return (f"{self.created} pesan baru, {self.sent} terkirim, {self.retrying} dicoba lagi nanti, "
                f"{self.failed} gagal")

    def booked(self, delivery: NotificationDelivery, detail: str) -> None:
        self.details.append(f"{delivery.channel.value} {delivery.address}: {detail[:120]}")


def due_deliveries(now: datetime, *, limit: int = 200) -> list[NotificationDelivery]:
    """What a run would send now (``flask notify run --dry-run`` lists these)."""
    return sending.due(LEDGER, now, limit=limit)


def _sender(delivery: NotificationDelivery) -> Callable[[], str]:
    """What sends this delivery, built from the configuration and the message (read now, sent later)."""
    config = current_app.config
    message = delivery.notification
    key = f"notif-{message.id}-{delivery.channel.value}"
    link = (config.get("PUBLIC_BASE_URL") or "").rstrip("/") + message.link if message.link else ""
    text = message.body + (f"\n\n{link}" if link else "")
    if delivery.channel == Channel.EMAIL:
        try:
            settings = channels.mail_settings(config.get("MAIL_URL"), config.get("MAIL_FROM"))
        except ValueError as error:
            raise channels.ChannelError(str(error), permanent=True) from error
        if settings is None:
            raise channels.ChannelError("MAIL_URL is not set", permanent=True)
        address, subject = delivery.address, message.title
        return lambda: channels.send_email(settings, address, subject, text, message_id=key)
    url = config.get("WHATSAPP_WEBHOOK_URL")
    if not url:
        raise channels.ChannelError("WHATSAPP_WEBHOOK_URL is not set", permanent=True)
    token, phone, whole = config.get("WHATSAPP_TOKEN"), delivery.address, f"*{message.title}*\n{text}"
    return lambda: channels.send_whatsapp(url, token, phone, whole, key=key)


def send_due(now: datetime | None = None, *, limit: int = 200, report: SendReport | None = None) -> SendReport:
    """Send the deliveries that are due (``sending.deliver_due``: each claimed by one runner, each claim and
    outcome committed, so nothing is sent twice and no transaction stays open while a server takes its time)."""
    report = report or SendReport()
    sending.deliver_due(LEDGER, _sender, now or utcnow(), limit=limit, report=report)
    return report


def retry(delivery: NotificationDelivery, *, by: User) -> NotificationDelivery:
    """An admin sends a failed delivery again at the next run; flushes."""
    if delivery.state == DeliveryState.SENT:
        raise NotifyError(_("Pesan ini sudah terkirim; tidak dikirim dua kali."))
    before = sending.reopen(LEDGER, delivery)
    record("notify.retry", actor=by, object_type="notification_delivery", object_id=delivery.id,
           summary=say("Kirim ulang pesan %(event)s lewat %(channel)s", event=delivery.notification.event,
                       channel=delivery.channel.value),
           changes={"state": [before.value, delivery.state.value], "attempts": delivery.attempts})
    return delivery


def recent_deliveries(limit: int = 100) -> list[NotificationDelivery]:
    return list(db.session.scalars(select(NotificationDelivery).order_by(NotificationDelivery.id.desc()).limit(limit)))


