"""Verification by the planning office: a verifier corrects one line (diperbaiki, with a note); the
operator sees the outcome, the note and the verified score beside the claimed one. Screenshots of the
district dashboard (desktop and phone) and of the verification page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def register(live_server, innovation_id: int, admin_username: str) -> None:
    from innovation.auth.services import find_user
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.reporting import services

    with live_server.app.app_context():
        services.register(db.session.get(Innovation, innovation_id), nomor_register="IGA-UJI-01",
                          by=find_user(admin_username))
        db.session.commit()


def claimed_score(live_server, innovation_id: int) -> int:
    from innovation.extensions import db
    from innovation.innovations.models import Innovation

    with live_server.app.app_context():
        return int(db.session.get(Innovation, innovation_id).claimed_score)


def test_verifier_corrects_a_line_and_the_operator_sees_it(page, browser, live_server, seed, log_in, screenshot):
    operator = live_server.add_user(role="operator")
    verifier = live_server.add_user(role="verifier", full_name="Verifikator Bappeda Uji")
    innovation_id = seed.innovation(operator, nama=f"Kartu Identitas Anak Keliling {operator.username}")
    register(live_server, innovation_id, seed.admin().username)
    claimed = claimed_score(live_server, innovation_id)

    # The verifier opens the innovation from the queue and corrects indicator 16 (claimed 2, bobot 3).
    log_in(page, verifier)
    page.goto("/reporting/verification")
    page.get_by_role("link", name=f"Kartu Identitas Anak Keliling {operator.username}").click()
    line = page.locator("#line-16")
    evidence_link = line.get_by_role("link", name="16-bukti.pdf")
    assert "inline=1" in evidence_link.get_attribute("href")  # the evidence opens in the browser
    line.get_by_label("Diperbaiki").check()
    line.get_by_label("Parameter hasil perbaikan").select_option("1")
    line.get_by_label("Catatan verifikator").fill("SK ditandatangani Kepala Dinas, bukan Kepala Daerah: parameter 1.")
    if live_server.backend == "sqlite":
        screenshot(page, "verification-desktop")
    line.get_by_role("button", name="Simpan verifikasi").click()
    expect(page.locator(".flash-success")).to_contain_text("Verifikasi indikator 16 tersimpan.")
    expect(page.locator("#line-16 .badge.warn")).to_have_text("Diperbaiki")

    # The dashboard shows the claimed and the verified index side by side.
    page.goto("/reporting/")
    expect(page.locator(".index-card")).to_have_count(2)
    if live_server.backend == "sqlite":
        screenshot(page, "reporting-dashboard-desktop")
        context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740},
                                      is_mobile=True, has_touch=True)
        phone = context.new_page()
        log_in(phone, verifier)
        phone.goto("/reporting/")
        expect(phone.locator(".index-card").first).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the dashboard scrolls sideways at 360 px ({width})"
        screenshot(phone, "reporting-dashboard-phone")
        context.close()

    # The operator sees the outcome, the note and both scores: 16 drops from 3 x 2 = 6 to 3 x 1 = 3.
    page.context.clear_cookies()
    log_in(page, operator)
    page.goto(f"/innovations/{innovation_id}")
    expect(page.locator("#indicator-16 [data-verification]")).to_have_text("Diperbaiki")
    expect(page.locator("#indicator-16 .verification-note")).to_have_text(
        "SK ditandatangani Kepala Dinas, bukan Kepala Daerah: parameter 1.")
    expect(page.locator("[data-claimed]")).to_have_text(f"{claimed} / 111")
    expect(page.locator("[data-verified]")).to_have_text(f"{claimed - 3} / 111")
    page.goto(f"/innovations/{innovation_id}/indicators/16")
    expect(page.locator(".verification-box")).to_contain_text("parameter 1")
    page.get_by_role("button", name="Ajukan ulang").click()
    expect(page.locator(".flash-success")).to_contain_text("diajukan ulang")
