"""The job runner: runs to done with progress, records failures, result download only for the
job's creator and admins; the threaded mode with a real separate session and commits."""
from __future__ import annotations

import os
import threading
import time

import pytest
from conftest import _PASSWORD_HASH, PG_URL, TEST_PASSWORD, build_app, drop_schema

from innovation.auth.models import Role
from innovation.jobs import runner
from innovation.jobs.models import Job, JobStatus

GATES: dict[int, threading.Event] = {}


def counting_job(params, out, progress):
    total = params["total"]
    for n in range(1, total + 1):
        out.write(f"baris {n}\n".encode())
        progress(n, total, f"baris {n}")
        gate = GATES.get(params.get("gate", -1))
        if gate is not None and n == total // 2:
            assert gate.wait(20), "the test never opened the gate"
    return runner.JobOutput("hitungan.txt", "text/plain", f"{total} baris")


def failing_job(params, out, progress):
    progress(1, 3, "mulai")
    out.write(b"setengah")
    raise RuntimeError("sumber data hilang")


runner.register_kind("test_count", counting_job)
runner.register_kind("test_fail", failing_job)


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
    original = runner.Progress.__call__

    def spy(self, done, total, message=""):
        before = self.writes
        original(self, done, total, message)
        if self.writes > before:
            writes.append(done)

    runner.Progress.__call__ = spy
    try:
        runner.submit(job.id)
    finally:
        runner.Progress.__call__ = original
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
    overrides = {"JOBS_PROGRESS_EVERY": 1, "JOBS_WORKERS": 1}
    if request.param == "sqlite":
        # SQLite as in production: pysqlite's own transaction handling (no SAVEPOINT hooks, which keep
        # a read lock for a whole transaction), so a job thread and requests can share the file.
        from flask_migrate import upgrade

        from innovation import create_app

        tmp = tmp_path_factory.mktemp("threaded")
        app = create_app({"TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
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
