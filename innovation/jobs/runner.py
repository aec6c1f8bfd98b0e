"""Where a committed, queued job runs: ``submit(job_id)`` is the one place that picks (``JOBS_BACKEND``).

- ``rq`` (the default when ``JOBS_REDIS_URL`` or ``REDIS_URL`` is set): enqueued on the RQ queue
  ``JOBS_QUEUE`` with a timeout of ``JOBS_TIMEOUT`` seconds; a ``flask --app innovation jobs worker``
  process (``redis_queue.py``) runs ``execution.execute(job_id, own_connection=True)`` in its app
  context, one forked work horse per job. The job survives a restart of the web processes. If Redis
  cannot be reached, the job is failed at once with ``services.QUEUE_UNREACHABLE`` (its page says so);
- ``thread`` (no Redis): a background thread of the web process that accepted it (a
  ``ThreadPoolExecutor`` with ``JOBS_WORKERS`` threads, default 1), each job in its own app context and
  so its own database session;
- inline, in the caller's session, when ``JOBS_SYNC`` is true (unit tests; progress is flushed, the
  caller's commits apply).

How a job runs, its progress and heartbeat, are ``execution.py``'s. A job whose process died (a web
process restarted, a worker killed) falls silent and is failed as interrupted once ``JOBS_STALE_SECONDS``
have passed, when anyone reads it (``services.fail_if_stale``: the status page, the export page's list,
``flask jobs reap``); a worker whose work horse dies fails the job at once. Nothing is retried by
itself: the user starts it again.
"""
from __future__ import annotations

import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from innovation.audit.services import Say
from innovation.auth.models import User
from innovation.extensions import db
from innovation.jobs import services
from innovation.jobs.execution import execute, heartbeat_of
from innovation.jobs.models import Job, JobStatus

if TYPE_CHECKING:
    from rq.job import Job as RQJob


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            execute(job_id, own_connection=True)
        finally:
            heartbeat_of(app).release(job_id)  # held since submit, even if another process claimed it
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
        # Imported here: a web process on the thread backend never loads rq (about 4 MB and 25 ms each).
        from innovation.jobs import redis_queue

        try:
            return redis_queue.enqueue(app, job_id)
        except RedisError as error:
            app.logger.error("job %s not enqueued, Redis unreachable: %s", job_id, error)
            job = db.session.get(Job, job_id)
            if job is not None and services.fail_job(job, services.QUEUE_UNREACHABLE):
                db.session.commit()
            return None
    heartbeat = heartbeat_of(app)
    heartbeat.hold(job_id)  # a job waiting in this process's pool lives as long as the process does
    try:
        heartbeat.beat()  # at once: a restart before the first periodic beat must not leave it queued
    except SQLAlchemyError:
        app.logger.warning("job %s: first heartbeat failed (the periodic one follows):\n%s", job_id,
                           traceback.format_exc())
    return _executor(app).submit(_run_in_app, app, job_id)


def start_unless_queued(kind: str, params: dict[str, Any], *, by: User | None, summary: Say,
                        wait: bool = False) -> Job | None:
    """Queue one job of ``kind`` unless one is already waiting (it will do this work too); commits and submits.
    Returns the job, or None when one waits. ``wait``: on the thread backend, wait until it has run (a command
    whose process ends afterwards would end it half-way); on RQ it stays queued for ``flask jobs worker``.

    For the passes that work through a table of their own (the outbox's and the notifications' deliveries):
    two passes at once are safe, one waiting is enough."""
    waiting = db.session.scalar(select(Job.id).where(Job.kind == kind, Job.status == JobStatus.QUEUED).limit(1))
    if waiting is not None:
        return None
    job = services.create_job(kind, params, by=by, summary=summary)
    db.session.commit()
    pending = submit(job.id)
    if wait and isinstance(pending, Future):
        pending.result()
    return job
