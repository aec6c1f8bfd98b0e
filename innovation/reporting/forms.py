"""Forms of the reporting area (regional values are a plain table form parsed by the view)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from innovation.innovations.models import VerificationStatus
from innovation.rules import available_years, latest_year

STATUS_LABELS = {
    VerificationStatus.SESUAI: _l("Sesuai"),
    VerificationStatus.DIPERBAIKI: _l("Diperbaiki"),
    VerificationStatus.DITOLAK: _l("Ditolak"),
}


class VerifyLineForm(FlaskForm):
    """The verifier's decision on one indicator line."""

    status = RadioField(_l("Hasil verifikasi"), choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
                        validators=[Optional()])
    verified_parameter = SelectField(_l("Parameter hasil perbaikan"), choices=[SelectChoice(v, v or "—") for v in ("", "1", "2", "3")],
                                     validators=[Optional()])
    note = TextAreaField(_l("Catatan verifikator"), validators=[Optional(), Length(max=5000)])
    seen = HiddenField()  # reporting.services.line_fingerprint of the line as the page showed it

    def parameter_value(self) -> int | None:
        raw = self.verified_parameter.data
        return int(raw) if raw in ("1", "2", "3") else None


class RegisterForm(FlaskForm):
    """Register an innovation for Kemendagri (with the portal's Nomor Register IGA when known)."""

    nomor_register = StringField("Nomor Register IGA", validators=[Optional(), Length(max=64)])


class ExportForm(FlaskForm):
    """The Kemendagri export: the year, registered-only or all, what to do with failing innovations."""

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
        self.year.choices = [SelectChoice(y, str(y)) for y in reversed(available_years())]
        if self.year.data is None:
            self.year.data = latest_year()
        return self
