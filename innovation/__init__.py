"""Regional innovation platform: Innovation Week competitions and Kemendagri (IID) reporting."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, flash, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from innovation import rules, transactions
from innovation.config import load_config
from innovation.extensions import babel, compress, csrf, db, limiter, login_manager, migrate, select_locale
from innovation.safe_input import BoundedIntConverter, CleanRequest, SecureCookieResponse

PACKAGE_ROOT = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(PACKAGE_ROOT)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
        instance_path=os.environ.get("INSTANCE_PATH") or os.path.join(PROJECT_ROOT, "instance"),
    )
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    # Every query and form value is cleaned (or refused) before a view reads it, and <int:...> in any URL
    # stops at an INTEGER column's range: see innovation/safe_input.py.
    app.request_class = CleanRequest
    app.response_class = SecureCookieResponse
    app.url_map.converters["int"] = BoundedIntConverter
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Trust X-Forwarded-For/-Proto/-Host/-Port from exactly this many proxies in front: the client's
        # address for the login limits, https for Secure cookies, HSTS and external links.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    if not app.config.get("SECRET_KEY"):
        # Debug and test run with a fixed development key. Elsewhere the CLI (migrations, demo) may
        # run without one, but the app refuses to serve a single request until SECRET_KEY is set.
        app.config["SECRET_KEY"] = "dev-only-not-secret"
        if not (app.debug or app.testing or os.environ.get("FLASK_DEBUG") == "1"):
            @app.before_request
            def refuse_without_secret_key():
                raise RuntimeError("SECRET_KEY must be set outside debug and test (export SECRET_KEY=...)")
    os.makedirs(app.instance_path, exist_ok=True)
    rules.use_directory(app.config.get("RULES_DIR"))  # the years an admin added from the UI

    db.init_app(app)
    transactions.init_app(app)  # after db: its teardown runs before Flask-SQLAlchemy's
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    from innovation.auth import throttle

    throttle.init_app(app)  # the login limits count where Flask-Limiter does (Redis when configured)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=os.path.join(PACKAGE_ROOT, "translations"),
    )

    from innovation import models, storage  # noqa: F401  (models: the whole schema for Alembic)

    storage.init_app(app)

    from innovation.api import admin_views as api_admin_routes  # noqa: F401  (routes on api_admin_bp)
    from innovation.api import docs_views as api_docs_routes  # noqa: F401  (routes on api_docs_bp)
    from innovation.api import errors as api_errors  # noqa: F401  (the API's error handlers)
    from innovation.api import views as api_routes  # noqa: F401  (routes on api_bp)
    from innovation.api.blueprint import admin_bp as api_admin_bp
    from innovation.api.blueprint import bp as api_bp
    from innovation.api.blueprint import docs_bp as api_docs_bp
    from innovation.audit import views as audit_routes  # noqa: F401  (routes on audit_bp)
    from innovation.audit.blueprint import bp as audit_bp
    from innovation.auth import admin_views as account_routes  # noqa: F401  (routes on auth_bp)
    from innovation.auth import security_views as account_security_routes  # noqa: F401  (routes on auth_bp)
    from innovation.auth import views as auth_routes  # noqa: F401  (routes on auth_bp; the session loader)
    from innovation.auth.blueprint import bp as auth_bp
    from innovation.events import views as events_routes  # noqa: F401  (routes on events_bp)
    from innovation.events.blueprint import bp as events_bp
    from innovation.home import bp as home_bp
    from innovation.innovations import evidence_views as innovation_evidence_routes  # noqa: F401
    from innovation.innovations import views as innovation_routes  # noqa: F401
    from innovation.innovations import carry_views as innovation_carry_routes  # noqa: F401
    from innovation.innovations.blueprint import bp as innovations_bp
    from innovation.jobs import views as jobs_routes  # noqa: F401  (routes on jobs_bp)
    from innovation.jobs.blueprint import bp as jobs_bp
    from innovation.judging import admin_views, results_views, rubric_views, views  # noqa: F401  (judging's routes)
    from innovation.judging.blueprint import bp as judging_bp
    from innovation.judging import live_views, schedule_views  # noqa: F401  (the presentation day's routes)
    from innovation.judging import calibration_views, discussion_views  # noqa: F401  (calibration, discussion)
    from innovation.orgs import views as orgs_routes  # noqa: F401  (routes on orgs_bp)
    from innovation.orgs.blueprint import bp as orgs_bp
    from innovation.public import admin_views as public_admin_routes  # noqa: F401  (routes on public_bp)
    from innovation.public import data_views as public_data_routes  # noqa: F401
    from innovation.public import views as public_routes  # noqa: F401  (and site_bp's sitemap, robots.txt)
    from innovation.public.blueprint import bp as public_bp
    from innovation.public.blueprint import site_bp
    from innovation.reporting import export_views as reporting_export_routes  # noqa: F401
    from innovation.reporting import regional_views as reporting_regional_routes  # noqa: F401
    from innovation.reporting import views as reporting_routes  # noqa: F401
    from innovation.reporting import duplicate_views as reporting_duplicate_routes  # noqa: F401
    from innovation.reporting import rules_views as reporting_rules_routes  # noqa: F401
    from innovation.reporting import progress_views as reporting_progress_routes  # noqa: F401
    from innovation.reporting import advice_views as reporting_advice_routes  # noqa: F401
    from innovation.reporting.blueprint import bp as reporting_bp
    from innovation.uploads import views as upload_routes  # noqa: F401
    from innovation.uploads.blueprint import bp as uploads_bp
    from innovation.notify import views as notify_routes  # noqa: F401  (routes on notify_bp)
    from innovation.notify.blueprint import bp as notify_bp
    from innovation.followup import views as followup_routes  # noqa: F401  (routes on followup_bp)
    from innovation.followup.blueprint import bp as followup_bp
    from innovation.leaders import views as leaders_routes  # noqa: F401  (routes on leaders_bp)
    from innovation.leaders.blueprint import bp as leaders_bp

    for blueprint in (
        home_bp, auth_bp, orgs_bp, audit_bp, innovations_bp, uploads_bp, events_bp, judging_bp, reporting_bp, jobs_bp,
        public_bp, site_bp, api_bp, api_docs_bp, api_admin_bp,
        notify_bp, followup_bp, leaders_bp,
    ):
        app.register_blueprint(blueprint)
    from innovation.documents import views as documents_routes  # noqa: F401  (routes on documents_bp)
    from innovation.documents.blueprint import bp as documents_bp

    app.register_blueprint(documents_bp)
    from innovation.choice import views as choice_routes  # noqa: F401  (routes on choice_bp: people's choice)
    from innovation.choice.blueprint import bp as choice_bp

    app.register_blueprint(choice_bp)

    from innovation.jobs.kinds import register_kind
    from innovation.reporting import export

    register_kind(export.JOB_KIND, export.run_export_job)  # jobs run kinds of the areas above them

    from innovation.api import wiring as api_wiring
    from innovation.outbox import job as outbox_job

    outbox_job.init_app(app)  # domain events: the delivery job kind, started after a commit that emitted
    api_wiring.init_app(app)  # the API's settings and rate limit, and the webhooks consumer of the outbox

    from innovation.notify import job as notify_job

    notify_job.init_app(app)  # the notification pass as a job kind; the inbox count on every page

    from innovation import templating
    from innovation.cli import register_cli

    templating.init_app(app)
    from innovation import drafts

    drafts.init_app(app)  # the server's confirmation that a local draft is saved (base.html, drafts.js)
    register_cli(app)
    _register_error_pages(app)
    _register_security_headers(app)
    return app


def _register_error_pages(app: Flask) -> None:
    def too_large() -> str:
        from innovation.storage.sniffing import format_mb

        limit = request.max_content_length or app.config.get("MAX_CONTENT_LENGTH")
        if not limit:
            return _("Kiriman terlalu besar.")
        return _("Kiriman terlalu besar: batas satu kiriman %(limit)s MB.", limit=format_mb(limit))

    messages = {
        400: lambda: _("Permintaan tidak dapat diproses. Periksa isian Anda lalu coba lagi."),
        403: lambda: _("Anda tidak berhak membuka halaman ini."),
        404: lambda: _("Halaman yang Anda cari tidak ditemukan."),
        405: lambda: _("Cara membuka halaman ini tidak diizinkan."),
        413: too_large,
        429: lambda: _("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
        500: lambda: _("Terjadi kesalahan di server. Data Anda tidak tersimpan sebagian; silakan coba lagi."),
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            db.session.rollback()
        # An error that carries its own message for the user (safe_input.UnstorableInput, the login limit)
        message = getattr(error, "user_message", None) or messages.get(code, messages[500])()
        if request.accept_mimetypes.best == "application/json" or request.path.startswith("/uploads/tus"):
            response = app.json.response({"error": message})
            response.status_code = code
        else:
            response = app.make_response((render_template("error.html", code=code, message=message), code))
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response

    for code in messages:
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        flash(_("Formulir sudah kedaluwarsa atau tidak lengkap. Silakan kirim ulang."), "error")
        return render_template("error.html", code=400, message=_(
            "Formulir tidak dapat diverifikasi (token keamanan hilang atau kedaluwarsa). "
            "Kembali, muat ulang halaman, lalu kirim lagi."
        )), 400


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; frame-src 'self'; object-src 'self'; base-uri 'self'; "
    # 'self', not 'none': the app shows its own PDFs in a frame (evidence previews).
    "form-action 'self'; frame-ancestors 'self'"
)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.is_secure and app.config.get("HSTS"):
            # HTTPS as the client sees it (behind a proxy: PROXY_COUNT, so X-Forwarded-Proto is trusted).
            response.headers.setdefault("Strict-Transport-Security", app.config["HSTS"])
        return response
