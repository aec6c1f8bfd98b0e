"""Forms of the judging area. Times are typed in local time (WIT); the views convert with timeutil.

The score sheet is a plain HTML form (one field per criterion of the round's rubric), parsed in the
view and checked by ``sheets.save_sheet``.
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
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from innovation.concurrency import VersionField
from innovation.judging.awards import DEFAULT_LABELS, MAX_PLACES
from innovation.judging.models import RoundKind

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]

ROUND_KIND_CHOICES = [
    SelectChoice(RoundKind.ADMINISTRASI.value, _l("Seleksi administrasi (lolos/tidak lolos)")),
    SelectChoice(RoundKind.PENILAIAN.value, _l("Penilaian (rubrik berbobot)")),
    SelectChoice(RoundKind.FINAL.value, _l("Final (rubrik berbobot)")),
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
    award_places = IntegerField(_l("Jumlah tempat penghargaan"), default=len(DEFAULT_LABELS),
                                validators=[Optional(), NumberRange(min=0, max=MAX_PLACES)])
    award_per_category = BooleanField(_l("Penghargaan diberikan per kategori"), default=True)
    award_labels = TextAreaField(_l("Label tempat penghargaan (satu per baris, dari tempat pertama)"),
                                 default="\n".join(DEFAULT_LABELS), validators=[Length(max=2000)])
    version = VersionField()


class CriterionForm(FlaskForm):
    """One criterion of a round's rubric. The descriptors (one pair of texts per level or band of the
    scale) and the other criteria's weights are dynamic fields, read in the view; the rules (unique
    code, weights totalling 100) are checked by ``rubrics.add_criterion`` / ``update_criterion``."""

    code = StringField(_l("Kode"), validators=[DataRequired(), Length(max=20)])
    title = StringField(_l("Nama kriteria"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Nama kriteria (Inggris)"), validators=[Length(max=200)])
    description = TextAreaField(_l("Penjelasan"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Penjelasan (Inggris)"), validators=[Length(max=5000)])
    # Text, not a number field: "12,5" is kept as typed and parsed by the service.
    weight = StringField(_l("Bobot (persen)"), default="0", validators=[InputRequired(), Length(max=12)])
    independent = BooleanField(_l("Tidak dihitung (dinilai, tetapi tidak masuk total)"))
    version = VersionField()  # the rubric's edit version (criteria have none of their own)
