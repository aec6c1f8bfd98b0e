"""Account security (routes on the auth blueprint): one's own sessions and second factor, and an
admin's "end this user's sessions" and "remove this user's second factor"."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required, logout_user

from innovation.adminkit import render_secret
from innovation.auth import sessions, two_factor
from innovation.auth.blueprint import bp
from innovation.auth.forms import TwoFactorCodeForm, TwoFactorEnableForm
from innovation.auth.models import User, UserSession
from innovation.web import Role, attempt, current, get_or_404, role_required


@bp.route("/security")
@login_required
def security():
    user = current()
    return render_template("auth/security.html", user=user, sessions=sessions.live_sessions(user),
                           this=user.current_session, expires_at=sessions.expires_at,
                           may_use_two_factor=two_factor.may_use(user),
                           recovery_left=two_factor.remaining_recovery_codes(user) if user.has_two_factor else 0)


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def session_end(session_id: int):
    user = current()
    target = get_or_404(UserSession, session_id)
    if target.user_id != user.id:
        abort(404)  # another user's session: as if it did not exist
    this = target.id == getattr(user.current_session, "id", None)
    attempt(lambda: sessions.end_session(target, by=user, reason="logout" if this else "ended"),
            success=_("Sesi diakhiri."))
    if this:
        logout_user()
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.security"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def sessions_end_others():
    user = current()
    attempt(lambda: sessions.end_sessions(user, by=user, reason="ended", keep=user.current_session),
            success=lambda n: _("%(n)d sesi lain diakhiri.", n=n) if n else _("Tidak ada sesi lain."))
    return redirect(url_for("auth.security"))


# --- the second factor ------------------------------------------------------------------------


@bp.route("/two-factor", methods=["GET", "POST"])
@role_required(*two_factor.ROLES)
def two_factor_setup():
    """Set up the second factor: the QR code and the first code; then the recovery codes, once."""
    user = current()
    if user.has_two_factor:
        return redirect(url_for("auth.security"))
    form = TwoFactorEnableForm()
    if form.validate_on_submit():
        done = attempt(lambda: two_factor.confirm_enrolment(user, form.secret.data, form.code.data), form=form,
                       errors=(two_factor.TwoFactorError,))
        if done:
            return render_secret("auth/recovery_codes.html", codes=done.value, first=True)
    enrolment = two_factor.start_enrolment(user, form.secret.data if form.is_submitted() else None)
    form.secret.data = enrolment.secret
    return render_template("auth/two_factor.html", form=form, enrolment=enrolment,
                           required=two_factor.required_for(user))


@bp.route("/two-factor/recovery-codes", methods=["POST"])
@role_required(*two_factor.ROLES)
def two_factor_recovery():
    user = current()
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        done = attempt(lambda: two_factor.regenerate_recovery_codes(user, form.code.data),
                       errors=(two_factor.TwoFactorError,))
        if done:
            return render_secret("auth/recovery_codes.html", codes=done.value, first=False)
    else:
        flash(_("Masukkan kode 6 angka dari aplikasi."), "error")
    return redirect(url_for("auth.security"))


@bp.route("/two-factor/disable", methods=["POST"])
@role_required(*two_factor.ROLES)
def two_factor_disable():
    user = current()
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        attempt(lambda: two_factor.disable(user, form.code.data), errors=(two_factor.TwoFactorError,),
                success=_("Verifikasi dua langkah dimatikan."))
    else:
        flash(_("Masukkan kode 6 angka dari aplikasi."), "error")
    return redirect(url_for("auth.security"))


# --- admins, for any account ----------------------------------------------------------------------


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@role_required(Role.ADMIN)
def user_sessions_end(user_id: int):
    admin = current()
    user = get_or_404(User, user_id)
    keep = admin.current_session if user.id == admin.id else None
    attempt(lambda: sessions.end_sessions(user, by=admin, reason="admin", keep=keep),
            success=lambda n: _("%(n)d sesi %(u)s diakhiri.", n=n, u=user.username) if n
            else _("%(u)s tidak punya sesi aktif.", u=user.username))
    return redirect(url_for("auth.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@role_required(Role.ADMIN)
def user_two_factor_reset(user_id: int):
    admin = current()
    user = get_or_404(User, user_id)
    attempt(lambda: two_factor.reset_by_admin(user, by=admin),
            success=_("Verifikasi dua langkah %(u)s dihapus; ia memasangnya lagi saat masuk berikutnya bila wajib.",
                      u=user.username))
    return redirect(url_for("auth.user_edit", user_id=user.id))

