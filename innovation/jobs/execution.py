"""Running one job in the current app context: claim it, run its kind's function into a temporary
file, store the result, record the end (done or failed), and commit each state.

Progress is committed on a separate connection every ``JOBS_PROGRESS_EVERY`` items (or two seconds),
so a status page served by any process reads it (``Progress``). While a process holds a job (queued in
its thread pool, or running) a thread touches ``job.heartbeat_at`` every ``JOBS_HEARTBEAT_SECONDS``
(``Heartbeat``); a job whose process died falls silent and is failed as interrupted
(``services.fail_if_stale``). Where a job runs is ``runner.submit``'s choice; an RQ worker calls
``execute`` through ``redis_queue.run_queued``.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
import traceback
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update

from innovation.audit.services import record, say
from innovation.extensions import db, utcnow
from innovation.jobs.kinds import function_of
from innovation.jobs.models import UNFINISHED, Job, JobStatus
from innovation.storage import commit_or_delete, get_storage, new_key
from innovation.storage.models import StoredFile


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
    heartbeat = heartbeat_of(current_app._get_current_object()) if own_connection else None  # type: ignore[attr-defined]
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
        function = function_of(kind)
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
               summary=say("Tugas %(kind)s #%(id)d selesai: %(file)s (%(size)d bita)", kind=kind, id=job.id,
                           file=output.filename, size=saved.size))
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
        record(f"{kind}.fail", actor=job.created_by, obj=job,
               summary=say("Tugas %(kind)s #%(id)d gagal: %(error)s", kind=kind, id=job.id, error=job.error[:300]))
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


def heartbeat_of(app: Flask) -> Heartbeat:
    """This process's heartbeat (a forked work horse gets its own)."""
    heartbeat = app.extensions.get("jobs_heartbeat")
    if heartbeat is None or heartbeat.pid != os.getpid():
        heartbeat = app.extensions["jobs_heartbeat"] = Heartbeat(app)
    return heartbeat
