"""The job runner: runs to done with progress, records failures, result download only for the
job's creator and admins; the threaded mode with a real separate session and commits; the backend
choice; a job whose process died is failed as interrupted (the heartbeat rule); RQ: a Redis that is
down fails the job with a message, ``submit`` enqueues, ``flask jobs worker --burst`` runs a queued
export, a killed work horse fails its job (the RQ tests need ``TEST_REDIS_URL``)."""
from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from conftest import _PASSWORD_HASH, PG_URL, TEST_PASSWORD, build_app, drop_schema

from innovation.jobs import execution, kinds, runner
from innovation.jobs.models import Job, JobStatus
from innovation.web import Role

GATES: dict[int, threading.Event] = {}
PYTEST_PID = os.getpid()


def counting_job(params, out, progress):
    total = params["total"]
    for n in range(1, total + 1):
        out.write(f"baris {n}\n".encode())
        progress(n, total, f"baris {n}")
        gate = GATES.get(params.get("gate", -1))
        if gate is not None and n == total // 2:
            assert gate.wait(20), "the test never opened the gate"
    return kinds.JobOutput("hitungan.txt", "text/plain", f"{total} baris")


def failing_job(params, out, progress):
    progress(1, 3, "mulai")
    out.write(b"setengah")
    raise RuntimeError("sumber data hilang")


def dying_job(params, out, progress):
    """Dies the way an OOM kill or a kill -9 ends a process: no exception, no cleanup."""
    progress(1, 2, "mulai")
    if os.getpid() == PYTEST_PID:  # run inline by mistake: fail the test, never kill the whole run
        raise RuntimeError("test_die must run in a work horse, not in pytest's process")
    os.kill(os.getpid(), signal.SIGKILL)


kinds.register_kind("test_count", counting_job)
kinds.register_kind("test_fail", failing_job)
kinds.register_kind("test_die", dying_job)


@pytest.fixture
def sync_jobs(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_SYNC", True)
    monkeypatch.setitem(app.config, "JOBS_PROGRESS_EVERY", 3)


def test_job_runs_to_done_with_progress(app, db, make_user, sync_jobs, count_statements):
    from innovation.audit.models import AuditEvent
    from innovation.jobs import services
    from innovation.storage import get_storage

    admin = make_user(role=Role.ADMIN)
    job = services.create_job("test_count", {"total": 10}, by=admin, summary="uji")
    db.session.commit()
    writes = []
    original = execution.Progress.__call__

    def spy(self, done, total, message=""):
        before = self.writes
        original(self, done, total, message)
        if self.writes > before:
            writes.append(done)

    execution.Progress.__call__ = spy
    try:
        runner.submit(job.id)
    finally:
        execution.Progress.__call__ = original
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.percent == 100
    assert (job.progress, job.total) == (10, 10)
    assert writes == [1, 4, 7, 10]  # every 3 items, and the last
    assert job.started_at and job.finished_at and job.error is None
    assert job.message == "10 baris"
    stored = job.result_file
    assert stored.original_name == "hitungan.txt" and stored.size == len(b"".join(b"baris %d\n" % n for n in range(1, 11)))
    assert b"".join(get_storage().open_chunks(stored.key)).startswith(b"baris 1\n")
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "job",
                                                                          AuditEvent.object_id == job.id)))
    assert actions == {"test_count.start", "test_count.finish"}


def test_failing_job_records_error(app, db, make_user, sync_jobs):
    from innovation.audit.models import AuditEvent
    from innovation.jobs import services
    from innovation.storage.models import StoredFile

    admin = make_user(role=Role.ADMIN)
    files_before = db.session.scalar(db.select(db.func.count(StoredFile.id)))
    job = services.create_job("test_fail", {}, by=admin, summary="uji gagal")
    db.session.commit()
    runner.submit(job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED
    assert job.error == "RuntimeError: sumber data hilang"
    assert job.result_file_id is None and job.finished_at is not None
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == files_before
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.object_id == job.id, AuditEvent.action == "test_fail.fail")) == "test_fail.fail"


