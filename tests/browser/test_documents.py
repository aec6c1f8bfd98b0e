"""The documents in a real browser (issue 14): the admin sets the signatory, downloads the Berita Acara and
a certificate from the published results page; anyone, on a phone, checks the certificate's number on the
public verification page. The PDFs are read back with pypdf, and, where poppler's pdftoppm is installed,
rendered to docs/screenshots/ to be looked at."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def text_of(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def render(data: bytes, name: str, tmp_path: Path) -> None:
    """The PDF's first page as docs/screenshots/<name>.png, when pdftoppm is there to draw it."""
    if shutil.which("pdftoppm") is None:
        return
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(SCREENSHOTS / name)], check=True, timeout=60)


def publish(live_server, round_id: int, admin_username: str) -> tuple[str, list[str]]:
    from sqlalchemy import select

    from innovation.auth.models import User
    from innovation.extensions import db
    from innovation.judging import publication
    from innovation.judging.models import Round

    with live_server.app.app_context():
        round_ = db.session.get(Round, round_id)
        admin = db.session.scalar(select(User).where(User.username == admin_username))
        snapshot = publication.publish(round_, by=admin)
        db.session.commit()
        names = [j["name"] for j in snapshot.payload["judges"]]
        return round_.event.slug, names


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:  # exact: "Sertifikat" must not pick "Sertifikat pemenang (ZIP)"
        page.get_by_role("link", name=link_name, exact=True).first.click()
    return Path(info.value.path()).read_bytes()


def test_signatory_minutes_certificate_and_verification(page, phone_page, live_server, log_in, screenshot,
                                                         tmp_path, scored_round):
    operator = live_server.add_user(role="operator")
    admin = live_server.add_user(role="admin", full_name="Admin Dokumen")
    round_id = scored_round(operator)
    slug, judges = publish(live_server, round_id, admin.username)
    log_in(page, admin)

    page.goto(f"/documents/events/{slug}/settings")
    page.get_by_label("Nama").first.fill("Dr. Yohana Beanal, S.E., M.Si.")
    page.get_by_label("Jabatan").first.fill("Kepala Bappeda Kabupaten Mimika")
    page.get_by_label("NIP").first.fill("198001012005011002")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("body")).to_contain_text("Pengaturan dokumen tersimpan.")
    screenshot(page, "documents-settings-desktop")

    page.goto(f"/judging/rounds/{round_id}/results")
    minutes = download(page, "Berita acara penilaian (PDF)")
    text = text_of(minutes)
    assert "BERITA ACARA PENILAIAN" in text and all(name in text for name in judges)
    render(minutes, "berita-acara-pdf", tmp_path)
    render(download(page, "Rekap nilai (PDF)"), "rekap-nilai-pdf", tmp_path)
    certificate = download(page, "Sertifikat")
    text = text_of(certificate)
    assert "SERTIFIKAT PENGHARGAAN" in text and "Dr. Yohana Beanal" in text and "NIP. 198001012005011002" in text
    render(certificate, "sertifikat-pdf", tmp_path)
    number = re.search(r"Nomor: (\S+)", text).group(1)

    phone_page.goto("/public/certificates/verify")
    phone_page.get_by_label("Nomor sertifikat").fill(number)
    phone_page.get_by_role("button", name="Periksa").click()
    expect(phone_page.locator("body")).to_contain_text("Sertifikat ini terdaftar dan berlaku.")
    expect(phone_page.locator("body")).to_contain_text("Juara 1")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "certificate-verification-phone")
