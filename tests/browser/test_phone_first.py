"""Phone-first pages (issue 12), in a real Chromium under the app's real CSP.

The main pages of every role, on a 360-px phone: no console error (a CSP violation from an inline
``style=`` is one), the maturity bar shows the true figure, no sideways scrolling and the key columns of
each list on screen, tap targets of at least 24x24 css px (44x44 for the primary ones), the score form
one tap from the top of the scoring page; the local drafts say when they restore and are gone once the
server has confirmed the save.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser


@dataclass
class Scene:
    operator: object
    judge: object
    admin: object
    verifier: object
    innovation_id: int
    slug: str
    round_entry_id: int
    results_round_id: int

    def pages(self) -> dict[str, list[tuple[str, str]]]:
        """The main pages by who sees them: (name, path)."""
        i = self.innovation_id
        return {
            "anonymous": [("login", "/auth/login")],
            "operator": [
                ("innovation list", "/innovations/"),
                ("innovation detail", f"/innovations/{i}"),
                ("profile form", f"/innovations/{i}/profile"),
                ("indicator page", f"/innovations/{i}/indicators/16"),
                ("event page", f"/events/{self.slug}"),
            ],
            "judge": [
                ("judge queue", "/judging/"),
                ("scoring page", f"/judging/entries/{self.round_entry_id}"),
            ],
            "admin": [
                ("entries", f"/events/{self.slug}/entries"),
                ("results", f"/judging/rounds/{self.results_round_id}/results"),
                ("dashboard", "/reporting/"),
                ("audit log", "/audit/"),
            ],
            "verifier": [
                ("verification queue", "/reporting/verification"),
                ("verification page", f"/reporting/verification/{i}"),
            ],
        }


_scenes: dict[str, Scene] = {}


def _open_round(live_server, slug: str, innovation_id: int, judge_username: str) -> int:
    """An open presentation round holding the innovation's entry, assigned to the judge (no sheet yet)."""
    from sqlalchemy import select

    from innovation.auth.models import User
    from innovation.events.models import Entry, Event
    from innovation.extensions import db
    from innovation.judging.models import Assignment, RoundEntry
    from test_judging_results import build_round

    with live_server.app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        entry = db.session.scalar(select(Entry).where(Entry.event_id == event.id, Entry.innovation_id == innovation_id))
        judge = db.session.scalar(select(User).where(User.username == judge_username))
        built = build_round(db, event=event, entries=[entry], judges=[judge], grid={}, closed=False,
                            code=f"iga-ponsel-{event.id}")
        round_entry = db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == built.round.id))
        db.session.add(Assignment(round_entry_id=round_entry.id, judge_id=judge.id))
        db.session.commit()
        return round_entry.id


@pytest.fixture
def scene(live_server, seed) -> Scene:
    """One set of data per live server (building it hashes passwords and writes PDFs: slow)."""
    if live_server.url in _scenes:
        return _scenes[live_server.url]
    from browser.test_judging_results import scored_round
    from browser.test_verification import register

    now = utcnow()
    operator = live_server.add_user(role="operator", full_name="Operator Puskesmas Distrik Agimuga")
    judge = live_server.add_user(role="judge", full_name="Juri Ponsel")
    verifier = live_server.add_user(role="verifier", full_name="Verifikator Ponsel")
    admin = seed.admin()
    slug = seed.event(name=f"Innovation Week Ponsel {operator.username}", opens_at=now - timedelta(days=3),
                      closes_at=now + timedelta(days=5))
    innovation_id = seed.innovation(operator, nama=f"Pelayanan Kesehatan Bergerak Distrik Pesisir {operator.username}")
    thin = seed.innovation(operator, nama=f"Antrean Daring Puskesmas {operator.username}", complete=False)
    seed.entry(slug, innovation_id, operator, category=1, submit=True)
    seed.entry(slug, thin, operator, category=0)
    register(live_server, innovation_id, admin.username)
    round_entry_id = _open_round(live_server, slug, innovation_id, judge.username)
    results_round_id = scored_round(live_server, operator)
    _scenes[live_server.url] = Scene(operator, judge, admin, verifier, innovation_id, slug, round_entry_id,
                                     results_round_id)
    return _scenes[live_server.url]


