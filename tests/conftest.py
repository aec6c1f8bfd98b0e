"""Test fixtures.

The app is built once per database backend from a config dict. ``db_backend`` is parametrised, so
every test that touches the database runs on SQLite and, when ``TEST_DATABASE_URL`` is set, on
PostgreSQL too (in a schema of its own, so parallel runs never collide). The schema is made by the
real Alembic migrations once per session; each test then runs inside a transaction that is rolled
back (SQLite uses SQLAlchemy's documented pysqlite SAVEPOINT hooks).
"""
from __future__ import annotations

import contextlib
import itertools
import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from innovation import create_app
from innovation.extensions import db as _db
from innovation.extensions import utcnow

TEST_PASSWORD = "rahasia-uji-123"
# A cheap hash for the test accounts (the app's own hashing is tested through the services).
_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")
PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")

BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header(config):
    lines = []
    lines.append(
        f"PostgreSQL: {PG_URL}" if PG_URL else
        "PostgreSQL: SKIPPED (set TEST_DATABASE_URL=postgresql://user@host/db to run every test on it too)"
    )
    lines.append(
        f"Redis: {REDIS_URL}" if REDIS_URL else
        "Redis: SKIPPED (set TEST_REDIS_URL=redis://127.0.0.1:6379/15 to run the RQ job tests)"
    )
    return lines


def _sqlite_savepoint_hooks(engine):
    """pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy drive it."""

    @sa.event.listens_for(engine, "connect")
    def do_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def do_begin(conn):
        conn.exec_driver_sql("BEGIN")


def build_app(backend: str, tmp_path_factory, **overrides):
    tmp = tmp_path_factory.mktemp(f"app-{backend}")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "STORAGE_URL": f"file://{tmp / 'storage'}",
        "UPLOAD_STAGING_DIR": str(tmp / "staging"),
        "RULES_DIR": str(tmp / "rules"),  # years added from the UI (innovation.rules.use_directory)
        "SERVER_NAME": None,
        # Jobs in a thread whatever REDIS_URL the developer's shell has; the RQ tests ask for Redis themselves.
        "JOBS_BACKEND": "thread",
        "JOBS_REDIS_URL": None,
        "RESULTS_REDIS_URL": None,  # the results store's tests ask for Redis themselves
        # pages show the current result; the tests of a live round's slightly older result turn it on
        "RESULTS_LIVE_STALE_SECONDS": 0,
        "RESULTS_LIVE_REFRESH_SECONDS": 0,
        "RESULTS_REFRESH_INLINE": True,
        # ... but inline: every test session is bound to one connection whose transaction is rolled back, and a
        # job thread sharing it (an outbox delivery started after a request that emitted) could roll back the
        # test's savepoint under it. Tests of the thread pool itself switch this off.
        "JOBS_SYNC": True,
    }
    schema = None
    if backend == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp / 'test.sqlite'}"
    else:
        from innovation.config import normalise_database_url

        schema = f"t_{uuid.uuid4().hex[:10]}"
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(PG_URL)
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    config.update(overrides)
    if schema:
        admin_engine = sa.create_engine(config["SQLALCHEMY_DATABASE_URI"])
        with admin_engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin_engine.dispose()
    app = create_app(config)

    @app.before_request
    def forget_cached_user():
        # Tests keep one app context open around many requests (for the rolled-back session), and
        # Flask reuses it, so Flask-Login's per-context cache of the user must be cleared per request
        # (in production every request has its own app context).
        from flask import g

        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # Flask-Babel caches the locale the same way

    with app.app_context():
        if backend == "sqlite":
            _sqlite_savepoint_hooks(_db.engine)
        upgrade()
    app.extensions["test_schema"] = schema
    return app


def drop_schema(app):
    schema = app.extensions.get("test_schema")
    if not schema:
        return
    with app.app_context():
        _db.engine.dispose()
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


def require_backend(backend: str) -> None:
    """Skip a PostgreSQL test without TEST_DATABASE_URL (fail instead with REQUIRE_POSTGRES=1)."""
    if backend == "postgresql" and not PG_URL:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", pytrace=False)
        pytest.skip("PostgreSQL tests skipped: TEST_DATABASE_URL is not set")


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    require_backend(request.param)
    app = build_app(request.param, tmp_path_factory)
    yield app
    drop_schema(app)


from flask_sqlalchemy.session import Session as _FlaskSession  # noqa: E402


class _ConnectionBoundSession(_FlaskSession):
    """Flask-SQLAlchemy's session picks an engine per mapper and ignores ``bind=``; the test session
    must use the one connection whose outer transaction is rolled back."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind if self.bind is not None else super().get_bind(mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture
def db(app):
    """A database session inside a transaction that is rolled back after the test."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_opd(db):
    from innovation.orgs.models import Opd, OpdKind

    def make(name=None, code=None, kind=OpdKind.DINAS, parent=None, active=True):
        n = next(_counter)
        opd = Opd(name=name or f"Dinas Uji {n}", code=code or f"UJI{n}", kind=kind, parent=parent, active=active)
        db.session.add(opd)
        db.session.flush()
        return opd

    return make


