"""Signing in (password, then the second factor when it is on) and out, changing and resetting one's
password, the language switch; and which user a session cookie names (Flask-Login's loader: the
cookie's token must name an open ``UserSession``, see ``auth.sessions``)."""
from __future__ import annotations

import time
from datetime import timedelta

from flask import (
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import inspect as sa_inspect

from innovation.auth import services, sessions, throttle, two_factor
from innovation.auth.blueprint import bp
from innovation.auth.forms import LoginForm, PasswordChangeForm, PasswordResetForm, SecondFactorForm
from innovation.auth.models import User
from innovation.extensions import db, limiter, login_manager
from innovation.timeutil import format_local, humanize_delta
from innovation.transactions import only_read
from innovation.web import current, safe_next

login_manager.login_view = "auth.login"
login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
login_manager.login_message_category = "info"

PENDING = "pending_sign_in"  # the session key between the password and the second factor
PENDING_SECONDS = 300
# Pages open to a user who must still set up the second factor (TOTP_REQUIRED): the set-up itself,
# logout, the language switch and static files.
ENROLMENT_OPEN = {"auth.two_factor_setup", "auth.logout", "auth.language", "static"}


@login_manager.user_loader
def load_user(token: str) -> User | None:
    user = sessions.user_for_token(token)
    if user is not None:
        g.user_session = user.current_session
    return user


@bp.after_app_request
def touch_session(response: Response) -> Response:
    """Keep the session's last request time (for the idle lifetime), at most once a minute, after the
    view and only when the view left nothing uncommitted (its own transaction is never committed here)."""
    user_session = g.pop("user_session", None)
    if user_session is None or response.status_code >= 500 or sa_inspect(user_session).expired:
        return response  # expired: the view committed; a later request touches it without reloading it now
    session = db.session()
    if (not session.in_transaction() or only_read(session)) and sessions.touch_if_due(user_session):
        db.session.commit()
    return response


@bp.before_app_request
def require_second_factor_enrolment():
    """With ``TOTP_REQUIRED``, an admin or verifier without a second factor sets one up first."""
    if request.endpoint in ENROLMENT_OPEN or not current_app.config.get("TOTP_REQUIRED"):
        return None
    if current_user.is_authenticated and two_factor.needs_enrolment(current_user):
        flash(_("Peran Anda wajib memakai verifikasi dua langkah. Pasang dulu sebelum melanjutkan."), "info")
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _attempt(username: str) -> throttle.Attempt:
    return throttle.Attempt(username=username, address=request.remote_addr or "",
                            device=throttle.device_for(request.cookies.get(throttle.DEVICE_COOKIE), username))


def _refused(form, refusal: throttle.Refusal, template: str, **context):
    """The form again, with when to try again (429 and Retry-After)."""
    minutes = -(-refusal.seconds // 60)  # rounded up: "1 menit" for 20 seconds
    flash(_("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(wait)s (pukul %(at)s).",
            wait=humanize_delta(timedelta(minutes=minutes), str(get_locale() or "id")),
            at=format_local(refusal.retry_at)), "error")
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


def _finish_sign_in(user: User, *, remember: bool, next_url: str | None, attempt: throttle.Attempt):
    """Open the server-side session, log in, remember this device for the login limits."""
    sessions.sign_in(user, remember=remember, ip_address=request.remote_addr,
                     user_agent=request.user_agent.string)
    db.session.commit()
    throttle.succeeded(attempt)
    session.pop(PENDING, None)
    login_user(user, remember=remember, duration=current_app.config["REMEMBER_COOKIE_DURATION"])
    if user.must_change_password:
        flash(_("Silakan ganti kata sandi sementara Anda."), "info")
        target = url_for("auth.password")
    elif two_factor.needs_enrolment(user):
        target = url_for("auth.two_factor_setup")
    else:
        target = safe_next(next_url) or url_for("home.index")
    response = redirect(target)
    response.set_cookie(throttle.DEVICE_COOKIE,
                        throttle.device_cookie_value(request.cookies.get(throttle.DEVICE_COOKIE), user.username),
                        max_age=throttle.device_cookie_max_age(), httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), path=url_for("auth.login"))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = _attempt(form.username.data)
        refusal = throttle.refusal(attempt)
        if refusal is not None:
            return _refused(form, refusal, "auth/login.html")
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            throttle.failed(attempt)
            flash(_("Nama pengguna atau kata sandi salah, atau akun tidak aktif."), "error")
        elif user.has_two_factor:
            session[PENDING] = {"u": user.id, "v": user.session_version, "remember": bool(form.remember.data),
                                "next": safe_next(form.next.data), "at": time.time()}
            return redirect(url_for("auth.second_factor"))
        else:
            return _finish_sign_in(user, remember=bool(form.remember.data), next_url=form.next.data, attempt=attempt)
    return render_template("auth/login.html", form=form)


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at") or 0) > PENDING_SECONDS:
        return None, {}
    user = db.session.get(User, pending.get("u")) if isinstance(pending.get("u"), int) else None
    if user is None or not user.active or user.session_version != pending.get("v") or not user.has_two_factor:
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Langkah masuk sudah kedaluwarsa. Masukkan lagi nama pengguna dan kata sandi."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        refusal = throttle.second_factor_refusal(user.id)
        if refusal is not None:
            return _refused(form, refusal, "auth/second_factor.html")
        used = two_factor.verify(user, form.code.data)
        if used is None:
            db.session.commit()  # the failure's audit event
            throttle.second_factor_failed(user.id)
            form.code.errors = [*form.code.errors, two_factor.wrong_code_message()]
        else:
            if used == "recovery":
                flash(_("Anda masuk dengan kode pemulihan; kode itu tidak berlaku lagi. Sisa kode: %(n)d.",
                        n=two_factor.remaining_recovery_codes(user)), "info")
            return _finish_sign_in(user, remember=bool(pending.get("remember")), next_url=pending.get("next"),
                                   attempt=_attempt(user.username))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated and current().current_session is not None:
        sessions.end_session(current().current_session, by=current(), reason="logout")
        db.session.commit()
    g.pop("user_session", None)
    logout_user()
    session.pop(PENDING, None)
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
        user = current()
        try:
            services.change_own_password(user, form.current.data, form.new.data, keep=user.current_session)
        except services.AccountError as error:
            db.session.rollback()
            form.new.errors = [*form.new.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Kata sandi berhasil diganti. Sesi Anda di perangkat lain sudah diakhiri."), "success")
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
            db.session.rollback()
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