def test_unknown_kind_refused(app, db, make_user):
    from innovation.jobs import services

    with pytest.raises(services.JobError):
        services.create_job("tidak_ada", {}, by=make_user(role=Role.ADMIN), summary="x")


def test_pages_and_download_only_for_creator_or_admin(app, db, make_user, login, sync_jobs):
    from innovation.jobs import services

    verifier = make_user(role=Role.VERIFIER)
    other_verifier = make_user(role=Role.VERIFIER)
    admin = make_user(role=Role.ADMIN)
    job = services.create_job("test_count", {"total": 4}, by=verifier, summary="uji")
    db.session.commit()
    runner.submit(job.id)
    failed = services.create_job("test_fail", {}, by=verifier, summary="uji")
    db.session.commit()
    runner.submit(failed.id)

    for user, allowed in ((verifier, True), (admin, True), (other_verifier, False)):
        client = app.test_client()
        client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
        for path in (f"/jobs/{job.id}", f"/jobs/{job.id}.json", f"/jobs/{job.id}/download"):
            response = client.get(path)
            assert response.status_code == (200 if allowed else 403), (user.username, path)
        if allowed:
            download = client.get(f"/jobs/{job.id}/download")
            assert download.data.startswith(b"baris 1\n")
            assert download.headers["Content-Disposition"] == 'attachment; filename="hitungan.txt"'
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            data = client.get(f"/jobs/{job.id}.json").get_json()
            assert data["status"] == "done" and data["percent"] == 100 and data["download_url"].endswith("/download")
            page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
            assert "<progress" in page and 'value="100"' in page and "Unduh hasil" in page
            assert "Muat ulang" not in page  # finished: nothing left to reload
            failed_page = client.get(f"/jobs/{failed.id}").get_data(as_text=True)
            assert "sumber data hilang" in failed_page
            assert client.get(f"/jobs/{failed.id}/download").status_code == 404
    assert app.test_client().get(f"/jobs/{job.id}").status_code == 302  # anonymous: to the login page
    assert login(admin).get("/jobs/999999").status_code == 404


def test_queued_page_reloads_without_javascript(app, db, make_user, login):
    from innovation.jobs import services

    admin = make_user(role=Role.ADMIN)
    job = services.create_job("test_count", {"total": 4}, by=admin, summary="uji")
    db.session.flush()
    page = login(admin).get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Muat ulang" in page and 'http-equiv' not in page and "js/jobs.js" in page
    assert "Menunggu giliran" in page


