"""Two app processes on one database and one storage folder: whichever answers, it works.

Production runs several gunicorn processes behind one PostgreSQL (docs/DEPLOY.md). Nothing may live
in one process only: the session is a signed cookie, uploads are staged in a shared folder with the
offset in the database, background jobs keep their state in the ``job`` table and their result in
storage. Here two ``gunicorn -w 1 wsgi:app`` processes (A and B) share a SQLite file (and, with
``TEST_DATABASE_URL``, a PostgreSQL schema of their own, dropped afterwards), seeded by
``benchmarks.seed`` with a couple of innovations. Jobs run in the thread backend here (in the process
that accepted them); ``test_multiprocess_redis.py`` runs the same layout with Redis and a job worker.
"""
from __future__ import annotations

import base64
import os
import time

import pytest

from benchmarks import seed as seeding
from benchmarks.helpers import VENV_BIN, Server, app_env, csrf_token, forms_of, shared_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not (VENV_BIN / "gunicorn").exists(),
                                reason=f"gunicorn is not installed in {VENV_BIN}: multi-process tests skipped")

MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def _drop_schema(url: str) -> None:
    import sqlalchemy as sa

    from innovation.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{seeding.schema_of(url)}" CASCADE')
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(request, tmp_path_factory):
    """(A, B): two servers on one database and one storage folder."""
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL multi-process test skipped: TEST_DATABASE_URL is not set")
    tmp = tmp_path_factory.mktemp(f"multiprocess-{request.param}")
    url = shared_database_url(request.param, tmp, PG_URL, "mp")
    storage = tmp / "storage"
    seeding.seed(url, 2, storage, blob_innovations=2, audit_per_innovation=1, log=lambda m: None)
    env = app_env(url, storage, JOBS_BACKEND="thread")
    a = Server(env, workers=1, log_path=tmp / "a.log")
    b = Server(env, workers=1, log_path=tmp / "b.log")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()
        if request.param == "postgresql":
            _drop_schema(url)


def _session(server: Server, username: str):
    import requests

    http = requests.Session()
    token = csrf_token(http.get(server.base_url + "/auth/login").text)
    response = http.post(server.base_url + "/auth/login", allow_redirects=False,
                         data={"username": username, "password": seeding.BENCH_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.text[:300]
    return http


def _first_innovation(server: Server, http) -> int:
    # op.bench.1 works for the first OPD, which owns the first innovation (id 1 in a fresh database).
    page = http.get(server.base_url + "/innovations/")
    assert page.status_code == 200
    import re

    found = re.search(r'/innovations/(\d+)"', page.text)
    assert found, "the operator's dashboard lists no innovation"
    return int(found.group(1))


def test_session_from_a_is_valid_on_b(pair):
    a, b = pair
    http = _session(a, "op.bench.1")
    on_b = http.get(b.base_url + "/innovations/", allow_redirects=False)
    assert on_b.status_code == 200, f"B did not accept A's session cookie: HTTP {on_b.status_code}"
    assert "op.bench.1" in on_b.text or "Operator" in on_b.text
    # and signing out on B ends it on A as well (nothing kept server-side per process)
    token = csrf_token(on_b.text)
    http.post(b.base_url + "/auth/logout", data={"csrf_token": token}, allow_redirects=False)
    assert http.get(a.base_url + "/innovations/", allow_redirects=False).status_code == 302


def _tus(server: Server, http, token: str) -> dict[str, str]:
    return {"Tus-Resumable": "1.0.0", "X-CSRFToken": token}


def test_upload_created_on_a_continues_on_b(pair):
    """tus create on A, PATCH on B, HEAD on A: the offset lives in the database, the bytes in the shared folder."""
    a, b = pair
    http = _session(a, "op.bench.1")
    innovation_id = _first_innovation(a, http)
    token = csrf_token(http.get(f"{a.base_url}/innovations/{innovation_id}/indicators/35").text)
    assert token
    size = 3 * 1024 * 1024
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"filename": "video.mp4", "innovation_id": str(innovation_id), "indicator_no": "35"}.items())
    created = http.post(a.base_url + "/uploads/tus", allow_redirects=False,
                        headers={**_tus(a, http, token), "Upload-Length": str(size), "Upload-Metadata": meta})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    first = MP4_HEAD + bytes(1024 * 1024 - len(MP4_HEAD))
    patched = http.patch(b.base_url + location, data=first, headers={
        **_tus(b, http, token), "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert patched.status_code == 204, patched.text
    assert patched.headers["Upload-Offset"] == str(len(first))
    head = http.head(a.base_url + location, headers=_tus(a, http, token))
    assert head.headers["Upload-Offset"] == str(len(first)), "A does not see the bytes B received"
    rest = bytes(size - len(first))
    last = http.patch(a.base_url + location, data=rest, headers={
        **_tus(a, http, token), "Upload-Offset": str(len(first)), "Content-Type": "application/offset+octet-stream"})
    assert last.status_code == 204
    assert last.headers["Upload-Offset"] == str(size)
    _state["upload"] = (http, innovation_id, location, token)


_state: dict = {}


def test_finished_upload_is_evidence_on_both(pair):
    a, b = pair
    if "upload" not in _state:
        pytest.skip("the upload test did not run")
    http, innovation_id, location, token = _state.pop("upload")
    head = http.head(b.base_url + location, headers=_tus(b, http, token))
    assert head.status_code == 200
    for server in (a, b):
        page = http.get(f"{server.base_url}/innovations/{innovation_id}/indicators/35")
        assert "video.mp4" in page.text, f"the finished upload is not evidence on {server.base_url}"


def start_export(server: Server, http) -> str:
    """Fill the export page's form as it comes (every innovation) and post it; returns the job's path."""
    form_page = http.get(server.base_url + "/reporting/export")
    if form_page.status_code == 404:
        pytest.skip("the Kemendagri export page (/reporting/export) does not exist yet")
    assert form_page.status_code == 200
    form = next(f for f in forms_of(form_page.text) if f["method"] == "post")
    data: dict[str, str] = {}
    for field in form["fields"]:
        name = field.get("name")
        if field["tag"] == "select":
            data[name] = next((o for o in field["options"] if o), "")
        elif field.get("type") == "radio":
            data.setdefault(name, field.get("value", ""))
        elif field["tag"] == "input" and field.get("type") not in ("submit", "checkbox"):
            data[name] = field.get("value", "")
    data["scope"] = "all"
    started = http.post(server.base_url + "/reporting/export", data=data, allow_redirects=False)
    assert started.status_code == 302, started.text[:500]
    job_url = started.headers["Location"].replace("http://127.0.0.1", "").split(":", 1)[-1]
    return job_url[job_url.index("/jobs/"):]


def test_background_export_started_on_a_is_seen_and_downloaded_on_b(pair):
    a, b = pair
    http = _session(a, seeding.ADMIN)
    job_path = start_export(a, http)
    deadline = time.monotonic() + 25
    status = {}
    while time.monotonic() < deadline:
        status = http.get(f"{b.base_url}{job_path}.json").json()
        if status["finished"]:
            break
        time.sleep(0.3)
    assert status.get("status") == "done", status
    download = http.get(b.base_url + status["download_url"])
    assert download.status_code == 200
    assert download.content[:2] == b"PK", "the export is not a ZIP"
