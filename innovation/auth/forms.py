"""The sign-in, password and second-factor forms. Password rules are the service's
(``auth.passwords``), so the forms only bound the length: one rule, one message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from innovation.auth.passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))
    next = HiddenField(validators=[Length(max=2000)])


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Kode verifikasi"), validators=[DataRequired(), Length(max=40)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Kata sandi lama"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[DataRequired(), EqualTo("new", message=_l("Kata sandi tidak sama."))]
    )


class PasswordResetForm(FlaskForm):
    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[DataRequired(), EqualTo("new", message=_l("Kata sandi tidak sama."))]
    )


class TwoFactorEnableForm(FlaskForm):
    secret = HiddenField(validators=[DataRequired(), Length(max=64)])
    code = StringField(_l("Kode dari aplikasi"), validators=[DataRequired(), Length(max=40)])


class TwoFactorCodeForm(FlaskForm):
    """A current code, to confirm a change (new recovery codes, turning it off)."""

    code = StringField(_l("Kode dari aplikasi"), validators=[DataRequired(), Length(max=40)])
