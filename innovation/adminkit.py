"""Small pieces shared by the admin pages (OPDs, accounts): CSV upload form, the active filter,
pages that show a secret once, list paging. (A service's error goes onto its field through
``innovation.web.attempt``.)"""
from __future__ import annotations

from flask import current_app, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from innovation.csvio import MAX_CSV_BYTES


class CsvUploadForm(FlaskForm):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV."))])


def read_upload(form: CsvUploadForm) -> tuple[bytes, str]:
    """The uploaded bytes (at most one byte over the limit, so a huge file is never held) and name."""
    storage = form.file.data
    return storage.stream.read(MAX_CSV_BYTES + 1), storage.filename or ""


def active_filter() -> SelectField:
    """The "all / active / inactive" filter of the OPD and account lists; read it with ``active_value``."""
    return SelectField(_l("Status"), default="", choices=[
        SelectChoice("", _l("Semua")), SelectChoice("1", _l("Aktif")), SelectChoice("0", _l("Nonaktif")),
    ])


def active_value(field) -> bool | None:
    return {"1": True, "0": False}.get(field.data) if not field.errors else None


def render_secret(template: str, **context):
    """A page showing a password or reset link once: never cached, never kept in the history."""
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def per_page() -> int:
    return current_app.config.get("PER_PAGE", 25)