# --- the threaded mode, against a dedicated app whose data is really committed ------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def threaded_app(request, tmp_path_factory):
    if request.param == "postgresql" and not PG_URL:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", pytrace=False)
        pytest.skip("PostgreSQL tests skipped: TEST_DATABASE_URL is not set")
    # JOBS_SYNC off: these tests are about real threads and real RQ work horses (a test job that kills its
    # process must never run inside pytest's own process)
    overrides = {"JOBS_PROGRESS_EVERY": 1, "JOBS_WORKERS": 1, "JOBS_BACKEND": "thread", "JOBS_REDIS_URL": None,
                 "JOBS_SYNC": False}
    if request.param == "sqlite":
        # SQLite as in production: pysqlite's own transaction handling (no SAVEPOINT hooks, which keep
        # a read lock for a whole transaction), so a job thread and requests can share the file.
        from flask_migrate import upgrade

        from innovation import create_app

        tmp = tmp_path_factory.mktemp("threaded")
        app = create_app({"TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SERVER_NAME": None,
                          "STORAGE_URL": f"file://{tmp / 'storage'}", "UPLOAD_STAGING_DIR": str(tmp / "staging"),
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'threaded.sqlite'}", **overrides})
        with app.app_context():
            upgrade(revision="heads")
    else:
        app = build_app(request.param, tmp_path_factory, **overrides)
    yield app
    executor = app.extensions.get("jobs_executor")
    if executor:
        executor.shutdown(wait=True)
    drop_schema(app)


def test_threaded_job_commits_progress_readable_elsewhere(threaded_app):
    from innovation.auth.models import User
    from innovation.extensions import db
    from innovation.jobs import services

    app = threaded_app
    GATES[1] = gate = threading.Event()
    with app.app_context():
        admin = User(username="admin-thread", full_name="Admin Thread", role=Role.ADMIN, password_hash=_PASSWORD_HASH)
        db.session.add(admin)
        db.session.flush()
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin-thread", "password": TEST_PASSWORD})
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.username == "admin-thread"))
        job = services.create_job("test_count", {"total": 10, "gate": 1}, by=admin, summary="uji thread")
        db.session.commit()
        job_id = job.id
        future = runner.submit(job_id)
    assert future is not None
    deadline = time.monotonic() + 20
    data = {}
    while time.monotonic() < deadline:  # another session (the request's) sees the committed progress
        data = client.get(f"/jobs/{job_id}.json").get_json()
        if data["progress"] == 5:
            break
        time.sleep(0.05)
    if future.done():
        future.result()
    assert data["status"] == "running" and data["progress"] == 5 and data["total"] == 10, data
    gate.set()
    future.result(timeout=30)
    data = client.get(f"/jobs/{job_id}.json").get_json()
    assert data["status"] == "done" and data["percent"] == 100
    assert client.get(f"/jobs/{job_id}/download").data.count(b"\n") == 10
    GATES.pop(1, None)
    with app.app_context():  # the job held a heartbeat while it ran, and let go of it afterwards
        job = db.session.get(Job, job_id)
        assert job.heartbeat_at is not None and job.heartbeat_at >= job.started_at
        assert execution.heartbeat_of(app).ids == set()


# --- the backend choice ------------------------------------------------------------------------------


