"""Outgoing webhooks: admin-configured receivers of "innovation registered" and "results published".

The outbox (``innovation.outbox``) records each event with its change; this module is its ``webhooks``
consumer: it fans an event out to every active endpoint that subscribed (the message frozen in the
delivery, so a retry sends the same bytes) and POSTs it, signed::

    X-Inovasi-Event: results.published
    X-Inovasi-Delivery: 42                 (the same on every retry: deduplicate on it)
    X-Inovasi-Timestamp: 1767225600        (Unix seconds of this attempt)
    X-Inovasi-Signature: sha256=<hex>      HMAC-SHA256 under the endpoint's secret of "<timestamp>.<body>"

A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares in constant time and
refuses old timestamps (replays). Any 2xx is success; anything else, a timeout or a refused connection is
retried with the outbox's backoff, and a 410 Gone stops the endpoint's delivery for good. Redirects are not
followed (a signed message goes only where the admin said).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from innovation.api.models import WebhookEndpoint
from innovation.audit.services import record, say
from innovation.concurrency import claim
from innovation.errors import DomainError
from innovation.events.models import Event
from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.judging.models import ResultSnapshot, Round
from innovation.outbox.models import OutboxDelivery, OutboxEvent
from innovation.outbox.services import Consumer
from innovation.public import results as public_results
from innovation.sending import DeliveryFailed

CONSUMER = "webhooks"
EVENTS = {"innovation.registered": _l("Inovasi didaftarkan ke Kemendagri"),
          "results.published": _l("Hasil Innovation Week diumumkan")}
SIGNATURE_HEADER, TIMESTAMP_HEADER = "X-Inovasi-Signature", "X-Inovasi-Timestamp"
EVENT_HEADER, DELIVERY_HEADER = "X-Inovasi-Event", "X-Inovasi-Delivery"
TIMEOUT_SECONDS = 10
MIN_SECRET, MAX_SECRET = 16, 128


class WebhookError(DomainError):
    """A webhook endpoint that cannot be saved as given."""


# --- signing --------------------------------------------------------------------------------------

def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests): the signature matches, compared in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


# --- endpoints ------------------------------------------------------------------------------------

def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _clean(name: str, url: str, events: list[str]) -> tuple[str, str, list[str]]:
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise WebhookError(_("Nama wajib diisi (paling panjang 120 karakter)."), "name")
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > 1000 or parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise WebhookError(_("Alamat harus URL http:// atau https:// yang lengkap."), "url")
    chosen = [kind for kind in EVENTS if kind in set(events or ())]
    if not chosen:
        raise WebhookError(_("Pilih setidaknya satu peristiwa."), "events")
    return name, url, chosen


def create_endpoint(*, name: str, url: str, events: list[str], secret: str = "", by) -> tuple[WebhookEndpoint, str]:
    """A new endpoint; returns it and its secret (given, or made here), shown to the admin once."""
    name, url, chosen = _clean(name, url, events)
    secret = (secret or "").strip() or new_secret()
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise WebhookError(_("Rahasia %(a)d sampai %(b)d karakter, atau kosongkan agar dibuat otomatis.",
                             a=MIN_SECRET, b=MAX_SECRET), "secret")
    endpoint = WebhookEndpoint(name=name, url=url, events=chosen, secret=secret, active=True, created_by_id=by.id)
    db.session.add(endpoint)
    db.session.flush()
    record("api.webhook_create", actor=by, obj=endpoint, summary=say("Webhook dibuat: %(name)s (%(url)s)", name=name, url=url),
           changes={"name": name, "url": url, "events": chosen})
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, *, name: str, url: str, events: list[str], active: bool,
                    version: object, by) -> dict[str, list]:
    name, url, chosen = _clean(name, url, events)
    before = {"name": endpoint.name, "url": endpoint.url, "events": list(endpoint.events or []),
              "active": endpoint.active}
    after = {"name": name, "url": url, "events": chosen, "active": bool(active)}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return {}
    claim(endpoint, version)
    endpoint.name, endpoint.url, endpoint.events, endpoint.active = name, url, chosen, bool(active)
    record("api.webhook_update", actor=by, obj=endpoint, summary=say("Webhook diubah: %(name)s", name=name),
           changes=changes)
    return changes


def rotate_secret(endpoint: WebhookEndpoint, *, by) -> str:
    """A new secret (the old one stops signing at once); returned to be shown once."""
    endpoint.secret = new_secret()
    endpoint.version += 1
    record("api.webhook_rotate", actor=by, obj=endpoint, summary=say("Rahasia webhook diganti: %(name)s", name=endpoint.name))
    return endpoint.secret


def delete_endpoint(endpoint: WebhookEndpoint, *, by) -> None:
    """Remove an endpoint; its delivery log stays (deliveries still waiting fail as "endpoint removed")."""
    record("api.webhook_delete", actor=by, obj=endpoint,
           summary=say("Webhook dihapus: %(name)s (%(url)s)", name=endpoint.name, url=endpoint.url))
    db.session.delete(endpoint)


def deliveries_of(endpoint: WebhookEndpoint, *, limit: int = 50) -> list[OutboxDelivery]:
    return list(db.session.scalars(
        select(OutboxDelivery).where(OutboxDelivery.consumer == CONSUMER, OutboxDelivery.target == endpoint.target)
        .order_by(OutboxDelivery.id.desc()).limit(limit).options(selectinload(OutboxDelivery.attempt_log))))


# --- the outbox consumer --------------------------------------------------------------------------

def _subscribed(kind: str) -> list[WebhookEndpoint]:
    endpoints = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))
                                   .order_by(WebhookEndpoint.id))
    return [e for e in endpoints if kind in (e.events or [])]


def wants(kind: str) -> bool:
    return bool(_subscribed(kind))


def _url_builder(base_url: str | None) -> Callable[..., str]:
    base = (current_app.config.get("PUBLIC_BASE_URL") or base_url or "http://localhost/").rstrip("/") + "/"
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)


def message(event: OutboxEvent, url: Callable[..., str]) -> dict[str, Any] | None:
    """The body of an event's webhook (None when its subject is gone). Only what the public may see, and
    links to the rest."""
    data: dict[str, Any] | None = None
    if event.kind == "innovation.registered":
        innovation = db.session.get(Innovation, event.subject_id)
        if innovation is None:
            return None
        data = {"innovation": {"id": innovation.id, "nama": innovation.nama, "tahun": innovation.rules_year,
                               "opd": {"id": innovation.opd_id, "kode": innovation.opd.code,
                                       "nama": innovation.opd.name},
                               "registered_at": innovation.registered_at.isoformat()
                               if innovation.registered_at else None},
                "links": {"api": url("api.innovation", innovation_id=innovation.id),
                          "html": url("public.innovation", innovation_id=innovation.id)}}
    elif event.kind == "results.published":
        round_ = db.session.get(Round, event.subject_id)
        if round_ is None:
            return None
        event_row = db.session.get(Event, round_.event_id)
        snapshot = db.session.scalar(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id)
                                     .order_by(ResultSnapshot.id.desc()).limit(1))
        data = {"event": {"id": event_row.id, "slug": event_row.slug, "name": event_row.name, "year": event_row.year},
                "round": {"id": round_.id, "name": round_.name, "kind": round_.kind.value},
                "snapshot": None if snapshot is None else {
                    "id": snapshot.id, "checksum": snapshot.checksum,
                    "download_sha256": public_results.public_checksum(snapshot),
                    "download": url("public.snapshot_json", snapshot_id=snapshot.id)},
                "links": {"api": url("api.event_results", slug=event_row.slug),
                          "html": url("public.event_results", slug=event_row.slug)}}
    if data is None:
        return None
    return {"event": event.kind, "event_id": event.id, "occurred_at": event.created_at.isoformat(), "data": data}


def fan_out(event: OutboxEvent, context: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    endpoints = _subscribed(event.kind)
    if not endpoints:
        return
    body = message(event, _url_builder(context.get("base_url")))
    if body is None:
        return
    for endpoint in endpoints:
        yield endpoint.target, {"body": body}


def _post(url: str, body: bytes, headers: dict[str, str]) -> str:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        text = error.read(200).decode("utf-8", "replace") if error.fp else ""
        raise DeliveryFailed(f"HTTP {error.code} {text}".strip()[:500], permanent=error.code == 410) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"{type(error).__name__}: {reason}"[:500]) from None


def prepare(delivery: OutboxDelivery) -> Callable[[], str]:
    endpoint_id = int(delivery.target.split(":", 1)[1]) if delivery.target.startswith("webhook:") else 0
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) if endpoint_id else None
    if endpoint is None:
        raise DeliveryFailed("endpoint removed", permanent=True)
    if not endpoint.active:
        raise DeliveryFailed("endpoint inactive", permanent=True)
    url, secret, kind, delivery_id = endpoint.url, endpoint.secret, delivery.event.kind, delivery.id
    body = json.dumps({**delivery.payload["body"], "delivery_id": delivery_id}, ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True).encode("utf-8")

    def send() -> str:
        timestamp = str(int(time.time()))
        return _post(url, body, {
            "Content-Type": "application/json", "User-Agent": "InovasiDaerah-Webhook/1",
            EVENT_HEADER: kind, DELIVERY_HEADER: str(delivery_id), TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body)})

    return send


consumer = Consumer(name=CONSUMER, kinds=frozenset(EVENTS), fan_out=fan_out, prepare=prepare, wants=wants)
