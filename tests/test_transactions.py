"""A request that only read ends with COMMIT (psycopg keeps its prepared statements across requests);
anything that wrote, or left changes unflushed, still ends with the rollback. Each backend gets an
app of its own here: the shared test app keeps one rolled-back transaction around every test."""
from __future__ import annotations

import pytest
from conftest import build_app, drop_schema, require_backend
from sqlalchemy import event, func, select, text, update

from innovation.auth.models import User
from innovation.auth.services import create_user
from innovation.extensions import db
from innovation.web import Role


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fresh(request, tmp_path_factory):
    require_backend(request.param)
    app = build_app(request.param, tmp_path_factory)

    @app.route("/_t/read")
    def read():
        return str(db.session.scalar(select(func.count(User.id))))

    @app.route("/_t/core-update-then-fail")
    def core_update_then_fail():
        db.session.execute(update(User).values(full_name="Diubah lalu gagal"))
        raise RuntimeError("a view that wrote and then failed")

    @app.route("/_t/changed-not-flushed")
    def changed_not_flushed():
        user = db.session.scalar(select(User).order_by(User.id).limit(1))
        user.full_name = "Diubah tanpa flush"  # a view that forgot to commit: never saved behind its back
        return "ok"

    @app.route("/_t/core-update-no-commit")
    def core_update_no_commit():
        db.session.execute(update(User).values(full_name="Diubah tanpa commit"))  # a view that forgot to commit
        return "ok"

    @app.route("/_t/prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    with app.app_context():
        create_user(username="pembaca", full_name="Pembaca Uji", role=Role.ADMIN, password="sandi-uji-panjang-1")
        db.session.commit()
    ends = {"commit": 0, "rollback": 0}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", lambda conn: ends.__setitem__("commit", ends["commit"] + 1))
    event.listen(engine, "rollback", lambda conn: ends.__setitem__("rollback", ends["rollback"] + 1))
    app.extensions["test_ends"] = ends
    yield app
    drop_schema(app)


def _names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.full_name)))


def test_a_read_only_request_commits(fresh):
    ends = fresh.extensions["test_ends"]
    before = dict(ends)
    client = fresh.test_client()
    assert client.get("/_t/read").get_data(as_text=True) == "1"
    assert ends["commit"] == before["commit"] + 1 and ends["rollback"] == before["rollback"]


def test_a_request_that_wrote_and_failed_is_rolled_back(fresh):
    fresh.config["PROPAGATE_EXCEPTIONS"] = False
    ends = fresh.extensions["test_ends"]
    before = dict(ends)
    client = fresh.test_client()
    assert client.get("/_t/core-update-then-fail").status_code == 500
    assert ends["rollback"] == before["rollback"] + 1 and ends["commit"] == before["commit"]
    assert "Diubah lalu gagal" not in _names(fresh)


def test_changes_a_view_did_not_commit_are_not_committed_behind_its_back(fresh):
    client = fresh.test_client()
    assert client.get("/_t/changed-not-flushed").status_code == 200
    assert client.get("/_t/core-update-no-commit").status_code == 200
    names = _names(fresh)
    assert "Diubah tanpa flush" not in names and "Diubah tanpa commit" not in names


def test_prepared_statements_survive_between_requests(fresh):
    if fresh.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only: SQLite has no server-side prepared statements")
    client = fresh.test_client()
    for _ in range(8):  # psycopg prepares a statement after its fifth run on a connection
        client.get("/_t/read")
    assert int(client.get("/_t/prepared").get_data(as_text=True)) >= 1


def test_prepared_statements_can_be_switched_off_for_a_pooler(monkeypatch, tmp_path):
    from innovation.config import engine_options, load_config

    assert engine_options("postgresql+psycopg://db/x", None) == {"pool_pre_ping": True}
    assert engine_options("postgresql+psycopg://db/x", "off")["connect_args"] == {"prepare_threshold": None}
    assert "connect_args" not in engine_options("sqlite:///x.sqlite", "off")  # sqlite3 has no such argument
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/inovasi")
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "OFF")
    options = load_config(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"prepare_threshold": None} and options["pool_pre_ping"]


def test_real_pages_end_as_they_should(fresh):
    """A login (which stamps last_login_at) commits in its view; a logged-in page view that only reads
    commits at its end; neither is rolled back."""
    ends = fresh.extensions["test_ends"]
    client = fresh.test_client()
    before = dict(ends)
    login = client.post("/auth/login", data={"username": "pembaca", "password": "sandi-uji-panjang-1"})
    assert login.status_code == 302
    assert ends["commit"] >= before["commit"] + 1 and ends["rollback"] == before["rollback"]  # the view's own
    before = dict(ends)
    assert client.get("/auth/password").status_code == 200
    assert ends["commit"] == before["commit"] + 1 and ends["rollback"] == before["rollback"]
    with fresh.app_context():
        assert db.session.scalar(select(User.last_login_at).where(User.username == "pembaca")) is not None
