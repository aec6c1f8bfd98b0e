"""Forms of the presentation day: a round's schedule settings and the draw (times typed in WIT)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from innovation.concurrency import VersionField
from innovation.judging.forms import LOCAL_FORMATS
from innovation.judging.schedule import MAX_MINUTES, SEED_MAX


class ScheduleForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Presentasi pertama mulai (WIT)"), format=LOCAL_FORMATS,
                                   validators=[InputRequired()])
    room = StringField(_l("Ruang"), validators=[Optional(), Length(max=120)])
    presentation_minutes = IntegerField(_l("Durasi presentasi (menit)"), default=10,
                                        validators=[InputRequired(), NumberRange(min=1, max=MAX_MINUTES)])
    qa_minutes = IntegerField(_l("Durasi tanya jawab (menit)"), default=5,
                              validators=[InputRequired(), NumberRange(min=0, max=MAX_MINUTES)])
    changeover_minutes = IntegerField(_l("Jeda pergantian (menit)"), default=5,
                                      validators=[InputRequired(), NumberRange(min=0, max=MAX_MINUTES)])
    version = VersionField()


class DrawForm(FlaskForm):
    seed = StringField(_l("Seed undian (kosongkan untuk seed acak)"), validators=[Optional(), Length(max=SEED_MAX)])
