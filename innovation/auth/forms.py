from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Kata sandi lama"), validators=[DataRequired()])
    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[DataRequired(), EqualTo("new", message=_l("Kata sandi tidak sama."))]
    )


class PasswordResetForm(FlaskForm):
    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[DataRequired(), EqualTo("new", message=_l("Kata sandi tidak sama."))]
    )
