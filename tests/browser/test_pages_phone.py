"""At 360x740 the operator's pages and the admin's lists fit the screen: no sideways page scroll
(wide tables scroll inside their own wrapper). Screenshots of each page, on a phone and a desktop,
go to docs/screenshots/."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture
def operator_with_data(live_server, seed):
    """An operator whose OPD has a demo-like innovation (profile, answers, evidence, a few gaps) and
    a thin one, both entered into an open Innovation Week, one of them submitted."""
    now = utcnow()
    user = live_server.add_user(role="operator", full_name="Operator Dinas Kependudukan dan Pencatatan Sipil")
    event_name = f"Innovation Week Kabupaten Mimika {user.username}"
    slug = seed.event(name=event_name, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=5))
    full = seed.innovation(user, nama=f"Adminduk Keliling Kampung (AKK) untuk Distrik Pedalaman {user.username}")
    thin = seed.innovation(user, nama=f"Sistem Informasi Antrean Puskesmas Terpadu {user.username}", complete=False)
    seed.entry(slug, full, user, category=1, submit=True)
    seed.entry(slug, thin, user, category=0)
    return user, full, slug


def operator_pages(innovation_id: int, slug: str) -> list[tuple[str, str, str]]:
    """(screenshot name, path, a heading the page must show)."""
    return [
        ("innovation-list", "/innovations/", "Inovasi"),
        ("innovation-detail", f"/innovations/{innovation_id}", "Adminduk Keliling Kampung"),
        ("innovation-profile", f"/innovations/{innovation_id}/profile", "Profil inovasi"),
        ("innovation-indicator", f"/innovations/{innovation_id}/indicators/16", "16. Regulasi Inovasi Daerah"),
        ("event-entries", f"/events/{slug}", "Innovation Week Kabupaten Mimika"),
    ]


def test_operator_pages_fit_a_360px_phone(phone_page, operator_with_data, log_in, shot, assert_no_sideways_scroll):
    page = phone_page
    user, innovation_id, slug = operator_with_data
    log_in(page, user)

    for name, path, heading in operator_pages(innovation_id, slug):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_no_sideways_scroll(page, name)
        shot(page, f"{name}-phone")

    # The pages have what they are about, and the open menu fits too.
    page.goto(f"/innovations/{innovation_id}")
    expect(page.locator("#checklist li[data-gap]").first).to_be_visible()
    expect(page.locator(".score-big[data-total]")).not_to_have_attribute("data-total", "0")
    page.goto(f"/innovations/{innovation_id}/indicators/16")
    expect(page.locator("#bukti .evidence-list")).to_contain_text("16-bukti.pdf")
    page.goto(f"/events/{slug}")
    expect(page.locator("table.opd-entries")).to_contain_text("Terkirim")
    expect(page.locator("table.opd-entries")).to_contain_text("Draf")
    page.locator("details.menu summary").click()
    expect(page.get_by_role("link", name="Innovation Week")).to_be_visible()
    assert_no_sideways_scroll(page, "the open menu")


def test_operator_pages_on_a_desktop(page, operator_with_data, log_in, shot, live_server):
    if live_server.backend != "sqlite":
        pytest.skip("desktop screenshots only: taken once, on SQLite")
    user, innovation_id, slug = operator_with_data
    log_in(page, user)
    for name, path, heading in operator_pages(innovation_id, slug):
        if name in ("innovation-detail", "innovation-profile", "innovation-indicator", "event-entries"):
            continue  # the journey test shoots these with the data it has just entered
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        shot(page, f"{name}-desktop")




@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_admin_lists(viewport, request, live_server, seed, log_in, shot, assert_no_sideways_scroll):
    if viewport == "desktop" and live_server.backend != "sqlite":
        pytest.skip("desktop screenshots only: taken once, on SQLite")
    page = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")
    operator = live_server.add_user(role="operator")
    seed.innovation(operator, complete=False)  # something in the audit log besides accounts
    admin = seed.admin()
    log_in(page, admin)

    pages = [  # (screenshot name, path, text the page must show)
        # filtered, because other tests of the session fill the live server's lists past one page
        ("admin-opds", f"/orgs/?q={operator.opd_code}", operator.opd_code),
        ("admin-accounts", f"/auth/users?q={operator.username}", operator.username),
        ("audit-log", "/audit/", "Inovasi dibuat"),
    ]
    for name, path, text in pages:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("main")).to_contain_text(text)
        if viewport == "phone":
            assert_no_sideways_scroll(page, name)
        shot(page, f"{name}-{viewport}", full_page=name != "audit-log")  # the log is long: its first screen