def test_jobs_backend_from_the_environment(monkeypatch, tmp_path):
    from innovation.config import jobs_backend, load_config

    assert jobs_backend(None, None) == "thread"
    assert jobs_backend("", "redis://r:6379/0") == "rq"
    assert jobs_backend("thread", "redis://r:6379/0") == "thread"
    assert jobs_backend(" RQ ", "redis://r:6379/0") == "rq"
    with pytest.raises(ValueError, match="needs JOBS_REDIS_URL"):
        jobs_backend("rq", None)
    with pytest.raises(ValueError, match="must be one of thread, rq"):
        jobs_backend("celery", "redis://r:6379/0")

    for name in ("JOBS_REDIS_URL", "REDIS_URL", "JOBS_BACKEND", "JOBS_QUEUE", "JOBS_TIMEOUT", "JOBS_STALE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    config = load_config(str(tmp_path))
    assert (config["JOBS_BACKEND"], config["JOBS_REDIS_URL"], config["JOBS_QUEUE"]) == ("thread", None, "inovasi")
    assert config["JOBS_TIMEOUT"] >= 3 * 3600  # the 100,000-innovation export takes more than half an hour
    monkeypatch.setenv("REDIS_URL", "redis://shared:6379/0")  # the rate limiter's URL serves the jobs too
    config = load_config(str(tmp_path))
    assert (config["JOBS_BACKEND"], config["JOBS_REDIS_URL"]) == ("rq", "redis://shared:6379/0")
    monkeypatch.setenv("JOBS_REDIS_URL", "redis://jobs:6379/1")
    monkeypatch.setenv("JOBS_QUEUE", "ekspor")
    monkeypatch.setenv("JOBS_TIMEOUT", "600")
    config = load_config(str(tmp_path))
    assert (config["JOBS_REDIS_URL"], config["JOBS_QUEUE"], config["JOBS_TIMEOUT"]) == ("redis://jobs:6379/1",
                                                                                       "ekspor", 600)
    monkeypatch.setenv("JOBS_BACKEND", "thread")
    assert load_config(str(tmp_path))["JOBS_BACKEND"] == "thread"


# --- a job whose process died ---------------------------------------------------------------------------


@pytest.fixture
def stale_after_5_minutes(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_STALE_SECONDS", 300)


def _job_in_state(db, make_user, status, *, started_ago=None, heartbeat_ago=None, by=None):
    from innovation.extensions import utcnow
    from innovation.jobs import services

    job = services.create_job("test_count", {"total": 4}, by=by or make_user(role=Role.ADMIN), summary="uji")
    now = utcnow()
    job.status = status
    job.started_at = now - started_ago if started_ago is not None else None
    job.heartbeat_at = now - heartbeat_ago if heartbeat_ago is not None else None
    db.session.flush()
    return job


def test_stale_rule(app, db, make_user, stale_after_5_minutes):
    from innovation.jobs import services

    minute = timedelta(minutes=1)
    cases = [  # (status, started ago, heartbeat ago, stale?)
        (JobStatus.RUNNING, 60 * minute, 6 * minute, True),     # its process stopped beating 6 min ago
        (JobStatus.RUNNING, 60 * minute, 4 * minute, False),    # still within the limit: a long step
        (JobStatus.RUNNING, 6 * minute, None, True),            # from before migration 0009: judged by start
        (JobStatus.RUNNING, 1 * minute, None, False),
        (JobStatus.QUEUED, None, 6 * minute, True),             # waited in a thread pool of a process that died
        (JobStatus.QUEUED, None, None, False),                  # waits in Redis for a worker: never stale
        (JobStatus.DONE, 60 * minute, 50 * minute, False),
        (JobStatus.FAILED, 60 * minute, 50 * minute, False),
    ]
    admin = make_user(role=Role.ADMIN)
    for status, started, heartbeat, stale in cases:
        job = _job_in_state(db, make_user, status, started_ago=started, heartbeat_ago=heartbeat, by=admin)
        assert services.is_stale(job) is stale, (status, started, heartbeat)
        assert services.fail_if_stale(job) is stale, (status, started, heartbeat)
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        if stale:
            assert job.status == JobStatus.FAILED and job.error == services.INTERRUPTED and job.finished_at
        else:
            assert job.status == status and job.error is None


def test_a_job_that_beat_meanwhile_is_not_failed(app, db, make_user, stale_after_5_minutes):
    """The check and the update race with the job's own process: the UPDATE itself asks for silence."""
    from innovation.extensions import utcnow
    from innovation.jobs import services

    job = _job_in_state(db, make_user, JobStatus.RUNNING, started_ago=timedelta(hours=1),
                        heartbeat_ago=timedelta(minutes=10))
    assert services.is_stale(job)
    db.session.execute(db.update(Job).where(Job.id == job.id).values(heartbeat_at=utcnow()))  # the job beats
    assert services.fail_if_stale(job) is False
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.RUNNING
    finished = _job_in_state(db, make_user, JobStatus.DONE, started_ago=timedelta(hours=1))
    assert services.fail_job(finished, services.INTERRUPTED) is False  # a finished job keeps its result


def test_interrupted_job_is_failed_when_its_page_is_read(app, db, make_user, login, stale_after_5_minutes):
    from innovation.audit.models import AuditEvent

    admin = make_user(role=Role.ADMIN)
    job = _job_in_state(db, make_user, JobStatus.RUNNING, started_ago=timedelta(hours=1),
                        heartbeat_ago=timedelta(minutes=10), by=admin)
    alive = _job_in_state(db, make_user, JobStatus.RUNNING, started_ago=timedelta(hours=1),
                          heartbeat_ago=timedelta(seconds=20), by=admin)
    client = login(admin)
    data = client.get(f"/jobs/{job.id}.json").get_json()
    assert data["status"] == "failed" and data["finished"] is True
    assert data["error"].startswith("Tugas terhenti karena proses yang menjalankannya berhenti")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Silakan mulai lagi" in page and "Muat ulang" not in page
    assert client.get(f"/jobs/{alive.id}.json").get_json()["status"] == "running"
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.FAILED  # committed by the view
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "job", AuditEvent.object_id == job.id, AuditEvent.action == "test_count.fail"))


