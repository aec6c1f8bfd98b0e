"""Who is calling the API: nobody (public data only) or a token, read once per request from
``Authorization: Bearer <token>``; and the rule that a scope needs a token that has it.

A request that sends a token that is wrong or revoked is refused (401) even where no token is needed: a
caller that believes it sees everything must not silently get only the public part.
"""
from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from innovation.api import tokens
from innovation.api.errors import ApiError
from innovation.api.models import ApiToken
from innovation.extensions import db

_KEY = "innovation.api_token"  # per request (not ``g``: an app context may serve several requests)


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else header


def _resolve() -> tuple[ApiToken | None, bool]:
    """(the valid token or None, whether a token was sent that is not valid), once per request."""
    cached = request.environ.get(_KEY)
    if cached is None:
        presented = presented_token()
        found = tokens.find_token(presented) if presented else None
        cached = request.environ[_KEY] = (found, presented is not None and found is None)
    return cached


def current_token() -> ApiToken | None:
    """The request's valid token, or None when it sent none; raises 401 for a bad one."""
    found, bad = _resolve()
    if bad:
        raise ApiError(401, headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
    return found


def authenticate() -> None:
    """The blueprint's ``before_request``: refuse a bad token, note a good one's use (committed now: the
    request itself only reads)."""
    token = current_token()
    if token is not None and tokens.touch(token):
        db.session.commit()


def allows(scope: str) -> bool:
    token = current_token()
    return token is not None and token.allows(scope)


def require(scope: str) -> ApiToken:
    """The token, which must have ``scope``: 401 without a token, 403 with one that lacks it."""
    token = current_token()
    if token is None:
        raise ApiError(401, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    if not token.allows(scope):
        raise ApiError(403, details=[{"field": "scope", "message": scope}])
    return token


def rate_key() -> str:
    """The rate limiter's key: the token (each token its own budget), else the caller's address."""
    token, _bad = _resolve()
    return f"token:{token.prefix}" if token is not None else f"ip:{get_remote_address()}"


def rate_limit() -> str:
    """``API_TOKEN_RATE_LIMIT`` for a token's requests, ``API_RATE_LIMIT`` for the others (per address)."""
    token, _bad = _resolve()
    return current_app.config["API_TOKEN_RATE_LIMIT" if token is not None else "API_RATE_LIMIT"]
