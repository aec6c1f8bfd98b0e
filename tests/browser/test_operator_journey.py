"""An operator's whole journey in the real UI: log in, create an innovation, fill its profile, answer
indicator 16, upload its evidence through the tus widget, enter the innovation into the open
Innovation Week and submit it. Plus: a typed Rancang Bangun survives a reload before saving."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
GAP_16_EVIDENCE = 'li[data-gap="indicator:16:evidence"]'



def create_innovation(page, nama: str) -> None:
    """Submit "Tambah inovasi". The live server's database is shared by every browser test, so another test's
    innovation may be alike enough to be listed: the operator then confirms that this one is different."""
    page.get_by_label("Nama Inovasi").fill(nama)
    page.get_by_role("button", name="Buat inovasi").click()
    page.wait_for_load_state("load")
    distinct = page.get_by_label("Saya sudah memeriksa daftar di atas: ini inovasi yang berbeda.")
    if "/innovations/new" in page.url and distinct.count():
        distinct.check()
        page.get_by_role("button", name="Buat inovasi").click()

def small_pdf(title: str) -> bytes:
    """A real one-page PDF, made with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Keputusan Bupati tentang penetapan inovasi daerah (dokumen uji).")
    return bytes(pdf.output())


def long_rancang_bangun(words: int) -> str:
    base = ("Dasar hukum inovasi ini adalah peraturan daerah tentang inovasi daerah. Permasalahan utama warga "
            "kampung adalah jarak yang jauh ke kantor layanan. Metode pembaharuan: petugas datang ke kampung "
            "dengan perangkat keliling dan jadwal tetap setiap bulan. ").split()
    return " ".join(base[i % len(base)] for i in range(words))


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def detail_total(page) -> int:
    return int(page.locator(".score-big[data-total]").get_attribute("data-total"))


