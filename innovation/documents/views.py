"""Documents pages: an event's document settings (admin) and its logo."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation import web
from innovation.documents import settings as document_settings
from innovation.documents.blueprint import bp
from innovation.documents.forms import DocumentSettingsForm
from innovation.documents.layout import default_logo_png, initial_of
from innovation.judging.lookups import event_or_404
from innovation.storage import commit_or_delete
from innovation.storage.responses import stored_file_response
from innovation.web import Role, role_required

SAMPLE_SEQ = 1


@bp.route("/events/<slug>/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def event_settings(slug: str):
    event = event_or_404(slug)
    current = document_settings.load(event)
    form = DocumentSettingsForm(obj=current if request.method == "GET" else None)
    if form.validate_on_submit():
        upload = request.files.get("logo")
        has_logo = upload is not None and upload.filename

        def save():
            return document_settings.update(
                event, {name: getattr(form, name).data for name in document_settings.TEXT_FIELDS}, by=web.current(),
                logo=upload.stream if has_logo else None, logo_name=upload.filename if has_logo else None,
                remove_logo=bool(form.remove_logo.data))

        saved = web.attempt(save, success=_("Pengaturan dokumen tersimpan."), form=form,
                            commit=lambda s: commit_or_delete([s.logo.key] if has_logo and s.logo else []))
        if saved:
            return redirect(url_for("documents.event_settings", slug=event.slug))
    sample = None
    try:
        sample = document_settings.format_certificate_number(
            document_settings.check_number_format(form.number_format.data or current.number_format),
            seq=SAMPLE_SEQ, year=event.year, issued_at=event.closes_at)
    except document_settings.DocumentError:
        pass
    return render_template("documents/settings.html", event=event, form=form, settings=current, sample=sample)


@bp.route("/events/<slug>/logo")
@role_required(Role.ADMIN)
def logo(slug: str):
    """The issuer's logo as the documents print it: the uploaded one, or the default emblem."""
    event = event_or_404(slug)
    current = document_settings.load(event)
    if current.logo is not None:
        return stored_file_response(current.logo, current.logo.original_name, what=f"logo {event.slug}", inline=True)
    return Response(default_logo_png(initial_of(current.issuer)), mimetype="image/png")

