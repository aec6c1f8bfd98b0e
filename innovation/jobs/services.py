"""Creating jobs and reading them. Services flush, never commit; the runner commits its own progress."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from innovation.audit.services import record
from innovation.auth.models import User
from innovation.extensions import db
from innovation.jobs.models import Job, JobStatus


class JobError(Exception):
    pass


def create_job(kind: str, params: dict[str, Any], *, by: User | None, summary: str) -> Job:
    """A queued job. The caller commits, then hands ``job.id`` to ``runner.submit``."""
    from innovation.jobs.runner import known_kind

    if not known_kind(kind):
        raise JobError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=dict(params), status=JobStatus.QUEUED, created_by_id=getattr(by, "id", None),
              progress=0, total=0, message="")
    db.session.add(job)
    db.session.flush()
    record(f"{kind}.start", actor=by, obj=job, summary=summary, changes={"params": params})
    return job


def recent_jobs(kind: str, *, limit: int = 10) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(limit)))
