"""Sessions end for real (issue 13): a copied cookie and the remember token stop working at logout; users
see and end their sessions; admins end a user's; idle and absolute lifetimes are settings."""
from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import TEST_PASSWORD
from sqlalchemy import select

from innovation.auth import sessions
from innovation.auth.models import UserSession
from innovation.web import Role


def _sign_in(app, user, remember=False):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD,
                                                "remember": "y" if remember else ""})
    assert response.status_code == 302
    return client


def _copy(app, client, names=("session", "remember_token")):
    """Another browser holding copies of ``client``'s cookies (what a thief would have)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def test_a_cookie_copied_before_logout_stops_working(app, db, make_user):
    user = make_user()
    client = _sign_in(app, user)
    thief = _copy(app, client, names=("session",))
    assert _signed_in(thief)
    client.post("/auth/logout")
    assert not _signed_in(client) and not _signed_in(thief)


def test_the_remember_token_stops_working_at_logout(app, db, make_user):
    user = make_user()
    client = _sign_in(app, user, remember=True)
    assert client.get_cookie("remember_token") is not None
    thief = _copy(app, client, names=("remember_token",))  # no session cookie: the remember token alone
    assert _signed_in(thief)
    client.post("/auth/logout")
    assert not _signed_in(_copy(app, client, names=()))
    fresh = app.test_client()
    fresh.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert not _signed_in(fresh)


def test_the_database_keeps_only_a_hash_of_the_token(app, db, make_user):
    user = make_user()
    client = _sign_in(app, user)
    with client.session_transaction() as cookie_session:
        token = cookie_session["_user_id"]
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.token_hash == sessions.token_hash(token) and token not in row.token_hash


def test_users_see_their_sessions_and_end_the_others(app, db, make_user):
    user = make_user()
    laptop, phone = _sign_in(app, user), _sign_in(app, user)
    page = laptop.get("/auth/security").get_data(as_text=True)
    assert page.count("/end\"") == 2 and "perangkat ini" in page
    phone_session = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                       .order_by(UserSession.id.desc())).first()
    response = laptop.post(f"/auth/sessions/{phone_session.id}/end")
    assert response.status_code == 302
    assert _signed_in(laptop) and not _signed_in(phone)
    tablet = _sign_in(app, user)
    laptop.post("/auth/sessions/end-others")
    assert _signed_in(laptop) and not _signed_in(tablet)


def test_another_users_session_is_not_theirs_to_end(app, db, make_user):
    owner, other = make_user(), make_user()
    victim = _sign_in(app, other)
    other_session = db.session.scalar(select(UserSession).where(UserSession.user_id == other.id))
    assert _sign_in(app, owner).post(f"/auth/sessions/{other_session.id}/end").status_code == 404
    assert _signed_in(victim)


def test_admins_end_a_users_sessions(app, db, make_user, admin, login):
    user = make_user()
    one, two = _sign_in(app, user), _sign_in(app, user, remember=True)
    page = login(admin).get(f"/auth/users/{user.id}/edit").get_data(as_text=True)
    assert "2 sesi aktif" in page
    assert login(admin).post(f"/auth/users/{user.id}/sessions/end").status_code == 302
    assert not _signed_in(one) and not _signed_in(two)
    from innovation.audit.models import AuditEvent

    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sessions_end",
                                                      AuditEvent.object_id == user.id))


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, db, make_user):
    user = make_user()
    this, other = _sign_in(app, user), _sign_in(app, user, remember=True)
    response = this.post("/auth/password", data={"current": TEST_PASSWORD, "new": "kuda-lumping-berlari-7",
                                                 "confirm": "kuda-lumping-berlari-7"})
    assert response.status_code == 302
    assert _signed_in(this) and not _signed_in(other)


def test_deactivation_ends_every_session(app, db, make_user, admin, login):
    user = make_user()
    client = _sign_in(app, user, remember=True)
    login(admin).post(f"/auth/users/{user.id}/deactivate")
    assert not _signed_in(client)


@pytest.mark.parametrize("remember,idle,absolute", [
    (False, timedelta(minutes=121), timedelta(hours=1)),  # idle past SESSION_IDLE_MINUTES (120)
    (False, timedelta(minutes=1), timedelta(hours=13)),  # busy, but past SESSION_ABSOLUTE_HOURS (12)
    (True, timedelta(days=8), timedelta(days=9)),  # remembered: idle past REMEMBER_IDLE_DAYS (7)
    (True, timedelta(hours=1), timedelta(days=31)),  # remembered: past REMEMBER_DAYS (30)
])
def test_idle_and_absolute_lifetimes(app, db, make_user, remember, idle, absolute):
    user = make_user()
    client = _sign_in(app, user, remember=remember)
    assert _signed_in(client)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    now = row.created_at
    row.created_at, row.last_seen_at = now - absolute, now - idle
    db.session.flush()
    assert not _signed_in(client)


def test_lifetimes_are_settings(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 10)
    user = make_user()
    client = _sign_in(app, user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.last_seen_at = row.last_seen_at - timedelta(minutes=11)
    db.session.flush()
    assert not _signed_in(client)


def test_activity_keeps_a_session_alive(tmp_path_factory):
    """A request moves last_seen_at (at most once a minute), so a busy session never idles out. An app of
    its own, without the rolled-back test transaction: the touch commits only when the view wrote nothing."""
    from conftest import build_app, drop_schema

    from innovation.auth import services
    from innovation.extensions import db as database

    app = build_app("sqlite", tmp_path_factory)
    try:
        with app.app_context():
            services.create_user(username="aktif.terus", full_name="Aktif", role=Role.JUDGE, password=TEST_PASSWORD)
            database.session.commit()
        client = app.test_client()
        assert client.post("/auth/login", data={"username": "aktif.terus", "password": TEST_PASSWORD}).status_code == 302
        with app.app_context():
            row = database.session.scalar(select(UserSession))
            row.last_seen_at = old = row.last_seen_at - timedelta(minutes=100)
            database.session.commit()
        assert _signed_in(client)
        with app.app_context():
            assert database.session.scalar(select(UserSession)).last_seen_at > old + timedelta(minutes=99)
            database.session.remove()
    finally:
        drop_schema(app)


def test_a_page_view_costs_no_extra_statement(app, db, make_user, login, count_statements):
    """The loader reads the session, its user and the user's OPD in one statement, as it read the user. (The
    page's header adds the unread messages' count, one indexed COUNT, which is the inbox's, not the session's.)"""
    user = make_user(role=Role.VERIFIER)
    client = login(user)
    client.get("/auth/password")
    with count_statements() as counter:
        assert client.get("/auth/password").status_code == 200
    session_work = [s for s in counter.statements if "FROM notification" not in s]
    assert len(session_work) == 1 and counter.count == 2, counter.statements
