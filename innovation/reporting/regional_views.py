"""The regional indicators (Satuan Pemerintahan Daerah): their values and evidence files, entered by
the planning office. Services in ``reporting/regional.py``; on the blueprint of ``blueprint.py``."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from innovation import web
from innovation.extensions import csrf, db
from innovation.reporting import policy
from innovation.reporting import regional as regional_services
from innovation.reporting.blueprint import bp
from innovation.reporting.models import RegionalEvidence
from innovation.reporting.views import selected_year
from innovation.rules import available_years, get_rules
from innovation.storage import commit_or_delete
from innovation.storage.responses import stored_file_response
from innovation.storage.sniffing import format_mb, types_label
from innovation.web import ensure, require_csrf, role_required


@bp.route("/regional", methods=["GET", "POST"])
@role_required(*policy.OFFICE)
def regional():
    year = selected_year()
    rules = get_rules(year)
    user = web.current()
    ensure(policy.can_edit_regional(user))
    rows = regional_services.regional_values(year)
    typed: dict[int, dict[str, str]] = {
        r.no: {"score": str(rows[r.no].score) if r.no in rows else "",
               "note": rows[r.no].note if r.no in rows else "",
               "evidence_url": (rows[r.no].evidence_url or "") if r.no in rows else ""}
        for r in rules.regional_indicators
    }
    # The edit version of each line the form was loaded from ("0": no row yet), concurrency.claim.
    versions: dict[int, str] = {r.no: str(rows[r.no].version) if r.no in rows else "0"
                                for r in rules.regional_indicators}
    error_field = None
    stale = None
    if request.method == "POST":
        typed = {r.no: {name: request.form.get(f"{name}-{r.no}", "") for name in ("score", "note", "evidence_url")}
                 for r in rules.regional_indicators}
        versions = {r.no: request.form.get(f"version-{r.no}", "") for r in rules.regional_indicators}
        saved = web.attempt(
            lambda: regional_services.save_regional_values(year, typed, by=user, versions=versions),
            success=lambda changed: (_("%(n)d nilai indikator daerah disimpan.", n=changed) if changed
                                     else _("Tidak ada perubahan.")))
        if saved:
            return redirect(url_for("reporting.regional", year=year))
        error_field = saved.error.field
        if isinstance(saved.error, regional_services.StaleRegionalValues):
            stale = saved.error  # the others' changes are shown; saving again overwrites them knowingly
            versions.update({no: str(v) for no, v in stale.current_versions.items()})
            rows = regional_services.regional_values(year)
    spd = sum((rows[r.no].score for r in rules.regional_indicators if r.no in rows), start=0)
    return render_template("reporting/regional.html", rules=rules, year=year, years=available_years(),
                           rows=rows, typed=typed, error_field=error_field, spd=spd, versions=versions, stale=stale,
                           stale_labels={"score": _("Nilai"), "note": _("Catatan"), "evidence_url": _("Tautan bukti")},
                           files=regional_services.current_evidence(year),
                           max_files=regional_services.MAX_CURRENT_FILES,
                           file_hint=_("Jenis: %(types)s. Maksimal %(mb)s MB per berkas.",
                                       types=types_label(regional_services.EVIDENCE_TYPES),
                                       mb=format_mb(regional_services.max_file_bytes())),
                           accept=regional_services.accept_attribute())


def _regional_back(year, indicator_no=None) -> str:
    year = year if isinstance(year, int) or str(year or "").isdigit() else None
    no = str(indicator_no or "")
    return url_for("reporting.regional", year=year, _anchor=f"bukti-{no}" if no.isdigit() else "bukti")


@bp.route("/regional/evidence", methods=["POST"])
@csrf.exempt  # the body may be too big to parse: CSRF is checked below, after the size check
@role_required(*policy.OFFICE)
def regional_evidence_upload():
    user = web.current()
    ensure(policy.can_edit_regional(user))
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        flash(_("Berkas terlalu besar untuk dikirim lewat formulir (batas %(limit)s MB).",
                limit=format_mb(current_app.config["MAX_CONTENT_LENGTH"] or 0)), "error")
        return redirect(_regional_back(request.args.get("year")))
    require_csrf(form.get("csrf_token"))
    year, no = form.get("year"), form.get("indicator_no")
    back = _regional_back(year, no)
    upload = files.get("file")
    if upload is None or not upload.filename:
        flash(_("Pilih berkas yang akan diunggah."), "error")
        return redirect(back)
    try:
        web.attempt(
            lambda: regional_services.attach_regional_file(year, no, stream=upload.stream, filename=upload.filename,
                                                           by=user),
            success=lambda item: _("Bukti \"%(name)s\" tersimpan.", name=item.filename),
            commit=lambda item: commit_or_delete([item.file.key]))
    except IntegrityError:  # another upload created the same value row first (at the flush or the commit)
        db.session.rollback()
        flash(_("Indikator ini baru saja diubah oleh pengguna lain. Silakan unggah ulang."), "error")
    return redirect(back)


@bp.route("/regional/evidence/<int:evidence_id>/remove", methods=["POST"])
@role_required(*policy.OFFICE)
def regional_evidence_remove(evidence_id: int):
    item = web.get_or_404(RegionalEvidence, evidence_id)
    user = web.current()
    ensure(policy.can_edit_regional(user))
    back = _regional_back(item.value.year, item.value.indicator_no)
    web.attempt(lambda: regional_services.remove_regional_file(item, by=user),
                success=lambda removed: _("Bukti \"%(name)s\" dihapus.", name=removed.filename))
    return redirect(back)


@bp.route("/regional/evidence/<int:evidence_id>/file")
@role_required(*policy.OFFICE)
def regional_evidence_download(evidence_id: int):
    item = web.get_or_404(RegionalEvidence, evidence_id)
    ensure(policy.can_download_regional(web.current()))
    return stored_file_response(item.file, item.filename, what=f"regional evidence {item.id}",
                                inline=request.args.get("inline") == "1")
