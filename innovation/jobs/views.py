"""A job's status page (progress bar, polled as JSON) and the download of its result. Reading a job whose
process died fails it as interrupted (``services.fail_if_stale``), so nobody waits on it forever."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _

from innovation.extensions import db
from innovation.jobs import services
from innovation.jobs.blueprint import bp
from innovation.jobs.models import Job, JobStatus
from innovation.storage.responses import stored_file_response
from innovation.web import Role, current, ensure, get_or_404, role_required

ALL_ROLES = tuple(Role)


def _load(job_id: int) -> Job:
    job = get_or_404(Job, job_id)
    ensure(job.can_view(current()))
    if services.fail_if_stale(job):
        db.session.commit()
    return job


def status_text(job: Job) -> str:
    return {
        JobStatus.QUEUED: _("Menunggu giliran"),
        JobStatus.RUNNING: _("Sedang berjalan"),
        JobStatus.DONE: _("Selesai"),
        JobStatus.FAILED: _("Gagal"),
    }[job.status]


def error_text(job: Job) -> str | None:
    """The error shown to the user: the app's own messages translated, an exception's text as it is."""
    if job.status != JobStatus.FAILED:
        return None
    if job.error in services.KNOWN_ERRORS:
        return _(job.error)
    return job.error


@bp.route("/<int:job_id>")
@role_required(*ALL_ROLES)
def status(job_id: int):
    job = _load(job_id)
    return render_template("jobs/status.html", job=job, status_text=status_text(job),
                           error_text=error_text(job))


@bp.route("/<int:job_id>.json")
@role_required(*ALL_ROLES)
def status_json(job_id: int):
    job = _load(job_id)
    data = {
        "id": job.id,
        "status": job.status.value,
        "status_text": status_text(job),
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "finished": job.finished,
        "error": error_text(job),
        "download_url": url_for("jobs.download", job_id=job.id) if job.result_file_id else None,
    }
    return data, 200, {"Cache-Control": "no-store"}


@bp.route("/<int:job_id>/download")
@role_required(*ALL_ROLES)
def download(job_id: int):
    job = _load(job_id)
    stored = job.result_file
    if job.status != JobStatus.DONE or stored is None:
        abort(404)
    return stored_file_response(stored, stored.original_name, what=f"job {job.id} result", cacheable=False)
