from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError


class AuditFilterForm(FlaskForm):
    """The log's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Pelaku (nama pengguna)"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("Tindakan (awalan, mis. user. atau opd.create)"), validators=[Optional(), Length(max=64)])
    object_type = SelectField(_l("Jenis objek"), default="")
    object_id = IntegerField(_l("ID objek"), validators=[Optional(), NumberRange(min=1)])
    opd = StringField(_l("OPD"), validators=[Optional(), Length(max=200)])  # an id or a code/name: orgs.picker
    date_from = DateField(_l("Dari tanggal (WIT)"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal (WIT)"), validators=[Optional()])

    def set_choices(self, object_types: list[str]) -> None:
        self.object_type.choices = [SelectChoice("", _l("Semua jenis"))] + [SelectChoice(t, t) for t in object_types if t]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))

    def values(self) -> dict:
        """The filters as query arguments; an invalid filter is dropped (and shown as an error)."""
        self.validate()

        def ok(field):
            return field.data if field.data not in (None, "") and not field.errors else None

        return {
            "actor": ok(self.actor) or "",
            "action": ok(self.action) or "",
            "object_type": ok(self.object_type) or "",
            "object_id": ok(self.object_id),
            "date_from": ok(self.date_from),
            "date_to": ok(self.date_to),
        }
