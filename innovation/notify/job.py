"""Notifications on the job system: the ``notify`` job kind runs one pass (find what is due, record it, send
it). ``flask notify run`` queues it (RQ on Redis when configured; else it runs in the command's own process
and waits), so the same worker pool that runs exports sends the messages."""
from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

from flask import Flask
from flask_login import current_user

from innovation.audit.services import say
from innovation.extensions import db, utcnow
from innovation.jobs.kinds import JobOutput, ProgressFn, json_result, register_kind
from innovation.jobs.models import Job
from innovation.jobs.runner import start_unless_queued
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
    return json_result("notify.json", report.as_dict(), report.summary, out, progress)


def start_pass(*, by: Any = None) -> Job | None:
    """Queue one pass unless one is already waiting; commits and submits; on the thread backend waits for it
    (``flask notify run``'s process ends afterwards). Returns the job (None if one waits)."""
    return start_unless_queued(JOB_KIND, {}, by=by, summary=say("Mengirim pemberitahuan (email, WhatsApp)"), wait=True)


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
