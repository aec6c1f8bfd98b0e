"""Reporting pages: the district dashboard and index, regional values, verification, registration."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from innovation.extensions import csrf, db
from innovation.innovations import services as innovations
from innovation.innovations.evidence_views import require_csrf
from innovation.innovations.models import Innovation, VerificationStatus
from innovation.orgs.picker import OpdFilter, opd_filter
from innovation.reporting import regional as regional_services
from innovation.reporting import services
from innovation.reporting.forms import STATUS_LABELS, RegisterForm, VerifyLineForm
from innovation.reporting.index_cache import dashboard_figures
from innovation.reporting.models import RegionalEvidence, RegionalIndicatorValue
from innovation.rules import available_years, get_rules, latest_year
from innovation.storage import commit_or_delete
from innovation.storage.responses import stored_file_response
from innovation.storage.sniffing import format_mb, types_label
from innovation.web import Role, ensure, role_required

bp = Blueprint("reporting", __name__, url_prefix="/reporting")

OFFICE = (Role.ADMIN, Role.VERIFIER)
PER_PAGE = 25


# --- parsing helpers ---------------------------------------------------------------------------

def _year() -> int:
    year = request.values.get("year", type=int)
    return year if year in available_years() else latest_year()


def _filters() -> tuple[services.ListFilters, OpdFilter]:
    registered = {"ya": True, "tidak": False}.get(request.args.get("registered", ""))
    opds = opd_filter(request.args.get("opd"))
    return services.ListFilters(
        opd_ids=opds.opd_ids,
        urusan=request.args.get("urusan") or None,
        tahapan=request.args.get("tahapan") or None,
        registered=registered,
    ), opds


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


# --- dashboard ---------------------------------------------------------------------------------

@bp.route("/")
@role_required(*OFFICE)
def dashboard():
    year = _year()
    rules = get_rules(year)
    registered_only = request.args.get("scope") != "all"
    filters, opds = _filters()
    page = db.paginate(services.dashboard_query(filters), per_page=PER_PAGE, error_out=False, count=False)
    figures = dashboard_figures(year, filters, registered_only=registered_only)
    page.total = figures.listed
    return render_template(
        "reporting/dashboard.html", page=page, rules=rules, year=year, years=available_years(),
        registered_only=registered_only, claimed=figures.claimed, verified=figures.verified,
        regional=regional_services.regional_values(year), opds=opds,
        urusan_label={o.code: o.label for o in rules.options["urusan"]},
        can_register=services.can_register(current_user),
    )


@bp.route("/registration", methods=["POST"])
@role_required(Role.ADMIN)
def registration():
    ids = [int(v) for v in request.form.getlist("innovation_id") if v.isdigit()]
    action = request.form.get("action")
    if action not in ("register", "unregister"):
        abort(400)
    try:
        changed = services.set_registration(ids, registered=action == "register", by=current_user)
    except services.ReportingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("%(n)d inovasi diperbarui.", n=changed), "success")
    return redirect(_back(url_for("reporting.dashboard")))


@bp.route("/innovations/<int:innovation_id>/registration", methods=["POST"])
@role_required(Role.ADMIN)
def register_innovation(innovation_id: int):
    innovation = db.get_or_404(Innovation, innovation_id)
    form = RegisterForm()
    back = url_for("innovations.detail", innovation_id=innovation.id)
    if not form.validate_on_submit():
        flash(_("Nomor Register IGA paling panjang 64 karakter."), "error")
        return redirect(back)
    try:
        if request.form.get("action") == "unregister":
            services.unregister(innovation, by=current_user)
            message = _("Pendaftaran Kemendagri dibatalkan.")
        else:
            services.register(innovation, nomor_register=form.nomor_register.data, by=current_user)
            message = _("Inovasi terdaftar untuk Kemendagri.")
    except services.ReportingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(back)


# --- regional indicators -----------------------------------------------------------------------

@bp.route("/regional", methods=["GET", "POST"])
@role_required(*OFFICE)
def regional():
    year = _year()
    rules = get_rules(year)
    ensure(RegionalIndicatorValue.can_edit(current_user))
    rows = regional_services.regional_values(year)
    typed: dict[int, dict[str, str]] = {
        r.no: {"score": str(rows[r.no].score) if r.no in rows else "",
               "note": rows[r.no].note if r.no in rows else "",
               "evidence_url": (rows[r.no].evidence_url or "") if r.no in rows else ""}
        for r in rules.regional_indicators
    }
    error_field = None
    if request.method == "POST":
        typed = {r.no: {name: request.form.get(f"{name}-{r.no}", "") for name in ("score", "note", "evidence_url")}
                 for r in rules.regional_indicators}
        try:
            changed = regional_services.save_regional_values(year, typed, by=current_user)
        except services.ReportingError as error:
            db.session.rollback()
            flash(str(error), "error")
            error_field = error.field
        else:
            db.session.commit()
            flash(_("%(n)d nilai indikator daerah disimpan.", n=changed) if changed else _("Tidak ada perubahan."),
                  "success")
            return redirect(url_for("reporting.regional", year=year))
    spd = sum((rows[r.no].score for r in rules.regional_indicators if r.no in rows), start=0)
    return render_template("reporting/regional.html", rules=rules, year=year, years=available_years(),
                           rows=rows, typed=typed, error_field=error_field, spd=spd,
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
@role_required(*OFFICE)
def regional_evidence_upload():
    ensure(RegionalIndicatorValue.can_edit(current_user))
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
        item = regional_services.attach_regional_file(year, no, stream=upload.stream, filename=upload.filename,
                                                      by=current_user._get_current_object())
    except (services.ReportingError, IntegrityError) as error:
        db.session.rollback()
        flash(str(error) if isinstance(error, services.ReportingError) else
              _("Indikator ini baru saja diubah oleh pengguna lain. Silakan unggah ulang."), "error")
        return redirect(back)
    name = item.filename
    try:
        commit_or_delete([item.file.key])
    except IntegrityError:  # another upload created the same value row first
        flash(_("Indikator ini baru saja diubah oleh pengguna lain. Silakan unggah ulang."), "error")
        return redirect(back)
    flash(_("Bukti \"%(name)s\" tersimpan.", name=name), "success")
    return redirect(back)


@bp.route("/regional/evidence/<int:evidence_id>/remove", methods=["POST"])
@role_required(*OFFICE)
def regional_evidence_remove(evidence_id: int):
    item = db.get_or_404(RegionalEvidence, evidence_id)
    ensure(RegionalIndicatorValue.can_edit(current_user))
    back = _regional_back(item.value.year, item.value.indicator_no)
    try:
        regional_services.remove_regional_file(item, by=current_user._get_current_object())
    except services.ReportingError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Bukti \"%(name)s\" dihapus.", name=item.filename), "success")
    return redirect(back)


@bp.route("/regional/evidence/<int:evidence_id>/file")
@role_required(*OFFICE)
def regional_evidence_download(evidence_id: int):
    item = db.get_or_404(RegionalEvidence, evidence_id)
    ensure(RegionalEvidence.can_download(current_user))
    return stored_file_response(item.file, item.filename, what=f"regional evidence {item.id}",
                                inline=request.args.get("inline") == "1")


# --- verification ------------------------------------------------------------------------------

@bp.route("/verification")
@role_required(*OFFICE)
def queue():
    rules = get_rules(latest_year())
    filters, opds = _filters()
    page = db.paginate(services.queue_query(filters), per_page=PER_PAGE, error_out=False)
    pending = services.pending_counts(i.id for i in page.items)
    return render_template("reporting/queue.html", page=page, rules=rules, pending=pending, opds=opds)


def _verify_page(innovation: Innovation, *, failed_no: int | None = None, failed_form: VerifyLineForm | None = None,
                 status: int = 200):
    ensure(innovation.can_view(current_user) and services.can_verify(current_user))
    rules = innovation.rules
    assessment = innovations.assess(innovation)
    current = innovations.current_evidence(innovation)
    answers = {a.indicator_no: a for a in innovation.answers}
    forms = {}
    for line in assessment.lines:
        answer = answers.get(line.no)
        if line.no == failed_no and failed_form is not None:
            forms[line.no] = failed_form
        elif answer is not None and answer.parameter:
            forms[line.no] = VerifyLineForm(formdata=None, data={
                "status": answer.verification_status.value if answer.verification_status else None,
                "verified_parameter": str(answer.verified_parameter or ""),
                "note": answer.verification_note or "",
            })
    return render_template(
        "reporting/verify.html", innovation=innovation, rules=rules, assessment=assessment,
        answers=answers, forms=forms, status_labels=STATUS_LABELS, failed_no=failed_no,
        evidence={line.no: [e for e in current if e.indicator_no == line.no] for line in assessment.lines},
    ), status


@bp.route("/verification/<int:innovation_id>")
@role_required(*OFFICE)
def verify(innovation_id: int):
    return _verify_page(db.get_or_404(Innovation, innovation_id))


@bp.route("/verification/<int:innovation_id>/lines/<int:no>", methods=["POST"])
@role_required(*OFFICE)
def verify_line(innovation_id: int, no: int):
    innovation = db.get_or_404(Innovation, innovation_id)
    ensure(services.can_verify(current_user))
    form = VerifyLineForm()
    try:
        if not form.validate_on_submit():
            raise services.ReportingError(_("Periksa kembali isian verifikasi."))
        answer = services.answer_for(innovation, no)
        services.verify_line(answer, form.status.data, form.parameter_value(), form.note.data, by=current_user)
    except services.ReportingError as error:
        db.session.rollback()
        target = getattr(form, error.field or "", None)
        if target is not None:
            target.errors = [*target.errors, str(error)]
        flash(str(error), "error")
        return _verify_page(innovation, failed_no=no, failed_form=form, status=400)
    db.session.commit()
    flash(_("Verifikasi indikator %(no)d tersimpan.", no=no), "success")
    return redirect(url_for("reporting.verify", innovation_id=innovation.id, _anchor=f"line-{no}"))


@bp.route("/innovations/<int:innovation_id>/lines/<int:no>/resubmit", methods=["POST"])
@role_required(Role.ADMIN, Role.OPERATOR)
def resubmit(innovation_id: int, no: int):
    innovation = db.get_or_404(Innovation, innovation_id)
    ensure(innovation.can_edit(current_user))
    try:
        services.resubmit_line(services.answer_for(innovation, no), by=current_user)
    except services.ReportingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Indikator %(no)d diajukan ulang untuk verifikasi.", no=no), "success")
    return redirect(url_for("innovations.indicator", innovation_id=innovation.id, no=no))


@bp.app_template_global("verification_label")
def verification_label(status: VerificationStatus | str | None) -> str:
    if not status:
        return _("Menunggu verifikasi")
    return str(STATUS_LABELS[VerificationStatus(status)])
from innovation.reporting import export_views  # noqa: E402,F401  (the Kemendagri export, on this blueprint)
