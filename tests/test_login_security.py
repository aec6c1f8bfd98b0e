"""Signing in under attack (issue 13): the same work whether or not the account exists, limits per
account and per address with growing waits, the owner still gets in from a known device, the counts
in Redis when configured, and the message says when to try again."""
from __future__ import annotations

import re
import statistics
import time
import uuid

import pytest
from conftest import TEST_PASSWORD, build_app, drop_schema, require_redis

from innovation.auth import passwords, services
from innovation.web import Role


@pytest.fixture
def limited_app(tmp_path_factory):
    """An app with the login limits on, small enough to reach in a test."""
    app = build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True,
                    LOGIN_LIMITS_ACCOUNT="3 per minute;5 per hour", LOGIN_LIMITS_ADDRESS="6 per minute",
                    LOGIN_LIMITS_DEVICE="4 per minute", LOGIN_LIMITS_SECOND_FACTOR="3 per minute")
    yield app
    drop_schema(app)


def _account(app, username=None, password=TEST_PASSWORD, role=Role.JUDGE):
    from innovation.extensions import db

    with app.app_context():
        user = services.create_user(username=username or f"u{uuid.uuid4().hex[:8]}", full_name="Uji", role=role,
                                    password=password)
        db.session.commit()
        return user.username


def _post(client, username, password, address="10.0.0.1"):
    return client.post("/auth/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


# --- the same work for unknown and known usernames ------------------------------------------------


def test_the_hash_runs_whether_or_not_the_account_exists(app, db, make_user, monkeypatch):
    calls = []
    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    user = make_user()
    assert services.authenticate("tidak-ada-sama-sekali", "salah-salah-1") is None
    assert services.authenticate(user.username, "salah-salah-1") is None
    inactive = make_user(active=False)
    assert services.authenticate(inactive.username, TEST_PASSWORD) is None
    assert len(calls) == 3  # one hash each: unknown, wrong password, inactive account
    assert calls[0].split("$")[0] == passwords.hash_password("x").split("$")[0]  # the stand-in has today's method


def test_a_refusal_takes_as_long_for_an_unknown_account(app, db, make_user):
    """Median of interleaved attempts with the real hash (the method and cost of new passwords). The
    process's CPU time, not the wall clock: the work done, which other processes on a busy machine do not
    disturb (the wall clock of a hash-bound request follows it)."""
    user = services.create_user(username=f"waktu{uuid.uuid4().hex[:6]}", full_name="Uji", role=Role.JUDGE,
                                password=TEST_PASSWORD)
    services.authenticate("belum-ada-akun", "x")  # the stand-in hash is made once, outside the timing
    known, unknown = [], []
    for _ in range(9):
        for name, times in ((user.username, known), ("belum-ada-akun", unknown)):
            start = time.process_time()
            assert services.authenticate(name, "salah-salah-1") is None
            times.append(time.process_time() - start)
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 1 / 1.5 < ratio < 1.5, (statistics.median(known), statistics.median(unknown))


# --- limits ----------------------------------------------------------------------------------------


def test_guessing_one_account_from_many_addresses_is_limited(limited_app):
    username = _account(limited_app)
    client = limited_app.test_client()
    codes = [_post(client, username, "salah-salah-1", address=f"10.0.1.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    # the right password is not even checked while the account's limit is spent (from a new device)
    assert _post(limited_app.test_client(), username, TEST_PASSWORD, address="10.0.1.99").status_code == 429


def test_spraying_many_accounts_from_one_address_is_limited(limited_app):
    names = [_account(limited_app) for _ in range(8)]
    client = limited_app.test_client()
    codes = [_post(client, name, "salah-salah-1", address="10.0.2.1").status_code for name in names]
    assert codes[:6] == [200] * 6 and codes[6:] == [429, 429]
    # another address is not affected
    assert _post(client, names[7], "salah-salah-1", address="10.0.2.2").status_code == 200


def test_the_message_says_when_to_try_again(limited_app):
    username = _account(limited_app)
    client = limited_app.test_client()
    for _ in range(3):
        _post(client, username, "salah-salah-1")
    response = _post(client, username, "salah-salah-1")
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Coba lagi dalam 1 menit" in html and re.search(r"pukul \d\d-\d\d-\d{4} \d\d:\d\d WIT", html)


def test_waits_grow_with_the_failures(limited_app, monkeypatch):
    """Past the per-minute tier the hourly one applies: the wait becomes about an hour."""
    username = _account(limited_app)
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    client = limited_app.test_client()
    waits = []
    for _round in range(2):
        for _ in range(3):
            _post(client, username, "salah-salah-1", address=f"10.0.3.{_round}")
        response = _post(client, username, "salah-salah-1", address=f"10.0.3.{_round}")
        waits.append(int(response.headers.get("Retry-After", 0)))
        clock[0] += 61  # the per-minute window has passed
    assert waits[0] <= 60
    assert waits[1] > 3000, waits  # 5 failures within the hour: wait for the hourly window


def test_the_owner_still_gets_in_from_a_known_device(limited_app):
    """An attacker spends the account's limit; the owner's browser, which signed in before, is exempt."""
    username = _account(limited_app)
    owner = limited_app.test_client()
    assert _post(owner, username, TEST_PASSWORD, address="10.0.4.1").status_code == 302
    assert owner.get_cookie("perangkat", path="/auth/login") is not None
    owner.post("/auth/logout")
    attacker = limited_app.test_client()
    for _ in range(5):
        _post(attacker, username, "tebakan-salah-1", address="10.0.4.1")  # even from the same office address
    assert _post(attacker, username, TEST_PASSWORD, address="10.0.4.1").status_code == 429
    assert _post(owner, username, TEST_PASSWORD, address="10.0.4.1").status_code == 302


def test_a_device_cookie_has_its_own_limit_and_only_for_its_user(limited_app):
    username, other = _account(limited_app), _account(limited_app)
    device = limited_app.test_client()
    assert _post(device, username, TEST_PASSWORD).status_code == 302
    device.post("/auth/logout")
    codes = [_post(device, username, "salah-salah-1").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the device's own limit (4), not the account's (3)
    # the cookie does not exempt guesses at another account
    codes = [_post(device, other, "salah-salah-1", address="10.0.5.1").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_forged_device_cookie_is_ignored(limited_app):
    username = _account(limited_app)
    client = limited_app.test_client()
    client.set_cookie("perangkat", "eyJ4IjoiYSJ9.forged", path="/auth/login")
    codes = [_post(client, username, "salah-salah-1").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_success_forgets_the_accounts_failures(limited_app):
    username = _account(limited_app)
    client = limited_app.test_client()
    for _ in range(2):
        _post(client, username, "salah-salah-1", address="10.0.6.1")
    assert _post(client, username, TEST_PASSWORD, address="10.0.6.2").status_code == 302
    client.post("/auth/logout")
    client.delete_cookie("perangkat", path="/auth/login")
    codes = [_post(client, username, "salah-salah-1", address="10.0.6.3").status_code for _ in range(3)]
    assert codes == [200, 200, 200]


def test_login_limits_count_in_redis_when_configured(tmp_path_factory):
    """Two apps (two processes' worth of state) on one Redis add up their counts."""
    url = require_redis()
    apps = [build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url,
                      LOGIN_LIMITS_ACCOUNT="3 per minute", LOGIN_LIMITS_ADDRESS="100 per minute") for _ in range(2)]
    username = f"tidak-ada-{uuid.uuid4().hex[:8]}"
    try:
        codes = [_post(apps[i % 2].test_client(), username, "salah-salah-1").status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        from redis import Redis

        redis = Redis.from_url(url)
        for key in redis.scan_iter(match=f"LIMITS:*{username}*"):
            redis.delete(key)
        for app in apps:
            drop_schema(app)


def test_memory_counts_without_redis(app):
    from limits.storage import MemoryStorage

    from innovation.auth.throttle import EXTENSION

    assert isinstance(app.extensions[EXTENSION].storage, MemoryStorage)


def test_the_login_page_stays_fast(client, count_statements):
    with count_statements() as counter:
        assert client.get("/auth/login").status_code == 200
    assert counter.count == 0  # no database work to show the form
