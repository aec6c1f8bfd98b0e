"""Running jobs outside the request.

A job kind is a function ``run(params, out, progress) -> JobOutput`` that writes its result to the
binary stream ``out`` and calls ``progress(done, total, message)`` as it goes. Areas register their
kinds with ``register_kind`` at import time (``create_app`` imports every area).

``submit(job_id)`` is the one place that picks where a committed, queued job runs (``JOBS_BACKEND``):

- ``rq`` (the default when ``JOBS_REDIS_URL`` or ``REDIS_URL`` is set): enqueued on the RQ queue
  ``JOBS_QUEUE`` with a timeout of ``JOBS_TIMEOUT`` seconds; a ``flask --app innovation jobs worker``
  process (``redis_queue.py``) runs ``execute(job_id, own_connection=True)`` in its app context, one
  forked work horse per job. The job survives a restart of the web processes. If Redis cannot be
  reached, the job is failed at once with ``services.QUEUE_UNREACHABLE`` (its page says so);
- ``thread`` (no Redis): a background thread of the web process that accepted it (a
  ``ThreadPoolExecutor`` with ``JOBS_WORKERS`` threads, default 1), each job in its own app context and
  so its own database session;
- inline, in the caller's session, when ``JOBS_SYNC`` is true (unit tests; progress is flushed, the
  caller's commits apply).

Either way progress is committed on a separate connection every ``JOBS_PROGRESS_EVERY`` items (or two
seconds), so a status page served by any process reads it, and the process holding a job (queued in
its thread pool, or running) touches ``job.heartbeat_at`` every ``JOBS_HEARTBEAT_SECONDS``
(``Heartbeat``). A job whose process died (a web process restarted, a worker killed) falls silent and
is failed as interrupted once ``JOBS_STALE_SECONDS`` have passed, when anyone reads it
(``services.fail_if_stale``: the status page, the export page's list, ``flask jobs reap``); a worker
whose work horse dies fails the job at once. Nothing is retried by itself: the user starts it again.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from innovation.audit.services import record
from innovation.extensions import db, utcnow
from innovation.jobs import services
from innovation.jobs.models import UNFINISHED, Job, JobStatus
from innovation.storage import commit_or_delete, get_storage, new_key
from innovation.storage.models import StoredFile

if TYPE_CHECKING:
    from rq.job import Job as RQJob

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
            .values(progress=done, total=total, message=(message or "")[:300], heartbeat_at=utcnow())
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
        .values(status=JobStatus.RUNNING, started_at=utcnow(), heartbeat_at=utcnow())
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
    heartbeat = _heartbeat(current_app._get_current_object()) if own_connection else None  # type: ignore[attr-defined]
    if heartbeat is not None:
        heartbeat.hold(job_id)
    try:
        return _run(job_id, kind, params, own_connection=own_connection)
    finally:
        if heartbeat is not None:
            heartbeat.release(job_id)


def _run(job_id: int, kind: str, params: dict[str, Any], *, own_connection: bool) -> Job | None:
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


class Heartbeat:
    """One daemon thread per process that touches ``job.heartbeat_at`` of the jobs this process holds
    (waiting in its thread pool, or running), every ``JOBS_HEARTBEAT_SECONDS``, on its own connection
    and independently of the job's progress calls (a long step writes no progress). The thread ends when
    the process holds no job, and a forked child (an RQ work horse) starts its own."""

    def __init__(self, app: Flask):
        self.app = app
        self.interval = float(app.config.get("JOBS_HEARTBEAT_SECONDS", 30))
        self.ids: set[int] = set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        self.beats = 0

    def hold(self, job_id: int) -> None:
        with self.lock:
            self.ids.add(job_id)
            if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)
                self.thread.start()

    def release(self, job_id: int) -> None:
        with self.lock:
            self.ids.discard(job_id)

    def beat(self) -> int:
        """Touch the held jobs that are still unfinished now; returns how many rows were touched."""
        with self.lock:
            ids = sorted(self.ids)
        if not ids:
            return 0
        with self.app.app_context(), db.engine.begin() as connection:
            touched = connection.execute(
                update(Job).where(Job.id.in_(ids), Job.status.in_(UNFINISHED)).values(heartbeat_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
        self.beats += 1
        return touched

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            with self.lock:
                if not self.ids:
                    self.thread = None
                    return
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - a missed beat (database busy or away) is retried next time
                self.app.logger.warning("job heartbeat failed:\n%s", traceback.format_exc())


def _heartbeat(app: Flask) -> Heartbeat:
    heartbeat = app.extensions.get("jobs_heartbeat")
    if heartbeat is None or heartbeat.pid != os.getpid():
        heartbeat = app.extensions["jobs_heartbeat"] = Heartbeat(app)
    return heartbeat


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            execute(job_id, own_connection=True)
        finally:
            _heartbeat(app).release(job_id)  # held since submit, even if another process claimed it
            db.session.remove()


def _executor(app: Flask) -> ThreadPoolExecutor:
    executor = app.extensions.get("jobs_executor")
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=app.config.get("JOBS_WORKERS", 1), thread_name_prefix="job")
        app.extensions["jobs_executor"] = executor
    return executor


def submit(job_id: int) -> Future | RQJob | None:
    """Start a committed, queued job: inline (``JOBS_SYNC``), on RQ, or in a background thread.

    On RQ with Redis unreachable the job is failed with ``services.QUEUE_UNREACHABLE`` and committed,
    so its status page tells the user instead of waiting forever; nothing is raised."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_SYNC"):
        execute(job_id, own_connection=False)
        return None
    if app.config.get("JOBS_BACKEND") == "rq":
        from redis.exceptions import RedisError

        from innovation.jobs import redis_queue

        try:
            return redis_queue.enqueue(app, job_id)
        except RedisError as error:
            app.logger.error("job %s not enqueued, Redis unreachable: %s", job_id, error)
            job = db.session.get(Job, job_id)
            if job is not None and services.fail_job(job, services.QUEUE_UNREACHABLE):
                db.session.commit()
            return None
    heartbeat = _heartbeat(app)
    heartbeat.hold(job_id)  # a job waiting in this process's pool lives as long as the process does
    try:
        heartbeat.beat()  # at once: a restart before the first periodic beat must not leave it queued
    except SQLAlchemyError:
        app.logger.warning("job %s: first heartbeat failed (the periodic one follows):\n%s", job_id,
                           traceback.format_exc())
    return _executor(app).submit(_run_in_app, app, job_id)
