"""Forms of the events area. Times are typed in local time (WIT); the views convert with timeutil."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from innovation.concurrency import VersionField
from innovation.events.models import DEFAULT_CATEGORIES, EntryStatus

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]

ENTRY_STATUS_LABELS = {
    EntryStatus.DRAFT: _l("Draf"),
    EntryStatus.SUBMITTED: _l("Terkirim"),
    EntryStatus.WITHDRAWN: _l("Ditarik"),
}
ENTRY_STATUS_BADGES = {EntryStatus.DRAFT: "warn", EntryStatus.SUBMITTED: "ok", EntryStatus.WITHDRAWN: "bad"}


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1  # never a valid choice: the select's own validation refuses it
    return number if 0 < number <= 2**31 - 1 else -1


class EventForm(FlaskForm):
    name = StringField(_l("Nama event"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Slug (alamat)"), validators=[DataRequired(), Length(max=80)],
        description=_l("Huruf kecil, angka dan tanda hubung, misalnya innovation-week-2026."),
    )
    year = IntegerField(_l("Tahun"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    description = TextAreaField(_l("Deskripsi"), validators=[Optional(), Length(max=20_000)])
    opens_at = DateTimeLocalField(
        _l("Pendaftaran dibuka (WIT)"), format=LOCAL_FORMATS, validators=[InputRequired()]
    )
    closes_at = DateTimeLocalField(
        _l("Pendaftaran ditutup (WIT)"), format=LOCAL_FORMATS, validators=[InputRequired()]
    )
    version = VersionField()  # the event's edit version (services.update_event, concurrency.claim)


class EventCreateForm(EventForm):
    categories = TextAreaField(
        _l("Kategori (satu per baris)"), default="\n".join(DEFAULT_CATEGORIES), validators=[DataRequired()]
    )


class CategoryForm(FlaskForm):
    name = StringField(_l("Nama kategori"), validators=[DataRequired(), Length(max=200)])


class MoveCategoryForm(FlaskForm):
    direction = SelectField(choices=[SelectChoice("up", _l("Naik")), SelectChoice("down", _l("Turun"))])


class ExtensionForm(FlaskForm):
    opd_id = SelectField(_l("OPD"), coerce=_int_or_none, validators=[InputRequired()])
    closes_at = DateTimeLocalField(
        _l("Batas waktu baru (WIT)"), format=LOCAL_FORMATS, validators=[InputRequired()]
    )
    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(), Length(max=500)])


class ExtensionEditForm(FlaskForm):
    closes_at = DateTimeLocalField(
        _l("Batas waktu baru (WIT)"), format=LOCAL_FORMATS, validators=[InputRequired()]
    )
    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(), Length(max=500)])


class EnterForm(FlaskForm):
    innovation_id = HiddenField(validators=[DataRequired()])
    category_id = SelectField(_l("Kategori"), coerce=_int_or_none, validators=[InputRequired()])
    opd = HiddenField()  # the OPD an admin is acting for, to return to the same view


class CategoryChangeForm(FlaskForm):
    category_id = SelectField(_l("Kategori"), coerce=_int_or_none, validators=[InputRequired()])


class EntryFilterForm(FlaskForm):
    """GET filters of the admin's entries list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    category = SelectField(_l("Kategori"), coerce=_int_or_none, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    opd = SelectField(_l("OPD"), coerce=_int_or_none, validators=[Optional()])
