"""People's choice in a real browser: the admin turns voting on and gets the link and QR code, and a visitor
on a 360 px phone opens the QR link, votes, then changes the vote; the device counts once."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_visitor_votes_from_the_qr_link_on_a_phone(live_server, seed, page, phone_page, log_in, shot,
                                                      assert_no_sideways_scroll):
    import segno
    from sqlalchemy import func, select

    from innovation.choice.models import ChoiceVote
    from innovation.extensions import db, utcnow
    from innovation.timeutil import to_local

    now = utcnow()
    slug = seed.event(opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=2))
    names = []
    for label in ("Kampung Sehat Terpadu", "Akta Lahir Keliling"):
        operator = live_server.add_user(role="operator")
        innovation_id = seed.innovation(operator, nama=f"{label} {operator.username}", complete=False)
        seed.entry(slug, innovation_id, operator, now=now - timedelta(days=5), submit=True)
        names.append(f"{label} {operator.username}")

    log_in(page, seed.admin())
    page.goto(f"/choice/events/{slug}")
    with live_server.app.app_context():
        opens, closes = to_local(now - timedelta(hours=1)), to_local(now + timedelta(hours=3))
    page.get_by_label("Adakan pilihan pengunjung pada acara ini").check()
    page.get_by_label("Pemungutan suara dibuka (WIT)").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Pemungutan suara ditutup (WIT)").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Pengaturan pilihan pengunjung tersimpan.")).to_be_visible()
    link = page.locator("#vote-link").get_attribute("href")
    assert link.startswith(live_server.url) and link.endswith(f"/choice/{slug}")
    # The QR code on the page encodes exactly this link (drawn again here, the same modules).
    drawn = [p.get_attribute("d") for p in page.locator("figure.qr svg path").all()]
    svg = segno.make(link, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    assert drawn == re.findall(r' d="([^"]+)"', svg) and len(drawn[-1]) > 200
    shot(page, "peoples-choice-admin")
    page.get_by_role("link", name="Poster untuk dicetak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilih inovasi favorit Anda!")
    expect(page.locator(".choice-poster")).to_contain_text(link)
    page.emulate_media(media="print")
    shot(page, "peoples-choice-poster")
    page.emulate_media(media="screen")

    phone = phone_page
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pilihan pengunjung")
    assert_no_sideways_scroll(phone, "the voting page")
    phone.get_by_text(names[0]).click()
    phone.get_by_role("button", name="Kirim suara").click()
    expect(phone.get_by_text("Terima kasih, suara Anda tercatat.")).to_be_visible()
    expect(phone.locator("#your-vote")).to_contain_text(names[0])
    shot(phone, "peoples-choice-phone")
    phone.get_by_text(names[1]).click()
    phone.get_by_role("button", name="Ganti pilihan").click()
    expect(phone.locator("#your-vote")).to_contain_text(names[1])
    assert_no_sideways_scroll(phone, "the voting page after voting")

    with live_server.app.app_context():
        assert db.session.scalar(select(func.count(ChoiceVote.id))) == 1  # changed, not added
    page.goto(f"/choice/events/{slug}")
    expect(page.locator("table.choice-tally")).to_contain_text(names[1])
