"""The outbox on the job system: a job kind that runs ``services.run_due``, started right after a request
commits events somebody listens to, and by ``flask outbox run`` (cron) for the retries that come due later.

Level 5 (it uses ``innovation.jobs``), unlike the rest of the outbox (level 2): operations anywhere may emit,
and only ``create_app`` wires the runner in.
"""
from __future__ import annotations

import traceback
from typing import Any, BinaryIO

from flask import Flask, Response, current_app, request

from innovation.audit.services import say
from innovation.extensions import db
from innovation.jobs.kinds import JobOutput, ProgressFn, json_result, register_kind
from innovation.jobs.models import Job
from innovation.jobs.runner import start_unless_queued
from innovation.outbox import services

JOB_KIND = "outbox"


def run_job(params: dict[str, Any], out: BinaryIO, progress: ProgressFn) -> JobOutput:
    """The job kind: one pass of the runner; its result is the pass's report (JSON)."""
    report = services.run_due(context={"base_url": params.get("base_url")})
    return json_result("outbox.json", report.as_dict(), report.summary, out, progress)


def start_delivery(*, by: Any = None, base_url: str | None = None) -> Job | None:
    """Queue one run unless one is already waiting (it will see these events too); commits and submits.
    ``base_url``: the site's address for links in the messages (the request's, when ``PUBLIC_BASE_URL`` is
    not set)."""
    return start_unless_queued(JOB_KIND, {"base_url": base_url}, by=by,
                               summary=say("Mengirim peristiwa ke penerima (webhook)"))


def init_app(app: Flask) -> None:
    """Register the job kind, and start a run after each request that committed events somebody listens to."""
    register_kind(JOB_KIND, run_job)
    services.track_commits()

    @app.after_request
    def deliver_committed_events(response: Response) -> Response:
        kinds = services.take_committed()  # only kinds someone listened to when they were emitted
        if kinds:
            try:
                start_delivery(base_url=request.host_url)
            except Exception:  # noqa: BLE001 - the request succeeded; `flask outbox run` picks the events up
                db.session.rollback()
                current_app.logger.warning("outbox run not started:\n%s", traceback.format_exc())
        return response
