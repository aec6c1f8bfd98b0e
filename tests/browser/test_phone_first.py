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
def scene(live_server, seed, scored_round) -> Scene:
    """One set of data per live server (building it hashes passwords and writes PDFs: slow)."""
    if live_server.url in _scenes:
        return _scenes[live_server.url]
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
    results_round_id = scored_round(operator)
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


# More pages, for the console only: every role's other everyday pages and the public site.
MORE_PAGES = {
    "anonymous": ["/public/", "/public/events/"],
    "operator": ["/events/", "/judging/results", "/auth/security"],
    "judge": ["/judging/?arsip=1"],
    "admin": ["/judging/results", "/reporting/export", "/reporting/regional?year=2026", "/orgs/", "/auth/users",
              "/public/settings"],
}


def test_no_console_errors_on_more_pages(phone_page, scene, log_in):
    page = phone_page
    problems = _collect_console(page)
    users = {"operator": scene.operator, "judge": scene.judge, "admin": scene.admin}
    failing, visited = {}, 0
    for role, paths in MORE_PAGES.items():
        page.context.clear_cookies()
        if role != "anonymous":
            log_in(page, users[role])
        for path in paths:
            problems.clear()
            response = page.goto(path)
            if response.status == 404:
                continue  # a page of a feature switched off in this configuration
            assert response.status == 200, f"{path}: {response.status}"
            page.wait_for_load_state("load")
            visited += 1
            if problems:
                failing[path] = list(problems)
    assert not failing, f"console errors: {failing}"
    assert visited >= 10


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


# Every visible control of a page with its box, and whether it meets WCAG 2.2's 2.5.8 target size:
# 24x24 css px, or the inline exception (a link inside a sentence), or the spacing exception (a 24-px
# circle on its centre touches no other target and no other undersized target's circle).
_TARGETS_JS = """() => {
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
    const shown = (el) => {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height || r.right < 0 || r.bottom < 0 && r.top < -5000) return false;
        if (el.closest('.skip, .visually-hidden')) return false;
        return getComputedStyle(el).visibility !== 'hidden';
    };
    const els = Array.from(document.querySelectorAll(sel)).filter(shown);
    const boxes = els.map((el) => el.getBoundingClientRect());
    const inline = (el) => {
        if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
        const own = el.textContent.trim();
        const around = (el.parentElement.textContent || '').replace(own, '').replace(/[\\s·|,.:;()\\-–—←→↓]+/g, '');
        return around.length > 0;
    };
    const small = boxes.map((r) => r.width < 23.5 || r.height < 23.5);
    const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
    const distance = (p, r) => Math.hypot(Math.max(r.left - p[0], 0, p[0] - r.right), Math.max(r.top - p[1], 0, p[1] - r.bottom));
    const out = [];
    els.forEach((el, i) => {
        const r = boxes[i];
        let ok = !small[i] || inline(el);
        if (!ok) {
            const c = centre(r);
            ok = els.every((other, j) => j === i || other.contains(el) || el.contains(other) ||
                (distance(c, boxes[j]) >= 12 && (!small[j] || Math.hypot(c[0] - centre(boxes[j])[0], c[1] - centre(boxes[j])[1]) >= 24)));
        }
        out.push({
            tag: el.tagName.toLowerCase(), type: el.type || '', cls: typeof el.className === 'string' ? el.className : '',
            text: (el.textContent || el.value || el.name || '').trim().slice(0, 40), width: Math.round(r.width * 10) / 10,
            height: Math.round(r.height * 10) / 10, ok: ok,
        });
    });
    return out;
}"""

# The controls that must be at least 44x44 (height only where the control is a full-width row).
PRIMARY = [
    ("a.btn.primary, button.btn.primary", "both"),
    ("input[type=text], input[type=password], input[type=number], input[type=search], input[type=url], select", "height"),
    (".menu summary", "both"),
    ("form.lang button", "both"),
    ("nav a.badge", "both"),
    (".back-link", "height"),
    (".judging-evidence summary, .evidence-list ~ details summary, details.history summary", "height"),
]


