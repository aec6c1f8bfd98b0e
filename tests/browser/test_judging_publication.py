"""Publication is final unless deliberately reopened, in a real browser (issue 11): the admin publishes,
a weight change is refused with the reason, the admin reopens with a written reason, corrects the
weights and publishes edition 2; the operator, on a phone, sees edition 2, the history and what
normalisation did to their score."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _publish_normalised(page, round_id: int) -> str:
    page.goto(f"/judging/rounds/{round_id}/results")
    page.get_by_label("nilai ternormalisasi (skor z per juri)").check()
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("body")).to_contain_text("Peringkat disusun dengan nilai ternormalisasi")
    page.get_by_label("Saya memahami bahwa hasil akan dibekukan dan diumumkan.").check()
    page.get_by_role("button", name="Umumkan hasil").click()
    expect(page.get_by_role("heading", name="Hasil resmi (dibekukan)")).to_be_visible()
    return page.locator("section.published code.checksum").inner_text()


def test_publish_refused_change_reopen_and_republish(page, browser, live_server, log_in, scored_round):
    operator = live_server.add_user(role="operator")
    admin = live_server.add_user(role="admin", full_name="Admin Ketua Panitia")
    round_id = scored_round(operator)
    log_in(page, admin)

    first = _publish_normalised(page, round_id)
    expect(page.locator("section.published h2")).to_contain_text("v1")

    # a weight change after publication: the server refuses and says why; the typed value stays
    page.goto(f"/judging/rounds/{round_id}/rubric")
    expect(page.locator(".locked-notice")).to_contain_text("sudah diumumkan")
    page.get_by_label("Bobot Kebaharuan").fill("25")
    page.get_by_label("Bobot Kemanfaatan").fill("30")
    page.get_by_role("button", name="Simpan bobot").click()
    expect(page.locator(".flash-error")).to_contain_text("sudah diumumkan")
    expect(page.locator(".flash-error")).to_contain_text("buka")
    expect(page.get_by_label("Bobot Kebaharuan")).to_have_value("25")

    # reopen with a written reason
    page.goto(f"/judging/rounds/{round_id}/results")
    page.locator("details.reopen summary").click()
    page.get_by_label("Alasan membuka kembali").fill("Bobot kebaharuan salah ketik saat rapat panitia")
    page.get_by_role("button", name="Buka kembali hasil").click()
    expect(page.locator(".flash-success")).to_contain_text("dibuka kembali")
    expect(page.locator("section.edition-history")).to_contain_text("Bobot kebaharuan salah ketik saat rapat panitia")
    expect(page.locator(".flash-warning").first).to_contain_text("Belum diumumkan")

    # the correction is allowed now
    page.goto(f"/judging/rounds/{round_id}/rubric")
    page.get_by_label("Bobot Kebaharuan").fill("25")
    page.get_by_label("Bobot Kemanfaatan").fill("30")
    page.get_by_role("button", name="Simpan bobot").click()
    expect(page.locator(".flash-success")).to_contain_text("Rubrik disimpan")

    # publish again: edition 2, its own checksum, the history says what happened to edition 1
    second = _publish_normalised(page, round_id)
    assert len(second) == 64 and second != first
    expect(page.locator("section.published h2")).to_contain_text("v2")
    history = page.locator("section.edition-history")
    expect(history).to_contain_text("Versi resmi saat ini: v2")
    expect(history.locator("li[data-edition='1']")).to_contain_text("digantikan (dibuka kembali)")
    expect(history.locator("li[data-edition='1']")).to_contain_text("Bobot kebaharuan salah ketik saat rapat panitia")

    # the operator, on a phone: edition 2, the history, and what normalisation did to their score
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    phone = context.new_page()
    try:
        log_in(phone, operator)
        phone.goto(f"/judging/rounds/{round_id}/my-results")
        expect(phone.locator("code.checksum").first).to_have_text(second)
        expect(phone.locator("section.edition-history")).to_contain_text("Bobot kebaharuan salah ketik")
        sentence = phone.locator("section.own-entry .explain-normalisation")
        expect(sentence).to_contain_text("Rata-rata nilai juri untuk inovasi Anda")
        expect(sentence).to_contain_text("setelah normalisasi (menyetarakan juri yang lebih keras atau lebih murah) menjadi")
        text = sentence.inner_text()
        numbers = [word.strip(".;") for word in text.split() if any(ch.isdigit() for ch in word)]
        assert len(numbers) == 2 and all("," in n and "." not in n for n in numbers), text  # 4,32 and 4,62
    finally:
        context.close()
