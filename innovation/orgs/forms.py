from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from innovation.adminkit import active_filter, active_value
from innovation.concurrency import VersionField
from innovation.orgs.models import OPD_KIND_LABELS, Opd, OpdKind

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in OPD_KIND_LABELS.items()]


class OpdForm(FlaskForm):
    name = StringField(_l("Nama OPD"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Kode singkat"), validators=[DataRequired(), Length(max=32)])
    kind = SelectField(_l("Jenis"), choices=KIND_CHOICES, validators=[DataRequired()])
    parent_id = SelectField(_l("Unit induk"), coerce=int, default=0)
    active = BooleanField(_l("Aktif"), default=True)
    version = VersionField()

    def set_parent_choices(self, opds: list[Opd], *, editing: Opd | None = None) -> None:
        """Every other OPD may be offered as parent (cycles are refused by the service)."""
        self.parent_id.choices = [SelectChoice(0, _l("— tanpa induk —"))] + [
            SelectChoice(opd.id, f"{opd.name} ({opd.code})") for opd in opds if editing is None or opd.id != editing.id
        ]


class OpdFilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Cari nama atau kode"), validators=[Length(max=100)])
    kind = SelectField(_l("Jenis"), choices=[SelectChoice("", _l("Semua jenis"))] + KIND_CHOICES, default="")
    active = active_filter()

    def values(self) -> dict:
        """The filters as service arguments; an invalid filter is dropped (and shown as an error)."""
        self.validate()
        return {
            "text": (self.q.data or "") if not self.q.errors else "",
            "kind": OpdKind(self.kind.data) if self.kind.data and not self.kind.errors else None,
            "active": active_value(self.active),
        }
