from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from innovation.concurrency import VersionField
from innovation.public import fields as catalogue


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PublicSettingsForm(FlaskForm):
    fields = CheckboxesField(_l("Kolom profil yang publik"), choices=[], validate_choice=False)
    licence = SelectField(_l("Lisensi data terbuka"), choices=[])
    version = VersionField()

    def setup(self) -> PublicSettingsForm:
        self.fields.choices = [SelectChoice(f.code, str(f.label)) for f in catalogue.CHOOSABLE]
        self.licence.choices = [SelectChoice(licence.code, licence.name) for licence in catalogue.LICENCES]
        return self


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Alasan (wajib bila ditolak)"), validators=[Length(max=500)])
