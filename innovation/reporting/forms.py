"""Forms of the reporting area (regional values are a plain table form parsed by the view)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from innovation.innovations.models import VerificationStatus

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

    def parameter_value(self) -> int | None:
        raw = self.verified_parameter.data
        return int(raw) if raw in ("1", "2", "3") else None


class RegisterForm(FlaskForm):
    """Register an innovation for Kemendagri (with the portal's Nomor Register IGA when known)."""

    nomor_register = StringField("Nomor Register IGA", validators=[Optional(), Length(max=64)])
