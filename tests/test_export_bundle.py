"""The Kemendagri bundle: ZIP layout, manifest, LAPORAN, selection (registered / all, failing),
proposals, the CLI, and flat memory. Builders here are reused by the other export tests."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import tracemalloc
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from evidence_files import pdf as pdf_bytes
from evidence_files import png as png_bytes

from innovation.extensions import utcnow
from innovation.web import Role

NAME_ACCENTS = "Inovasi ‘Sehat’ – Distrik Agimuga: Pelayanan Ibu & Anak “Kampung” — Café Noël"


def words(n: int, seed: str = "kata") -> str:
    return " ".join(f"{seed}{i % 97}" for i in range(n))


def seed_innovation(db, opd, user, *, nama: str, registered: bool = True, complete: bool = True,
                    files: bool = True, file_bytes: bytes | None = None, rancang_words: int = 320, **overrides):
    """A 2026 innovation through the services: full profile, every indicator answered, evidence on
    the mandatory ones (a PDF per indicator, a PNG for 19, a link for 35). ``complete=False`` leaves
    the profile empty (so it fails the year's rules)."""
    from innovation.innovations import evidence
    from innovation.innovations import services as innovations

    innovation = innovations.create_innovation(opd, nama=nama, by=user, rules_year=2026)
    if complete:
        profile = {
            "nama": nama, "tahapan": "penerapan", "inisiator": "opd", "nama_inisiator": "Kepala Distrik Agimuga",
            "jenis": "non_digital", "klasifikasi": "perangkat_daerah", "bentuk": "pelayanan_publik",
            "tematik": "asta_cita_4", "urusan_utama": "kesehatan", "urusan_lain": ["sosial", "pendidikan"],
            "latitude": "-4.5467", "longitude": "136.8837", "waktu_uji_coba": date(2024, 2, 5),
            "waktu_penerapan": date(2024, 7, 1), "waktu_pengembangan": None,
            "rancang_bangun": words(rancang_words), "tujuan": "Mendekatkan layanan.",
            "manfaat": "Waktu tempuh warga berkurang.", "hasil": "Cakupan meningkat.",
        }
        profile.update(overrides)
        innovations.update_profile(innovation, profile, by=user)
        for indicator in innovation.rules.indicators:
            innovations.save_answer(innovation, indicator.no, parameter=2 if indicator.no % 2 else 3,
                                    basis="a" if indicator.bases else None,
                                    informasi=f"Keterangan {indicator.no}", by=user)
        if files:
            for no in (16, 17, 32, 33):
                evidence.attach_file(innovation, indicator_no=no, stream=io.BytesIO(file_bytes or pdf_bytes()),
                                     filename=f"SK Bupati ‘{no}’.pdf", by=user)
            evidence.attach_file(innovation, indicator_no=19, stream=io.BytesIO(png_bytes()),
                                 filename="foto alat.png", by=user)
            evidence.attach_link(innovation, indicator_no=35, url="https://www.youtube.com/watch?v=uji",
                                 title="Video inovasi", by=user)
    if registered:
        innovation.registered_at = utcnow()
    db.session.flush()
    return innovation


@pytest.fixture
def operator(make_user, make_opd):
    opd = make_opd(name=f"Distrik Agimuga {utcnow().timestamp()}")
    return make_user(role=Role.OPERATOR, opd=opd)


def export_zip(options, **kwargs):
    from innovation.reporting.export import write_bundle

    buffer = io.BytesIO()
    report = write_bundle(buffer, options, **kwargs)
    buffer.seek(0)
    return zipfile.ZipFile(buffer), report


def _mine(archive, names):
    """Rows of the listing CSV that belong to this test (other tests' committed data may exist)."""
    rows = list(csv.reader(io.StringIO(archive.read("daftar-inovasi.csv").decode("utf-8-sig"))))
    return rows[0], [r for r in rows[1:] if r[3] in names]


def test_zip_layout_manifest_and_laporan(app, db, operator):
    from innovation.reporting.export import ExportOptions

    a = seed_innovation(db, operator.opd, operator, nama=NAME_ACCENTS)
    b = seed_innovation(db, operator.opd, operator, nama="Inovasi Tanpa Profil", complete=False)
    archive, report = export_zip(ExportOptions(2026))
    names = set(archive.namelist())
    assert {"inovasi.xlsx", "daftar-inovasi.csv", "manifest.csv", "LAPORAN.txt"} <= names
    assert archive.testzip() is None

    # the manifest matches the files: every path exists, sha256 and size agree, and it lists them all
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    mine = [row for row in manifest if row["innovation"] == NAME_ACCENTS]
    assert len(mine) == 5
    for row in manifest:
        data = archive.read(row["path"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert len(data) == int(row["size"])
    assert {row["path"] for row in manifest} == {n for n in names if n.startswith("bukti/")}
    number = next(i for i in report_items(archive) if i[1] == NAME_ACCENTS)[0]
    folder = f"bukti/{int(number):02d}-inovasi-sehat-distrik-agimuga-pelayanan-ibu-anak-k"
    paths = sorted(row["path"] for row in mine)
    assert all(p.startswith(folder) for p in paths), paths
    assert any("/16-regulasi-inovasi-daerah/SK-Bupati-16.pdf" in p for p in paths), paths
    assert {row["indicator"] for row in mine} == {"16", "17", "19", "32", "33"}
    # already-compressed media stored, documents deflated
    info = {i.filename: i for i in archive.infolist()}
    assert info[next(p for p in paths if p.endswith(".png"))].compress_type == zipfile.ZIP_STORED
    assert info[next(p for p in paths if p.endswith(".pdf"))].compress_type == zipfile.ZIP_DEFLATED

    # one proposal per exported innovation, a real PDF
    proposals = [n for n in names if n.startswith("proposal/")]
    assert f"proposal/{int(number):02d}-inovasi-sehat-distrik-agimuga-pelayanan-ibu-anak-k.pdf" in proposals
    assert all(archive.read(p).startswith(b"%PDF") for p in proposals)

    # the failing one is left out, with its reasons in LAPORAN
    laporan = archive.read("LAPORAN.txt").decode("utf-8")
    assert "Inovasi Tanpa Profil" in laporan.split("INOVASI YANG DIKELUARKAN")[1]
    assert "Tahapan Inovasi belum diisi." in laporan
    assert "aturan Kemendagri   : tahun 2026" in laporan.replace("Aturan", "aturan")
    assert any(left.nama == "Inovasi Tanpa Profil" for left in report.left_out.sample)
    assert not [n for n in names if "inovasi-tanpa-profil" in n]
    header, rows = _mine(archive, {NAME_ACCENTS, "Inovasi Tanpa Profil"})
    assert [r[3] for r in rows] == [NAME_ACCENTS]
    assert header[:12] == ["No", "Nama Pemda", "Nama Akun", "Nama Inovasi", "Tahapan Inovasi", "Nama Inisiator",
                           "Koordinat", "Urusan Pemerintahan Utama", "Waktu Uji Coba",
                           "Waktu Penerapan Inovasi Daerah", "Waktu Pengembangan Inovasi Daerah",
                           "Estimasi Skor Kematangan"]
    assert archive.read("daftar-inovasi.csv").startswith(b"\xef\xbb\xbf")
    assert rows[0][1] == "Kabupaten Mimika" and rows[0][8] == "2024-02-05" and rows[0][10] == ""
    assert a.id and b.id


def report_items(archive):
    _header, rows = _mine(archive, set())
    rows = list(csv.reader(io.StringIO(archive.read("daftar-inovasi.csv").decode("utf-8-sig"))))[1:]
    return [(r[0], r[3]) for r in rows]


def test_failing_included_with_gaps_marked(app, db, operator):
    from openpyxl import load_workbook

    from innovation.reporting.export import ExportOptions

    seed_innovation(db, operator.opd, operator, nama="Inovasi Tanpa Profil Disertakan", complete=False)
    archive, report = export_zip(ExportOptions(2026, include_failing=True))
    laporan = archive.read("LAPORAN.txt").decode("utf-8")
    assert "DISERTAKAN DENGAN CATATAN" in laporan and "Inovasi Tanpa Profil Disertakan" in laporan
    assert not any(left.nama == "Inovasi Tanpa Profil Disertakan" for left in report.left_out.sample)
    book = load_workbook(io.BytesIO(archive.read("inovasi.xlsx")), read_only=True)
    rows = list(book["Daftar Inovasi"].values)
    catatan = rows[0].index("Catatan")
    row = next(r for r in rows if r[3] == "Inovasi Tanpa Profil Disertakan")
    assert "Tahapan Inovasi belum diisi." in row[catatan]
    assert any(n.startswith("proposal/") and "inovasi-tanpa-profil-disertakan" in n for n in archive.namelist())


def test_registered_only_versus_all(app, db, operator):
    from innovation.reporting.export import ExportOptions

    seed_innovation(db, operator.opd, operator, nama="Inovasi Terdaftar Uji", files=False)
    seed_innovation(db, operator.opd, operator, nama="Inovasi Belum Terdaftar Uji", registered=False, files=False)
    names = {"Inovasi Terdaftar Uji", "Inovasi Belum Terdaftar Uji"}
    archive, _ = export_zip(ExportOptions(2026, include_failing=True))
    assert {r[3] for r in _mine(archive, names)[1]} == {"Inovasi Terdaftar Uji"}
    archive, _ = export_zip(ExportOptions(2026, registered_only=False, include_failing=True))
    assert {r[3] for r in _mine(archive, names)[1]} == names
    archive, _ = export_zip(ExportOptions(2025, registered_only=False, include_failing=True))
    assert _mine(archive, names)[1] == []  # another year's rules


def test_missing_and_altered_blobs_are_reported(app, db, operator):
    from innovation.innovations.models import Evidence
    from innovation.reporting.export import ExportOptions
    from innovation.storage import get_storage

    innovation = seed_innovation(db, operator.opd, operator, nama="Inovasi Berkas Rusak")
    files = [e for e in innovation.evidence if e.file is not None]
    get_storage().delete(files[0].file.key)
    get_storage().save(files[1].file.key, io.BytesIO(b"%PDF-1.4 diubah"))
    archive, _report = export_zip(ExportOptions(2026))
    laporan = archive.read("LAPORAN.txt").decode("utf-8")
    assert "MASALAH BERKAS" in laporan and "tidak ditemukan" in laporan and "berbeda dari yang tercatat" in laporan
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    for row in manifest:  # the manifest describes the bytes in the ZIP, even when they changed
        assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
    assert len([r for r in manifest if r["innovation"] == "Inovasi Berkas Rusak"]) == 4
    assert isinstance(files[0], Evidence)


def test_proposal_never_crashes_on_unusual_text():
    from innovation.reporting.export.items import ExportItem
    from innovation.reporting.export.proposal import write_proposal

    values = {name: "" for name in ("nama", "nomor_register", "tahapan", "inisiator", "nama_inisiator", "jenis",
                                    "klasifikasi", "bentuk", "tematik", "urusan_utama", "urusan_lain", "koordinat",
                                    "rancang_bangun", "tujuan", "manfaat", "hasil")}
    values.update({"waktu_uji_coba": date(2024, 1, 2), "waktu_penerapan": None, "waktu_pengembangan": None,
                   "nama": NAME_ACCENTS + " ş ğ 漢字 😀 \x07", "rancang_bangun": words(3000) + " —…"})
    item = ExportItem(1, 1, "x", "Distrik Agimuga", "Distrik Agimuga", values, [], {}, 0, Decimal(0),
                      gaps=["gap – x"], blocking=["gap – x"], gap_summary="1 kekurangan", verified=False)
    with_font = write_proposal(item, region_name="Kabupaten Mimika", rules_year=2026, profile_file_labels={})
    without = write_proposal(item, region_name="Kabupaten Mimika", rules_year=2026, profile_file_labels={}, fonts=None)
    assert with_font.startswith(b"%PDF") and without.startswith(b"%PDF")


def test_naming_helpers():
    from innovation.reporting.export.naming import (
        UniqueNames,
        latin1_text,
        safe_filename,
        slugify,
    )

    assert slugify(NAME_ACCENTS) == "inovasi-sehat-distrik-agimuga-pelayanan-ibu-anak-k"
    assert slugify("漢字") == "inovasi"
    assert safe_filename("../../etc/passwd", "pdf") == "passwd.pdf" or "/" not in safe_filename("../../etc/passwd", "pdf")
    assert safe_filename("SK Bupati ‘16’ (final).PDF", "pdf") == "SK-Bupati-16-final.pdf"
    assert safe_filename("", "png") == "berkas.png"
    names = UniqueNames()
    assert [names.take("a.pdf"), names.take("A.pdf"), names.take("a.pdf")] == ["a.pdf", "A-2.pdf", "a-3.pdf"]
    assert latin1_text("‘Sehat’ – Café ş") == "'Sehat' - Café s"


def test_cli_writes_the_file(app, db, operator, tmp_path):
    seed_innovation(db, operator.opd, operator, nama="Inovasi Lewat CLI")
    out = tmp_path / "bundle.zip"
    result = app.test_cli_runner().invoke(args=["export", "kemendagri", "--year", "2026", "--out", str(out), "--all"])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    with zipfile.ZipFile(out) as archive:
        assert "inovasi.xlsx" in archive.namelist()
        assert "Inovasi Lewat CLI" in archive.read("daftar-inovasi.csv").decode("utf-8-sig")
    assert not (tmp_path / "bundle.zip.part").exists()
    bad = app.test_cli_runner().invoke(args=["export", "kemendagri", "--year", "1999", "--out", str(out)])
    assert bad.exit_code != 0 and "no rules for 1999" in bad.output


def bulk_seed(db, opd, count: int, blob: bytes, *, files_each: int = 4, year: int = 2026) -> int:
    """``count`` complete, registered 2026 innovations written directly (the services would take
    minutes): every indicator answered, ``files_each`` distinct stored files on the mandatory
    indicators and a link for 35. Returns the total bytes stored."""
    from sqlalchemy import insert

    from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation
    from innovation.rules import get_rules
    from innovation.storage import get_storage, new_key
    from innovation.storage.models import StoredFile

    rules = get_rules(year)
    now = utcnow()
    rows = [Innovation(
        opd_id=opd.id, rules_year=year, nama=f"Inovasi Memori {year} {n:03d}", tahapan="penerapan", inisiator="opd",
        nama_inisiator="Kepala Distrik", jenis="digital", klasifikasi="perangkat_daerah", bentuk="pelayanan_publik",
        tematik="asta_cita_4", urusan_utama="kesehatan", urusan_lain=["sosial"], latitude=Decimal("-4.5"),
        longitude=Decimal("136.8"), waktu_uji_coba=date(2024, 2, 1), waktu_penerapan=date(2024, 6, 1),
        rancang_bangun=words(320), tujuan="Tujuan.", manfaat="Manfaat.", hasil="Hasil.", registered_at=now,
    ) for n in range(count)]
    db.session.add_all(rows)
    db.session.flush()
    ids = [r.id for r in rows]
    db.session.expunge_all()
    db.session.execute(insert(IndicatorAnswer), [
        {"innovation_id": i, "indicator_no": ind.no, "parameter": 2, "basis": "a" if ind.bases else None,
         "informasi": "", "updated_at": now} for i in ids for ind in rules.indicators])
    storage, total, evidence = get_storage(), 0, []
    for i in ids:
        for no in (16, 17, 32, 33)[:files_each]:
            data = blob + b"%d-%d" % (i, no)
            key = new_key()
            saved = storage.save(key, io.BytesIO(data))
            file_id = db.session.execute(insert(StoredFile).returning(StoredFile.id), [{
                "key": key, "original_name": f"bukti {no}.pdf", "content_type": "application/pdf", "extension": "pdf",
                "size": saved.size, "sha256": saved.sha256, "created_at": now}]).scalar_one()
            evidence.append({"innovation_id": i, "indicator_no": no, "file_id": file_id, "title": "", "created_at": now})
            total += saved.size
        evidence.append({"innovation_id": i, "indicator_no": 35, "url": "https://example.org/v", "title": "Video",
                         "created_at": now})
    db.session.execute(insert(Evidence), evidence)
    return total


def _traced_export(db, opd, count: int, blob: bytes, year: int):
    """Seed ``count`` innovations for ``year``, export them under tracemalloc; (report, peak, seconds)."""
    import time

    from innovation.reporting.export import ExportOptions, write_bundle

    bulk_seed(db, opd, count, blob, year=year)
    sink = _CountingSink()
    started = time.monotonic()
    tracemalloc.start()
    try:
        report = write_bundle(sink, ExportOptions(year, registered_only=False, include_failing=True))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\nexport of {report.exported} innovations, {report.files} files ({report.file_bytes / 1e6:.1f} MB): "
          f"{time.monotonic() - started:.1f} s under tracemalloc, peak {peak / 1e6:.1f} MB, zip {sink.size / 1e6:.1f} MB")
    return report, peak


def _warm_up(db, opd, blob):
    """First-time imports and the PDF font (cut once per process) are not the export's memory."""
    from innovation.reporting.export import ExportOptions, write_bundle

    bulk_seed(db, opd, 1, blob, year=2025)
    write_bundle(_CountingSink(), ExportOptions(2025, registered_only=False, include_failing=True))



def _blob(kilobytes: int = 100) -> bytes:
    return pdf_bytes() + b"%" + b"x" * (kilobytes * 1024) + b"\n"  # PDF-like files of that size


def test_memory_stays_bounded(app, db, make_opd):
    """Files are streamed, never held: the peak stays far below what passes through the ZIP."""
    opd, blob = make_opd(), _blob(400)
    _warm_up(db, opd, blob)
    count = int(os.environ.get("EXPORT_MEMORY_COUNT", "20"))
    report, peak = _traced_export(db, opd, count, blob, 2026)
    assert report.exported >= count and report.files >= count * 4
    assert peak < report.file_bytes / 3, (peak, report.file_bytes)  # about 33 MB of files went through
    assert peak < 12 * 1024 * 1024


class _CountingSink(io.RawIOBase):
    """A write-only stream that keeps nothing (so the ZIP itself does not count as memory)."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        return len(data)

    def tell(self):
        return self.size

    def seekable(self):
        return False
