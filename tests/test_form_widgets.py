"""The one-pass checkbox list renders exactly what WTForms' ListWidget + CheckboxInput render."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.fields import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from innovation.innovations.forms import MultiCheckboxField

CHOICES = [("x", "Ex <b>"), ("y&", 'Why "q"'), ("z", "Zed ‘Ü’")]


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