def test_tap_targets_on_a_360px_phone(phone_page, scene, log_in):
    page = phone_page
    failures: list[str] = []
    counted = {"targets": 0, "primary": 0, "checkboxes": 0}

    def visit(name, path):
        targets = page.evaluate(_TARGETS_JS)
        counted["targets"] += len(targets)
        failures.extend(f"{name}: {t['tag']}.{t['cls']} {t['type']} '{t['text']}' {t['width']}x{t['height']}"
                        for t in targets if not t["ok"])
        for selector, which in PRIMARY:
            for box in page.locator(f"main {selector}, header {selector}").evaluate_all(
                    "els => els.filter(e => e.getBoundingClientRect().width > 0)"
                    ".map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height, e.textContent.trim().slice(0, 30)])"):
                counted["primary"] += 1
                if box[1] < 43.5 or (which == "both" and box[0] < 43.5):
                    failures.append(f"{name}: primary {selector} '{box[2]}' {box[0]:.1f}x{box[1]:.1f} (< 44)")
        for box in page.locator("main input[type=checkbox], main input[type=radio]").evaluate_all(
                "els => els.filter(e => e.getBoundingClientRect().width > 0)"
                ".map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"):
            counted["checkboxes"] += 1
            if box[0] < 23.5 or box[1] < 23.5:
                failures.append(f"{name}: checkbox/radio {box[0]:.1f}x{box[1]:.1f} (< 24)")

    _visit_all(page, scene, log_in, visit)
    assert not failures, "targets too small:\n" + "\n".join(failures[:40])
    assert counted["primary"] > 30 and counted["checkboxes"] > 0 and counted["targets"] > 200, counted


def test_the_score_form_is_one_tap_from_the_top_on_a_phone(phone_page, scene, log_in, shot):
    page = phone_page
    log_in(page, scene.operator)
    page.goto(f"/innovations/{scene.innovation_id}/indicators/16")
    shot(page, "phone-first-indicator-phone", full_page=False)
    page.context.clear_cookies()
    log_in(page, scene.judge)
    page.goto(f"/judging/entries/{scene.round_entry_id}")
    jump = page.get_by_role("link", name="Ke formulir nilai")
    expect(jump).to_be_in_viewport()  # on the first screen, without scrolling
    shot(page, "phone-first-score-top-phone", full_page=False)
    form_top = page.locator("#nilai").bounding_box()["y"]
    assert form_top > 3 * page.viewport_size["height"], f"the form is not far down at all ({form_top} px)"
    jump.click()
    expect(page.locator(".score-form input[type=number]").first).to_be_in_viewport()
    expect(page.locator("#nilai h2")).to_be_in_viewport()


def test_the_score_form_is_usable_on_a_768px_tablet(browser, live_server, scene, log_in, assert_no_sideways_scroll):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 768, "height": 1024}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        log_in(page, scene.judge)
        page.goto(f"/judging/entries/{scene.round_entry_id}")
        assert_no_sideways_scroll(page, "scoring page at 768 px")
        expect(page.get_by_role("link", name="Ke formulir nilai")).to_be_hidden()  # side by side: no need
        numbers = page.locator(".score-form input[type=number]")
        expect(numbers.first).to_be_in_viewport()  # beside the dossier, on the first screen
        for i in range(numbers.count()):
            box = numbers.nth(i).bounding_box()
            assert box["height"] >= 43.5 and box["width"] >= 88, box
            numbers.nth(i).fill("4")
        page.locator("#overall_comment").fill("Terbaca jelas di tablet.")
        expect(page.locator("[data-live-total]")).to_contain_text("Total berbobot: 4,00")
        submit = page.get_by_role("button", name="Kirim nilai")
        submit.scroll_into_view_if_needed()
        expect(submit).to_be_in_viewport()
        box = submit.bounding_box()
        assert box["height"] >= 43.5 and box["x"] + box["width"] <= 768
    finally:
        context.close()


def _draft(page, key: str):
    return page.evaluate("k => JSON.parse(localStorage.getItem(k) || 'null')", key)


def test_the_indicator_draft_says_it_is_restored_keeps_the_parameter_and_goes_once_saved(phone_page, live_server,
                                                                                         seed, scene, log_in):
    page = phone_page
    innovation_id = seed.innovation(scene.operator, nama=f"Draf Indikator {live_server.backend}", complete=False)
    key = f"draft:innovation-{innovation_id}-indicator-16"
    log_in(page, scene.operator)
    page.goto(f"/innovations/{innovation_id}/indicators/16")
    expect(page.locator("#draft-restored")).to_be_hidden()
    form = page.locator("#answer-form")
    form.locator('input[name="parameter"][value="3"]').check()
    form.locator("#informasi").fill("Perbup ditandatangani Bupati, belum dikirim karena sinyal putus.")
    page.wait_for_function("k => { const d = JSON.parse(localStorage.getItem(k) || 'null');"
                           " return d && d.values.parameter === '3' && d.values.informasi.startsWith('Perbup'); }",
                           arg=key)

    # The link dropped; the page is opened again: the draft comes back whole, and the page says so.
    page.goto(f"/innovations/{innovation_id}/indicators/16")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(page.locator("#draft-restored [data-draft-at]")).not_to_be_empty()
    expect(form.locator('input[name="parameter"][value="3"]')).to_be_checked()
    expect(form.locator("#informasi")).to_have_value("Perbup ditandatangani Bupati, belum dikirim karena sinyal putus.")
    expect(page.locator("[data-line-score]")).to_have_text("0")  # parameter 3 without evidence: 0, as saved

    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Indikator 16 tersimpan")
    assert _draft(page, key) is None  # the server confirmed the save: the draft is gone
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(page.locator("#draft-older")).to_be_hidden()
    expect(form.locator('input[name="parameter"][value="3"]')).to_be_checked()


