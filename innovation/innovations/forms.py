from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, Select, html_params

from innovation.concurrency import VersionField
from innovation.rules import Rules, available_years


class CheckboxListWidget:
    """The same HTML as ``ListWidget(prefix_label=False)`` with ``CheckboxInput`` options, in one pass:
    WTForms' list widget binds a whole field per option, about 8 ms for the 38 urusan on every view
    of the profile form."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        name = escape(field.name)
        items = []
        for number, (value, label, checked, _render_kw) in enumerate(field.iter_choices()):
            option_id = f"{field.id}-{number}"
            items.append(f'<li><input{" checked" if checked else ""} id="{option_id}" name="{name}" type="checkbox" '
                         f'value="{escape(value)}"> <label for="{option_id}">{escape(label)}</label></li>')
        return Markup(f"<ul {html_params(**kwargs)}>{''.join(items)}</ul>")


class OnePassSelect(Select):
    """The same HTML as WTForms' ``Select`` for a plain single select, in one pass: its option renderer
    builds a dict, sorts it and escapes every attribute per option. ``python -m benchmarks.profile_form``
    (medians of 41 alternating rounds, an idle machine): the profile form's seven selects (38 urusan among
    them) 0.41 ms this way, 1.32 ms with WTForms 3.3's widget (rounds' spread 0.05 / 0.15 ms); the whole
    page through the test client 7.4 vs 8.6 ms. About 1 ms on every view of the form, some 5% of its
    20 ms p50 under gunicorn. Groups, ``multiple`` and options with their own attributes go to WTForms'
    widget."""

    def __call__(self, field, **kwargs):
        choices = list(field.iter_choices())
        if self.multiple or field.has_groups() or any(render_kw for *_, render_kw in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        options = "".join(
            f'<option{" selected" if selected else ""} value="{escape(value)}">{escape(label or value)}</option>'
            for value, label, selected, _render_kw in choices
        )
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


class FastSelectField(SelectField):
    widget = OnePassSelect()


class MultiCheckboxField(SelectMultipleField):
    widget = CheckboxListWidget()
    option_widget = CheckboxInput()


def option_choices(rules: Rules, option_list: str, *, blank: bool = False) -> list[SelectChoice]:
    """The choices of one of the rules' option lists (stored code, shown label), after "— pilih —"
    when ``blank``."""
    choices = [SelectChoice(o.code, o.label) for o in rules.options[option_list]]
    return [SelectChoice("", _l("— pilih —")), *choices] if blank else choices


class NewInnovationForm(FlaskForm):
    nama = StringField(_l("Nama Inovasi"), validators=[DataRequired(), Length(max=300)])
    opd_id = SelectField(_l("OPD"), coerce=int, validators=[Optional()])
    rules_year = SelectField(_l("Tahun penilaian Kemendagri"), coerce=int)
    # Shown with the list of similar innovations (innovations.duplicates): creating needs this tick then.
    confirm_distinct = BooleanField(_l("Saya sudah memeriksa daftar di atas: ini inovasi yang berbeda."))

    def setup(self, opd_choices: list[SelectChoice] | None) -> NewInnovationForm:
        years = available_years()
        self.rules_year.choices = [SelectChoice(y, str(y)) for y in reversed(years)]
        if self.rules_year.data is None:
            self.rules_year.data = years[-1]
        if opd_choices is None:
            del self.opd_id
        else:
            self.opd_id.choices = opd_choices
        return self


class ProfileForm(FlaskForm):
    """Every field of the portal's innovation profile, in the portal's order."""

    nama = StringField("Nama Inovasi", validators=[DataRequired(), Length(max=300)])
    nomor_register = StringField("Nomor Register IGA", validators=[Optional(), Length(max=64)])
    tahapan = FastSelectField("Tahapan Inovasi", validators=[Optional()])
    inisiator = FastSelectField("Inisiator Inovasi", validators=[Optional()])
    nama_inisiator = StringField("Nama Inisiator", validators=[Optional(), Length(max=200)])
    jenis = FastSelectField("Jenis Inovasi", validators=[Optional()])
    klasifikasi = FastSelectField("Klasifikasi Inovasi", validators=[Optional()])
    bentuk = FastSelectField("Bentuk Inovasi", validators=[Optional()])
    tematik = FastSelectField("Asta Cita / Tematik", validators=[Optional()])
    urusan_utama = FastSelectField("Urusan Pemerintahan (utama)", validators=[Optional()])
    urusan_lain = MultiCheckboxField("Urusan lain yang beririsan", validators=[Optional()])
    latitude = StringField(_l("Lintang (latitude)"), validators=[Optional(), Length(max=20)])
    longitude = StringField(_l("Bujur (longitude)"), validators=[Optional(), Length(max=20)])
    waktu_uji_coba = DateField("Waktu Uji Coba", validators=[Optional()])
    waktu_penerapan = DateField("Waktu Penerapan (Implementasi)", validators=[Optional()])
    waktu_pengembangan = DateField("Waktu Pengembangan", validators=[Optional()])
    rancang_bangun = TextAreaField("Rancang Bangun", validators=[Optional(), Length(max=100_000)])
    tujuan = TextAreaField("Tujuan", validators=[Optional(), Length(max=100_000)])
    manfaat = TextAreaField("Manfaat", validators=[Optional(), Length(max=100_000)])
    hasil = TextAreaField("Hasil Inovasi", validators=[Optional(), Length(max=100_000)])
    version = VersionField()  # the profile's edit version (concurrency.claim)
    confirm_distinct = BooleanField(_l("Saya sudah memeriksa daftar di atas: ini inovasi yang berbeda."))

    def setup(self, rules: Rules) -> ProfileForm:
        for name, option_list in (
            ("tahapan", "tahapan"), ("inisiator", "inisiator"), ("jenis", "jenis"), ("klasifikasi", "klasifikasi"),
            ("bentuk", "bentuk"), ("tematik", "tematik"), ("urusan_utama", "urusan"),
        ):
            getattr(self, name).choices = option_choices(rules, option_list, blank=True)
        self.urusan_lain.choices = option_choices(rules, "urusan")
        return self

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "nama", "nomor_register", "tahapan", "inisiator", "nama_inisiator", "jenis", "klasifikasi", "bentuk",
                "tematik", "urusan_utama", "urusan_lain", "latitude", "longitude", "waktu_uji_coba",
                "waktu_penerapan", "waktu_pengembangan", "rancang_bangun", "tujuan", "manfaat", "hasil",
            )
        }


class AnswerForm(FlaskForm):
    parameter = RadioField(_l("Parameter"), choices=[], validators=[Optional()], validate_choice=False)
    basis = RadioField(_l("Dasar penilaian"), choices=[], validators=[Optional()], validate_choice=False)
    informasi = TextAreaField(
        _l("Informasi (penjelasan singkat bukti dukung)"), validators=[Optional(), Length(max=20_000)]
    )
    # The answer's edit version, "0" when the indicator had no answer yet (services.save_answer).
    version = VersionField()
