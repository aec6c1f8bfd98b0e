"""Evidence routes on the innovations blueprint (upload, link, replace, remove, download).

The plain upload form works without JavaScript; ``static/js/upload.js`` turns it into a resumable
tus upload (``innovation.uploads``) when JavaScript is available. Templates use the macro in
``templates/innovations/_evidence.html``.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.validators import ValidationError

from innovation.extensions import csrf, db
from innovation.innovations import evidence as evidence_services
from innovation.innovations.models import Evidence, Innovation
from innovation.innovations.services import InnovationError
from innovation.innovations.views import bp
from innovation.storage import commit_or_delete
from innovation.storage.responses import stored_file_response
from innovation.storage.sniffing import format_mb
from innovation.web import Role, ensure, role_required, safe_next

EDIT_ROLES = (Role.ADMIN, Role.OPERATOR)
VIEW_ROLES = (Role.ADMIN, Role.VERIFIER, Role.OPERATOR)


def require_csrf(token: str | None) -> None:
    """The CSRF check for views exempted from Flask-WTF's automatic one (they read the body
    themselves, or take the token from a header). Raises ``CSRFError`` like Flask-WTF does."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise CSRFError(error.args[0] if error.args else "CSRF") from error


def _back(form_next: str | None = None) -> str:
    """Where to return after a change: the form's ``next``, the query's ``next``, or the list."""
    return safe_next(form_next) or safe_next(request.args.get("next")) or url_for("innovations.index")


def _user():
    return current_user._get_current_object()


# --- template helpers (used by the _evidence.html macro) ---------------------------------------

@bp.app_template_global("evidence_target")
def evidence_target(innovation: Innovation, indicator=None, slot=None) -> evidence_services.Target:
    """The target of a widget, from an Indicator / indicator number or a ProfileFileSlot / slot code."""
    number = getattr(indicator, "no", indicator)
    code = getattr(slot, "slot", slot)
    return evidence_services.resolve_target(innovation, indicator_no=number, slot=code)


@bp.app_template_global("evidence_history")
def evidence_history(innovation: Innovation, target: evidence_services.Target) -> list[Evidence]:
    return evidence_services.history(innovation, indicator_no=target.indicator_no, slot=target.slot)


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{format_mb(size)} MB"


# --- changes -----------------------------------------------------------------------------------

@bp.route("/<int:innovation_id>/evidence", methods=["POST"])
@csrf.exempt  # the body may be too big to parse: CSRF is checked below, after the size check
@role_required(*EDIT_ROLES)
def evidence_upload(innovation_id: int):
    innovation = db.get_or_404(Innovation, innovation_id)
    ensure(innovation.can_edit(current_user))
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        flash(_("Berkas terlalu besar untuk dikirim lewat formulir (batas %(limit)s MB). "
                "Perkecil berkasnya, atau untuk video gunakan tautan.",
                limit=format_mb(current_app.config["MAX_CONTENT_LENGTH"] or 0)), "error")
        return redirect(_back())
    require_csrf(form.get("csrf_token"))
    back = _back(form_next=form.get("next"))
    upload = files.get("file")
    if upload is None or not upload.filename:
        flash(_("Pilih berkas yang akan diunggah."), "error")
        return redirect(back)
    try:
        replaces = evidence_services.evidence_for_update(innovation, form.get("replaces"))
        item = evidence_services.attach_file(
            innovation, indicator_no=form.get("indicator_no"), slot=form.get("slot"),
            stream=upload.stream, filename=upload.filename, by=_user(), replaces=replaces,
        )
    except InnovationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    commit_or_delete([item.file.key])
    flash(_("Bukti \"%(name)s\" tersimpan.", name=item.display_name), "success")
    return redirect(back)


@bp.route("/<int:innovation_id>/evidence/link", methods=["POST"])
@role_required(*EDIT_ROLES)
def evidence_link(innovation_id: int):
    innovation = db.get_or_404(Innovation, innovation_id)
    ensure(innovation.can_edit(current_user))
    back = _back(form_next=request.form.get("next"))
    try:
        replaces = evidence_services.evidence_for_update(innovation, request.form.get("replaces"))
        evidence_services.attach_link(
            innovation, indicator_no=request.form.get("indicator_no"), slot=request.form.get("slot"),
            url=request.form.get("url", ""), title=request.form.get("title", ""), by=_user(), replaces=replaces,
        )
    except InnovationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Tautan bukti tersimpan."), "success")
    return redirect(back)


@bp.route("/evidence/<int:evidence_id>/remove", methods=["POST"])
@role_required(*EDIT_ROLES)
def evidence_remove(evidence_id: int):
    item = db.get_or_404(Evidence, evidence_id)
    ensure(item.innovation.can_edit(current_user))
    back = _back(form_next=request.form.get("next"))
    try:
        evidence_services.remove_evidence(item, by=_user())
    except InnovationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Bukti \"%(name)s\" dihapus. Berkasnya tetap tersimpan di riwayat.", name=item.display_name), "success")
    return redirect(back)


# --- download ----------------------------------------------------------------------------------

@bp.route("/evidence/<int:evidence_id>/file")
@role_required(*VIEW_ROLES)
def evidence_download(evidence_id: int):
    item = db.get_or_404(Evidence, evidence_id)
    ensure(evidence_services.can_download(item, current_user))
    stored = item.file
    if stored is None:  # a link: the page links to it directly
        abort(404)
    return stored_file_response(stored, stored.original_name, what=f"evidence {item.id}",
                                inline=request.args.get("inline") == "1")