@pytest.fixture
def make_user(db, make_opd):
    from innovation.auth.models import User
    from innovation.web import Role

    def make(role=Role.OPERATOR, opd=None, username=None, active=True, full_name=None):
        role = Role(role)
        if role == Role.OPERATOR and opd is None:
            opd = make_opd()
        n = next(_counter)
        user = User(
            username=username or f"{role.value}{n}",
            full_name=full_name or f"Pengguna {role.value} {n}",
            role=role,
            opd=opd,
            password_hash=_PASSWORD_HASH,
            active=active,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def make_innovation(db, make_opd):
    from innovation.innovations.models import Innovation
    from innovation.rules import latest_year

    def make(opd=None, nama=None, **fields):
        innovation = Innovation(
            opd=opd or make_opd(), nama=nama or f"Inovasi Uji {next(_counter)}", rules_year=fields.pop("rules_year", latest_year()), **fields
        )
        db.session.add(innovation)
        db.session.flush()
        return innovation

    return make


@pytest.fixture
def make_event(db):
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Event

    def make(slug=None, opens_at=None, closes_at=None, year=2026, name=None):
        n = next(_counter)
        now = utcnow()
        event = Event(
            slug=slug or f"innovation-week-uji-{n}",
            name=name or f"Innovation Week Uji {n}",
            year=year,
            opens_at=opens_at or now - timedelta(days=1),
            closes_at=closes_at or now + timedelta(days=7),
        )
        event.categories = [Category(name=c, position=i) for i, c in enumerate(DEFAULT_CATEGORIES)]
        db.session.add(event)
        db.session.flush()
        return event

    return make


@pytest.fixture
def login(client):
    def do_login(user, password=TEST_PASSWORD):
        response = client.post("/auth/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.data[:500]
        return client

    return do_login


@pytest.fixture
def count_statements(app):
    """``with count_statements() as counter: ...; counter.count`` — SQL statements executed."""

    @contextlib.contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []
        engine = _db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.strip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                return
            counter.count += 1
            counter.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def admin(make_user):
    from innovation.web import Role

    return make_user(role=Role.ADMIN)


@pytest.fixture
def t():
    """A short unique suffix for names and codes a test creates."""
    return uuid.uuid4().hex[:6]


# --- Redis (the RQ job backend), like PostgreSQL: TEST_REDIS_URL, or skipped; REQUIRE_REDIS=1 fails --------


def require_redis() -> str:
    """``TEST_REDIS_URL`` if that Redis answers; otherwise skip (or fail with ``REQUIRE_REDIS=1``)."""
    required = os.environ.get("REQUIRE_REDIS") == "1"
    if not REDIS_URL:
        if required:
            pytest.fail("REQUIRE_REDIS=1 but TEST_REDIS_URL is not set", pytrace=False)
        pytest.skip("Redis tests skipped: TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except RedisError as error:
        if required:
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {REDIS_URL} does not answer: {error}", pytrace=False)
        pytest.skip(f"Redis tests skipped: Redis at {REDIS_URL} does not answer ({error})")
    return REDIS_URL


def purge_rq_queue(url: str, name: str) -> None:
    """Delete an RQ queue with its jobs, registries and worker records (a test's unique queue)."""
    from redis import Redis
    from rq import Queue
    from rq.job import Job as RQJob

    connection = Redis.from_url(url)
    queue = Queue(name, connection=connection)
    registries = (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry,
                  queue.deferred_job_registry, queue.scheduled_job_registry, queue.canceled_job_registry)
    ids = set(queue.get_job_ids())
    for registry in registries:
        ids.update(registry.get_job_ids(cleanup=False))
    for job_id in ids:
        with contextlib.suppress(Exception):
            RQJob.fetch(job_id, connection=connection).delete(remove_from_queue=True)
    queue.delete(delete_jobs=True)
    leftovers = {key for pattern in (f"rq:*:{name}*", *(f"rq:*:{job_id}*" for job_id in ids))
                 for key in connection.scan_iter(match=pattern)}  # results, executions
    leftovers.update(key for key in connection.scan_iter(match="rq:worker:*")
                     if connection.type(key) == b"hash" and connection.hget(key, "queues") == name.encode())
    if leftovers:
        connection.delete(*leftovers)
    connection.close()


@pytest.fixture
def redis_url():
    return require_redis()


@pytest.fixture
def rq_queue(redis_url):
    """A queue name of its own for this test (parallel runs share the Redis database); purged afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    purge_rq_queue(redis_url, name)
