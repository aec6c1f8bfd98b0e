"""Evidence files of regional indicator values: upload (sniffed), list, download, remove, limits,
no blob without its row, and the files in the Kemendagri bundle."""
from __future__ import annotations

import csv
import hashlib
import io

import pytest
from evidence_files import exe as exe_bytes
from evidence_files import png as png_bytes
from sqlalchemy import func, select

from innovation.audit.models import AuditEvent
from innovation.demo import demo_pdf
from innovation.extensions import db as _db
from innovation.reporting import regional
from innovation.reporting.models import RegionalEvidence, RegionalIndicatorValue
from innovation.reporting.services import ReportingError
from innovation.storage import get_storage
from innovation.web import Role

YEAR = 2026
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def verifier(make_user):
    return make_user(role=Role.VERIFIER)


@pytest.fixture(scope="module")
def pdf():
    return demo_pdf("Peraturan Bupati Mimika tentang Inovasi Daerah", ["Bab I Ketentuan Umum", "Pasal 1"])


def stored_keys() -> set[str]:
    return set(get_storage().keys())


def value_row(no: int, year: int = YEAR) -> RegionalIndicatorValue | None:
    return _db.session.scalar(select(RegionalIndicatorValue).where(
        RegionalIndicatorValue.year == year, RegionalIndicatorValue.indicator_no == no))


def rows_for(no: int, year: int = YEAR) -> list[RegionalEvidence]:
    return list(_db.session.scalars(select(RegionalEvidence).join(RegionalEvidence.value).where(
        RegionalIndicatorValue.year == year, RegionalIndicatorValue.indicator_no == no)))


