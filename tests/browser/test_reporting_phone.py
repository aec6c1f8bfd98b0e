"""The planning office's pages changed this session, on a 360-px phone in Indonesian: the regional
values with a real PDF upload (plain multipart form), the export form with its OPD filter, the
district dashboard; a judge's queue and its archive."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_regional_upload_and_office_pages_fit_a_phone(phone_page, live_server, seed, log_in, assert_no_sideways_scroll,
                                                      tmp_path):
    page = phone_page
    log_in(page, seed.admin())
    page.goto("/reporting/regional?year=2026")
    expect(page.get_by_role("heading", name="Berkas bukti indikator daerah 2026")).to_be_visible()
    assert_no_sideways_scroll(page, "regional values")
    pdf = tmp_path / "Perda RPJMD.pdf"
    pdf.write_bytes(PDF)
    form = page.locator("form[enctype='multipart/form-data']").first
    form.locator("input[type=file]").set_input_files(str(pdf))
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("Perda RPJMD.pdf").first).to_be_visible()
    assert_no_sideways_scroll(page, "regional values with a file")

    for path, heading in (("/reporting/export", "Ekspor untuk portal Kemendagri"), ("/reporting/", None),
                          ("/judging/?arsip=1", None)):
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_no_sideways_scroll(page, path)
    expect(page.locator("#filter-opd")).to_have_count(0)  # the judging archive has no OPD filter
    page.goto("/reporting/export")
    expect(page.locator("#filter-opd")).to_be_visible()
