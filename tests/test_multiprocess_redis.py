"""The production layout with Redis: two app processes, one job worker, one database, one storage folder.

Two ``gunicorn -w 1 wsgi:app`` processes (A and B) and one ``flask --app innovation jobs worker`` share a
SQLite file (and, with ``TEST_DATABASE_URL``, a PostgreSQL schema of their own) and a storage folder;
jobs go through RQ on ``TEST_REDIS_URL`` (a queue name of this run's own, purged afterwards) and the
login rate limit counts in the same Redis. A user logs in on A, starts the Kemendagri export on B, the
worker runs it, A shows the progress and B serves the ZIP; failed logins count across A and B.
Skipped without ``TEST_REDIS_URL`` (``REQUIRE_REDIS=1`` fails instead), like the PostgreSQL variants.
"""
from __future__ import annotations

import io
import os
import time
import uuid
import zipfile

import pytest
from conftest import purge_rq_queue, require_redis
from test_multiprocess import PG_URL, _drop_schema, _session, start_export

from benchmarks import seed as seeding
from benchmarks.helpers import VENV_BIN, JobWorker, Server, app_env, csrf_token, shared_database_url

pytestmark = pytest.mark.skipif(not (VENV_BIN / "gunicorn").exists(),
                                reason=f"gunicorn is not installed in {VENV_BIN}: multi-process tests skipped")

LOGIN_LIMIT = 5


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def trio(request, tmp_path_factory):
    """(A, B, worker) on one database, one storage folder and one Redis queue."""
    redis_url = require_redis()
    if request.param == "postgresql" and not PG_URL:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", pytrace=False)
        pytest.skip("PostgreSQL multi-process test skipped: TEST_DATABASE_URL is not set")
    tmp = tmp_path_factory.mktemp(f"multiprocess-redis-{request.param}")
    url = shared_database_url(request.param, tmp, PG_URL, "mpr")
    storage = tmp / "storage"
    seeding.seed(url, 2, storage, blob_innovations=2, audit_per_innovation=1, log=lambda m: None)
    queue = f"test-mp-{uuid.uuid4().hex[:12]}"
    env = app_env(url, storage, JOBS_BACKEND="rq", JOBS_REDIS_URL=redis_url, JOBS_QUEUE=queue,
                  RATELIMIT_STORAGE_URI=redis_url,
                  LOGIN_LIMITS_ACCOUNT=f"{LOGIN_LIMIT} per minute")
    a = Server(env, workers=1, log_path=tmp / "a.log")
    b = Server(env, workers=1, log_path=tmp / "b.log")
    worker = JobWorker(env, log_path=tmp / "worker.log")
    try:
        a.start()
        b.start()
        worker.start()
        yield a, b, worker
    finally:
        worker.stop()
        a.stop()
        b.stop()
        purge_rq_queue(redis_url, queue)
        if request.param == "postgresql":
            _drop_schema(url)


def test_export_started_on_b_runs_on_the_worker_and_is_downloaded_on_b(trio):
    a, b, worker = trio
    http = _session(a, seeding.ADMIN)  # logged in on A
    job_path = start_export(b, http)  # started on B
    job_id = int(job_path.rsplit("/", 1)[1])
    seen: list[tuple[str, int]] = []
    status: dict = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # followed on A
        status = http.get(f"{a.base_url}{job_path}.json").json()
        seen.append((status["status"], status["progress"]))
        if status["finished"]:
            break
        assert worker.running(), f"the job worker exited:\n{worker.log_text()[-3000:]}"
        time.sleep(0.2)
    assert status.get("status") == "done", (status, worker.log_text()[-3000:])
    assert status["total"] >= 2 and status["progress"] == status["total"]
    assert f"inovasi job {job_id}" in worker.log_text(), "the worker's log does not name the job: who ran it?"
    page = http.get(f"{a.base_url}{job_path}")
    assert page.status_code == 200 and "Unduh hasil" in page.text
    download = http.get(b.base_url + status["download_url"])  # downloaded on B
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert "inovasi.xlsx" in archive.namelist()


def test_login_rate_limit_counts_across_processes(trio):
    """With the limit in Redis, failed logins on A and B add up; each process alone would allow more."""
    import requests

    a, b, _worker = trio
    username = f"tidak-ada-{uuid.uuid4().hex[:8]}"  # the limit keys on address and user name: this run's own
    http = requests.Session()
    token = csrf_token(http.get(a.base_url + "/auth/login").text)
    codes = []
    for attempt in range(LOGIN_LIMIT + 1):
        server = (a, b)[attempt % 2]
        response = http.post(server.base_url + "/auth/login", allow_redirects=False,
                             data={"username": username, "password": "salah", "csrf_token": token})
        codes.append(response.status_code)
    assert codes[:LOGIN_LIMIT] == [200] * LOGIN_LIMIT, codes  # wrong password: the form again
    assert codes[LOGIN_LIMIT] == 429, f"{LOGIN_LIMIT + 1} failed logins over A and B were not limited: {codes}"
    assert http.post(a.base_url + "/auth/login", allow_redirects=False,
                     data={"username": username, "password": "salah", "csrf_token": token}).status_code == 429
    from redis import Redis

    redis = Redis.from_url(require_redis())
    for key in redis.scan_iter(match=f"LIMITS:*{username}*"):
        redis.delete(key)
