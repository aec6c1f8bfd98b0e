"""The chair runs a presentation day in a real browser (issue 14): sets the schedule, draws the order
from a seed, makes a display link, puts the first entry on stage and runs the timer from the console,
while a projector (another browser, not logged in) follows: who presents, the timer, what comes next;
revoking the link stops the projector."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser


def presentation_round(live_server) -> tuple[int, dict[int, str]]:
    """An open final round with three entries; its id and each round entry's innovation name."""
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.judging import rounds, rubrics
    from innovation.judging.models import RoundEntry
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year

    n = int(utcnow().timestamp() * 1000) % 10**6
    with live_server.app.app_context():
        now = utcnow()
        event = Event(slug=f"iw-hari-h-{live_server.backend}-{n}", name="Innovation Week Hari H", year=2026,
                      opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=20))
        event.categories = [Category(name=c, position=i) for i, c in enumerate(DEFAULT_CATEGORIES)]
        db.session.add(event)
        rubrics.seed_builtin_rubrics()
        round_ = rounds.create_round(event, {
            "name": "Final", "kind": "final", "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=2),
            "judges_per_entry": 1}, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=None)
        names = {}
        for i, title in enumerate(("Sistem Antrean Puskesmas", "Kartu Tani Digital", "Lapor Jalan Rusak")):
            opd = Opd(name=f"Dinas Hari H {i}-{n}", code=f"HRH{i}-{n}", kind=OpdKind.DINAS)
            entry = Entry(event=event, innovation=Innovation(opd=opd, nama=title, rules_year=latest_year()),
                          category=event.categories[0], opd=opd, status=EntryStatus.SUBMITTED)
            round_entry = RoundEntry(round=round_, entry=entry)
            db.session.add_all([opd, entry, round_entry])
            db.session.flush()
            names[round_entry.id] = title
        db.session.commit()
        return round_.id, names


def test_the_chair_runs_the_day_and_the_projector_follows(page, browser, live_server, log_in, screenshot):
    from innovation.judging.schedule import drawn_order

    round_id, names = presentation_round(live_server)
    admin = live_server.add_user(role="admin")
    log_in(page, admin)

    # The day: 08:00 WIT, the hall, 10 + 5 minutes, 5 minutes' changeover; the order drawn from a seed.
    page.goto(f"/judging/rounds/{round_id}/schedule")
    page.get_by_label("Presentasi pertama mulai (WIT)").fill("2026-08-10T08:00")
    page.get_by_label("Ruang").fill("Aula Eme Neme Yauware")
    page.get_by_role("button", name="Simpan jadwal").click()
    expect(page.locator(".flash-success")).to_contain_text("Jadwal presentasi disimpan.")
    page.get_by_label("Seed undian").fill("hari-h-2026")
    page.get_by_role("button", name="Undi urutan").click()
    expect(page.locator(".flash-success")).to_contain_text("Urutan diundi dengan seed hari-h-2026.")
    order = [names[i] for i in drawn_order(names, "hari-h-2026")]
    rows = page.locator("table tbody tr")
    for i, title in enumerate(order):
        expect(rows.nth(i)).to_contain_text(title)
    expect(rows.nth(1)).to_contain_text("10-08-2026 08:20 WIT")

    # The console, and a display link for the projector.
    page.get_by_role("link", name="Konsol ketua").click()
    page.get_by_role("button", name="Buat tautan layar").click()
    flash = page.locator(".flash-success").inner_text()
    link = re.search(r"https?://\S+/judging/display/\S+", flash).group(0)

    projector_context = browser.new_context(viewport={"width": 1280, "height": 720})
    projector = projector_context.new_page()
    try:
        projector.goto(link)
        expect(projector.locator("#live-current")).to_have_text("Belum ada yang tampil")
        expect(projector.locator("#live-next")).to_contain_text(f"1. {order[0]}")
        expect(projector.locator("nav")).to_have_count(0)

        page.get_by_role("button", name="Mulai dengan penyaji pertama").click()
        page.get_by_role("button", name="Mulai", exact=True).click()
        expect(page.locator("#live-phase")).to_contain_text("Presentasi")
        # the projector follows within a poll: the entry on stage, the next one, the running clock
        expect(projector.locator("#live-current")).to_have_text(f"1. {order[0]}")
        expect(projector.locator("#live-next")).to_contain_text(f"2. {order[1]}")
        expect(projector.locator("#live-phase")).to_have_text("Presentasi")
        expect(projector.locator("#live-clock")).to_have_text(re.compile(r"^9:5\d$"))
        if live_server.backend == "sqlite":  # one set of images, like the other browser tests
            screenshot(projector, "presentation-projector")

        page.get_by_role("button", name="Jeda").click()
        expect(projector.locator("#live-phase")).to_have_text("Presentasi · dijeda")
        frozen = projector.locator("#live-clock").inner_text()
        projector.wait_for_timeout(1500)
        assert projector.locator("#live-clock").inner_text() == frozen
        if live_server.backend == "sqlite":
            screenshot(page, "presentation-console")

        page.get_by_role("button", name=f"Berikutnya: {order[1]}").click()
        expect(projector.locator("#live-current")).to_have_text(f"2. {order[1]}")
        expect(projector.locator("#live-clock")).to_have_text("10:00")
        expect(projector.locator("#live-phase")).to_have_text("Belum dimulai")

        page.get_by_role("button", name="Cabut tautan layar").click()
        expect(projector.locator("#live-link")).to_have_text("Tautan layar ini sudah dicabut.")
        assert projector.request.get(link).status == 404
    finally:
        projector_context.close()
