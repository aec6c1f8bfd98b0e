"""A job's status page (progress bar, polled as JSON) and the download of its result."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from innovation.auth.models import Role
from innovation.auth.permissions import ensure, role_required
from innovation.extensions import db
from innovation.jobs.models import Job, JobStatus
from innovation.storage.responses import stored_file_response

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

ALL_ROLES = tuple(Role)


def _load(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    ensure(job.can_view(current_user))
    return job


def status_text(job: Job) -> str:
    return {
        JobStatus.QUEUED: _("Menunggu giliran"),
        JobStatus.RUNNING: _("Sedang berjalan"),
        JobStatus.DONE: _("Selesai"),
        JobStatus.FAILED: _("Gagal"),
    }[job.status]


@bp.route("/<int:job_id>")
@role_required(*ALL_ROLES)
def status(job_id: int):
    job = _load(job_id)
    return render_template("jobs/status.html", job=job, status_text=status_text(job))


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
        "error": job.error if job.status == JobStatus.FAILED else None,
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
