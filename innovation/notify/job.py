"""Notifications on the job system: the ``notify`` job kind runs one pass (find what is due, record it, send
it). ``flask notify run`` queues it (RQ on Redis when configured; else it runs in the command's own process
and waits), so the same worker pool that runs exports sends the messages."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, BinaryIO

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import select

from innovation.audit.services import say
from innovation.extensions import db, utcnow
from innovation.jobs.kinds import JobOutput, ProgressFn, register_kind
from innovation.jobs.models import Job, JobStatus
from innovation.jobs.runner import submit
from innovation.jobs.services import create_job
from innovation.notify import services, triggers

JOB_KIND = "notify"


def run_pass(now: datetime | None = None) -> services.SendReport:
    """Record every message that is due now, commit, then send the deliveries that are due."""
    now = now or utcnow()
    report = services.SendReport(created=triggers.collect(now))
    db.session.commit()
    return services.send_due(now, report=report)


def run_job(params: dict[str, Any], out: BinaryIO, progress: ProgressFn) -> JobOutput:
    report = run_pass()
    out.write(json.dumps(report.as_dict()).encode("utf-8"))
    progress(1, 1, report.summary)
    return JobOutput("notify.json", "application/json", message=report.summary)


def start_pass(*, by: Any = None) -> Job | None:
    """Queue one pass unless one is already waiting; commits and submits. Returns the job (None if one waits)."""
    waiting = db.session.scalar(select(Job.id).where(Job.kind == JOB_KIND, Job.status == JobStatus.QUEUED).limit(1))
    if waiting is not None:
        return None
    job = create_job(JOB_KIND, {}, by=by, summary=say("Mengirim pemberitahuan (email, WhatsApp)"))
    db.session.commit()
    pending = submit(job.id)
    if pending is not None and hasattr(pending, "result") and current_app.config.get("JOBS_BACKEND") != "rq":
        pending.result()  # the thread pool of a command: wait, the process ends afterwards
    return job


def init_app(app: Flask) -> None:
    """Register the job kind, and ``inbox_count()`` for the header of every page."""
    register_kind(JOB_KIND, run_job)

    @app.context_processor
    def inbox():
        # Its own COUNT, only when a page's header asks, not a column of the session loader's statement:
        # auth (level 4) cannot name notify's table (level 6), and the loader also runs for the requests
        # that draw no header (the console's and jobs' JSON polls every 2 s, upload chunks, redirects).
        def inbox_count() -> int:
            user = current_user
            return services.unread_count(user) if user.is_authenticated else 0

        return {"inbox_count": inbox_count}