def test_recent_jobs_show_an_interrupted_job_failed(app, db, make_user, stale_after_5_minutes):
    from innovation.jobs import services

    job = _job_in_state(db, make_user, JobStatus.RUNNING, started_ago=timedelta(hours=1),
                        heartbeat_ago=timedelta(minutes=10))
    listed = {j.id: j for j in services.recent_jobs("test_count", limit=50)}
    assert listed[job.id].status == JobStatus.FAILED


def test_reap_command(app, db, make_user, stale_after_5_minutes):
    stale = _job_in_state(db, make_user, JobStatus.RUNNING, started_ago=timedelta(hours=2),
                          heartbeat_ago=timedelta(hours=1))
    alive = _job_in_state(db, make_user, JobStatus.RUNNING, started_ago=timedelta(hours=2),
                          heartbeat_ago=timedelta(seconds=5))
    result = app.test_cli_runner().invoke(args=["jobs", "reap"])
    assert result.exit_code == 0, result.output
    assert f"job {stale.id} (test_count) failed: interrupted" in result.output
    assert f"job {alive.id} " not in result.output
    db.session.expire_all()
    assert db.session.get(Job, stale.id).status == JobStatus.FAILED
    assert db.session.get(Job, alive.id).status == JobStatus.RUNNING


def test_heartbeat_touches_held_jobs_until_released(threaded_app):
    from innovation.extensions import db, utcnow
    from innovation.jobs import services

    app = threaded_app
    with app.app_context():
        job = services.create_job("test_count", {"total": 1}, by=None, summary="uji detak")
        job.status, job.started_at = JobStatus.RUNNING, utcnow() - timedelta(hours=1)
        job.heartbeat_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        job_id = job.id
    heartbeat = execution.Heartbeat(app)
    heartbeat.interval = 0.05
    heartbeat.hold(job_id)
    try:
        deadline = time.monotonic() + 10
        while heartbeat.beats < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert heartbeat.beats >= 2, "the heartbeat thread never beat"
        with app.app_context():
            job = db.session.get(Job, job_id)
            assert utcnow() - job.heartbeat_at < timedelta(seconds=10)
            assert not services.is_stale(job)
    finally:
        heartbeat.release(job_id)
    thread = heartbeat.thread
    if thread is not None:
        thread.join(timeout=5)
    assert heartbeat.thread is None, "the heartbeat thread keeps running with nothing to hold"
    with app.app_context():
        db.session.execute(db.delete(Job).where(Job.id == job_id))
        db.session.commit()


# --- RQ -------------------------------------------------------------------------------------------------


def _closed_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there once the socket is closed


