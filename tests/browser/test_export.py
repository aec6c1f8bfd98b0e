"""An admin starts the Kemendagri export on the web, watches the progress bar reach done (polled by
jobs.js from a background thread's committed progress) and downloads a ZIP holding inovasi.xlsx."""
from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_exports_and_downloads_the_bundle(page, live_server, seed, log_in, screenshot):
    admin = seed.admin()
    operator = live_server.add_user(role="operator")
    nama = f"Inovasi ‘Ekspor’ – Distrik Agimuga {operator.username}"
    seed.innovation(operator, nama=nama)
    log_in(page, admin)

    page.goto("/reporting/export")
    expect(page.get_by_role("heading", name="Ekspor untuk portal Kemendagri")).to_be_visible()
    page.get_by_label("Semua inovasi dengan aturan tahun ini").check()
    page.get_by_label("Sertakan, dengan kekurangannya dicatat (kolom Catatan)").check()
    page.get_by_role("button", name="Mulai ekspor").click()

    page.wait_for_url("**/jobs/*")
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#job-status-text")).to_have_text("Selesai", timeout=90_000)
    expect(page.locator("#job-progress")).to_have_js_property("value", 100)
    expect(page.locator("#job-download")).to_be_visible()
    if live_server.backend == "sqlite":
        screenshot(page, "export-desktop")

    with page.expect_download() as download_info:
        page.locator("#job-download-link").click()
    download = download_info.value
    assert download.suggested_filename == "kemendagri-2026-semua.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert "inovasi.xlsx" in names and "LAPORAN.txt" in names
        assert nama in archive.read("daftar-inovasi.csv").decode("utf-8-sig")
