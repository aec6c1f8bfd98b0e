"""Creating jobs, reading them, and failing the ones whose process died. Services flush, never commit;
the runner commits its own progress."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from innovation.audit.services import Say, record, say
from innovation.auth.models import User
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.jobs.kinds import known_kind
from innovation.jobs.models import UNFINISHED, Job, JobStatus


def N_(message: str) -> str:
    """Marks a message for the catalog (pybabel's default keywords include ``N_``); it is stored in the
    source language and translated where it is shown (``views.error_text``)."""
    return message


INTERRUPTED = N_("Tugas terhenti karena proses yang menjalankannya berhenti (server atau pekerja dimulai ulang). "
                 "Silakan mulai lagi.")
QUEUE_UNREACHABLE = N_("Antrean tugas (Redis) tidak dapat dihubungi, jadi tugas tidak dimulai. "
                       "Coba lagi sebentar lagi; bila tetap gagal, hubungi admin server.")
# Errors the app writes itself: shown translated. Other errors are an exception's own text.
KNOWN_ERRORS = (INTERRUPTED, QUEUE_UNREACHABLE)


class JobError(DomainError):
    """A job that cannot be created (a kind nobody registered)."""


def create_job(kind: str, params: dict[str, Any], *, by: User | None, summary: Say) -> Job:
    """A queued job. The caller commits, then hands ``job.id`` to ``runner.submit``. ``summary``: its audit
    event's (``audit.services.say``)."""
    if not known_kind(kind):
        raise JobError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=dict(params), status=JobStatus.QUEUED, created_by_id=getattr(by, "id", None),
              progress=0, total=0, message="")
    db.session.add(job)
    db.session.flush()
    record(f"{kind}.start", actor=by, obj=job, summary=summary, changes={"params": params})
    return job


def recent_jobs(kind: str, *, limit: int = 10) -> list[Job]:
    """The latest jobs of ``kind``; those whose process died are shown failed (``fail_if_stale``)."""
    jobs = list(db.session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(limit)))
    for job in jobs:
        fail_if_stale(job)
    return jobs


def fail_job(job: Job, error: str, *, silent_before: datetime | None = None) -> bool:
    """Mark an unfinished job failed with ``error``. One conditional UPDATE, so a job that finished in the
    meantime keeps its result (and, with ``silent_before``, one whose process touched it since is left
    running). Returns whether the job changed."""
    last_sign = func.coalesce(Job.heartbeat_at, Job.started_at)
    statement = (
        update(Job).where(Job.id == job.id, Job.status.in_(UNFINISHED))
        .values(status=JobStatus.FAILED, error=error, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if silent_before is not None:
        statement = statement.where(last_sign < silent_before)
    if db.session.execute(statement).rowcount != 1:
        return False
    db.session.refresh(job)
    record(f"{job.kind}.fail", actor=None, obj=job,
           summary=say("Tugas %(kind)s #%(id)d gagal: %(error)s", kind=job.kind, id=job.id, error=error[:300]))
    return True


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])


def is_stale(job: Job, now: datetime | None = None) -> bool:
    """A queued or running job whose holder has been silent for ``JOBS_STALE_SECONDS``: its process died.
    A queued job nobody holds yet (waiting in Redis for a worker, ``heartbeat_at`` empty) is not stale."""
    last_sign = job.heartbeat_at or job.started_at
    return job.status in UNFINISHED and last_sign is not None and last_sign < stale_cutoff(now)


def fail_if_stale(job: Job, now: datetime | None = None) -> bool:
    """Fail ``job`` as interrupted when it is stale; flushes (the caller commits)."""
    return is_stale(job, now) and fail_job(job, INTERRUPTED, silent_before=stale_cutoff(now))


def fail_stale_jobs(now: datetime | None = None) -> list[Job]:
    """Every stale job failed as interrupted (``flask jobs reap``); flushes."""
    cutoff = stale_cutoff(now)
    candidates = db.session.scalars(
        select(Job).where(Job.status.in_(UNFINISHED), func.coalesce(Job.heartbeat_at, Job.started_at) < cutoff)
        .order_by(Job.id)
    )
    return [job for job in list(candidates) if fail_job(job, INTERRUPTED, silent_before=cutoff)]
