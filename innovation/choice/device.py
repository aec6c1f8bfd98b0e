"""The voting device: a random token in a signed, long-lived cookie (HttpOnly, SameSite=Lax, Secure over
HTTPS), only for ``/choice``. The server keeps sha256(token), never the token (``services.device_hash``); the
signature means a visitor cannot make up tokens, only clear the cookie, which the per-address limits bound."""
from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "iw_choice_device"
MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (RFC 6265bis)
SALT = "choice-device"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def token_from_request() -> str | None:
    """The device's token from its cookie, None without one or with a forged one."""
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        token = _serializer().loads(raw)
    except (BadSignature, UnicodeError, ValueError):
        return None
    return token if isinstance(token, str) and 20 <= len(token) <= 100 else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response, token: str) -> None:
    response.set_cookie(COOKIE, _serializer().dumps(token), max_age=MAX_AGE, path="/choice", httponly=True,
                        secure=request.is_secure, samesite="Lax")