def _collect_console(page) -> list[str]:
    """Console errors and uncaught exceptions of the page, as they happen (CSP violations included)."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return problems


def _visit_all(page, scene: Scene, log_in, visit) -> None:
    """Call ``visit(name, path)`` on every main page, signed in as the role that sees it."""
    users = {"operator": scene.operator, "judge": scene.judge, "admin": scene.admin, "verifier": scene.verifier}
    for role, pages in scene.pages().items():
        page.context.clear_cookies()
        if role != "anonymous":
            log_in(page, users[role])
        for name, path in pages:
            response = page.goto(path)
            assert response.status == 200, f"{name} ({path}): {response.status}"
            page.wait_for_load_state("load")
            visit(name, path)


def test_no_console_errors_on_the_main_pages(phone_page, scene, log_in):
    page = phone_page
    problems = _collect_console(page)
    seen: dict[str, list[str]] = {}

    def visit(name, path):
        seen[name] = list(problems)
        problems.clear()

    _visit_all(page, scene, log_in, visit)
    failing = {name: errors for name, errors in seen.items() if errors}
    assert not failing, f"console errors: {failing}"
    assert len(seen) == 14


def test_the_maturity_bar_shows_the_true_figure(phone_page, scene, log_in):
    page = phone_page
    log_in(page, scene.operator)
    page.goto(f"/innovations/{scene.innovation_id}")
    meter = page.locator("#score meter.maturity-meter")
    expect(meter).to_be_visible()
    maturity = float(meter.get_attribute("data-maturity"))
    assert 0 < maturity < 100
    assert page.evaluate("el => el.value", meter.element_handle()) == pytest.approx(maturity, abs=0.01)
    # the percentage beside the bar is the same figure, in the page's format
    shown = page.locator("#score .score-big").nth(1).inner_text()
    assert float(shown.rstrip("%").replace(".", "").replace(",", ".")) == pytest.approx(maturity, abs=0.01)


# (page name, the key columns that must be on screen at 360 px, by their data-label)
KEY_COLUMNS = {
    "judge queue": ["Status", "Batas waktu (WIT)"],
    "innovation list": ["Kematangan", "Kekurangan"],
    "innovation detail": ["Bukti", "Skor", "Verifikasi"],
    "event page": ["Status", "Kategori / tindakan"],
    "entries": ["OPD", "Status", "Dikirim"],
    "results": ["Nilai", "OPD"],
    "dashboard": ["Klaim", "Terverifikasi", "Kekurangan"],
    "verification queue": ["Menunggu", "Klaim"],
    "audit log": ["Pelaku", "Tindakan"],
}

_OFF_SCREEN_JS = """(limit) => {
    const out = [];
    for (const wrap of document.querySelectorAll("main .table-wrap")) {
        if (wrap.scrollWidth > wrap.clientWidth + 1)
            out.push(`a .table-wrap scrolls sideways: ${wrap.scrollWidth} px in ${wrap.clientWidth}`);
    }
    for (const cell of document.querySelectorAll("main table > tbody > tr > *, main table > tfoot > tr > *")) {
        const r = cell.getBoundingClientRect();
        if (r.width && (r.right > limit + 1 || r.left < -1))
            out.push(`${cell.dataset.label || cell.textContent.trim().slice(0, 30)}: ${Math.round(r.left)}..${Math.round(r.right)} px`);
    }
    return out.slice(0, 10);
}"""


def test_lists_show_their_key_columns_on_a_360px_phone(phone_page, scene, log_in, assert_no_sideways_scroll, shot):
    page = phone_page
    checked = []

    def visit(name, path):
        assert_no_sideways_scroll(page, name)
        off = page.evaluate(_OFF_SCREEN_JS, page.viewport_size["width"])
        assert not off, f"{name}: table cells off screen at 360 px: {off}"
        for label in KEY_COLUMNS.get(name, []):
            cell = page.locator(f'main td[data-label="{label}"]:not(:empty), main th[data-label="{label}"]:not(:empty)').first
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 361, f"{name}: {label} at {box}"
            # the cell says what it is: its label is drawn beside the value
            before = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
            assert label in before, f"{name}: {label} cell is not labelled ({before})"
            checked.append((name, label))
        if name in KEY_COLUMNS:
            page.locator("main table.cards").first.scroll_into_view_if_needed()
            shot(page, f"cards-{name.replace(' ', '-')}-phone", full_page=False)

    _visit_all(page, scene, log_in, visit)
    assert len(checked) == sum(len(v) for v in KEY_COLUMNS.values())


def test_lists_stay_tables_on_a_desktop(page, scene, log_in):
    log_in(page, scene.operator)
    page.goto(f"/innovations/{scene.innovation_id}")
    header = page.locator("table.indicator-lines thead th").first
    expect(header).to_be_visible()
    assert page.evaluate("el => getComputedStyle(el).display", page.locator("table.indicator-lines tbody tr").first.element_handle()) == "table-row"