def test_operator_journey_from_login_to_submitted_entry(page, live_server, seed, log_in, shot, tmp_path):
    now = utcnow()
    user = live_server.add_user(role="operator")
    event_name = f"Innovation Week Perjalanan {user.username}"
    seed.event(name=event_name, opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=4),
               categories=["Tata Kelola Pemerintahan", "Pelayanan Publik", "Inovasi Masyarakat"])
    nama = f"Dokumen Kependudukan Keliling {user.username}"

    # Log in through the form, then the innovation list of the OPD.
    log_in(page, user)
    page.goto("/innovations/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inovasi")
    page.get_by_role("link", name="Tambah inovasi").click()

    # "Tambah inovasi": a name is enough; the profile form opens next.
    expect(page.get_by_role("heading", name="Tambah inovasi")).to_be_visible()
    create_innovation(page, nama)
    expect(page.get_by_role("status")).to_have_text("Inovasi dibuat. Lengkapi profilnya.")
    expect(page.get_by_role("heading", name="Profil inovasi")).to_be_visible()
    innovation_id = int(re.search(r"/innovations/(\d+)/profile", page.url).group(1))

    # Options are chosen by the labels the Kemendagri portal shows.
    page.get_by_label("Tahapan Inovasi").select_option(label="Penerapan")
    page.get_by_label("Jenis Inovasi").select_option(label="Non Digital")
    page.get_by_label("Inisiator Inovasi").select_option(label="OPD")
    page.get_by_label("Nama Inisiator").fill("Kepala Dinas Kependudukan")
    page.get_by_label("Klasifikasi Inovasi").select_option(label="Inovasi Perangkat Daerah")
    page.get_by_label("Bentuk Inovasi").select_option(label="Inovasi pelayanan publik")
    tematik = page.get_by_label("Asta Cita / Tematik")
    tematik.select_option(label=tematik.locator("option").nth(4).inner_text())
    page.get_by_label("Urusan Pemerintahan").select_option(label="Administrasi Kependudukan dan Pencatatan Sipil")

    # The live word count: a short text shows the shortfall, 300+ words reach the minimum.
    area = page.get_by_label("Rancang Bangun")
    count = page.locator('[data-wordcount-for="rancang_bangun"]')
    expect(count).to_have_text(re.compile(r"^0 kata — kurang dari minimum sebanyak 300$"))
    area.press_sequentially("Petugas datang ke kampung")
    expect(count).to_have_text("4 kata — kurang dari minimum sebanyak 296")
    expect(count).to_have_class(re.compile(r"\bshort\b"))
    area.fill(long_rancang_bangun(320))
    expect(count).to_have_text("320 kata — minimum terpenuhi")
    expect(count).not_to_have_class(re.compile(r"\bshort\b"))

    page.get_by_label("Waktu Uji Coba").fill("2024-02-05")
    page.get_by_label("Waktu Penerapan").fill("2024-07-01")
    page.get_by_label("Lintang (latitude)").fill("-4.5467")
    page.get_by_label("Bujur (longitude)").fill("136.8837")
    page.get_by_label("Tujuan").fill("Mendekatkan layanan dokumen kependudukan kepada warga kampung.")
    page.get_by_label("Manfaat").fill("Warga tidak perlu ke kota; biaya dan waktu perjalanan berkurang.")
    page.get_by_label("Hasil Inovasi").fill("Cakupan akta kelahiran naik di distrik pedalaman.")
    shot(page, "innovation-profile-desktop")
    page.get_by_role("button", name="Simpan profil").click()

    # The detail page: the profile as saved, and the checklist lists the missing mandatory evidence.
    expect(page).to_have_url(re.compile(rf"/innovations/{innovation_id}$"))
    expect(page.get_by_role("status")).to_have_text("Profil tersimpan.")
    expect(page.get_by_role("heading", level=1)).to_have_text(nama)
    profile = page.locator("dl.profile")
    expect(profile).to_contain_text("Penerapan")
    expect(profile).to_contain_text(re.compile(r"-4\.5467(00)?, 136\.8837(00)?"))
    expect(profile).to_contain_text("01-07-2024")
    expect(profile).to_contain_text("320 kata")
    checklist = page.locator("#checklist")
    expect(checklist.locator(GAP_16_EVIDENCE)).to_contain_text(
        "16 Regulasi Inovasi Daerah (wajib): bukti dukung belum diunggah")
    expect(checklist.locator('li[data-gap="indicator:17:evidence"]')).to_be_visible()
    expect(checklist.locator('li[data-gap^="empty:"]')).to_have_count(0)  # every profile field filled
    total_before = detail_total(page)
    assert total_before == 0

    # Indicator 16: parameter 3 (line score preview stays 0 without evidence), save.
    checklist.locator(GAP_16_EVIDENCE).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("16. Regulasi Inovasi Daerah")
    page.get_by_role("radio", name=re.compile(r"^3 — Peraturan Daerah")).check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Indikator 16 tersimpan.")
    expect(page.get_by_role("radio", name=re.compile(r"^3 — "))).to_be_checked()
    line_score = page.locator("[data-line-score]")
    expect(line_score).to_have_text("0")
    expect(page.get_by_text("tanpa bukti: 0")).to_be_visible()

    # Evidence through the upload widget: with JavaScript this goes through tus with a progress bar.
    # The data request is held until the bar has been seen, so the check does not race the upload.
    pdf = tmp_path / "sk-bupati-inovasi.pdf"
    pdf.write_bytes(small_pdf("SK Bupati Mimika: Inovasi Daerah"))
    held = []

    def hold_data(route):
        if route.request.method == "PATCH":
            held.append(route)
        else:
            route.continue_()

    page.route("**/uploads/tus/**", hold_data)
    widget = page.locator("#bukti form.evidence-upload").last
    widget.get_by_label("Unggah berkas").set_input_files(str(pdf))
    widget.get_by_role("button", name="Unggah", exact=True).click()
    status = widget.locator(".upload-status")
    expect(status).to_be_visible()
    expect(status.locator("progress")).to_be_visible()
    expect(status.locator(".upload-text")).to_contain_text("dari 0,0 MB diterima server")
    expect(widget.get_by_role("button", name="Unggah", exact=True)).to_be_disabled()
    for _ in range(200):  # the PATCH reaches the route handler while Playwright waits
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "the tus PATCH request never started"
    held[0].continue_()
    page.unroute("**/uploads/tus/**")

    # The page reloads and shows the file; the line now scores bobot 3 x parameter 3.
    evidence = page.locator("#bukti .evidence-list")
    expect(evidence).to_contain_text("sk-bupati-inovasi.pdf")
    expect(evidence).to_contain_text("PDF")
    expect(line_score).to_have_text("9")
    expect(page.get_by_text("tanpa bukti: 0")).to_have_count(0)
    shot(page, "innovation-indicator-desktop")

    page.get_by_role("link", name=nama).first.click()
    expect(page.locator("#indicator-16")).to_contain_text("9 / 9")
    expect(page.locator(".score-big[data-total]")).to_have_attribute("data-total", str(total_before + 9))
    expect(page.locator("#score")).to_contain_text(re.compile(r"8,1\d?%"))  # 9 of 111
    expect(page.locator(GAP_16_EVIDENCE)).to_have_count(0)
    expect(page.locator('#checklist li[data-gap="indicator:17:evidence"]')).to_be_visible()
    shot(page, "innovation-detail-desktop")

    # Enter the innovation into the open Innovation Week, in one category, and submit.
    page.get_by_role("link", name="Daftarkan ke Innovation Week").click()
    page.get_by_role("link", name=event_name, exact=True).click()
    expect(page.locator(".deadline")).to_contain_text("Pendaftaran dibuka sampai")
    expect(page.locator(".deadline")).to_contain_text("WIT")
    row = page.locator("table.opd-entries tr", has_text=nama)
    expect(row).to_contain_text("Belum didaftarkan")
    row.get_by_label("Kategori").select_option(label="Pelayanan Publik")
    row.get_by_role("button", name="Daftarkan").click()

    expect(page.get_by_role("status").first).to_contain_text(f"{nama} didaftarkan sebagai draf")
    expect(page.locator("dl.profile")).to_contain_text("Pelayanan Publik")
    expect(page.locator("dl.profile .badge")).to_have_text("Draf")
    expect(page.locator(".readiness-warning")).to_be_visible()  # indicator 17 and others still missing
    page.get_by_role("button", name="Kirim entri").click()

    expect(page.locator(".flash-success")).to_have_text(
        "Entri dikirim. Anda masih dapat mengubah atau menariknya sebelum batas waktu.")
    expect(page.locator("dl.profile .badge")).to_have_text("Terkirim")
    expect(page.locator("dl.profile")).to_contain_text(re.compile(r"dikirim \d\d-\d\d-\d{4} \d\d:\d\d WIT"))
    expect(page.get_by_role("button", name="Kirim entri")).to_have_count(0)
    expect(page.get_by_role("button", name="Tarik entri")).to_be_visible()

    page.get_by_role("link", name=f"← {event_name}", exact=True).click()
    row = page.locator("table.opd-entries tr", has_text=nama)
    expect(row).to_contain_text("Terkirim")
    expect(row).to_contain_text("Pelayanan Publik")
    shot(page, "event-entries-desktop")


