"""Login, sessions, redirects, headers and secrets: the rules every request relies on."""
from datetime import datetime, timedelta, timezone

import pytest
from conftest import TEST_PASSWORD

from innovation import create_app
from innovation.web import Role, safe_next


@pytest.mark.parametrize("target,expected", [
    ("/innovations/", "/innovations/"),
    ("/events/x?y=1", "/events/x?y=1"),
    ("https://evil.example/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
    ("", None),
    (None, None),
])
def test_safe_next_only_allows_local_paths(target, expected):
    assert safe_next(target) == expected


def test_login_follows_only_local_next(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD,
                                                "next": "https://evil.example/phish"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD,
                                                "next": "/auth/password"})
    assert response.headers["Location"].endswith("/auth/password")


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/auth/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "tidak aktif" in response.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, client, db, make_user, login):
    user = make_user()
    login(user)
    other_device = app.test_client()
    other_device.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert other_device.get("/auth/password").status_code == 200
    response = client.post("/auth/password", data={"current": TEST_PASSWORD, "new": "kata-sandi-baru-42",
                                                   "confirm": "kata-sandi-baru-42"})
    assert response.status_code == 302
    assert client.get("/auth/password").status_code == 200  # this session stays
    assert other_device.get("/auth/password").status_code == 302  # the other one is logged out


def test_password_change_rules(client, make_user, login):
    login(make_user())
    wrong = client.post("/auth/password", data={"current": "salah-salah-1", "new": "kata-sandi-baru-42",
                                                "confirm": "kata-sandi-baru-42"})
    assert "Kata sandi lama salah" in wrong.get_data(as_text=True)
    weak = client.post("/auth/password", data={"current": TEST_PASSWORD, "new": "abcdefghijk",
                                               "confirm": "abcdefghijk"})
    assert "terlalu mudah ditebak" in weak.get_data(as_text=True)


def test_csrf_is_enforced_on_forms(tmp_path_factory):
    from conftest import build_app

    app = build_app("sqlite", tmp_path_factory, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "token keamanan" in response.get_data(as_text=True).lower()


def test_secret_key_required_outside_debug(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": None,
                      "STORAGE_URL": f"file://{tmp_path / 's'}"})
    assert not app.testing and not app.debug
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        app.test_client().get("/healthz")


def test_english_is_selectable(client):
    assert "Masuk" in client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/language/en", data={"next": "/auth/login"})
    assert "Log in" in client.get("/auth/login").get_data(as_text=True)


def test_times_shown_in_wit(app):
    from innovation.timeutil import format_local, from_local, humanize_delta

    with app.app_context():
        moment = from_local(datetime(2026, 10, 1, 23, 59))
        assert moment == datetime(2026, 10, 1, 14, 59, tzinfo=timezone.utc)
        assert format_local(moment) == "01-10-2026 23:59 WIT"
    assert humanize_delta(timedelta(days=2, hours=3, minutes=5)) == "2 hari 3 jam"
    assert humanize_delta(timedelta(minutes=1), "en") == "1 minute"


def test_cli_users_create_and_set_password(app, db, make_opd):
    from innovation.auth.services import find_user

    opd = make_opd(code="CLI1")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "op.cli", "--role", "operator", "--opd", "CLI1",
                                 "--password", "rahasia-cli-123"])
    assert result.exit_code == 0, result.output
    user = find_user("op.cli")
    assert user.opd_id == opd.id and user.check_password("rahasia-cli-123")
    refused = runner.invoke(args=["users", "create", "op.cli2", "--role", "operator", "--password", "rahasia-cli-123"])
    assert refused.exit_code != 0 and "OPD" in refused.output
    result = runner.invoke(args=["users", "set-password", "op.cli", "sandi-baru-456"])
    assert result.exit_code == 0 and find_user("op.cli").check_password("sandi-baru-456")
    weak = runner.invoke(args=["users", "set-password", "op.cli", "pendek"])
    assert weak.exit_code != 0
    assert runner.invoke(args=["users", "set-password", "tidak.ada", "sandi-baru-456"]).exit_code != 0
    assert Role.OPERATOR == user.role


def test_pages_are_compressed_and_static_files_cached(client):
    page = client.get("/auth/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    html = client.get("/auth/login").get_data(as_text=True)
    import re

    css_url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', html).group(1)
    css = client.get(css_url, headers={"Accept-Encoding": "br, deflate"})
    assert css.status_code == 200 and css.cache_control.max_age >= 30 * 24 * 3600
    assert css.headers.get("Content-Encoding") in ("br", "deflate")
    assert len(html.encode()) < 8_000  # a small page for a slow link
