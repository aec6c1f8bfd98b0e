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

        from innovation.auth.services import create_user
        from innovation.extensions import db
        from innovation.orgs.models import Opd
        from innovation.web import Role

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


# --- data in the live database, built through the services (like innovation/demo.py) -----------


@pytest.fixture
def log_in():
    """``log_in(page, user)``: sign in through the real login form and wait for the landing page.

    Fields are found by role and accessible name, so the required marker (``*``, aria-hidden) inside
    the labels does not get in the way.
    """
    from playwright.sync_api import expect

    def submit(page, user: LiveUser) -> None:
        page.goto("/auth/login")
        page.get_by_role("textbox", name="Nama pengguna", exact=True).fill(user.username)
        page.get_by_label("Kata sandi").fill(user.password)
        page.get_by_role("button", name="Masuk", exact=True).click()
        expect(page.locator("details.menu summary")).to_be_visible()

    return submit


class Seeder:
    """Events, innovations, entries and extensions in the live database, made through the services.

    Each call runs in its own app context and commits, so the browser sees it at once. Returns plain
    values (ids, slugs), never ORM objects, which would be detached by then.
    """

    _admins: dict[str, LiveUser] = {}  # one admin per live server (backend): hashing passwords is slow
    _pdf: bytes | None = None

    def __init__(self, live_server: LiveServer):
        self.live = live_server

    def admin(self) -> LiveUser:
        key = self.live.url
        if key not in Seeder._admins:
            Seeder._admins[key] = self.live.add_user(role="admin", full_name="Admin Bappeda Uji")
        return Seeder._admins[key]

    @classmethod
    def pdf(cls) -> bytes:
        """One small real PDF, made once (fpdf2), for every seeded evidence file."""
        if cls._pdf is None:
            from innovation.demo import demo_pdf

            cls._pdf = demo_pdf("Bukti dukung", ["Dokumen contoh untuk uji peramban Innovation Week."])
        return cls._pdf

    @staticmethod
    def _user(username: str):
        from innovation.auth.services import find_user

        return find_user(username)

    def event(self, *, opens_at, closes_at, name: str | None = None, year: int = 2026,
              categories: list[str] | None = None) -> str:
        """An Innovation Week event (times are aware UTC datetimes); returns its slug."""
        from innovation.events import services as events
        from innovation.extensions import db

        n = next(_names)
        with self.live.app.app_context():
            event = events.create_event(
                name=name or f"Innovation Week Uji {n}", slug=f"iw-uji-{n}", year=year,
                opens_at=opens_at, closes_at=closes_at, by=self._user(self.admin().username), categories=categories,
                description="Pekan Inovasi: seleksi administrasi, presentasi di hadapan dewan juri, dan final.",
            )
            db.session.commit()
            return event.slug

    def innovation(self, user: LiveUser, *, nama: str | None = None, complete: bool = True) -> int:
        """An innovation of the user's OPD; ``complete`` gives it a demo-like profile, every indicator
        answered and evidence on most of them (indicator 17 is left without, so the checklist has a gap)."""
        import io
        from datetime import date

        from sqlalchemy import select

        from innovation.demo import demo_png
        from innovation.demo_data import rancang_bangun
        from innovation.extensions import db
        from innovation.innovations import evidence
        from innovation.innovations import services as innovations
        from innovation.orgs.models import Opd

        n = next(_names)
        nama = nama or f"Layanan Keliling Kampung {n}"
        with self.live.app.app_context():
            operator = self._user(user.username)
            opd = db.session.scalar(select(Opd).where(Opd.code == user.opd_code))
            innovation = innovations.create_innovation(opd, nama=nama, by=operator, rules_year=2026)
            if complete:
                innovations.update_profile(innovation, {
                    "nama": nama, "tahapan": "penerapan", "jenis": "non_digital", "bentuk": "pelayanan_publik",
                    "urusan_utama": "administrasi_kependudukan_dan_pencatatan_sipil", "tematik": "asta_cita_4",
                    "latitude": "-4.5467", "longitude": "136.8837", "urusan_lain": ["kesehatan"],
                    "inisiator": "opd", "nama_inisiator": f"Kepala {opd.name}", "klasifikasi": "perangkat_daerah",
                    "waktu_uji_coba": date(2024, 2, 5), "waktu_penerapan": date(2024, 7, 1),
                    "rancang_bangun": rancang_bangun(nama, opd.name, "warga kampung jauh harus ke kota untuk dokumen",
                                                     "petugas datang ke kampung membawa perangkat", 340),
                    "tujuan": "Mendekatkan layanan kepada warga kampung.",
                    "manfaat": "Waktu dan biaya warga berkurang; cakupan layanan di distrik pedalaman meningkat.",
                    "hasil": "Cakupan layanan meningkat dan keluhan warga menurun sejak penerapan.",
                }, by=operator)
                for indicator in innovation.rules.indicators:
                    innovations.save_answer(innovation, indicator.no, parameter=2 if indicator.no % 3 else 3,
                                            basis="a" if indicator.bases else None,
                                            informasi=f"Bukti {indicator.name.lower()}.", by=operator)
                    if indicator.no == 17 or indicator.no % 5 == 4:
                        continue  # gaps, so the checklist has something to show
                    if indicator.no == 35:
                        evidence.attach_link(innovation, indicator_no=35, url="https://www.youtube.com/watch?v=uji",
                                             title="Video inovasi (tautan)", by=operator)
                    elif "pdf" in indicator.evidence_types:
                        evidence.attach_file(innovation, indicator_no=indicator.no, stream=io.BytesIO(self.pdf()),
                                             filename=f"{indicator.no:02d}-bukti.pdf", by=operator)
                    else:
                        evidence.attach_file(innovation, indicator_no=indicator.no, stream=io.BytesIO(demo_png()),
                                             filename=f"{indicator.no:02d}-foto.png", by=operator)
            db.session.commit()
            return innovation.id

    def entry(self, slug: str, innovation_id: int, user: LiveUser, *, category: int = 0, now=None,
              submit: bool = False) -> int:
        """Enter the innovation into the event (as ``user``, at ``now``), optionally submit; returns the entry id."""
        from sqlalchemy import select

        from innovation.events import entries
        from innovation.events.models import Event
        from innovation.extensions import db
        from innovation.innovations.models import Innovation

        with self.live.app.app_context():
            by = self._user(user.username)
            event = db.session.scalar(select(Event).where(Event.slug == slug))
            innovation = db.session.get(Innovation, innovation_id)
            entry = entries.enter_innovation(event, innovation, event.categories[category], by=by, now=now)
            if submit:
                entries.submit_entry(entry, by=by, now=now)
            db.session.commit()
            return entry.id

    def extension(self, slug: str, opd_code: str, closes_at, reason: str = "Jaringan internet distrik terputus") -> None:
        from sqlalchemy import select

        from innovation.events import services as events
        from innovation.events.models import Event
        from innovation.extensions import db
        from innovation.orgs.models import Opd

        with self.live.app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == slug))
            opd = db.session.scalar(select(Opd).where(Opd.code == opd_code))
            events.grant_extension(event, opd, closes_at, reason, by=self._user(self.admin().username))
            db.session.commit()

    def move_close(self, slug: str, closes_at) -> None:
        """Move the event's close (as an admin editing the event would), e.g. into the past."""
        from sqlalchemy import select

        from innovation.events import services as events
        from innovation.events.models import Event
        from innovation.extensions import db

        with self.live.app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == slug))
            events.update_event(event, name=event.name, slug=event.slug, year=event.year,
                                description=event.description, opens_at=event.opens_at, closes_at=closes_at,
                                by=self._user(self.admin().username))
            db.session.commit()

    def entry_status(self, entry_id: int) -> str:
        from innovation.events.models import Entry
        from innovation.extensions import db

        with self.live.app.app_context():
            return db.session.get(Entry, entry_id).status.value


