"""Reporting pages: the district dashboard and index, registration for Kemendagri, verification.

The regional indicators are in ``regional_views.py`` and the export in ``export_views.py``; all sit on
the blueprint of ``blueprint.py``.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation import web
from innovation.extensions import db
from innovation.innovations import recheck
from innovation.innovations import services as innovations
from innovation.innovations.models import Innovation, VerificationStatus
from innovation.innovations.policy import EDITORS
from innovation.orgs.picker import OpdFilter, opd_filter
from innovation.reporting import policy, services
from innovation.reporting.blueprint import bp
from innovation.reporting.forms import STATUS_LABELS, RegisterForm, VerifyLineForm
from innovation.reporting.index_cache import dashboard_figures
from innovation.reporting.regional import regional_values
from innovation.rules import available_years, get_rules, latest_year
from innovation.web import ensure, role_required, safe_next

PER_PAGE = 25


# --- parsing helpers ---------------------------------------------------------------------------

def selected_year() -> int:
    """The page's year (query or form), the latest rules year when it is missing or unknown."""
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


# --- dashboard ---------------------------------------------------------------------------------

@bp.route("/")
@role_required(*policy.OFFICE)
def dashboard():
    year = selected_year()
    rules = get_rules(year)
    registered_only = request.args.get("scope") != "all"
    filters, opds = _filters()
    page = db.paginate(services.dashboard_query(filters), per_page=PER_PAGE, error_out=False, count=False)
    figures = dashboard_figures(year, filters, registered_only=registered_only)
    page.total = figures.listed
    return render_template(
        "reporting/dashboard.html", page=page, rules=rules, year=year, years=available_years(),
        registered_only=registered_only, claimed=figures.claimed, verified=figures.verified,
        regional=regional_values(year), opds=opds,
        urusan_label={o.code: o.label for o in rules.options["urusan"]},
        can_register=policy.can_register(web.current()),
    )


@bp.route("/registration", methods=["POST"])
@role_required(*policy.ADMINS)
def registration():
    ids = [int(v) for v in request.form.getlist("innovation_id") if v.isdigit()]
    action = request.form.get("action")
    if action not in ("register", "unregister"):
        abort(400)
    web.attempt(lambda: services.set_registration(ids, registered=action == "register", by=web.current()),
                success=lambda changed: _("%(n)d inovasi diperbarui.", n=changed))
    return redirect(safe_next(request.form.get("next")) or url_for("reporting.dashboard"))


@bp.route("/innovations/<int:innovation_id>/registration", methods=["POST"])
@role_required(*policy.ADMINS)
def register_innovation(innovation_id: int):
    innovation = web.get_or_404(Innovation, innovation_id)
    form = RegisterForm()
    back = url_for("innovations.detail", innovation_id=innovation.id)
    if not form.validate_on_submit():
        flash(_("Nomor Register IGA paling panjang 64 karakter."), "error")
        return redirect(back)
    user = web.current()
    if request.form.get("action") == "unregister":
        web.attempt(lambda: services.unregister(innovation, by=user), success=_("Pendaftaran Kemendagri dibatalkan."))
    else:
        web.attempt(lambda: services.register(innovation, nomor_register=form.nomor_register.data, by=user),
                    success=_("Inovasi terdaftar untuk Kemendagri."))
    return redirect(back)


# --- verification ------------------------------------------------------------------------------

@bp.route("/verification")
@role_required(*policy.OFFICE)
def queue():
    rules = get_rules(latest_year())
    filters, opds = _filters()
    page = db.paginate(services.queue_query(filters), per_page=PER_PAGE, error_out=False)
    rows = services.queue_rows(i.id for i in page.items)
    return render_template("reporting/queue.html", page=page, rules=rules, rows=rows, opds=opds)


