"""The Kemendagri export from the web (admins): choose the year, registered-only or all, and what to
do with innovations that fail the year's rules; the bundle is built by a background job."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from innovation.extensions import db
from innovation.jobs import runner
from innovation.jobs import services as jobs
from innovation.orgs.picker import opd_filter
from innovation.reporting import export
from innovation.reporting.views import bp
from innovation.rules import available_years, latest_year
from innovation.web import Role, role_required


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
    opd = StringField(_l("OPD"), validators=[Optional(), Length(max=200)],  # an id or a code/name: orgs.picker
                      description=_l("Satu OPD beserta unit di bawahnya (mis. Dinas Kesehatan dengan Puskesmasnya), "
                                     "atau seluruh daerah. Estimasi indeks hanya dihitung untuk seluruh daerah."))
    with_files = BooleanField(_l("Sertakan berkas bukti dukung (folder bukti/)"), default=True,
                              description=_l("Tanpa berkas, ZIP jauh lebih kecil: workbook, proposal dan daftar saja; "
                                             "nama berkas tetap tercantum."))

    def setup(self) -> ExportForm:
        self.year.choices = [(y, str(y)) for y in reversed(available_years())]
        if self.year.data is None:
            self.year.data = latest_year()
        return self


@bp.route("/export", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def export_bundle():
    form = ExportForm().setup()
    opds = opd_filter(form.opd.data if form.is_submitted() else "")
    if opds.matched_nothing:
        form.opd.errors = [_("Tidak ada OPD dengan kode atau nama itu.")]
    if form.validate_on_submit() and not opds.matched_nothing:
        opd_ids = export.with_units(opds.opd_ids) if opds.active else ()
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
    return render_template("reporting/export.html", form=form, counts=counts, opds=opds,
                           recent=jobs.recent_jobs(export.JOB_KIND))
