"""Sending one message by email (SMTP) or WhatsApp (an HTTP gateway). Neither touches the database.

Email: ``MAIL_URL`` is ``smtp://host:25``, ``smtps://user:pass@host:465`` or
``smtp+starttls://user:pass@host:587`` (user and password percent-encoded), ``MAIL_FROM`` the sender.
Python's own ``smtplib`` and ``email.message`` do it: a plain-text message needs no library.

WhatsApp: a JSON POST to ``WHATSAPP_WEBHOOK_URL`` with ``Authorization: Bearer WHATSAPP_TOKEN`` (and the same
token as ``token`` in the body, for the gateways that read it there), body
``{"phone": "6281234567890", "message": "...", "target": "6281234567890", "idempotency_key": "notif-12-whatsapp"}``.
``phone`` and ``target`` are the same number (Fonnte and Wablas read ``target``/``phone``); a 2xx answer is
success, 4xx (except 408 and 429) a permanent failure, anything else is retried.
"""
from __future__ import annotations

import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from innovation.sending import DeliveryFailed

TIMEOUT = 15  # seconds for one SMTP conversation or one gateway request


class ChannelError(DeliveryFailed):
    """A failed send. ``permanent``: retrying cannot help (a refused address, a bad configuration)."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str  # "plain", "starttls" or "ssl"
    username: str | None
    password: str | None
    sender: str


def mail_settings(url: str | None, sender: str | None) -> MailSettings | None:
    """``MAIL_URL`` parsed; None when email is not configured. ValueError for a URL that cannot work."""
    if not url:
        return None
    parts = urlsplit(url)
    security = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}.get(parts.scheme)
    if security is None or not parts.hostname:
        raise ValueError("MAIL_URL must look like smtp://host:25 or smtp+starttls://user:pass@host:587")
    if not sender:
        raise ValueError("MAIL_FROM is needed with MAIL_URL, e.g. inovasi@mimikakab.go.id")
    default_port = {"plain": 25, "starttls": 587, "ssl": 465}[security]
    return MailSettings(parts.hostname, parts.port or default_port, security,
                        unquote(parts.username) if parts.username else None,
                        unquote(parts.password) if parts.password else None, sender)


def send_email(settings: MailSettings, to: str, subject: str, body: str, *, message_id: str) -> str:
    """Send a plain-text message; returns the server's short answer. Raises ChannelError."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=message_id)
    message.set_content(body)
    try:
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise ChannelError(f"SMTP refused {to}: {error.recipients}"[:500], permanent=True) from error
    except smtplib.SMTPAuthenticationError as error:
        raise ChannelError(f"SMTP login failed: {error.smtp_code}", permanent=False) from error
    except (smtplib.SMTPException, OSError) as error:
        raise ChannelError(f"SMTP: {type(error).__name__}: {error}"[:500]) from error
    if refused:
        raise ChannelError(f"SMTP refused {to}: {refused}"[:500], permanent=True)
    return "SMTP 250"


PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,18}[0-9]$")


def normalise_phone(raw: str) -> str | None:
    """An Indonesian mobile number as the gateways want it (62...), or None when it cannot be one:
    "0812-3456-7890", "+62 812 3456 7890" and "6281234567890" all become "6281234567890"."""
    raw = (raw or "").strip()
    if not PHONE.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if 10 <= len(digits) <= 15 else None


def whatsapp_payload(phone: str, text: str, key: str, token: str | None) -> dict[str, str]:
    payload = {"phone": phone, "target": phone, "message": text, "idempotency_key": key}
    if token:
        payload["token"] = token
    return payload


def send_whatsapp(url: str, token: str | None, phone: str, text: str, *, key: str) -> str:
    """POST the message to the gateway; returns "HTTP 200". Raises ChannelError."""
    body = json.dumps(whatsapp_payload(phone, text, key, token)).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "inovasi-daerah/1",
        **({"Authorization": f"Bearer {token}"} if token else {}),
    })
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - configured URL
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        answer = error.read(200).decode("utf-8", "replace")
        permanent = 400 <= error.code < 500 and error.code not in (408, 425, 429)
        raise ChannelError(f"HTTP {error.code}: {answer}"[:500], permanent=permanent) from error
    except (urllib.error.URLError, OSError) as error:
        raise ChannelError(f"gateway: {getattr(error, 'reason', error)}"[:500]) from error
