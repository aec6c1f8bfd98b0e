"""What ``create_app`` needs from the API area besides its blueprints: settings with defaults from the
environment, the rate limit on ``/api/v1``, the error shape for routing errors, and the webhooks consumer of
the outbox."""
from __future__ import annotations

import os

from flask import Flask

from innovation.api import access, errors, webhooks
from innovation.api.blueprint import bp
from innovation.extensions import limiter
from innovation.outbox.services import register_consumer

_LIMITED = []  # the blueprint is decorated once per process (create_app may run more than once)


def init_app(app: Flask) -> None:
    # Requests a minute: per address without a token, per token with one (flask-limiter, in RATELIMIT_STORAGE_URI).
    app.config.setdefault("API_RATE_LIMIT", os.environ.get("API_RATE_LIMIT", "60 per minute"))
    app.config.setdefault("API_TOKEN_RATE_LIMIT", os.environ.get("API_TOKEN_RATE_LIMIT", "600 per minute"))
    # The site's address in links sent to webhooks (else the address of the request that caused the event).
    app.config.setdefault("PUBLIC_BASE_URL", os.environ.get("PUBLIC_BASE_URL") or None)
    if not _LIMITED:
        limiter.shared_limit(access.rate_limit, scope="api-v1", key_func=access.rate_key)(bp)
        _LIMITED.append(True)
    app.before_request(errors.handle_routing_error)
    register_consumer(webhooks.consumer)
