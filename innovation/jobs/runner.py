"""Running jobs outside the request.

A job kind is a function ``run(params, out, progress) -> JobOutput`` that writes its result to the
binary stream ``out`` and calls ``progress(done, total, message)`` as it goes. Areas register their
kinds with ``register_kind`` at import time (``create_app`` imports every area).

``submit(job_id)`` runs the job:

- by default in a background thread of the web process (a ``ThreadPoolExecutor`` with
  ``JOBS_WORKERS`` threads, default 1), each job in its own app context and so its own database
  session. Progress is committed on a separate connection every ``JOBS_PROGRESS_EVERY`` items (or
  two seconds), so a status page served by any process reads it;
- inline, in the caller's session, when ``JOBS_SYNC`` is true (unit tests; progress is flushed, the
  caller's commits apply).

Extension point: with several web processes, or jobs that must survive a restart, a queue (RQ on
``REDIS_URL``) would call ``execute(job_id, own_connection=True)`` inside a worker's app context;
``submit`` is the one place to add that branch (``JOBS_BACKEND=rq``). Not implemented: a job left
``running`` by a process that died stays so; start a new export.
"""
from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO

from flask import Flask, current_app
from sqlalchemy import update

from innovation.audit.services import record
from innovation.extensions import db, utcnow
from innovation.jobs.models import Job, JobStatus
from innovation.storage import commit_or_delete, get_storage, new_key
from innovation.storage.models import StoredFile

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content_type: str = "application/octet-stream"
    message: str = ""


JobFunction = Callable[[dict[str, Any], BinaryIO, ProgressFn], JobOutput]

_KINDS: dict[str, JobFunction] = {}


def register_kind(kind: str, function: JobFunction) -> None:
    _KINDS[kind] = function


def known_kind(kind: str) -> bool:
    return kind in _KINDS


class Progress:
    """``progress(done, total, message)``: writes the job's progress at most every ``every`` items or
    ``interval`` seconds (and always at the end)."""

    def __init__(self, job_id: int, *, own_connection: bool, every: int = 10, interval: float = 2.0):
        self.job_id = job_id
        self.own_connection = own_connection
        self.every = max(1, every)
        self.interval = interval
        self.last_done = -1
        self.last_time = 0.0
        self.writes = 0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        due = (done >= total or self.last_done < 0 or done - self.last_done >= self.every
               or now - self.last_time >= self.interval)
        if not due:
            return
        self.last_done, self.last_time = done, now
        statement = (
            update(Job).where(Job.id == self.job_id)
            .values(progress=done, total=total, message=(message or "")[:300])
            .execution_options(synchronize_session=False)
        )
        if self.own_connection:
            with db.engine.begin() as connection:  # committed at once, readable by every process
                connection.execute(statement)
        else:
            db.session.execute(statement)
        self.writes += 1


def execute(job_id: int, *, own_connection: bool) -> Job | None:
    """Run one queued job in the current app context and session; commits its states."""
    # Claim the job with one conditional UPDATE, so two workers can never both run it.
    claim = (
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if own_connection:
        with db.engine.begin() as connection:
            claimed = connection.execute(claim).rowcount == 1
    else:
        claimed = db.session.execute(claim).rowcount == 1
        db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    if job is None or not claimed:
        return job
    kind, params = job.kind, dict(job.params or {})
    db.session.commit()  # end the read; the job's own queries start afresh
    progress = Progress(job_id, own_connection=own_connection,
                        every=current_app.config.get("JOBS_PROGRESS_EVERY", 10))
    key: str | None = None
    try:
        function = _KINDS[kind]
        with tempfile.TemporaryFile(dir=current_app.config.get("JOBS_TMP_DIR")) as out:
            output = function(params, out, progress)
            out.seek(0)
            key = new_key()
            saved = get_storage().save(key, out)
        db.session.expire_all()  # progress was written past the session
        job = db.session.get(Job, job_id)
        extension = output.filename.rsplit(".", 1)[-1].lower()[:10] if "." in output.filename else ""
        job.result_file = StoredFile(key=key, original_name=output.filename[:255], content_type=output.content_type,
                                     extension=extension, size=saved.size, sha256=saved.sha256)
        job.status = JobStatus.DONE
        job.progress = max(job.progress, job.total)
        job.message = output.message[:300]
        job.finished_at = utcnow()
        record(f"{kind}.finish", actor=job.created_by, obj=job,
               summary=f"Tugas {kind} #{job.id} selesai: {output.filename} ({saved.size} bita)")
        commit_or_delete([key])
        key = None
    except Exception as error:  # noqa: BLE001 - a job records every failure instead of dying silently
        current_app.logger.error("job %s (%s) failed:\n%s", job_id, kind, traceback.format_exc())
        db.session.rollback()
        if key is not None:
            get_storage().delete(key)
        job = db.session.get(Job, job_id)
        if job is None:
            return None
        job.status = JobStatus.FAILED
        job.error = f"{type(error).__name__}: {error}"[:4000]
        job.finished_at = utcnow()
        record(f"{kind}.fail", actor=job.created_by, obj=job, summary=f"Tugas {kind} #{job.id} gagal: {job.error[:300]}")
        db.session.commit()
    return job


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            execute(job_id, own_connection=True)
        finally:
            db.session.remove()


def _executor(app: Flask) -> ThreadPoolExecutor:
    executor = app.extensions.get("jobs_executor")
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=app.config.get("JOBS_WORKERS", 1), thread_name_prefix="job")
        app.extensions["jobs_executor"] = executor
    return executor


def submit(job_id: int) -> Future | None:
    """Start a committed, queued job: inline (``JOBS_SYNC``) or in a background thread."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_SYNC"):
        execute(job_id, own_connection=False)
        return None
    return _executor(app).submit(_run_in_app, app, job_id)
