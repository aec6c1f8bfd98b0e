"""The control room (issue 15) in a real browser: the operator's reminder in the inbox (the count in the header,
the message, the link to the entry); the follow-up clock turning an item red when the clock moves forward six
days; the leaders' view at 360 px, tapping an OPD to see its red items and who must act."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser


def run_notify(live_server) -> None:
    """What cron's `flask notify run` does (one pass, in this process)."""
    from innovation.notify import job

    with live_server.app.app_context():
        job.run_pass()


def reject_line(live_server, innovation_id: int, verifier, note: str) -> None:
    from innovation.auth.services import find_user
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.reporting import services as reporting

    with live_server.app.app_context():
        innovation = db.session.get(Innovation, innovation_id)
        reporting.verify_line(reporting.answer_for(innovation, 16), "ditolak", None, note, by=find_user(verifier.username))
        db.session.commit()


@pytest.fixture
def clock_forward(monkeypatch):
    """Move the follow-up clock of the live server (same process) forward by ``days``."""
    from innovation.followup import clock

    def move(days: float) -> None:
        monkeypatch.setattr(clock, "utcnow", lambda: utcnow() + timedelta(days=days))

    return move


def test_operator_reminder_and_inbox(page, live_server, seed, log_in, shot):
    operator = live_server.add_user(role="operator", full_name="Operator Dinkes Uji")
    now = utcnow()
    slug = seed.event(opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=2, hours=12),
                      name=f"Innovation Week Pengingat {operator.username}")
    nama = f"Puskesmas Keliling {operator.username}"
    innovation_id = seed.innovation(operator, nama=nama)
    entry_id = seed.entry(slug, innovation_id, operator)
    run_notify(live_server)
    run_notify(live_server)  # a second run (cron twice) tells nothing twice

    log_in(page, operator)
    count = page.locator("#inbox-count")
    expect(count).to_have_text(re.compile(r"^\d+$"))
    before = int(count.inner_text())
    page.locator("#inbox-link").click()
    reminder = page.locator(".inbox-item.unread", has_text=f"3 hari lagi: {nama} belum lengkap")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text("belum dikirim")
    shot(page, "inbox-reminder")
    reminder.get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"/events/{slug}/entries/{entry_id}$"))
    if before > 1:
        expect(page.locator("#inbox-count")).to_have_text(str(before - 1))
    else:
        expect(page.locator("#inbox-count")).to_have_count(0)


def test_item_turns_red_when_the_clock_moves_forward(page, live_server, seed, log_in, clock_forward, shot):
    operator = live_server.add_user(role="operator", full_name="Operator Dukcapil Merah")
    verifier = live_server.add_user(role="verifier")
    nama = f"KTP Kampung {operator.username}"
    innovation_id = seed.innovation(operator, nama=nama)
    reject_line(live_server, innovation_id, verifier, "SK tidak ditandatangani")

    log_in(page, operator)
    page.goto("/followup/")
    expect(page.locator("h1")).to_contain_text("Tindak lanjut")
    expect(page.locator("#followup-green")).to_contain_text(nama)
    expect(page.locator("#followup-red")).to_have_count(0)

    clock_forward(6)
    page.reload()
    red = page.locator("#followup-red")
    expect(red).to_contain_text(nama)
    expect(red).to_contain_text("indikator 16 ditolak")
    expect(red).to_contain_text("menunggu 6 hari")
    expect(red).to_contain_text("Operator OPD")
    shot(page, "followup-red")


def test_leaders_view_at_360_px(phone_page, live_server, seed, log_in, clock_forward, shot,
                                assert_no_sideways_scroll):
    operator = live_server.add_user(role="operator", full_name="Operator Dishub Lambat")
    verifier = live_server.add_user(role="verifier")
    nama = f"Angkutan Kampung {operator.username}"
    innovation_id = seed.innovation(operator, nama=nama)
    reject_line(live_server, innovation_id, verifier, "Foto kegiatan tidak ada")
    clock_forward(6)
    leader = live_server.add_user(role="pimpinan", full_name="Bupati Uji")

    page = phone_page
    log_in(page, leader)
    expect(page).to_have_url(re.compile(r"/leaders/$"))
    expect(page.locator("#leaders-index h2")).to_have_text("Perkiraan IID")
    expect(page.locator("#leaders-week h2")).to_have_text("Innovation Week")
    with live_server.app.app_context():
        from sqlalchemy import select

        from innovation.extensions import db
        from innovation.orgs.models import Opd

        opd_name = db.session.scalar(select(Opd.name).where(Opd.code == operator.opd_code))
    row = page.locator(".leaders-opd", has_text=opd_name)
    expect(row).to_have_class(re.compile("colour-red"))
    size = len(page.content().encode())
    assert size < 30 * 1024, size
    assert_no_sideways_scroll(page, "the leaders' view")
    shot(page, "leaders-phone", full_page=False)
    row.get_by_role("link").tap()
    expect(page.locator("h1")).to_have_text(opd_name)
    item = page.locator(".followup-item", has_text=nama)
    expect(item).to_contain_text("Harus bertindak:")
    expect(item).to_contain_text("Operator OPD")
    assert_no_sideways_scroll(page, "an OPD's red items")
    shot(page, "leaders-opd-phone")
