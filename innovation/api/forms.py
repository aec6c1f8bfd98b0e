from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from innovation.api.tokens import SCOPES
from innovation.api.webhooks import EVENTS
from innovation.concurrency import VersionField


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(_l("Nama (sistem yang memakai token)"), validators=[Length(max=120)])
    scopes = CheckboxesField(_l("Cakupan"), choices=[], validate_choice=False)

    def setup(self) -> TokenForm:
        self.scopes.choices = [SelectChoice(s.code, f"{s.code}: {s.label}") for s in SCOPES]
        return self


class WebhookForm(FlaskForm):
    name = StringField(_l("Nama"), validators=[Length(max=120)])
    url = StringField(_l("Alamat (URL) penerima"), validators=[Length(max=1000)])
    events = CheckboxesField(_l("Peristiwa"), choices=[], validate_choice=False)
    secret = PasswordField(_l("Rahasia (kosongkan agar dibuat otomatis)"), validators=[Length(max=128)])
    active = BooleanField(_l("Aktif"), default=True)
    version = VersionField()

    def setup(self, *, editing: bool = False) -> WebhookForm:
        self.events.choices = [SelectChoice(code, str(label)) for code, label in EVENTS.items()]
        if editing:
            del self.secret
        else:
            del self.active
            del self.version
        return self
