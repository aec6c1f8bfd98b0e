"""The verifier's re-check after an evidence swap (issue 11, rule 1), in a real browser: the verifier
accepts line 16; the operator replaces its file through the upload widget; the line returns to the
verifier ("perlu diperiksa ulang"), first in the queue with the old and the new file named; the export
shows it as not verified until the verifier has looked again. Then the profile's local draft: typed on
an older version than the page now shows, it is not restored over the newer server copy unasked."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def export_status(live_server, opd_code: str, nama: str, no: int) -> str | None:
    """The Status Verifikasi of line ``no`` in the Kemendagri export (the real bundle writer)."""
    from openpyxl import load_workbook
    from sqlalchemy import select

    from innovation.extensions import db
    from innovation.orgs.models import Opd
    from innovation.reporting.export import ExportOptions, write_bundle

    with live_server.app.app_context():
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == opd_code))
        buffer = io.BytesIO()
        write_bundle(buffer, ExportOptions(2026, registered_only=False, include_failing=True, opd_ids=(opd_id,),
                                           with_files=False))
        db.session.rollback()
    book = load_workbook(io.BytesIO(zipfile.ZipFile(buffer).read("inovasi.xlsx")))
    rows = list(book["Indikator"].iter_rows(values_only=True))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("Nama Inovasi")] == nama and row[header.index("No")] == no:
            return row[header.index("Status Verifikasi")]
    raise AssertionError(f"line {no} of {nama} is not in the export")


def test_verifier_rechecks_a_line_after_the_operator_swaps_its_file(page, live_server, seed, log_in, tmp_path):
    operator = live_server.add_user(role="operator", full_name="Operator Disdukcapil Uji")
    verifier = live_server.add_user(role="verifier", full_name="Verifikator Bappeda Uji")
    # Two innovations of one OPD waiting for the verifier; the older change comes first until a re-check.
    seed.innovation(operator, nama=f"Akta Kelahiran Kampung {operator.username}")
    nama = f"KTP Keliling Distrik {operator.username}"
    seed.innovation(operator, nama=nama)
    queue_url = f"/reporting/verification?opd={operator.opd_code}"

    log_in(page, verifier)
    page.goto(queue_url)
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text(f"Akta Kelahiran Kampung {operator.username}")
    page.get_by_role("link", name=nama).click()
    line = page.locator("#line-16")
    line.get_by_label("Sesuai").check()
    line.get_by_role("button", name="Simpan verifikasi").click()
    expect(page.locator(".flash-success")).to_contain_text("Verifikasi indikator 16 tersimpan.")
    expect(page.locator("#line-16 .badge.ok")).to_have_text("Sesuai")
    assert export_status(live_server, operator.opd_code, nama, 16) == "sesuai"

    # The operator replaces the accepted file through the widget (tus upload with JavaScript).
    page.context.clear_cookies()
    log_in(page, operator)
    page.goto("/innovations/")
    page.get_by_role("link", name=nama).click()
    page.locator("#indicator-16").get_by_role("link").first.click()
    new_file = tmp_path / "sk-bupati-2025.pdf"
    new_file.write_bytes(seed.pdf())
    item = page.locator("#bukti .evidence-list li", has_text="16-bukti.pdf")
    item.get_by_text("Ganti", exact=True).click()
    item.get_by_label("Berkas pengganti").set_input_files(str(new_file))
    item.get_by_role("button", name="Simpan pengganti").click()
    expect(page.locator("#bukti .evidence-list").first).to_contain_text("sk-bupati-2025.pdf")
    box = page.locator(".verification-box")
    expect(box).to_contain_text("Perlu diperiksa ulang")
    expect(box).to_contain_text("Verifikasi sebelumnya: Sesuai")
    expect(box).to_contain_text("bukti diganti: 16-bukti.pdf → sk-bupati-2025.pdf")
    expect(page.locator('nav a[data-verdict="recheck"]')).to_have_text("16")
    expect(page.locator('nav a[data-verdict="recheck"]')).to_have_class(re.compile(r"\bwarn\b"))
    # The export no longer carries the old verdict.
    assert export_status(live_server, operator.opd_code, nama, 16) == "perlu diperiksa ulang"

    # The verifier's queue shows it first, with what changed; the page lists it at the top.
    page.context.clear_cookies()
    log_in(page, verifier)
    page.goto(queue_url)
    first = page.locator("tbody tr").first
    expect(first).to_contain_text(nama)
    expect(first.locator('[data-recheck="16"]')).to_contain_text("bukti diganti: 16-bukti.pdf → sk-bupati-2025.pdf")
    expect(first.locator('[data-recheck="16"]')).to_contain_text("sebelumnya Sesuai")
    first.get_by_role("link", name="Indikator 16").click()
    expect(page.locator("#perlu-diperiksa-ulang")).to_contain_text("16-bukti.pdf → sk-bupati-2025.pdf")
    line = page.locator("#line-16")
    expect(line.locator("[data-recheck-box]")).to_contain_text("Verifikasi sebelumnya: Sesuai")
    expect(line.get_by_role("link", name="sk-bupati-2025.pdf")).to_be_visible()
    line.get_by_label("Sesuai").check()
    line.get_by_role("button", name="Simpan verifikasi").click()
    expect(page.locator(".flash-success")).to_contain_text("Verifikasi indikator 16 tersimpan.")
    expect(page.locator("#perlu-diperiksa-ulang")).to_have_count(0)
    assert export_status(live_server, operator.opd_code, nama, 16) == "sesuai"
    page.goto(queue_url)
    expect(page.locator("[data-recheck]")).to_have_count(0)
    expect(page.locator("tbody tr").first).to_contain_text(f"Akta Kelahiran Kampung {operator.username}")


def test_an_older_draft_is_not_restored_over_a_newer_profile(page, live_server, seed, log_in):
    from innovation.extensions import db
    from innovation.innovations import services as innovations
    from innovation.innovations.models import Innovation

    operator = live_server.add_user(role="operator")
    innovation_id = seed.innovation(operator, complete=False)
    log_in(page, operator)
    page.goto(f"/innovations/{innovation_id}/profile")
    page.get_by_label("Tujuan", exact=True).fill("Tujuan yang saya ketik di perangkat ini.")
    page.wait_for_function(
        """([key, tail]) => {
            const saved = JSON.parse(localStorage.getItem(key) || "null");
            return !!saved && saved.version === "1" && saved.values.tujuan.endsWith(tail);
        }""",
        arg=[f"draft:innovation-{innovation_id}-profile", "perangkat ini."],
    )

    # Meanwhile someone else saves the profile (version 2).
    with live_server.app.app_context():
        innovation = db.session.get(Innovation, innovation_id)
        values = {**innovations.profile_values(innovation), "tujuan": "Tujuan yang disimpan rekan kerja."}
        innovations.update_profile(innovation, values, by=_operator(operator), version=1)
        db.session.commit()

    page.reload()
    older = page.locator("#draft-older")
    expect(older).to_be_visible()
    expect(older.locator("[data-draft-old-version]")).to_have_text("1")
    expect(older.locator("[data-draft-page-version]")).to_have_text("2")
    expect(page.get_by_label("Tujuan", exact=True)).to_have_value("Tujuan yang disimpan rekan kerja.")
    expect(page.locator("#draft-restored")).to_be_hidden()
    older.get_by_role("button", name="Pulihkan draf saya").click()
    expect(page.get_by_label("Tujuan", exact=True)).to_have_value("Tujuan yang saya ketik di perangkat ini.")
    expect(older).to_be_hidden()
    expect(page.locator("#draft-restored")).to_be_visible()


def _operator(user):
    from innovation.auth.services import find_user

    return find_user(user.username)
