"""Account management for admins (routes on the auth blueprint, under /auth/users)."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation.adminkit import CsvUploadForm, per_page, read_upload, render_secret
from innovation.auth import csv_import, services, sessions
from innovation.auth.admin_forms import UserCreateForm, UserEditForm, UserFilterForm
from innovation.auth.blueprint import bp
from innovation.auth.models import User
from innovation.extensions import db
from innovation.orgs.models import Opd
from innovation.orgs.services import all_opds
from innovation.web import Role, attempt, current, get_or_404, role_required


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    filters = UserFilterForm(formdata=request.args)
    filters.set_opd_choices(all_opds())
    page = db.paginate(services.user_list_query(**filters.values()), per_page=per_page(), error_out=False)
    return render_template("auth/users/index.html", page=page, filters=filters)


def _chosen_opd(form: UserEditForm, opds: list[Opd]) -> Opd | None:
    return {opd.id: opd for opd in opds}.get(form.opd_id.data)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_create():
    opds = all_opds()
    form = UserCreateForm()
    form.set_opd_choices(opds)
    if form.validate_on_submit():
        made = attempt(
            lambda: services.create_account(
                username=form.username.data, full_name=form.full_name.data, role=services.parse_role(form.role.data),
                opd=_chosen_opd(form, opds), email=form.email.data, password=form.password.data or None,
                by=current(),
            ),
            form=form,
            # A generated password is shown once on a page of its own instead.
            success=lambda made: None if made[1] else _(
                "Akun %(u)s dibuat. Pengguna wajib mengganti kata sandi saat pertama masuk.", u=made[0].username),
        )
        if made:
            user, generated = made.value
            if generated:
                return render_secret("auth/users/created.html", user=user, password=generated)
            return redirect(url_for("auth.user_edit", user_id=user.id))
    return render_template("auth/users/form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    opds = all_opds()
    form = UserEditForm(obj=user)
    form.set_opd_choices(opds, current=user.opd)
    if request.method == "GET":
        form.role.data = user.role.value
        form.opd_id.data = user.opd_id or 0
    if form.validate_on_submit():
        saved = attempt(
            lambda: services.update_user(
                user, full_name=form.full_name.data, email=form.email.data, role=services.parse_role(form.role.data),
                opd=_chosen_opd(form, opds), by=current(), version=form.version.data,
            ),
            form=form,
            success=lambda changes: _("Akun %(u)s disimpan.", u=user.username) if changes else _("Tidak ada perubahan."),
        )
        if saved:
            return redirect(url_for("auth.user_edit", user_id=user.id))
    return render_template("auth/users/form.html", form=form, user=user, live_sessions=sessions.live_sessions(user))


def _set_active(user_id: int, active: bool):
    user = get_or_404(User, user_id)
    attempt(
        lambda: services.set_active(user, active, by=current()),
        success=_("Akun %(u)s diaktifkan.", u=user.username) if active else
        _("Akun %(u)s dinonaktifkan; semua sesi masuknya berakhir.", u=user.username),
    )
    return redirect(url_for("auth.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def user_deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@role_required(Role.ADMIN)
def user_activate(user_id: int):
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@role_required(Role.ADMIN)
def user_reset(user_id: int):
    user = get_or_404(User, user_id)
    issued = attempt(lambda: services.issue_reset_token(user, by=current()))
    if not issued:
        return redirect(url_for("auth.user_edit", user_id=user.id))
    link = url_for("auth.reset", token=issued.value, _external=True)
    return render_secret("auth/users/reset_link.html", user=user, link=link,
                         hours=services.RESET_TOKEN_MAX_AGE // 3600)


@bp.route("/users/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users_import():
    form = CsvUploadForm()
    report = None
    if form.validate_on_submit():
        data, filename = read_upload(form)
        report = csv_import.import_accounts(data, filename=filename, by=current())
        if report.ok:
            db.session.commit()
            return render_secret("auth/users/imported.html", report=report)
    return render_template("auth/users/import.html", form=form, report=report, columns=csv_import.COLUMNS,
                           roles=[role.value for role in Role])


@bp.route("/users/import/template.csv")
@role_required(Role.ADMIN)
def users_import_template():
    return Response(
        csv_import.template(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=templat-akun.csv"},
    )
