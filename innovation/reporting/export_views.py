"""The Kemendagri export from the web (admins): choose the year, registered-only or all, and what to
do with innovations that fail the year's rules; the bundle is built by a background job."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from innovation.auth.models import Role
from innovation.auth.permissions import role_required
from innovation.extensions import db
from innovation.jobs import runner
from innovation.jobs import services as jobs
from innovation.orgs.models import Opd
from innovation.reporting import export
from innovation.reporting.views import bp
from innovation.rules import available_years, latest_year


class ExportForm(FlaskForm):
    year = SelectField(_l("Tahun aturan Kemendagri"), coerce=int)
    scope = RadioField(_l("Inovasi yang diekspor"), default="registered", choices=[
        SelectChoice("registered", _l("Hanya yang sudah didaftarkan ke Kemendagri")),
        SelectChoice("all", _l("Semua inovasi dengan aturan tahun ini")),
    ])
    failing = RadioField(_l("Inovasi yang belum memenuhi aturan tahun ini"), default="exclude", choices=[
        SelectChoice("exclude", _l("Keluarkan dari ekspor; alasannya dicatat di LAPORAN.txt")),
        SelectChoice("include", _l("Sertakan, dengan kekurangannya dicatat (kolom Catatan)")),
    ])
    opd = SelectField(_l("OPD"), coerce=int, default=0,
                      description=_l("Satu OPD beserta unit di bawahnya (mis. Dinas Kesehatan dengan Puskesmasnya), "
                                     "atau seluruh daerah. Estimasi indeks hanya dihitung untuk seluruh daerah."))
    with_files = BooleanField(_l("Sertakan berkas bukti dukung (folder bukti/)"), default=True,
                              description=_l("Tanpa berkas, ZIP jauh lebih kecil: workbook, proposal dan daftar saja; "
                                             "nama berkas tetap tercantum."))

    def setup(self) -> ExportForm:
        self.year.choices = [(y, str(y)) for y in reversed(available_years())]
        if self.year.data is None:
            self.year.data = latest_year()
        self.opd.choices = [SelectChoice(0, _("Seluruh daerah"))] + [
            SelectChoice(opd_id, name) for opd_id, name in db.session.execute(select(Opd.id, Opd.name).order_by(Opd.name))]
        return self


@bp.route("/export", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def export_bundle():
    form = ExportForm().setup()
    if form.validate_on_submit():
        opd_ids = export.with_units([form.opd.data]) if form.opd.data else ()
        options = export.ExportOptions(
            year=form.year.data, registered_only=form.scope.data == "registered",
            include_failing=form.failing.data == "include", opd_ids=opd_ids, with_files=form.with_files.data,
        )
        params = {"year": options.year, "registered_only": options.registered_only,
                  "include_failing": options.include_failing, "by": current_user.full_name}
        if opd_ids:
            params["opd_ids"] = list(opd_ids)
        if not options.with_files:
            params["with_files"] = False
        job = jobs.create_job(export.JOB_KIND, params, by=current_user,
                              summary=_("Ekspor Kemendagri %(year)d dimulai", year=options.year))
        db.session.commit()
        runner.submit(job.id)
        return redirect(url_for("jobs.status", job_id=job.id))
    counts = {
        year: (export.count_selected(export.ExportOptions(year)),
               export.count_selected(export.ExportOptions(year, registered_only=False)))
        for year in available_years()
    }
    return render_template("reporting/export.html", form=form, counts=counts,
                           recent=jobs.recent_jobs(export.JOB_KIND))
