"""The discussion phase in a real browser (issue 14): the chair opens it after the round closed and reads
the entries by disagreement; a judge sees the others' scores, writes in the thread, and revises a score,
first without enough of a reason (refused, typed values kept), then with one; the chair sees it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser

GRID = {(0, 0): ["5"] * 5, (0, 1): ["2"] * 5, (0, 2): ["3"] * 5,
        (1, 0): ["4"] * 5, (1, 1): ["4"] * 5, (1, 2): ["4"] * 5}


def closed_round(live_server, judges) -> tuple[int, list[str]]:
    from sqlalchemy import select
    from test_judging_results import build_round

    from innovation.auth.models import User
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year

    n = int(utcnow().timestamp() * 1000) % 10**6
    with live_server.app.app_context():
        past = utcnow() - timedelta(days=30)
        event = Event(slug=f"iw-diskusi-{live_server.backend}-{n}", name="Innovation Week Diskusi", year=2026,
                      opens_at=past, closes_at=past + timedelta(days=5))
        event.categories = [Category(name=c, position=i) for i, c in enumerate(DEFAULT_CATEGORIES)]
        db.session.add(event)
        names = ["Sampah Jadi Emas", "Sekolah Lapang Kakao"]
        entries = []
        for i, name in enumerate(names):
            opd = Opd(name=f"Dinas Diskusi {i}-{n}", code=f"DSK{i}-{n}", kind=OpdKind.DINAS)
            entry = Entry(event=event, innovation=Innovation(opd=opd, nama=name, rules_year=latest_year()),
                          category=event.categories[0], opd=opd, status=EntryStatus.SUBMITTED,
                          submitted_at=past + timedelta(hours=i + 1))
            db.session.add_all([opd, entry])
            entries.append(entry)
        db.session.flush()
        users = [db.session.scalar(select(User).where(User.username == j.username)) for j in judges]
        built = build_round(db, event=event, entries=entries, judges=users, grid=GRID)
        db.session.commit()
        return built.round.id, names


def test_discussion_and_a_revision_with_a_reason(page, browser, live_server, log_in, screenshot):
    judges = [live_server.add_user(role="judge", full_name=f"Juri Diskusi {i + 1}") for i in range(3)]
    round_id, names = closed_round(live_server, judges)
    admin = live_server.add_user(role="admin")
    log_in(page, admin)
    page.goto(f"/judging/rounds/{round_id}/discussion")
    page.get_by_role("button", name="Buka diskusi").click()
    expect(page.locator(".flash-success")).to_contain_text("Diskusi dibuka")
    rows = page.locator("table tbody tr")
    expect(rows.nth(0)).to_contain_text(names[0])  # 5, 2, 3: the most disputed first
    expect(rows.nth(1)).to_contain_text(names[1])

    context = browser.new_context(base_url=live_server.url, viewport={"width": 800, "height": 1280})
    judge_page = context.new_page()
    try:
        log_in(judge_page, judges[1])
        judge_page.locator("details.menu summary").click()
        judge_page.get_by_role("link", name="Kalibrasi & diskusi").click()
        judge_page.get_by_role("link", name=names[0]).click()
        scores = judge_page.locator("table.discussion-scores")
        expect(scores).to_contain_text("Juri Diskusi 1")
        expect(scores).to_contain_text("Juri Diskusi 3")
        expect(judge_page.locator(".discussion-notes").first).to_contain_text("Catatan juri 1 untuk entri 1.")
        judge_page.get_by_label("Pesan Anda").fill("Saya menilai dampaknya belum terukur. Ada data baru?")
        judge_page.get_by_role("button", name="Kirim pesan").click()
        expect(judge_page.locator("#thread")).to_contain_text("Ada data baru?")

        revise = judge_page.locator("#revise")
        for field in revise.locator("input[name^='score-']").all():
            field.fill("3")
        judge_page.get_by_label("Alasan revisi").fill("data")
        judge_page.get_by_role("button", name="Simpan revisi").click()
        expect(judge_page.locator(".flash-error")).to_contain_text("Tuliskan alasan revisi nilai")
        expect(revise.locator("input[name^='score-']").first).to_have_value("3")  # typed values kept
        judge_page.get_by_label("Alasan revisi").fill("Data dampak di lampiran 4 yang dijelaskan Juri 1 meyakinkan")
        judge_page.get_by_role("button", name="Simpan revisi").click()
        expect(judge_page.locator(".flash-success")).to_contain_text("Revisi nilai tersimpan")
        expect(judge_page.locator("body")).to_contain_text("Data dampak di lampiran 4")
        if live_server.backend == "sqlite":  # one set of images, like the other browser tests
            screenshot(judge_page, "discussion-judge")
    finally:
        context.close()

    page.reload()
    expect(page.locator("table tbody tr").nth(0).locator("td").nth(5)).to_have_text("1")  # one revision
    page.get_by_role("link", name=names[0]).click()
    expect(page.locator("body")).to_contain_text("Data dampak di lampiran 4 yang dijelaskan Juri 1 meyakinkan")
    if live_server.backend == "sqlite":
        screenshot(page, "discussion-chair")
