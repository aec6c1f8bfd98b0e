"""The one-pass checkbox list renders exactly what WTForms' ListWidget + CheckboxInput render."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.fields import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from innovation.innovations.forms import MultiCheckboxField

CHOICES = [SelectChoice("x", "Ex <b>"), SelectChoice("y&", 'Why "q"'), SelectChoice("z", "Zed ‘Ü’")]


class _Reference(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _Form(Form):
    fast = MultiCheckboxField("A", choices=CHOICES)
    reference = _Reference("A", choices=CHOICES)


def test_same_html_as_wtforms():
    for data in ([], [("fast", "y&"), ("reference", "y&")], [("fast", "x"), ("fast", "z"), ("reference", "x"),
                                                             ("reference", "z")]):
        form = _Form(MultiDict(data))
        fast = str(form.fast(class_="checks")).replace("fast", "F")
        reference = str(form.reference(class_="checks")).replace("reference", "F")
        assert fast == reference


def test_one_pass_select_renders_what_wtforms_select_renders():
    from wtforms.fields import SelectField
    from wtforms.validators import DataRequired

    from innovation.innovations.forms import FastSelectField

    choices = [SelectChoice("", "— pilih —"), *CHOICES, SelectChoice("0", "")]

    class Selects(Form):
        fast = FastSelectField("A", choices=choices)
        reference = SelectField("A", choices=choices)
        fast_required = FastSelectField("B", choices=choices, validators=[DataRequired()])
        reference_required = SelectField("B", choices=choices, validators=[DataRequired()])

    for data in ([], [("fast", "y&"), ("reference", "y&"), ("fast_required", "z"), ("reference_required", "z")],
                 [("fast", "0"), ("reference", "0")]):
        form = Selects(MultiDict(data))
        for fast, reference in ((form.fast, form.reference), (form.fast_required, form.reference_required)):
            mine = str(fast(class_="wide", **{"aria-describedby": "h"})).replace(fast.name, "F")
            theirs = str(reference(class_="wide", **{"aria-describedby": "h"})).replace(reference.name, "F")
            assert mine == theirs and "<option" in mine

