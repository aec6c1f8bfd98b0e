"""Forms of the people's choice. Times are typed in local time (WIT); the view converts with timeutil."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField
from wtforms.validators import InputRequired

from innovation.concurrency import VersionField

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ChoiceSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Adakan pilihan pengunjung pada acara ini"))
    opens_at = DateTimeLocalField(_l("Pemungutan suara dibuka (WIT)"), format=LOCAL_FORMATS,
                                  validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Pemungutan suara ditutup (WIT)"), format=LOCAL_FORMATS,
                                   validators=[InputRequired()])
    round_id = SelectField(_l("Inovasi yang dapat dipilih"), choices=[], validate_choice=True)
    publish_tally = BooleanField(_l("Umumkan perolehan suara di halaman hasil publik setelah pemungutan ditutup"))
    version = VersionField()

    def setup(self, rounds) -> ChoiceSettingsForm:
        self.round_id.choices = [("", str(_l("Semua inovasi yang terkirim ke acara ini")))] + [
            (str(r.id), str(_l("Inovasi pada babak: %(name)s", name=r.name))) for r in rounds]
        return self


class VoteForm(FlaskForm):
    """Only the CSRF token: the chosen entry is read as a bounded integer (``web.int_arg``)."""
