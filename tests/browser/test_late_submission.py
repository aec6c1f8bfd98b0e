"""After the deadline: the operator sees why entries can no longer change (the deadline in WIT), the
server refuses a submit even when it is forced, and the entry stays a draft. An OPD with a deadline
extension can still submit while another cannot."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser

WIT = ZoneInfo("Asia/Jayapura")


def wit(moment) -> str:
    return moment.astimezone(WIT).strftime("%d-%m-%Y %H:%M") + " WIT"


def refusal(deadline) -> str:
    return f"Batas waktu pendaftaran sudah lewat ({wit(deadline)}). Entri tidak dapat diubah lagi."


def closed_event_with_draft(live_server, seed, *, name: str):
    """An event that closed yesterday, with the operator's draft entered while it was open."""
    now = utcnow()
    opens_at, closes_at = now - timedelta(days=10), now - timedelta(days=1)
    slug = seed.event(name=name, opens_at=opens_at, closes_at=closes_at)
    user = live_server.add_user(role="operator")
    innovation_id = seed.innovation(user, nama=f"Ambulans Desa Siaga {user.username}")
    entry_id = seed.entry(slug, innovation_id, user, now=now - timedelta(days=5))
    return slug, closes_at, user, entry_id


def force_submit(page, slug: str, entry_id: int):
    """POST the submit form the page no longer offers, with the page's own CSRF token."""
    token = page.locator('input[name="csrf_token"]').first.input_value()
    return page.request.post(f"/events/{slug}/entries/{entry_id}/submit", form={"csrf_token": token})


def test_after_the_deadline_the_server_refuses_a_submit(page, live_server, seed, log_in):
    name = f"Innovation Week Terlambat {live_server.backend}"
    slug, closes_at, user, entry_id = closed_event_with_draft(live_server, seed, name=name)
    log_in(page, user)

    # The event page says why: the deadline, in WIT; nothing can be entered any more.
    page.goto("/events/")
    card = page.locator(".event-card", has_text=name)
    expect(card.locator(".badge")).to_have_text("ditutup")
    card.get_by_role("link", name=name).click()
    notice = page.locator("#opd-entries .deadline")
    expect(notice).to_have_text(refusal(closes_at))
    expect(notice).to_have_class(re.compile(r"\bclosed\b"))
    row = page.locator("table.opd-entries tr", has_text="Ambulans Desa Siaga")
    expect(row.locator(".badge")).to_have_text("Draf")
    expect(page.get_by_role("button", name="Daftarkan")).to_have_count(0)

    # The entry page offers no submit button any more ...
    row.get_by_role("link", name="Kelola entri").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ambulans Desa Siaga")
    expect(page.locator(".deadline")).to_have_text(refusal(closes_at))
    expect(page.get_by_role("button", name="Kirim entri")).to_have_count(0)

    # ... and a forced POST is refused by the server with the Indonesian message.
    response = force_submit(page, slug, entry_id)
    assert response.ok, f"{response.status} {response.url}"
    assert re.search(rf"/events/{slug}/entries/{entry_id}$", response.url)
    body = response.text()
    assert f'<p class="flash flash-error" role="alert">{refusal(closes_at)}</p>' in body
    assert "Entri dikirim" not in body

    page.reload()
    expect(page.locator("dl.profile .badge")).to_have_text("Draf")
    assert seed.entry_status(entry_id) == "draft"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_page_left_open_past_the_deadline_is_refused(viewport, request, live_server, seed, log_in, shot):
    """The operator opens the entry while the window is open; the deadline passes; the click is refused."""
    page = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")
    now = utcnow()
    slug = seed.event(name=f"Innovation Week Detik Terakhir {viewport} {live_server.backend}",
                      opens_at=now - timedelta(days=7), closes_at=now + timedelta(hours=2))
    user = live_server.add_user(role="operator")
    innovation_id = seed.innovation(user, nama=f"Pasar Ikan Higienis {user.username}", complete=False)
    entry_id = seed.entry(slug, innovation_id, user)
    log_in(page, user)
    page.goto(f"/events/{slug}/entries/{entry_id}")
    submit = page.get_by_role("button", name="Kirim entri")
    expect(submit).to_be_visible()

    closed_at = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    seed.move_close(slug, closed_at)  # the deadline passes while the page is open
    submit.click()

    expect(page.get_by_role("alert")).to_have_text(refusal(closed_at))
    expect(page.locator("dl.profile .badge")).to_have_text("Draf")
    expect(page.get_by_role("button", name="Kirim entri")).to_have_count(0)
    assert seed.entry_status(entry_id) == "draft"
    shot(page, f"event-late-submission-{viewport}")


def test_only_the_opd_with_an_extension_can_still_submit(page, live_server, seed, log_in):
    now = utcnow()
    opens_at, closes_at = now - timedelta(days=10), now - timedelta(hours=3)
    slug = seed.event(name=f"Innovation Week Perpanjangan {live_server.backend}", opens_at=opens_at,
                  closes_at=closes_at)
    during = now - timedelta(days=4)
    extended, late = live_server.add_user(role="operator"), live_server.add_user(role="operator")
    extended_entry = seed.entry(slug, seed.innovation(extended, nama="Sekolah Terapung Pesisir", complete=False), extended, now=during)
    late_entry = seed.entry(slug, seed.innovation(late, nama="Kartu Sehat Kampung", complete=False), late, now=during)
    extended_until = now + timedelta(days=2)
    seed.extension(slug, extended.opd_code, extended_until)

    # The OPD with the extension: told so, and its submit goes through.
    log_in(page, extended)
    page.goto("/events/")
    expect(page.locator(".event-card", has_text="Perpanjangan")).to_contain_text(
        f"Diperpanjang untuk OPD Anda sampai {wit(extended_until)}")
    page.goto(f"/events/{slug}/entries/{extended_entry}")
    notice = page.locator(".deadline")
    expect(notice).to_contain_text(f"Pendaftaran dibuka sampai {wit(extended_until)}.")
    expect(notice).to_contain_text("Batas waktu ini adalah perpanjangan khusus untuk OPD ini.")
    page.get_by_role("button", name="Kirim entri").click()
    expect(page.locator(".flash-success")).to_contain_text("Entri dikirim.")
    expect(page.locator("dl.profile .badge")).to_have_text("Terkirim")
    assert seed.entry_status(extended_entry) == "submitted"

    # The other OPD: closed, no button, a forced submit refused, still a draft.
    page.context.clear_cookies()  # the next operator, on the same computer
    log_in(page, late)
    page.goto(f"/events/{slug}/entries/{late_entry}")
    expect(page.locator(".deadline")).to_have_text(refusal(closes_at))
    expect(page.get_by_role("button", name="Kirim entri")).to_have_count(0)
    response = force_submit(page, slug, late_entry)
    assert refusal(closes_at) in response.text()
    page.reload()
    expect(page.locator("dl.profile .badge")).to_have_text("Draf")
    assert seed.entry_status(late_entry) == "draft"
