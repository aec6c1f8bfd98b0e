"""Results in a real browser: the admin opens a scored round, switches to the normalised method,
publishes after confirming, and the operator then sees their own scores with anonymous judges."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser


def scored_round(live_server, operator) -> int:
    """A closed round with four entries (the operator's first) scored by three judges; its id."""
    from sqlalchemy import select

    from innovation.auth.models import User
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Event
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year
    from test_judging_results import build_round, standard_grid

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
        from innovation.events.models import Entry, EntryStatus

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


def test_admin_publishes_and_operator_sees_own_scores(page, browser, live_server, log_in, shot):
    operator = live_server.add_user(role="operator")
    admin = live_server.add_user(role="admin")
    round_id = scored_round(live_server, operator)

    log_in(page, admin)
    page.goto(f"/judging/rounds/{round_id}/results")
    expect(page.get_by_role("heading", name="Peringkat keseluruhan")).to_be_visible()
    expect(page.locator(".flash-warning")).to_contain_text("Belum diumumkan")
    page.get_by_label("nilai ternormalisasi (skor z per juri)").check()
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("body")).to_contain_text("Peringkat disusun dengan nilai ternormalisasi")
    shot(page, "judging-results-desktop")

    page.get_by_label("Saya memahami bahwa hasil akan dibekukan dan diumumkan.").check()
    page.get_by_role("button", name="Umumkan hasil").click()
    expect(page.get_by_role("heading", name="Hasil resmi (dibekukan)")).to_be_visible()
    checksum = page.locator("code.checksum").first.inner_text()
    assert len(checksum) == 64

    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    phone = context.new_page()
    try:
        log_in(phone, operator)
        phone.goto(f"/judging/rounds/{round_id}/my-results")
        own = phone.locator("section.own-entry")
        expect(own).to_have_count(1)
        expect(own).to_contain_text("Layanan Hasil 1")
        expect(own).to_contain_text("Juri 1")
        expect(own).to_contain_text("Catatan juri 1 untuk entri 1.")
        expect(phone.locator("body")).not_to_contain_text("Catatan juri 1 untuk entri 2.")
        expect(phone.locator("code.checksum")).to_have_text(checksum)
        shot(phone, "judging-results-phone")
    finally:
        context.close()
