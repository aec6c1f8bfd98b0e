"""Documents pages (admin): an event's document settings and logo; a published round's Berita Acara,
recap and draft decree."""
from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from innovation import web
from innovation.documents import services
from innovation.documents import settings as document_settings
from innovation.documents.blueprint import bp
from innovation.documents.forms import DocumentSettingsForm
from innovation.documents.layout import default_logo_png, initial_of
from innovation.extensions import db
from innovation.judging.lookups import event_or_404
from innovation.judging.models import ResultSnapshot, Round, RoundKind
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



def _published_round(round_id: int) -> tuple[Round, ResultSnapshot]:
    round_ = web.get_or_404(Round, round_id)
    snapshot = services.current_snapshot(round_) if round_.kind != RoundKind.ADMINISTRASI else None
    if snapshot is None:
        abort(404)
    return round_, snapshot


def _pdf(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/rounds/<int:round_id>/berita-acara.pdf")
@role_required(Role.ADMIN)
def minutes(round_id: int):
    """The round's Berita Acara Penilaian, from its current published edition."""
    round_, snapshot = _published_round(round_id)
    return _pdf(services.minutes(snapshot), f"berita-acara-{round_.event.slug}-{round_.id}-v{snapshot.edition}.pdf")


@bp.route("/rounds/<int:round_id>/rekap.pdf")
@role_required(Role.ADMIN)
def recap(round_id: int):
    round_, snapshot = _published_round(round_id)
    return _pdf(services.recap(snapshot), f"rekap-nilai-{round_.event.slug}-{round_.id}-v{snapshot.edition}.pdf")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/rounds/<int:round_id>/sk-pemenang.docx")
@role_required(Role.ADMIN)
def decree(round_id: int):
    """The draft decree naming the round's winners, editable in a word processor."""
    round_, snapshot = _published_round(round_id)
    stream = io.BytesIO()
    services.decree(snapshot, stream)
    stream.seek(0)
    return send_file(stream, mimetype=DOCX, as_attachment=True,
                     download_name=f"draf-sk-pemenang-{round_.event.slug}-{round_.id}-v{snapshot.edition}.docx")


@bp.route("/rounds/<int:round_id>/sertifikat.zip")
@role_required(Role.ADMIN)
def certificates_zip(round_id: int):
    """Every certificate of the round's current edition in one ZIP (``?pemenang=1``: the winners' only)."""
    round_, snapshot = _published_round(round_id)
    stream = io.BytesIO()
    try:
        services.write_certificates_zip(snapshot, stream, winners_only=request.args.get("pemenang") == "1",
                                        verify_url=lambda number: url_for("public.verify_certificate", no=number,
                                                                          _external=True))
    except document_settings.DocumentError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("judging.results", round_id=round_.id))
    db.session.commit()  # the edition's certificate numbers, issued on first use
    stream.seek(0)
    return send_file(stream, mimetype="application/zip", as_attachment=True,
                     download_name=f"sertifikat-{round_.event.slug}-{round_.id}-v{snapshot.edition}.zip")