def test_key_journey_steps_at_360px(phone_page, live_server, seed, log_in):
    """On a phone: create an innovation, see the live word count, answer indicator 16, enter and submit."""
    page = phone_page
    now = utcnow()
    slug = seed.event(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=3))
    user = live_server.add_user(role="operator")
    nama = f"Posyandu Keliling {user.username}"

    log_in(page, user)
    page.goto("/innovations/new")
    create_innovation(page, nama)
    expect(page.get_by_role("heading", name="Profil inovasi")).to_be_visible()
    assert page_width(page) <= PHONE_WIDTH + 1, "the profile form scrolls sideways at 360 px"

    page.get_by_label("Tahapan Inovasi").select_option(label="Uji Coba")
    page.get_by_label("Rancang Bangun").fill(long_rancang_bangun(120))
    expect(page.locator('[data-wordcount-for="rancang_bangun"]')).to_have_text(
        "120 kata — kurang dari minimum sebanyak 180")
    page.get_by_role("button", name="Simpan profil").click()
    expect(page.get_by_role("status")).to_have_text("Profil tersimpan.")
    expect(page.locator('#checklist li[data-gap="rancang_bangun:short"]')).to_contain_text(
        "Rancang Bangun baru 120 kata; minimal 300 kata (kurang 180).")
    assert page_width(page) <= PHONE_WIDTH + 1, "the innovation page scrolls sideways at 360 px"

    page.get_by_role("link", name="Isi indikator").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("16. Regulasi Inovasi Daerah")
    page.get_by_role("radio", name=re.compile(r"^2 — ")).check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Indikator 16 tersimpan.")
    assert page_width(page) <= PHONE_WIDTH + 1, "the indicator page scrolls sideways at 360 px"

    page.goto(f"/events/{slug}")
    row = page.locator("table.opd-entries tr", has_text=nama)
    row.get_by_role("button", name="Daftarkan").click()
    expect(page.locator("dl.profile .badge")).to_have_text("Draf")
    assert page_width(page) <= PHONE_WIDTH + 1, "the entry page scrolls sideways at 360 px"
    page.get_by_role("button", name="Kirim entri").click()
    expect(page.locator("dl.profile .badge")).to_have_text("Terkirim")


def test_typed_rancang_bangun_survives_a_reload_before_saving(page, live_server, seed, log_in):
    user = live_server.add_user(role="operator")
    innovation_id = seed.innovation(user, complete=False)
    text = long_rancang_bangun(45) + " Catatan khusus yang belum disimpan."

    log_in(page, user)
    page.goto(f"/innovations/{innovation_id}/profile")
    notice = page.locator("#draft-restored")
    expect(notice).to_be_hidden()
    page.get_by_label("Rancang Bangun").fill(text)
    # The draft is written to localStorage shortly after typing stops.
    page.wait_for_function(
        """([key, tail]) => {
            const saved = JSON.parse(localStorage.getItem(key) || "null");
            return !!saved && saved.values.rancang_bangun.endsWith(tail);
        }""",
        arg=[f"draft:innovation-{innovation_id}-profile", "belum disimpan."],
    )

    page.reload()  # as after a dropped connection: nothing was sent to the server
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Draf yang belum tersimpan dipulihkan dari perangkat ini.")
    expect(page.get_by_label("Rancang Bangun")).to_have_value(text)
    expect(page.locator('[data-wordcount-for="rancang_bangun"]')).to_have_text(
        "50 kata — kurang dari minimum sebanyak 250")

    # Saving sends it to the server and forgets the draft.
    page.get_by_role("button", name="Simpan profil").click()
    expect(page.get_by_role("status")).to_have_text("Profil tersimpan.")
    expect(page.locator("dl.profile")).to_contain_text("Catatan khusus yang belum disimpan.")
    page.goto(f"/innovations/{innovation_id}/profile")
    expect(page.get_by_label("Rancang Bangun")).to_have_value(text)
    expect(notice).to_be_hidden()
