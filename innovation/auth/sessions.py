"""Sessions that end for real: one ``UserSession`` row per sign-in.

Flask keeps the session in a signed cookie and Flask-Login a signed remember cookie; both can be
copied, and until now both stayed valid after logout (a copy taken before logout still worked, and
the 365-day remember token too). Now what they carry is a random token naming a row here
(``User.get_id`` returns it), and ``user_for_token`` (Flask-Login's loader) accepts it only while the
row is open and inside its lifetimes:

- ``SESSION_IDLE_MINUTES`` without a request, ``SESSION_ABSOLUTE_HOURS`` after sign-in;
- for "remember me": ``REMEMBER_IDLE_DAYS`` and ``REMEMBER_DAYS`` instead.

Logout, "end this session", an admin's "end all sessions", a password change (every session but the
one that changed it) and a deactivation close rows (``end_*``), so every copy of those cookies stops
working at once. ``last_seen_at`` is written at most every ``TOUCH_SECONDS`` (``touch_if_due``, after
the response), so a page view costs no write.

Services: they never commit; every ending is audit-logged.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from innovation.audit.services import record, say, say_n
from innovation.auth.models import User, UserSession
from innovation.extensions import db, utcnow

TOUCH_SECONDS = 60
TOKEN_MAX_LENGTH = 100
KEEP_ENDED_DAYS = 30  # ended or expired rows are deleted after this, at the user's next sign-in


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetimes(remember: bool) -> tuple[timedelta, timedelta]:
    """(idle, absolute) for a session, from the settings."""
    config = current_app.config
    if remember:
        return timedelta(days=config["REMEMBER_IDLE_DAYS"]), timedelta(days=config["REMEMBER_DAYS"])
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])


def expires_at(session: UserSession) -> datetime:
    """When ``session`` ends if nothing else ends it first (idle or absolute, whichever is sooner)."""
    idle, absolute = lifetimes(session.remember)
    return min(session.last_seen_at + idle, session.created_at + absolute)


def is_live(session: UserSession, now: datetime | None = None) -> bool:
    return session.ended_at is None and (now or utcnow()) < expires_at(session)


def sign_in(user: User, *, remember: bool, ip_address: str | None, user_agent: str | None) -> UserSession:
    """Open a session for ``user`` (the password, and the second factor when it is on, were checked).
    The new row's ``token`` is set, and ``user.current_session`` is the row, for ``login_user``."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    session = UserSession(user=user, user_id=user.id, token_hash=token_hash(token), remember=remember,
                          created_at=now, last_seen_at=now, ip_address=(ip_address or "")[:45] or None,
                          user_agent=(user_agent or "")[:200] or None)
    session.token = token
    db.session.add(session)
    user.last_login_at = now
    user.current_session = session
    _forget_old(user, now)
    db.session.flush()
    record("auth.login", actor=user, obj=user,
           summary=say("%(username)s masuk (ingat perangkat)", username=user.username) if remember
           else say("%(username)s masuk", username=user.username))
    return session


def _forget_old(user: User, now: datetime) -> None:
    cutoff = now - timedelta(days=KEEP_ENDED_DAYS)
    idle, absolute = lifetimes(True)
    longest = max(idle, absolute, *lifetimes(False))
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.ended_at < cutoff, UserSession.created_at < cutoff - longest),
    ))


def user_for_token(token: str) -> User | None:
    """The user a cookie's token names, while its session is open and alive (Flask-Login's loader).
    One statement: the session with its user and the user's OPD."""
    if not token or len(token) > TOKEN_MAX_LENGTH or not token.isascii():
        return None
    session = db.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token),
                                                          UserSession.ended_at.is_(None)))
    if session is None or not session.user.active or not is_live(session):
        return None
    session.token = token
    session.user.current_session = session
    return session.user


def touch_if_due(session: UserSession | None) -> bool:
    """Move ``last_seen_at`` to now when it is ``TOUCH_SECONDS`` old; True when it wrote (the caller
    commits). Called after the view, so the view's own transaction is never committed early."""
    if session is None or session.id is None or session.ended_at is not None:
        return False
    now = utcnow()
    if (now - session.last_seen_at).total_seconds() < TOUCH_SECONDS:
        return False
    db.session.execute(update(UserSession).where(UserSession.id == session.id, UserSession.ended_at.is_(None))
                       .values(last_seen_at=now))
    return True


def live_sessions(user: User) -> list[UserSession]:
    """The user's open sessions that have not expired, newest first."""
    now = utcnow()
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    return [row for row in rows if is_live(row, now)]


def _close(sessions: list[UserSession], reason: str) -> int:
    now = utcnow()
    for session in sessions:
        session.ended_at, session.ended_reason = now, reason
    db.session.flush()
    return len(sessions)


def end_session(session: UserSession, *, by: User, reason: str = "logout") -> None:
    """End one session: logout (``reason="logout"``), or the user ending another device's session."""
    if session.ended_at is not None:
        return
    _close([session], reason)
    user = session.user
    if by.id != user.id:
        summary = say("Sesi #%(session)d %(username)s diakhiri", session=session.id, username=user.username)
    elif reason == "logout":
        summary = say("%(username)s keluar", username=user.username)
    else:
        summary = say("%(username)s mengakhiri sesi #%(session)d", username=user.username, session=session.id)
    record(f"auth.session_{'logout' if reason == 'logout' else 'end'}", actor=by, obj=user, summary=summary)


def end_sessions(user: User, *, by: User | None, reason: str, keep: UserSession | None = None) -> int:
    """End every open session of ``user`` except ``keep``; returns how many were open."""
    stmt = select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None and keep.id is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    ended = _close(list(db.session.scalars(stmt)), reason)
    if ended and reason in ("ended", "admin"):
        record("auth.sessions_end", actor=by, obj=user,
               summary=say_n("%(num)d sesi %(username)s diakhiri oleh admin", "%(num)d sesi %(username)s diakhiri oleh admin",
                             ended, username=user.username) if reason == "admin"
               else say_n("%(num)d sesi %(username)s diakhiri", "%(num)d sesi %(username)s diakhiri", ended,
                          username=user.username))
    return ended
