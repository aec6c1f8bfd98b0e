"""Evidence routes on the innovations blueprint (upload, link, replace, remove, download).

The plain upload form works without JavaScript; ``static/js/upload.js`` turns it into a resumable
tus upload (``innovation.uploads``) when JavaScript is available. Templates use the macro in
``templates/innovations/_evidence.html``.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from innovation import web
from innovation.extensions import csrf
from innovation.innovations import evidence as evidence_services
from innovation.innovations import policy
from innovation.innovations.blueprint import bp
from innovation.innovations.models import Evidence, Innovation
from innovation.storage import commit_or_delete
from innovation.storage.responses import stored_file_response
from innovation.storage.sniffing import format_mb
from innovation.web import ensure, require_csrf, role_required, safe_next


def _back(form_next: str | None = None) -> str:
    """Where to return after a change: the form's ``next``, the query's ``next``, or the list."""
    return safe_next(form_next) or safe_next(request.args.get("next")) or url_for("innovations.index")


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
@role_required(*policy.EDITORS)
def evidence_upload(innovation_id: int):
    innovation = web.get_or_404(Innovation, innovation_id)
    user = web.current()
    ensure(innovation.can_edit(user))
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

    def attach() -> Evidence:
        replaces = evidence_services.evidence_for_update(innovation, form.get("replaces"))
        return evidence_services.attach_file(
            innovation, indicator_no=form.get("indicator_no"), slot=form.get("slot"),
            stream=upload.stream, filename=upload.filename, by=user, replaces=replaces,
        )

    web.attempt(attach, success=lambda item: _("Bukti \"%(name)s\" tersimpan.", name=item.display_name),
                commit=lambda item: commit_or_delete([item.file.key]))
    return redirect(back)


@bp.route("/<int:innovation_id>/evidence/link", methods=["POST"])
@role_required(*policy.EDITORS)
def evidence_link(innovation_id: int):
    innovation = web.get_or_404(Innovation, innovation_id)
    user = web.current()
    ensure(innovation.can_edit(user))
    form = request.form

    def attach() -> Evidence:
        replaces = evidence_services.evidence_for_update(innovation, form.get("replaces"))
        return evidence_services.attach_link(
            innovation, indicator_no=form.get("indicator_no"), slot=form.get("slot"),
            url=form.get("url", ""), title=form.get("title", ""), by=user, replaces=replaces,
        )

    web.attempt(attach, success=_("Tautan bukti tersimpan."))
    return redirect(_back(form_next=form.get("next")))


@bp.route("/evidence/<int:evidence_id>/remove", methods=["POST"])
@role_required(*policy.EDITORS)
def evidence_remove(evidence_id: int):
    item = web.get_or_404(Evidence, evidence_id)
    user = web.current()
    ensure(item.innovation.can_edit(user))
    back = _back(form_next=request.form.get("next"))
    web.attempt(lambda: evidence_services.remove_evidence(item, by=user),
                success=lambda removed: _("Bukti \"%(name)s\" dihapus. Berkasnya tetap tersimpan di riwayat.",
                                          name=removed.display_name))
    return redirect(back)


# --- download ----------------------------------------------------------------------------------

@bp.route("/evidence/<int:evidence_id>/file")
@role_required(*policy.READERS)
def evidence_download(evidence_id: int):
    item = web.get_or_404(Evidence, evidence_id)
    ensure(policy.can_download_evidence(item, web.current()))
    stored = item.file
    if stored is None:  # a link: the page links to it directly
        abort(404)
    return stored_file_response(stored, stored.original_name, what=f"evidence {item.id}",
                                inline=request.args.get("inline") == "1")