def audit_count(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def upload(client, data: bytes, filename: str = "perkada.pdf", *, year=YEAR, no=1):
    return client.post("/reporting/regional/evidence", content_type="multipart/form-data",
                       data={"year": str(year), "indicator_no": str(no), "file": (io.BytesIO(data), filename)})


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def attach(user, data: bytes, filename: str = "perkada.pdf", *, year=YEAR, no=1) -> RegionalEvidence:
    return regional.attach_regional_file(year, no, stream=io.BytesIO(data), filename=filename, by=user)


# --- upload, list, download ------------------------------------------------------------------------

def test_admin_uploads_a_pdf_which_is_listed_and_downloadable(client, login, admin, verifier, pdf):
    assert value_row(4) is None
    login(admin)
    response = upload(client, pdf, "Perbup 12 Tahun 2025.pdf", no=4)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reporting/regional?year={YEAR}#bukti-4")
    assert any("tersimpan" in m for m in flashes(client))
    value = value_row(4)
    assert value is not None and value.score == 0  # created for the file
    [item] = rows_for(4)
    assert item.filename == "Perbup 12 Tahun 2025.pdf" and item.uploaded_by_id == admin.id and item.is_current
    assert (item.file.extension, item.file.size) == ("pdf", len(pdf))
    assert item.file.sha256 == hashlib.sha256(pdf).hexdigest()
    assert audit_count("regional.evidence_attach") == 1

    page = client.get(f"/reporting/regional?year={YEAR}").get_data(as_text=True)
    section = page.split('id="bukti-4"')[1].split("</section>")[0]
    assert "Perbup 12 Tahun 2025.pdf" in section and "KB" in section
    assert f"/reporting/regional/evidence/{item.id}/file" in section
    assert f"/reporting/regional/evidence/{item.id}/remove" in section
    assert 'enctype="multipart/form-data"' in section and 'name="indicator_no" value="4"' in section

    for user in (admin, verifier):
        login(user)
        download = client.get(f"/reporting/regional/evidence/{item.id}/file")
        assert download.status_code == 200 and download.data == pdf
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"] == 'attachment; filename="Perbup 12 Tahun 2025.pdf"'
        assert download.headers["Content-Length"] == str(len(pdf))
    inline = client.get(f"/reporting/regional/evidence/{item.id}/file?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.JUDGE])
def test_operators_and_judges_are_refused(client, login, make_user, verifier, pdf, role):
    item = attach(verifier, pdf)
    before = stored_keys()
    login(make_user(role=role))
    assert client.get(f"/reporting/regional/evidence/{item.id}/file").status_code == 403
    assert upload(client, pdf).status_code == 403
    assert client.post(f"/reporting/regional/evidence/{item.id}/remove").status_code == 403
    assert item.is_current and len(rows_for(1)) == 1 and stored_keys() == before
    with pytest.raises(ReportingError):
        attach(make_user(role=role), pdf)


def test_png_named_pdf_is_stored_as_png(client, login, verifier):
    login(verifier)
    assert upload(client, png_bytes(), "tangkapan layar.pdf", no=2).status_code == 302
    [item] = rows_for(2)
    assert (item.file.extension, item.file.content_type) == ("png", "image/png")
    assert item.filename == "tangkapan layar.png"
    assert client.get(f"/reporting/regional/evidence/{item.id}/file").headers["Content-Type"] == "image/png"


@pytest.mark.parametrize(("data", "message"), [
    (HTML, "Jenis berkas tidak dikenali"),
    (exe_bytes(), "Jenis berkas tidak dikenali"),
    (b"", "Berkas kosong"),
])
def test_bad_files_are_refused_with_a_message_and_leave_nothing(client, login, verifier, data, message):
    login(verifier)
    before = stored_keys()
    response = upload(client, data, "laporan.pdf", no=5)
    assert response.status_code == 302 and response.headers["Location"].endswith("#bukti-5")
    assert any(message in m for m in flashes(client)), flashes(client)
    assert stored_keys() == before
    assert value_row(5) is None and rows_for(5) == []  # not even the value row


def test_too_large_file_is_refused(client, login, app, verifier, pdf, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", len(pdf) + 10)
    login(verifier)
    before = stored_keys()
    upload(client, pdf + bytes(100), no=5)
    assert any("terlalu besar" in m for m in flashes(client)), flashes(client)
    assert stored_keys() == before and value_row(5) is None
    # Over the request limit: a message too, never a bare 413.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 512)
    response = client.post(f"/reporting/regional/evidence?year={YEAR}", content_type="multipart/form-data",
                           data={"year": str(YEAR), "indicator_no": "5", "file": (io.BytesIO(pdf + bytes(4096)), "a.pdf")})
    assert response.status_code == 302
    assert any("terlalu besar untuk dikirim" in m for m in flashes(client))
    assert stored_keys() == before


@pytest.mark.parametrize(("year", "no", "message"), [
    (YEAR, 99, "Indikator daerah 99 tidak ada"),
    (YEAR, "x", "Indikator daerah x tidak ada"),
    (1999, 1, "Tidak ada aturan Kemendagri untuk tahun 1999"),
])
def test_unknown_indicator_or_year_is_refused(client, login, verifier, pdf, year, no, message):
    login(verifier)
    before = stored_keys()
    response = upload(client, pdf, year=year, no=no)
    assert response.status_code == 302
    assert any(message in m for m in flashes(client)), flashes(client)
    assert stored_keys() == before


def test_no_file_chosen(client, login, verifier):
    login(verifier)
    response = client.post("/reporting/regional/evidence", data={"year": str(YEAR), "indicator_no": "1"})
    assert response.status_code == 302
    assert any("Pilih berkas" in m for m in flashes(client))


def test_upload_needs_the_csrf_token_when_enabled(client, login, app, verifier, pdf, monkeypatch):
    login(verifier)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = stored_keys()
    assert upload(client, pdf).status_code == 400
    assert stored_keys() == before and rows_for(1) == []


def test_at_most_ten_current_files_per_indicator(verifier, app):
    with app.test_request_context():
        items = [attach(verifier, png_bytes(), f"foto-{i}.png", no=7) for i in range(regional.MAX_CURRENT_FILES)]
        before = stored_keys()
        with pytest.raises(ReportingError, match="Sudah ada 10 berkas"):
            attach(verifier, png_bytes(), no=7)
        assert stored_keys() == before
        regional.remove_regional_file(items[0], by=verifier)
        attach(verifier, png_bytes(), "foto-baru.png", no=7)  # room again
    assert len(regional.current_evidence(YEAR)[7]) == regional.MAX_CURRENT_FILES


# --- remove ---------------------------------------------------------------------------------------

def test_remove_is_soft_and_audited(client, login, admin, verifier, pdf):
    item = attach(verifier, pdf, "SK Tim Inovasi.pdf", no=3)
    login(admin)
    response = client.post(f"/reporting/regional/evidence/{item.id}/remove")
    assert response.status_code == 302 and response.headers["Location"].endswith("#bukti-3")
    assert item.removed_at is not None
    assert get_storage().exists(item.file.key)  # the blob stays for the audit trail
    assert regional.current_evidence(YEAR).get(3) is None
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "regional.evidence_remove"))
    assert event.actor_id == admin.id and event.object_type == "regional_indicator_value"
    assert event.object_id == item.value_id and "SK Tim Inovasi.pdf" in event.summary
    page = client.get(f"/reporting/regional?year={YEAR}").get_data(as_text=True)
    assert "SK Tim Inovasi.pdf" not in page.split('id="bukti-3"')[1].split("</section>")[0]
    # Removing again is a message, not an error page.
    assert client.post(f"/reporting/regional/evidence/{item.id}/remove").status_code == 302
    assert any("sudah dihapus" in m for m in flashes(client))


# --- no blob without its row --------------------------------------------------------------------

def test_failed_commit_leaves_no_blob(client, login, verifier, pdf, monkeypatch):
    login(verifier)
    before = stored_keys()

    def failing_commit():
        raise RuntimeError("commit failed")

    monkeypatch.setattr(_db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="commit failed"):
        upload(client, pdf, no=8)
    assert stored_keys() == before


def test_failed_flush_leaves_no_blob(verifier, pdf, monkeypatch, app):
    before = stored_keys()

    def broken_record(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(regional, "record", broken_record)
    with app.test_request_context(), pytest.raises(RuntimeError):
        attach(verifier, pdf, no=8)
    assert stored_keys() == before


# --- the Kemendagri bundle ------------------------------------------------------------------------

def test_bundle_contains_the_current_regional_files(verifier, pdf):
    from test_export_bundle import export_zip

    from innovation.reporting.export import ExportOptions

    kept = attach(verifier, pdf, "Perda Inovasi Daerah.pdf", no=3)
    removed = attach(verifier, png_bytes(), "lama.png", no=3)
    regional.remove_regional_file(removed, by=verifier)
    attach(verifier, pdf, "tahun lain.pdf", year=2025, no=3)
    archive, report = export_zip(ExportOptions(YEAR))
    path = "bukti/daerah/03-mandatory-spending/Perda-Inovasi-Daerah.pdf"
    assert archive.read(path) == pdf
    regional_paths = [n for n in archive.namelist() if n.startswith("bukti/daerah/")]
    assert regional_paths == [path]
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    [row] = [r for r in manifest if r["path"].startswith("bukti/daerah/")]
    assert row == {"path": path, "sha256": hashlib.sha256(pdf).hexdigest(), "size": str(len(pdf)),
                   "innovation": "(daerah)", "indicator": "3"}
    assert row["sha256"] == kept.file.sha256
    assert report.files >= 1 and not report.problems


def test_bundle_without_files_or_for_some_opds_has_no_regional_files(verifier, pdf, make_opd):
    from test_export_bundle import export_zip

    from innovation.reporting.export import ExportOptions

    attach(verifier, pdf, no=3)
    for options in (ExportOptions(YEAR, with_files=False), ExportOptions(YEAR, opd_ids=(make_opd().id,))):
        archive, _report = export_zip(options)
        assert not [n for n in archive.namelist() if n.startswith("bukti/daerah/")]
        assert "(daerah)" not in archive.read("manifest.csv").decode("utf-8")


def test_bundle_reports_a_missing_regional_blob(verifier, pdf):
    from test_export_bundle import export_zip

    from innovation.reporting.export import ExportOptions

    item = attach(verifier, pdf, "hilang.pdf", no=2)
    get_storage().delete(item.file.key)
    archive, report = export_zip(ExportOptions(YEAR))
    assert not [n for n in archive.namelist() if n.startswith("bukti/daerah/")]
    assert any("Indikator daerah 2" in p and "tidak ditemukan" in p for p in report.problems.sample)
    assert "hilang.pdf" in archive.read("LAPORAN.txt").decode("utf-8")
