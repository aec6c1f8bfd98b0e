"""Issue 15 in a real browser: the duplicate warning when an operator names a new innovation like an existing
one, and carrying last year's innovations into the new assessment year with the report and the marks."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _innovation_2025(live_server, seed, user, nama: str) -> int:
    """A 2025 innovation of the user's OPD with lines 16 and 17 answered and evidenced."""
    from sqlalchemy import select

    from innovation.auth.services import find_user
    from innovation.extensions import db
    from innovation.innovations import evidence
    from innovation.innovations import services as innovations
    from innovation.orgs.models import Opd

    with live_server.app.app_context():
        operator = find_user(user.username)
        opd = db.session.scalar(select(Opd).where(Opd.code == user.opd_code))
        innovation = innovations.create_innovation(opd, nama=nama, by=operator, rules_year=2025)
        for no, parameter in ((16, 3), (17, 2)):
            innovations.save_answer(innovation, no, parameter=parameter, basis=None, informasi="SK Bupati",
                                    by=operator)
            evidence.attach_file(innovation, indicator_no=no, stream=io.BytesIO(seed.pdf()),
                                 filename=f"{no}-sk.pdf", by=operator)
        db.session.commit()
        return innovation.id


def test_duplicate_warning_on_a_new_innovation(page, live_server, seed, log_in, screenshot):
    other = live_server.add_user(role="operator")
    taken = f"Sistem Antrean Puskesmas Online {other.username}"
    seed.innovation(other, nama=taken, complete=False)
    operator = live_server.add_user(role="operator")
    log_in(page, operator)
    page.goto("/innovations/new")
    page.get_by_label("Nama Inovasi").fill(f"Sistem Antrean Puskesmas {other.username}")
    page.get_by_role("button", name="Buat inovasi").click()
    warning = page.locator("#similar-innovations")
    expect(warning).to_contain_text("Inovasi yang mirip sudah ada")
    expect(warning).to_contain_text(taken)
    screenshot(page, "duplicate-warning")
    page.get_by_label("Saya sudah memeriksa daftar di atas: ini inovasi yang berbeda.").check()
    page.get_by_role("button", name="Buat inovasi").click()
    expect(page.locator(".flash-success")).to_contain_text("Inovasi dibuat")
    # the same name again in the same OPD and year: refused at once, with the reason under the name
    page.goto("/innovations/new")
    page.get_by_label("Nama Inovasi").fill(f"sistem antrean puskesmas {other.username}")
    page.get_by_role("button", name="Buat inovasi").click()
    expect(page.locator(".field.has-error")).to_contain_text("sudah punya inovasi bernama")


def test_operator_carries_last_years_innovation(page, live_server, seed, log_in, screenshot):
    operator = live_server.add_user(role="operator")
    nama = f"Kartu Sehat Kampung {operator.username}"
    old_id = _innovation_2025(live_server, seed, operator, nama)
    log_in(page, operator)
    page.goto("/innovations/")
    page.get_by_role("link", name="Bawa ke tahun baru").click()
    expect(page.locator("#carry-candidates")).to_contain_text(nama)
    expect(page.get_by_label(f"Bawa {nama}")).to_be_checked()
    page.get_by_role("button", name="Bawa yang dicentang ke 2026").click()
    result = page.locator("#carry-result")
    expect(result).to_contain_text(nama)
    screenshot(page, "carry-over-report")
    result.get_by_role("link", name=nama).click()
    expect(page.locator("#carried-from")).to_contain_text("Dibawa dari 2025")
    expect(page.locator("#indicator-16 .badge.carried")).to_have_text("dibawa dari 2025")
    expect(page.locator("#indicator-17 .badge.carried")).to_have_text("dibawa dari 2025")
    # the 2025 innovation is unchanged and points to its successor; it cannot be carried twice
    page.goto(f"/innovations/{old_id}")
    expect(page.locator("body")).to_contain_text("Inovasi ini sudah dibawa ke tahun 2026")
    expect(page.locator("#indicator-16 .badge.carried")).to_have_count(0)
    page.goto(f"/innovations/{old_id}/carry")
    expect(page.locator("body")).to_contain_text("Sudah dibawa ke tahun 2026")
