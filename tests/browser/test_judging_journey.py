"""The judging workflow in a real browser.

Admin: default rounds, the administrative selection (readiness beside each entry), advancing the
passed entries, a panel of judges, automatic assignment, the progress matrix. Judge: the queue, an
evidence PDF inline, a draft saved, the sheet submitted; the same pages at 360 px.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser


def _seed(live_server, seeder):
    now = utcnow()
    slug = seeder.event(opens_at=now - timedelta(days=10), closes_at=now - timedelta(hours=1))
    operators = [live_server.add_user(role="operator") for _ in range(3)]
    for i, operator in enumerate(operators):
        innovation_id = seeder.innovation(operator, complete=(i == 0), nama=f"Layanan Jemput Bola {i + 1}")
        seeder.entry(slug, innovation_id, operator, category=i % 2, now=now - timedelta(days=2), submit=True)
    judges = [live_server.add_user(role="judge", full_name=f"Juri Uji {i + 1}") for i in range(3)]
    return seeder, slug, judges


def _open_scored_round(live_server, slug):
    """As an admin moving the window: the presentation round opens now."""
    from sqlalchemy import select

    from innovation.events.models import Event
    from innovation.extensions import db
    from innovation.judging.models import Round

    with live_server.app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        round_ = db.session.scalar(select(Round).where(Round.event_id == event.id, Round.position == 2))
        round_.opens_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        return round_.id


def test_admin_and_judge_journey(page, phone_page, live_server, seed, log_in, screenshot):
    seeder, slug, judges = _seed(live_server, seed)
    shots = live_server.backend == "sqlite"
    admin = seeder.admin()
    log_in(page, admin)

    # default rounds; the submitted entries are in the administrative selection
    page.goto(f"/judging/events/{slug}")
    page.get_by_role("button", name="Buat babak bawaan").click()
    expect(page.locator(".flash-success")).to_contain_text("3 babak dibuat")
    page.get_by_role("link", name="Seleksi administrasi").click()
    expect(page.locator("table.judging-entries tbody tr")).to_have_count(3)
    for i in range(3):
        page.locator("table.judging-entries tbody tr").nth(i).get_by_role("button", name="Lolos", exact=True).click()
        expect(page.locator(".flash-success")).to_contain_text("Keputusan untuk")
    page.get_by_role("link", name="Tetapkan yang lolos ke Penilaian presentasi").click()
    page.get_by_role("button", name="Konfirmasi: teruskan ke Penilaian presentasi").click()
    expect(page.locator(".flash-success")).to_contain_text("3 entri lolos")

    # panel, automatic assignment, progress
    round_id = _open_scored_round(live_server, slug)
    page.goto(f"/judging/rounds/{round_id}")
    for judge in judges:
        page.locator("#panel-judge").select_option(label=judge.full_name)
        page.get_by_role("button", name="Tambah ke panel").click()
        expect(page.locator(".flash-success")).to_contain_text("masuk panel")
    page.get_by_role("button", name="Tugaskan otomatis (3 juri per entri)").click()
    expect(page.locator(".flash-success")).to_contain_text("9 penugasan baru")
    page.get_by_role("link", name="Kemajuan penilaian").click()
    expect(page.locator("table.progress-matrix tbody tr")).to_have_count(3)
    expect(page.get_by_text("0 dari 9 lembar nilai terkirim")).to_be_visible()

    # the judge: queue, evidence inline, draft, submit
    judge_page = phone_page
    log_in(judge_page, judges[0])
    judge_page.goto("/judging/")
    expect(judge_page.locator("table.judging-queue tbody tr")).to_have_count(3)
    if shots:
        screenshot(judge_page, "judging-queue-phone")
    page.context.clear_cookies()
    log_in(page, judges[0])
    page.goto("/judging/")
    if shots:
        screenshot(page, "judging-queue-desktop")
    page.get_by_role("link", name="Layanan Jemput Bola 1").click()
    first = page.locator(".judging-evidence details").first
    first.locator("summary").click()
    frame = first.locator("iframe.evidence-frame")
    expect(frame).to_be_visible()
    src = frame.get_attribute("src")
    response = page.request.get(src)
    assert response.status == 200 and response.headers["content-disposition"].startswith("inline")
    numbers = page.locator(".score-form input[type=number]")
    expect(numbers).to_have_count(5)
    numbers.nth(0).fill("4")
    numbers.nth(1).fill("3.5")
    page.locator("#overall_comment").fill("Dampak bagi warga kampung jelas; perlu data biaya.")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".flash-success")).to_contain_text("Draf nilai tersimpan")
    expect(numbers.nth(1)).to_have_value("3.50")
    for i in range(2, 5):
        numbers.nth(i).fill("4")
    expect(page.locator("[data-live-total]")).to_contain_text("Total berbobot: 3,88")  # the page's format, half-up
    if shots:
        screenshot(page, "judging-score-desktop")
    page.get_by_role("button", name="Kirim nilai").click()
    expect(page.locator(".flash-success")).to_contain_text("Nilai terkirim")
    expect(page.get_by_role("button", name="Kirim perubahan")).to_be_visible()

    judge_page.goto("/judging/")
    judge_page.get_by_role("link", name="Layanan Jemput Bola 1").click()
    expect(judge_page.locator(".score-form")).to_be_visible()
    width = judge_page.evaluate("document.documentElement.scrollWidth")
    wide = judge_page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 362)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))")
    assert width <= 362, f"horizontal scroll at 360 px: {width} {wide}"
    if shots:
        screenshot(judge_page, "judging-score-phone")

    # the admin sees the submitted sheet
    page.context.clear_cookies()
    log_in(page, admin)
    page.goto(f"/judging/rounds/{round_id}/progress")
    expect(page.get_by_text("1 dari 9 lembar nilai terkirim")).to_be_visible()
    if shots:
        screenshot(page, "judging-progress-desktop")