def test_export_with_redis_down_fails_the_job_with_a_message(app, db, make_user, login, monkeypatch):
    from innovation.jobs import services

    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", _closed_port_url())
    monkeypatch.setitem(app.config, "JOBS_SYNC", False)  # the RQ path itself
    admin = make_user(role=Role.ADMIN)
    client = login(admin)
    response = client.post("/reporting/export", data={"year": "2026", "scope": "all", "failing": "include"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.FAILED and job.error == services.QUEUE_UNREACHABLE and job.finished_at
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Antrean tugas (Redis) tidak dapat dihubungi" in text and "Muat ulang" not in text
    assert client.get(f"/jobs/{job_id}.json").get_json()["error"] == services.QUEUE_UNREACHABLE
    assert client.get("/reporting/export").status_code == 200


def test_worker_command_needs_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "thread")
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "need no worker" in result.output
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", _closed_port_url())
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "is unreachable" in result.output


def test_submit_enqueues_on_rq(app, db, make_user, monkeypatch, redis_url, rq_queue):
    from redis import Redis
    from rq import Queue

    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", rq_queue)
    monkeypatch.setitem(app.config, "JOBS_TIMEOUT", 4321)
    monkeypatch.setitem(app.config, "JOBS_SYNC", False)  # the RQ path itself
    from innovation.jobs import services

    job = services.create_job("test_count", {"total": 3}, by=make_user(role=Role.ADMIN), summary="uji rq")
    db.session.commit()
    queued = runner.submit(job.id)
    assert queued is not None
    waiting = Queue(rq_queue, connection=Redis.from_url(redis_url))
    assert waiting.job_ids == [queued.id]
    assert queued.func_name == "innovation.jobs.redis_queue.run_queued" and queued.args == (job.id,)
    assert queued.timeout == 4321
    db.session.expire_all()
    row = db.session.get(Job, job.id)
    assert row.status == JobStatus.QUEUED and row.heartbeat_at is None  # nobody holds it until a worker does
    assert not services.is_stale(row)


@pytest.fixture
def rq_app(threaded_app, rq_queue, redis_url):
    threaded_app.config.update(JOBS_BACKEND="rq", JOBS_REDIS_URL=redis_url, JOBS_QUEUE=rq_queue)
    yield threaded_app
    threaded_app.extensions.pop("jobs_redis", None)


def _admin(app, username):
    from innovation.auth.models import User
    from innovation.extensions import db

    with app.app_context():
        admin = User(username=username, full_name="Admin RQ", role=Role.ADMIN, password_hash=_PASSWORD_HASH)
        db.session.add(admin)
        db.session.commit()
        return admin.id


def test_worker_command_runs_a_queued_export(rq_app):
    """The web side enqueues (nothing runs in the web process); ``flask jobs worker --burst`` runs it."""
    from innovation.auth.models import User
    from innovation.extensions import db
    from innovation.jobs import services
    from innovation.orgs.models import Opd, OpdKind
    from innovation.reporting import export

    app = rq_app
    admin_id = _admin(app, "admin-rq")
    with app.app_context():
        opd = Opd(name="Dinas Antrean", code="ANTRE1", kind=OpdKind.DINAS)
        db.session.add(opd)
        db.session.flush()
        from innovation.innovations.models import Innovation

        db.session.add(Innovation(opd=opd, nama="Inovasi Lewat Antrean", rules_year=2026))
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "admin-rq", "password": TEST_PASSWORD})
    response = client.post("/reporting/export", data={"year": "2026", "scope": "all", "failing": "include",
                                                      "opd": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    time.sleep(0.3)
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"  # no thread ran it
    assert app.extensions.get("jobs_executor") is None

    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    data = client.get(f"/jobs/{job_id}.json").get_json()
    assert data["status"] == "done", data
    download = client.get(data["download_url"])
    assert download.data[:2] == b"PK"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert "Inovasi Lewat Antrean" in archive.read("daftar-inovasi.csv").decode("utf-8-sig")
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.kind == export.JOB_KIND and job.created_by == db.session.get(User, admin_id)
        assert job.heartbeat_at is not None
        assert services.recent_jobs(export.JOB_KIND)[0].id == job_id


def test_killed_work_horse_fails_its_job_at_once(rq_app):
    from innovation.extensions import db
    from innovation.jobs import services

    app = rq_app
    with app.app_context():
        job = services.create_job("test_die", {}, by=None, summary="uji mati")
        db.session.commit()
        job_id = job.id
        runner.submit(job_id)
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.FAILED and job.error == services.INTERRUPTED, (job.status, job.error)
        assert job.started_at is not None and job.finished_at is not None


# --- the job kinds: registered explicitly; the work horse runs inside the worker's app -----------------


def test_create_app_registers_the_export_kind(monkeypatch, tmp_path):
    """Importing the export registers nothing; ``create_app`` registers its kind (jobs imports no area above it)."""
    from innovation import create_app
    from innovation.reporting import export

    monkeypatch.setattr(kinds, "_KINDS", {})
    assert not kinds.known_kind(export.JOB_KIND)
    create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "STORAGE_URL": f"file://{tmp_path / 'storage'}", "UPLOAD_STAGING_DIR": str(tmp_path / "staging")})
    assert kinds.known_kind(export.JOB_KIND) and kinds.function_of(export.JOB_KIND) is export.run_export_job


def test_a_queued_task_needs_the_workers_app():
    from innovation.jobs import redis_queue

    with pytest.raises(RuntimeError, match="AppWorker"):
        redis_queue.run_queued(1)
