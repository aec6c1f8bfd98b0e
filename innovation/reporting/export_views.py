"""The Kemendagri export from the web (admins): choose the year, registered-only or all, and what to
do with innovations that fail the year's rules; the bundle is built by a background job."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from innovation import web
from innovation.audit.services import say
from innovation.extensions import db
from innovation.jobs import runner
from innovation.jobs import services as jobs
from innovation.orgs.picker import opd_filter
from innovation.reporting import export, policy
from innovation.reporting.blueprint import bp
from innovation.reporting.forms import ExportForm
from innovation.rules import available_years
from innovation.web import role_required


@bp.route("/export", methods=["GET", "POST"])
@role_required(*policy.ADMINS)
def export_bundle():
    form = ExportForm().setup()
    opds = opd_filter(form.opd.data if form.is_submitted() else "")
    if opds.matched_nothing:
        form.opd.errors = [_("Tidak ada OPD dengan kode atau nama itu.")]
    if form.validate_on_submit() and not opds.matched_nothing:
        user = web.current()
        opd_ids = export.with_units(opds.opd_ids) if opds.active else ()
        options = export.ExportOptions(
            year=form.year.data, registered_only=form.scope.data == "registered",
            include_failing=form.failing.data == "include", opd_ids=opd_ids, with_files=form.with_files.data,
        )
        params = {"year": options.year, "registered_only": options.registered_only,
                  "include_failing": options.include_failing, "by": user.full_name}
        if opd_ids:
            params["opd_ids"] = list(opd_ids)
        if not options.with_files:
            params["with_files"] = False
        job = jobs.create_job(export.JOB_KIND, params, by=user,
                              summary=say("Ekspor Kemendagri %(year)d dimulai", year=options.year))
        db.session.commit()
        runner.submit(job.id)
        return redirect(url_for("jobs.status", job_id=job.id))
    counts = {
        year: (export.count_selected(export.ExportOptions(year)),
               export.count_selected(export.ExportOptions(year, registered_only=False)))
        for year in available_years()
    }
    return render_template("reporting/export.html", form=form, counts=counts, opds=opds,
                           recent=jobs.recent_jobs(export.JOB_KIND))
