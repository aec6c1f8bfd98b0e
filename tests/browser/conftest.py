"""Browser tests: Debian's Chromium, driven by Playwright, against the real app served live.

``live_server`` runs ``create_app`` with real forms (CSRF on) in a background thread, on SQLite and,
when ``TEST_DATABASE_URL`` is set, on PostgreSQL too (a schema of its own, dropped afterwards).
Chromium comes from ``CHROMIUM_PATH`` (default ``/usr/bin/chromium``); Playwright never downloads a
browser. Without one the tests are skipped, or fail when ``REQUIRE_BROWSER=1``.

    def test_something(live_server, page, screenshot):
        user = live_server.add_user(role="operator")
        page.goto("/auth/login")
        screenshot(page, "login-desktop")          # -> docs/screenshots/login-desktop.png
"""
from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import create_schema, drop_schema, env_flag, postgres_url, skip_or_fail
from werkzeug.serving import WSGIRequestHandler, make_server

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "rahasia-uji-123"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

_names = itertools.count(1)


def chromium_path() -> tuple[str | None, str]:
    """The browser to drive, or None and the reason there is none."""
    path = os.environ.get("CHROMIUM_PATH")
    if path:
        if os.access(path, os.X_OK):
            return path, path
        return None, f"CHROMIUM_PATH={path} is not an executable file"
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium", "/usr/bin/chromium"
    return None, "no Chromium: set CHROMIUM_PATH or `apt-get install chromium`"


def pytest_terminal_summary(terminalreporter):
    path, reason = chromium_path()
    if path:
        terminalreporter.write_line(f"Browser tests: Chromium at {path}")
    else:
        required = " (REQUIRE_BROWSER=1: they FAIL instead)" if env_flag("REQUIRE_BROWSER") else ""
        terminalreporter.write_line(f"Browser tests: SKIPPED, {reason}{required}", yellow=True)


# --- the live server --------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """Log server errors only; the browser's hundreds of 200s are noise."""

    def log_request(self, code="-", size="-"):
        if str(code).startswith("5"):
            super().log_request(code, size)


@dataclass
class LiveUser:
    username: str
    password: str
    full_name: str
    role: str
    opd_code: str | None


class LiveServer:
    def __init__(self, app, backend: str, url: str):
        self.app = app
        self.backend = backend
        self.url = url

    def add_opd(self, name: str | None = None, code: str | None = None, kind: str = "dinas") -> str:
        """An OPD in the live database; returns its code."""
        from innovation.extensions import db
        from innovation.orgs.models import Opd, OpdKind

        n = next(_names)
        with self.app.app_context():
            opd = Opd(name=name or f"Dinas Uji Peramban {n}", code=code or f"UJIB{n}", kind=OpdKind(kind))
            db.session.add(opd)
            db.session.commit()
            return opd.code

    def add_user(
        self,
        role: str = "operator",
        *,
        opd_code: str | None = None,
        username: str | None = None,
        full_name: str | None = None,
        password: str = PASSWORD,
    ) -> LiveUser:
        """An account made through ``auth.services.create_user``; operators get a new OPD unless given one."""
        from sqlalchemy import select

        from innovation.auth.models import Role
        from innovation.auth.services import create_user
        from innovation.extensions import db
        from innovation.orgs.models import Opd

        if role == "operator" and opd_code is None:
            opd_code = self.add_opd()
        n = next(_names)
        username = username or f"{role}{n}"
        full_name = full_name or f"Pengguna {role.capitalize()} {n}"
        with self.app.app_context():
            opd = db.session.scalar(select(Opd).where(Opd.code == opd_code)) if opd_code else None
            create_user(username=username, full_name=full_name, role=Role(role), password=password, opd=opd)
            db.session.commit()
        return LiveUser(username, password, full_name, role, opd_code)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live_server(request, tmp_path_factory):
    from flask_migrate import upgrade

    from innovation import create_app
    from innovation.extensions import db

    backend = request.param
    tmp = tmp_path_factory.mktemp(f"live-{backend}")
    config = {
        "TESTING": False,
        "SECRET_KEY": "browser-test-secret",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "STORAGE_URL": f"file://{tmp / 'storage'}",
        "UPLOAD_STAGING_DIR": str(tmp / "staging"),
        "SERVER_NAME": None,
    }
    schema = url = None
    if backend == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp / 'live.sqlite'}"
    else:
        url = postgres_url()  # skips, or fails under REQUIRE_POSTGRES=1
        schema, engine_options = create_schema(url)
        config["SQLALCHEMY_DATABASE_URI"] = url
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    try:
        app = create_app(config)
        with app.app_context():
            upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name=f"live-server-{backend}", daemon=True)
        thread.start()
        try:
            yield LiveServer(app, backend, f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()
    finally:
        if schema:
            drop_schema(url, schema)


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    path, reason = chromium_path()
    if path is None:
        skip_or_fail("Browser tests", reason, "REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Browser tests", "the playwright package is not installed", "REQUIRE_BROWSER")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    """A desktop page (1280x800) in a fresh context: no cookies, Indonesian by default."""
    context, page = _new_page(browser, live_server, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (360x740, touch, mobile viewport) in a fresh context."""
    context, page = _new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves docs/screenshots/<name>.png (overwritten, so they stay current)."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
        return path

    return take
