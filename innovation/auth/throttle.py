"""Login limits that slow an attacker, not the owner (OWASP "Slow down online guessing attacks with
device cookies").

Failed sign-ins are counted three ways, each with tiers of growing windows, so the wait grows with
the failures (with the defaults: 5 failures cost up to 5 minutes, 10 an hour, 20 a day):

- per account, from any address (``LOGIN_LIMITS_ACCOUNT``): guessing one password from many addresses;
- per address, over any account (``LOGIN_LIMITS_ADDRESS``): one address spraying a common password
  over many accounts;
- per device (``LOGIN_LIMITS_DEVICE``), instead of the two above, for a browser holding a *device
  cookie* for that username: a signed cookie set after a successful sign-in (``DEVICE_COOKIE``,
  a year). So the owner, on a computer where they signed in before, still gets in while an
  attacker is locked out of the account, even from the same shared office address. A stolen device
  cookie gives nothing but its own, separately limited, guesses.

While any limit that applies is spent the password is not even checked, and the message says when to
try again (``Refusal``). A success clears the account's and the device's counts.

The counts live where Flask-Limiter's do (``RATELIMIT_STORAGE_URI``, else ``REDIS_URL``): in Redis,
shared by every process, when one is configured; in the process's memory otherwise. The windows
are moving windows (the ``limits`` package's ``MovingWindowRateLimiter``), so "try again at" is exact.
The second factor is limited per account the same way (``LOGIN_LIMITS_SECOND_FACTOR``).
"""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from innovation.extensions import utcnow

DEVICE_COOKIE = "perangkat"
DEVICE_COOKIE_DAYS = 365
DEVICE_COOKIE_ENTRIES = 5  # usernames remembered per browser (a shared office computer)
EXTENSION = "login_throttle"


@dataclass(frozen=True)
class Refusal:
    """A refused attempt: ``retry_at`` is when the first spent limit frees up again."""

    retry_at: datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.retry_at - utcnow()).total_seconds()))


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the username typed, the client's address and the device's cookie entry for it."""

    username: str
    address: str
    device: str | None = None  # the nonce of a valid device cookie for ``username``


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    app.extensions[EXTENSION] = MovingWindowRateLimiter(storage)


def _limiter() -> MovingWindowRateLimiter:
    return current_app.extensions[EXTENSION]


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _checks(attempt: Attempt) -> list[tuple[list[RateLimitItem], str]]:
    config = current_app.config
    username = attempt.username.strip().casefold()[:64]
    if attempt.device:
        return [(parse_many(config["LOGIN_LIMITS_DEVICE"]), f"device:{attempt.device}")]
    return [(parse_many(config["LOGIN_LIMITS_ACCOUNT"]), f"account:{username}"),
            (parse_many(config["LOGIN_LIMITS_ADDRESS"]), f"address:{attempt.address}")]


def _refusal(checks: list[tuple[list[RateLimitItem], str]]) -> Refusal | None:
    limiter = _limiter()
    waits = []
    for items, key in checks:
        for item in items:
            if not limiter.test(item, "login", key):
                waits.append(limiter.get_window_stats(item, "login", key).reset_time)
    if not waits:
        return None
    return Refusal(retry_at=datetime.fromtimestamp(max(waits), tz=utcnow().tzinfo))


def refusal(attempt: Attempt) -> Refusal | None:
    """Why ``attempt`` may not even be checked now (None: go ahead)."""
    return _refusal(_checks(attempt)) if enabled() else None


def failed(attempt: Attempt) -> None:
    if not enabled():
        return
    limiter = _limiter()
    for items, key in _checks(attempt):
        for item in items:
            limiter.hit(item, "login", key)


def succeeded(attempt: Attempt) -> None:
    """The owner got in: forget the account's (or the device's) failures."""
    if not enabled():
        return
    limiter = _limiter()
    for items, key in _checks(attempt)[:1]:
        for item in items:
            limiter.clear(item, "login", key)


# --- the second factor: per account -------------------------------------------------------------


def second_factor_refusal(user_id: int) -> Refusal | None:
    if not enabled():
        return None
    return _refusal([(parse_many(current_app.config["LOGIN_LIMITS_SECOND_FACTOR"]), f"totp:{user_id}")])


def second_factor_failed(user_id: int) -> None:
    if enabled():
        for item in parse_many(current_app.config["LOGIN_LIMITS_SECOND_FACTOR"]):
            _limiter().hit(item, "login", f"totp:{user_id}")


# --- device cookies ------------------------------------------------------------------------------


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def read_device_cookie(raw: str | None) -> dict[str, str]:
    """{username: nonce} from the browser's device cookie ({} when absent or forged)."""
    if not raw or len(raw) > 2000:
        return {}
    try:
        entries = _device_serializer().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(entries, dict):
        return {}
    return {str(k): str(v) for k, v in entries.items()}


def device_for(raw_cookie: str | None, username: str) -> str | None:
    return read_device_cookie(raw_cookie).get(username.strip().casefold())


def device_cookie_value(raw_cookie: str | None, username: str) -> str:
    """The device cookie after ``username`` signed in on this browser: a new nonce for it (a cookie
    that was used in an attack is not kept), the most recent ``DEVICE_COOKIE_ENTRIES`` usernames."""
    entries = read_device_cookie(raw_cookie)
    entries.pop(username.casefold(), None)
    entries[username.casefold()] = secrets.token_urlsafe(12)
    kept = dict(list(entries.items())[-DEVICE_COOKIE_ENTRIES:])
    return _device_serializer().dumps(kept)


def device_cookie_max_age() -> int:
    return int(timedelta(days=DEVICE_COOKIE_DAYS).total_seconds())