@pytest.fixture
def seed(live_server) -> Seeder:
    """``seed.event(...)``, ``seed.innovation(user)``, ``seed.entry(...)``, ``seed.extension(...)``: see Seeder."""
    return Seeder(live_server)


@pytest.fixture
def scored_round(live_server):
    """``scored_round(operator) -> round id``: a closed round with four entries (the operator's first, the
    others from new OPDs), in two categories, scored by three new judges, one of them harsher (the grid of
    ``tests/test_judging_results.standard_grid``); nothing published yet."""

    def build(operator: LiveUser) -> int:
        from datetime import timedelta

        from sqlalchemy import select
        from test_judging_results import build_round, standard_grid

        from innovation.auth.models import User
        from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
        from innovation.extensions import db, utcnow
        from innovation.innovations.models import Innovation
        from innovation.orgs.models import Opd, OpdKind
        from innovation.rules import latest_year

        judges = [live_server.add_user(role="judge") for _ in range(3)]
        n = int(utcnow().timestamp() * 1000) % 10**6
        with live_server.app.app_context():
            past = utcnow() - timedelta(days=30)
            event = Event(slug=f"iw-hasil-{live_server.backend}-{n}", name="Innovation Week Hasil", year=2025,
                          opens_at=past, closes_at=past + timedelta(days=5))
            event.categories = [Category(name=c, position=i) for i, c in enumerate(DEFAULT_CATEGORIES)]
            db.session.add(event)
            own = db.session.scalar(select(Opd).where(Opd.code == operator.opd_code))
            opds = [own] + [Opd(name=f"Dinas Hasil {i}-{n}", code=f"HSL{i}-{n}", kind=OpdKind.DINAS)
                            for i in range(3)]
            db.session.add_all(opds)
            db.session.flush()
            entries = []
            for i, opd in enumerate(opds):
                innovation = Innovation(opd=opd, nama=f"Layanan Hasil {i + 1}", rules_year=latest_year())
                entry = Entry(event=event, innovation=innovation, category=event.categories[i % 2], opd_id=opd.id,
                              status=EntryStatus.SUBMITTED, submitted_at=past + timedelta(hours=i + 1))
                db.session.add(entry)
                entries.append(entry)
            db.session.flush()
            users = [db.session.scalar(select(User).where(User.username == j.username)) for j in judges]
            built = build_round(db, event=event, entries=entries, judges=users, grid=standard_grid(4, 3, harsh=2))
            db.session.commit()
            return built.round.id

    return build


@pytest.fixture
def shot(live_server, screenshot):
    """``shot(page, name)``: docs/screenshots/<name>.png like ``screenshot``, but taken on one backend only
    (the pages are the same on both); ``full_page=False`` keeps just the first screen of a long list."""

    def shoot(page, name: str, *, full_page: bool = True) -> None:
        if live_server.backend != "sqlite":
            return
        if full_page:
            screenshot(page, name)
        else:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled", caret="hide")

    return shoot


_WIDEST_JS = """(limit) => {
    const out = [];
    for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > limit + 1) {
            const id = el.id ? "#" + el.id : "";
            const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "";
            out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)} px)`);
        }
    }
    return out.slice(0, 8);
}"""


@pytest.fixture
def assert_no_sideways_scroll():
    """``assert_no_sideways_scroll(page, what)``: the page is no wider than the viewport (1 px slack);
    on failure the message names the elements that stick out."""

    def check(page, what: str) -> None:
        width = page.viewport_size["width"]
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width + 1:
            widest = page.evaluate(_WIDEST_JS, width)
            raise AssertionError(f"{what} ({page.url}) scrolls sideways at {width} px: page is {scroll} px wide; "
                                 f"sticking out: {widest}")

    return check

