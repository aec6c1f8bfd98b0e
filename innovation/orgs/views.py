"""Admin pages for OPDs: list, create, edit, CSV import."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation.adminkit import CsvUploadForm, per_page, read_upload
from innovation.extensions import db
from innovation.orgs import csv_import, services
from innovation.orgs.blueprint import bp
from innovation.orgs.forms import OpdFilterForm, OpdForm
from innovation.orgs.models import Opd, OpdKind
from innovation.web import Role, attempt, current, get_or_404, role_required


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    filters = OpdFilterForm(formdata=request.args)
    page = db.paginate(services.opd_list_query(**filters.values()), per_page=per_page(), error_out=False)
    return render_template("orgs/index.html", page=page, filters=filters)


def _form_values(form: OpdForm, opds: list[Opd]) -> dict:
    parents = {opd.id: opd for opd in opds}
    return {
        "name": form.name.data,
        "code": form.code.data,
        "kind": form.kind.data,
        "parent": parents.get(form.parent_id.data),
        "active": form.active.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    opds = services.all_opds()
    form = OpdForm()
    form.set_parent_choices(opds)
    if form.validate_on_submit() and attempt(
        lambda: services.create_opd(**_form_values(form, opds), by=current()),
        form=form, success=lambda opd: _("OPD %(c)s dibuat.", c=opd.code),
    ):
        return redirect(url_for("orgs.index"))
    return render_template("orgs/form.html", form=form, opd=None)


@bp.route("/<int:opd_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(opd_id: int):
    opd = get_or_404(Opd, opd_id)
    opds = services.all_opds()
    form = OpdForm(obj=opd)
    form.set_parent_choices(opds, editing=opd)
    if request.method == "GET":
        form.parent_id.data = opd.parent_id or 0
    if form.validate_on_submit() and attempt(
        lambda: services.update_opd(opd, **_form_values(form, opds), by=current(), version=form.version.data),
        form=form,
        success=lambda changes: _("OPD %(c)s disimpan.", c=opd.code) if changes else _("Tidak ada perubahan."),
    ):
        return redirect(url_for("orgs.index"))
    return render_template("orgs/form.html", form=form, opd=opd)


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_csv():
    form = CsvUploadForm()
    report = None
    if form.validate_on_submit():
        data, filename = read_upload(form)
        report = csv_import.import_opds(data, filename=filename, by=current())
        if report.ok:
            db.session.commit()
            flash(_("%(n)d OPD berhasil diimpor.", n=len(report.created)), "success")
            return redirect(url_for("orgs.index"))
    return render_template("orgs/import.html", form=form, report=report,
                           columns=csv_import.COLUMNS, kinds=[kind.value for kind in OpdKind])


@bp.route("/import/template.csv")
@role_required(Role.ADMIN)
def import_template():
    return Response(
        csv_import.template(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=templat-opd.csv"},
    )