def _verify_page(innovation: Innovation, *, failed_no: int | None = None, failed_form: VerifyLineForm | None = None,
                 status: int = 200):
    user = web.current()
    ensure(innovation.can_view(user) and policy.can_verify(user))
    rules = innovation.rules
    assessment = innovations.assess(innovation)
    current = innovations.current_evidence(innovation)
    answers = {a.indicator_no: a for a in innovation.answers}
    forms = {}
    for line in assessment.lines:
        answer = answers.get(line.no)
        if line.no == failed_no and failed_form is not None:
            forms[line.no] = failed_form
            if answer is not None:  # the page now shows the line as it is: a save from here judges that
                failed_form.seen.data = services.line_fingerprint(answer)
        elif answer is not None and answer.parameter:
            forms[line.no] = VerifyLineForm(formdata=None, data={
                "status": answer.verification_status.value if answer.verification_status else None,
                "verified_parameter": str(answer.verified_parameter or ""),
                "note": answer.verification_note or "",
                "seen": services.line_fingerprint(answer),
            })
    rechecks = {no: recheck.view(a.recheck_since, a.recheck) for no, a in answers.items()
                if a.awaiting_recheck and a.parameter}
    return render_template(
        "reporting/verify.html", innovation=innovation, rules=rules, assessment=assessment,
        answers=answers, forms=forms, status_labels=STATUS_LABELS, failed_no=failed_no, rechecks=rechecks,
        evidence={line.no: [e for e in current if e.indicator_no == line.no] for line in assessment.lines},
    ), status


@bp.route("/verification/<int:innovation_id>")
@role_required(*policy.OFFICE)
def verify(innovation_id: int):
    return _verify_page(web.get_or_404(Innovation, innovation_id))


@bp.route("/verification/<int:innovation_id>/lines/<int:no>", methods=["POST"])
@role_required(*policy.OFFICE)
def verify_line(innovation_id: int, no: int):
    innovation = web.get_or_404(Innovation, innovation_id)
    user = web.current()
    ensure(policy.can_verify(user))
    form = VerifyLineForm()

    def decide():
        if not form.validate_on_submit():
            raise services.ReportingError(_("Periksa kembali isian verifikasi."))
        answer = services.answer_for(innovation, no)
        return services.verify_line(answer, form.status.data, form.parameter_value(), form.note.data, by=user,
                                    seen=form.seen.data or "")

    # The error is flashed and, when it names a field, also shown under it (the page is long).
    decided = web.attempt(decide, success=_("Verifikasi indikator %(no)d tersimpan.", no=no))
    if not decided:
        if decided.error.field:
            web.attach_error(form, decided.error)
        return _verify_page(innovation, failed_no=no, failed_form=form, status=400)
    return redirect(url_for("reporting.verify", innovation_id=innovation.id, _anchor=f"line-{no}"))


@bp.route("/innovations/<int:innovation_id>/lines/<int:no>/resubmit", methods=["POST"])
@role_required(*EDITORS)
def resubmit(innovation_id: int, no: int):
    innovation = web.get_or_404(Innovation, innovation_id)
    user = web.current()
    ensure(innovation.can_edit(user))
    web.attempt(lambda: services.resubmit_line(services.answer_for(innovation, no), by=user),
                success=_("Indikator %(no)d diajukan ulang untuk verifikasi.", no=no))
    return redirect(url_for("innovations.indicator", innovation_id=innovation.id, no=no))


@bp.app_template_global("verification_label")
def verification_label(status: VerificationStatus | str | None) -> str:
    if not status:
        return _("Menunggu verifikasi")
    return str(STATUS_LABELS[VerificationStatus(status)])


@bp.app_template_global("recheck_view")
def recheck_view(answer) -> recheck.RecheckView | None:
    """A line to be re-checked, for ``reporting/_recheck.html``."""
    return recheck.view(answer.recheck_since, answer.recheck)


@bp.app_template_global("can_register_innovations")
def can_register_innovations() -> bool:
    """For the innovation page's registration form (``reporting/_innovation_verification.html``)."""
    return policy.can_register(web.current())
