"""Signing in and out, changing and resetting one's password, the language switch; and which user a
session cookie names (Flask-Login's loader: the id and the session version, so a password change or a
deactivation ends every other session)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from innovation.auth import services
from innovation.auth.blueprint import bp
from innovation.auth.forms import LoginForm, PasswordChangeForm, PasswordResetForm
from innovation.auth.models import User
from innovation.extensions import db, limiter, login_manager
from innovation.web import current, safe_next

login_manager.login_view = "auth.login"
login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        raw_id, version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_version) != version:
        return None
    return user


def _login_key() -> str:
    return f"{request.remote_addr}|{(request.form.get('username') or '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            flash(_("Nama pengguna atau kata sandi salah, atau akun tidak aktif."), "error")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                flash(_("Silakan ganti kata sandi sementara Anda."), "info")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(form.next.data) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))


# The two password forms show every refusal under the new password field, whatever field the error
# names (none, or ``password`` of the admin's form), so they attach it themselves rather than through
# ``web.attempt(form=...)``; nothing was written when the service refuses.

@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(current(), form.current.data, form.new.data)
        except services.AccountError as error:
            form.new.errors = [*form.new.errors, str(error)]
        else:
            db.session.commit()
            login_user(current())  # the session version changed: keep this session alive
            flash(_("Kata sandi berhasil diganti."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("error.html", code=400, message=_(
            "Tautan atur ulang kata sandi tidak berlaku atau sudah kedaluwarsa. Minta tautan baru ke admin."
        )), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.new.data, by=user)
        except services.AccountError as error:
            form.new.errors = [*form.new.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Kata sandi baru tersimpan. Silakan masuk."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user)


@bp.route("/language/<lang>", methods=["POST"])
def language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))
