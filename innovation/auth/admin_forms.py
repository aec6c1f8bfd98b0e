"""Forms of the account administration pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from innovation.adminkit import active_filter, active_value
from innovation.concurrency import VersionField
from innovation.orgs.models import Opd
from innovation.web import ROLE_LABELS, Role

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


def opd_choices(opds: list[Opd], *, blank) -> list[SelectChoice]:
    return [SelectChoice(0, blank)] + [SelectChoice(opd.id, f"{opd.name} ({opd.code})") for opd in opds]


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Peran"), choices=ROLE_CHOICES, validators=[DataRequired()])
    opd_id = SelectField(_l("OPD"), coerce=int, default=0)
    version = VersionField()  # the account's edit version (services.update_user, concurrency.claim)

    def set_opd_choices(self, opds: list[Opd], *, current: Opd | None = None) -> None:
        """Active OPDs, plus the account's current one even when it has since been deactivated."""
        offered = [opd for opd in opds if opd.active or (current is not None and opd.id == current.id)]
        self.opd_id.choices = opd_choices(offered, blank=_l("— tanpa OPD —"))


class UserCreateForm(UserEditForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Kata sandi awal"), validators=[Optional(), Length(max=200)])


class UserFilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Cari nama, nama pengguna atau email"), validators=[Length(max=100)])
    role = SelectField(_l("Peran"), choices=[SelectChoice("", _l("Semua peran"))] + ROLE_CHOICES, default="")
    opd = SelectField(_l("OPD"), default="")
    active = active_filter()

    def set_opd_choices(self, opds: list[Opd]) -> None:
        self.opd.choices = [SelectChoice("", _l("Semua OPD"))] + [
            SelectChoice(str(opd.id), f"{opd.name} ({opd.code})") for opd in opds
        ]

    def values(self) -> dict:
        """The filters as service arguments; an invalid filter is dropped (and shown as an error)."""
        self.validate()
        return {
            "text": (self.q.data or "") if not self.q.errors else "",
            "role": Role(self.role.data) if self.role.data and not self.role.errors else None,
            "opd_id": int(self.opd.data) if self.opd.data and not self.opd.errors else None,
            "active": active_value(self.active),
        }
