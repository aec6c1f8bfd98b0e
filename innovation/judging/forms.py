"""Forms of the judging area. Times are typed in local time (WIT); the views convert with timeutil.

The score sheet is a plain HTML form (one field per criterion of the round's rubric), parsed in the
view and checked by ``scoring.save_sheet``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from innovation.judging.models import RoundKind

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]

ROUND_KIND_CHOICES = [
    (RoundKind.ADMINISTRASI.value, _l("Seleksi administrasi (lolos/tidak lolos)")),
    (RoundKind.PENILAIAN.value, _l("Penilaian (rubrik berbobot)")),
    (RoundKind.FINAL.value, _l("Final (rubrik berbobot)")),
]


class RoundForm(FlaskForm):
    name = StringField(_l("Nama babak"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Jenis babak"), choices=ROUND_KIND_CHOICES)
    rubric = SelectField(_l("Rubrik (untuk babak penilaian)"), choices=[], validate_choice=False)
    opens_at = DateTimeLocalField(_l("Dibuka (WIT)"), format=LOCAL_FORMATS, validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Ditutup (WIT)"), format=LOCAL_FORMATS, validators=[InputRequired()])
    judges_per_entry = IntegerField(_l("Juri per entri (k)"), default=3,
                                    validators=[InputRequired(), NumberRange(min=1, max=20)])
    advance_top_n = IntegerField(_l("Jumlah yang lolos ke babak berikutnya"),
                                 validators=[Optional(), NumberRange(min=1, max=1000)])
    advance_per_category = BooleanField(_l("Jumlah itu berlaku per kategori"))
    blind = BooleanField(_l("Penilaian buta (nama OPD dan operator disembunyikan dari juri)"))
    use_category_panels = BooleanField(_l("Gunakan panel per kategori"))
