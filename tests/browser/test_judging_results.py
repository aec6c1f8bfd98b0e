"""Results in a real browser: the admin opens a scored round, switches to the normalised method,
publishes after confirming, and the operator then sees their own scores with anonymous judges."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_publishes_and_operator_sees_own_scores(page, browser, live_server, log_in, shot, scored_round):
    operator = live_server.add_user(role="operator")
    admin = live_server.add_user(role="admin")
    round_id = scored_round(operator)

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