def test_the_profile_draft_restores_selects_and_checkboxes_and_goes_once_saved(phone_page, live_server, seed,
                                                                             scene, log_in):
    page = phone_page
    innovation_id = seed.innovation(scene.operator, nama=f"Draf Profil {live_server.backend}", complete=False)
    key = f"draft:innovation-{innovation_id}-profile"
    log_in(page, scene.operator)
    page.goto(f"/innovations/{innovation_id}/profile")
    page.locator("#tahapan").select_option("penerapan")
    page.locator("#jenis").select_option("digital")
    page.locator("details:has(#urusan_lain) summary").click()
    page.locator('#urusan_lain input[value="kesehatan"]').check()
    page.locator("#tujuan").fill("Warga pesisir dilayani tanpa ke kota.")
    page.wait_for_function("k => { const d = JSON.parse(localStorage.getItem(k) || 'null');"
                           " return d && d.values.tujuan && d.values.jenis === 'digital'; }", arg=key)

    page.goto(f"/innovations/{innovation_id}/profile")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(page.locator("#tahapan")).to_have_value("penerapan")
    expect(page.locator("#jenis")).to_have_value("digital")
    expect(page.locator('#urusan_lain input[value="kesehatan"]')).to_be_checked()
    expect(page.locator("#tujuan")).to_have_value("Warga pesisir dilayani tanpa ke kota.")

    page.get_by_role("button", name="Simpan profil").click()
    expect(page.locator(".flash-success")).to_contain_text("Profil tersimpan")
    assert _draft(page, key) is None  # on the detail page, which has no form: drafts.js removed it
    page.goto(f"/innovations/{innovation_id}/profile")
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(page.locator("#tahapan")).to_have_value("penerapan")  # from the server now
    expect(page.locator('#urusan_lain input[value="kesehatan"]')).to_be_checked()


def test_a_refused_save_keeps_the_draft(phone_page, live_server, seed, scene, log_in):
    page = phone_page
    innovation_id = seed.innovation(scene.operator, nama=f"Draf Ditolak {live_server.backend}", complete=False)
    key = f"draft:innovation-{innovation_id}-profile"
    log_in(page, scene.operator)
    page.goto(f"/innovations/{innovation_id}/profile")
    page.locator("#nama").fill("")
    page.locator("#hasil").fill("Antrean berkurang.")
    page.get_by_role("button", name="Simpan profil").click()
    expect(page.locator("#error-summary")).to_be_visible()
    page.locator("#error-summary a[data-error-for=nama]").click()
    expect(page.locator("#nama")).to_be_focused()
    draft = _draft(page, key)
    assert draft and draft["values"]["hasil"] == "Antrean berkurang."


def test_the_score_sheet_draft_says_it_is_restored_and_goes_once_saved(phone_page, scene, log_in):
    page = phone_page
    log_in(page, scene.judge)
    page.goto(f"/judging/entries/{scene.round_entry_id}")
    key = "judging-draft:" + page.locator("form.score-form").get_attribute("data-draft-key")
    numbers = page.locator(".score-form input[type=number]")
    numbers.nth(0).fill("3.5")
    page.locator("#overall_comment").fill("Paparan jelas; data biaya belum ada.")
    page.wait_for_function("k => { const d = JSON.parse(localStorage.getItem(k) || 'null');"
                           " return d && Object.values(d.values).includes('Paparan jelas; data biaya belum ada.'); }",
                           arg=key)
    page.goto(f"/judging/entries/{scene.round_entry_id}")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(numbers.nth(0)).to_have_value("3.5")
    expect(page.locator("#overall_comment")).to_have_value("Paparan jelas; data biaya belum ada.")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".flash-success")).to_contain_text("Draf nilai tersimpan")
    assert _draft(page, key) is None
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(numbers.nth(0)).to_have_value("3.50")  # the server's copy
