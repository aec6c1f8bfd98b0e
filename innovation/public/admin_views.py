"""Deciding what is public: the admin's field settings and licence, the evidence approval list, and the
OPD's offer of an evidence file (from the evidence widget of the innovation pages)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation import web
from innovation.extensions import db
from innovation.innovations.models import Evidence
from innovation.public import policy, sharing
from innovation.public.blueprint import bp
from innovation.public.forms import DecisionForm, PublicSettingsForm
from innovation.public.settings import load_settings, update_settings
from innovation.web import ensure, role_required, safe_next

REVIEW_PER_PAGE = 30


@bp.route("/settings", methods=["GET", "POST"])
@role_required(*policy.ADMINS)
def settings():
    current = load_settings()
    form = PublicSettingsForm(obj=current if request.method == "GET" else None).setup()
    if request.method == "GET":
        form.fields.data = list(current.fields or [])
    if form.validate_on_submit():
        saved = web.attempt(
            lambda: update_settings(current, fields=form.fields.data or [], licence_code=form.licence.data,
                                    version=form.version.data, by=web.current()),
            success=lambda changes: _("Pengaturan data publik tersimpan.") if changes else _("Tidak ada perubahan."),
            form=form)
        if saved:
            return redirect(url_for("public.settings"))
    return render_template("public/admin/settings.html", form=form, settings=current)


@bp.route("/review")
@role_required(*policy.ADMINS)
def review():
    waiting = db.paginate(sharing.offered_query(), page=web.page_arg(), per_page=REVIEW_PER_PAGE, error_out=False)
    decided = db.session.scalars(sharing.offered_query(decided=True).limit(REVIEW_PER_PAGE)).unique().all()
    return render_template("public/admin/review.html", waiting=waiting, decided=decided, form=DecisionForm())


@bp.route("/review/<int:evidence_id>", methods=["POST"])
@role_required(*policy.ADMINS)
def decide(evidence_id: int):
    item = web.get_or_404(Evidence, evidence_id)
    ensure(policy.can_decide(web.current()))
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    if form.validate_on_submit():
        web.attempt(lambda: sharing.decide(item, approve=approve, note=form.note.data or "", by=web.current()),
                    success=_("Bukti disetujui untuk halaman publik.") if approve
                    else _("Bukti ditolak untuk halaman publik."))
    else:
        flash(_("Alasan paling panjang %(n)d karakter.", n=sharing.MAX_NOTE), "error")
    return redirect(url_for("public.review"))


@bp.route("/evidence/<int:evidence_id>/offer", methods=["POST"])
@role_required(*policy.EDITORS)
def offer(evidence_id: int):
    item = web.get_or_404(Evidence, evidence_id)
    ensure(policy.can_offer(item, web.current()))
    public = request.form.get("public") == "1"
    web.attempt(lambda: sharing.offer(item, public=public, by=web.current()),
                success=lambda changed: (_("Bukti diajukan untuk halaman publik; admin akan memeriksanya.") if public
                                         else _("Pengajuan publik ditarik; bukti tidak tampil di halaman publik."))
                if changed else None)
    return redirect(safe_next(request.form.get("next")) or url_for("innovations.detail",
                                                                    innovation_id=item.innovation_id))
