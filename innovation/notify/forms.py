from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional


class NotificationSettingsForm(FlaskForm):
    email = BooleanField(_l("Kirim juga lewat email"))
    whatsapp = BooleanField(_l("Kirim juga lewat WhatsApp"))
    phone = StringField(_l("Nomor WhatsApp"), validators=[Optional(), Length(max=25)])
    language = SelectField(_l("Bahasa pesan"), choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")])
