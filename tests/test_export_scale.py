"""The export at scale: the ZIP's per-entry records on disk, sheets continued past Excel's row limit,
LAPORAN's lists on disk, and the OPD and without-files options (CLI and web)."""
from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import load_workbook
from test_export_bundle import _CountingSink, export_zip, seed_innovation

from innovation.reporting.export.archive import SpillingZipFile
from innovation.web import Role


def _zip_peak(zip_class, entries: int) -> int:
    """Traced peak (bytes) of writing ``entries`` tiny entries with ``zip_class`` to a throwaway stream."""
    sink = _CountingSink()  # the archive's bytes are not the writer's memory
    tracemalloc.start()
    try:
        with zip_class(sink, "w") if zip_class is zipfile.ZipFile else zip_class(sink) as archive:
            for n in range(entries):
                archive.writestr(f"bukti/{n:06d}-inovasi/16-sk/berkas-{n}.pdf", b"%PDF-1.4 x")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_spilling_zip_reads_back_like_any_zip(tmp_path):
    path = tmp_path / "a.zip"
    with SpillingZipFile(path, compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("LAPORAN.txt", "Laporan – ‘uji’\n".encode())
        with archive.open("bukti/01-a/16-sk/berkas.pdf", "w", force_zip64=True) as target:
            for _ in range(40):
                target.write(b"%PDF" + b"x" * 65_536)
        archive.writestr("proposal/01-a.pdf", b"%PDF-1.4")
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["LAPORAN.txt", "bukti/01-a/16-sk/berkas.pdf", "proposal/01-a.pdf"]
        assert archive.read("LAPORAN.txt").decode() == "Laporan – ‘uji’\n"
        assert len(archive.read("bukti/01-a/16-sk/berkas.pdf")) == 40 * 65_540


def test_spilling_zip_memory_does_not_grow_with_entries():
    """zipfile keeps ~0.4 kB per entry until close; the spilling writer keeps them on disk."""
    small, large = 2_000, 20_000
    plain_growth = _zip_peak(zipfile.ZipFile, large) - _zip_peak(zipfile.ZipFile, small)
    spilled_growth = _zip_peak(SpillingZipFile, large) - _zip_peak(SpillingZipFile, small)
    assert plain_growth > 3_000_000, (plain_growth, spilled_growth)  # the measurement can see growth
    assert spilled_growth < 300_000, (plain_growth, spilled_growth)


def test_sheets_continue_past_the_row_limit(app, db, make_user, make_opd, monkeypatch):
    """With a limit of 25 rows, 3 innovations' 60 indicator lines fill Indikator, Indikator (2) and (3),
    each with the header, in order, before Ringkasan; reading them in order gives every line once."""
    from innovation.reporting.export import ExportOptions, workbook

    monkeypatch.setattr(workbook, "MAX_ROWS", 25)
    operator = make_user(role=Role.OPERATOR, opd=make_opd(name="Distrik Kwamki Narama"))
    names = [f"Inovasi Baris {n}" for n in range(3)]
    for name in names:
        seed_innovation(db, operator.opd, operator, nama=name)
    archive, report = export_zip(ExportOptions(2026, opd_ids=(operator.opd_id,)))
    assert report.exported == 3
    book = load_workbook(io.BytesIO(archive.read("inovasi.xlsx")), read_only=True)
    assert book.sheetnames == ["Daftar Inovasi", "Profil Inovasi", "Indikator", "Indikator (2)", "Indikator (3)",
                               "Ringkasan", "Ringkasan (2)"]  # its 40-odd rows (the urusan) continue too
    lines = []
    for title in ("Indikator", "Indikator (2)", "Indikator (3)"):
        rows = list(book[title].iter_rows(values_only=True))
        assert rows[0][:4] == ("No Inovasi", "Nama Inovasi", "No", "Indikator")
        assert len(rows) <= 25
        lines += rows[1:]
    assert len(lines) == 60
    assert [row[1] for row in lines] == [name for name in names for _ in range(20)]
    assert len({(row[0], row[2]) for row in lines}) == 60


def test_laporan_lists_every_left_out_innovation_from_disk(app, db, make_user, make_opd, monkeypatch):
    from innovation.reporting.export import ExportOptions
    from innovation.reporting.export import report as report_module

    monkeypatch.setattr(report_module.NoteList, "SAMPLE", 2)
    operator = make_user(role=Role.OPERATOR, opd=make_opd(name="Distrik Mimika Baru"))
    names = [f"Inovasi Belum Lengkap {n}" for n in range(5)]
    for name in names:
        seed_innovation(db, operator.opd, operator, nama=name, complete=False)
    archive, report = export_zip(ExportOptions(2026, registered_only=False, opd_ids=(operator.opd_id,)))
    assert len(report.left_out) == 5 and len(report.left_out.sample) == 2
    laporan = archive.read("LAPORAN.txt").decode("utf-8")
    assert all(f"  - {name} (Distrik Mimika Baru)" in laporan for name in names)
    assert "Dikeluarkan               : 5" in laporan


def test_opd_filter_takes_the_unit_and_its_sub_units_only(app, db, make_user, make_opd, tmp_path):
    dinkes = make_opd(name="Dinas Kesehatan Uji", code="DINKESUJI")
    puskesmas = make_opd(name="Puskesmas Timika Uji", code="PKMUJI", parent=dinkes)
    other = make_opd(name="Dinas Pendidikan Uji", code="DIKUJI")
    for opd, name in ((dinkes, "Inovasi Dinkes"), (puskesmas, "Inovasi Puskesmas"), (other, "Inovasi Dikbud")):
        seed_innovation(db, opd, make_user(role=Role.OPERATOR, opd=opd), nama=name)
    out = tmp_path / "dinkes.zip"
    result = app.test_cli_runner().invoke(args=["export", "kemendagri", "--year", "2026", "--out", str(out),
                                                "--opd", "dinkesuji", "--without-files"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        listing = list(csv.reader(io.StringIO(archive.read("daftar-inovasi.csv").decode("utf-8-sig"))))
        laporan = archive.read("LAPORAN.txt").decode("utf-8")
        book = load_workbook(io.BytesIO(archive.read("inovasi.xlsx")), read_only=True)
        evidence_cells = [row[8] for row in book["Indikator"].iter_rows(min_row=2, values_only=True) if row[8]]
        summary = [row for row in book["Ringkasan"].iter_rows(values_only=True)]
        manifest = archive.read("manifest.csv").decode("utf-8").splitlines()
    assert sorted(row[3] for row in listing[1:]) == ["Inovasi Dinkes", "Inovasi Puskesmas"]
    assert not any(name.startswith("bukti/") for name in names)
    assert sum(name.startswith("proposal/") for name in names) == 2
    assert manifest == ["path,sha256,size,innovation,indicator"]
    assert any("SK Bupati" in cell and "(berkas tidak disertakan)" in cell for cell in evidence_cells)
    assert "Dinas Kesehatan Uji; Puskesmas Timika Uji" in laporan and "tidak disertakan" in laporan
    assert ("OPD", "Dinas Kesehatan Uji; Puskesmas Timika Uji", None) in summary
    assert not any(row[0] == "IID (Indeks Inovasi Daerah)" for row in summary)  # a selection is not the region

    unknown = app.test_cli_runner().invoke(args=["export", "kemendagri", "--year", "2026", "--out", str(out),
                                                 "--opd", "TIDAKADA"])
    assert unknown.exit_code != 0 and "TIDAKADA" in unknown.output


@pytest.fixture
def sync_jobs(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_SYNC", True)


def test_web_export_of_one_opd_without_files(app, db, make_user, make_opd, login, sync_jobs):
    from innovation.jobs.models import Job, JobStatus

    opd, other = make_opd(name="Distrik Jila Uji"), make_opd(name="Distrik Alama Uji")
    seed_innovation(db, opd, make_user(role=Role.OPERATOR, opd=opd), nama="Inovasi Jila")
    seed_innovation(db, other, make_user(role=Role.OPERATOR, opd=other), nama="Inovasi Alama")
    client = login(make_user(role=Role.ADMIN))
    response = client.post("/reporting/export", data={"year": "2026", "scope": "registered", "failing": "include",
                                                      "opd": str(opd.id)})  # the files box left unticked
    assert response.status_code == 302
    job = db.session.get(Job, int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    db.session.refresh(job)
    assert job.status == JobStatus.DONE, job.error
    assert job.params["opd_ids"] == [opd.id] and job.params["with_files"] is False
    with zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job.id}/download").data)) as archive:
        listing = archive.read("daftar-inovasi.csv").decode("utf-8-sig")
        assert "Inovasi Jila" in listing and "Inovasi Alama" not in listing
        assert not any(name.startswith("bukti/") for name in archive.namelist())


def _pdf_words(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text().splitlines() for page in reader.pages]
    footers = {lines[-1] for lines in pages}  # "<name> · <region> · page/pages", drawn last on each page
    assert all(" · Kabupaten Mimika · " in footer for footer in footers)
    return " ".join(line for lines in pages for line in lines if line not in footers).split()


@pytest.mark.parametrize("extra", ["", " Kota Şanlıurfa"])  # core fonts / DejaVu (a character outside Windows-1252)
def test_proposal_holds_every_word_and_every_indicator(extra):
    """The proposal's own line wrapping loses nothing: every word of a 3,000-word Rancang Bangun is in
    the PDF in order, with the typographic quotes, and every indicator row of the table."""
    from innovation.reporting.export.items import EvidenceRef, ExportItem, Line
    from innovation.reporting.export.proposal import write_proposal
    from innovation.rules import get_rules

    rules = get_rules(2026)
    text = " ".join(f"kata{n % 101}" for n in range(3000)) + " ‘akhir’ – “selesai”" + extra
    values = {name: "" for name in ("nama", "nomor_register", "tahapan", "inisiator", "nama_inisiator", "jenis",
                                    "klasifikasi", "bentuk", "tematik", "urusan_utama", "urusan_lain", "koordinat",
                                    "tujuan", "manfaat", "hasil", "waktu_uji_coba", "waktu_penerapan",
                                    "waktu_pengembangan")}
    values.update({"nama": "Inovasi Uji Proposal", "rancang_bangun": text,
                   "tujuan": "bukti/" + "x" * 300})  # a word wider than the page is cut, not lost
    lines = [Line(indicator, 2, None, f"Informasi baris {indicator.no}", indicator.bobot * 2, "", "",
                  [EvidenceRef(1, "", file_name="SK.pdf", path=f"bukti/01-a/{indicator.no}-x/SK.pdf")])
             for indicator in rules.indicators]
    item = ExportItem(1, 1, "x", "Distrik Agimuga", "Distrik Agimuga", values, lines, {}, 0, 0, [], False)
    words = _pdf_words(write_proposal(item, region_name="Kabupaten Mimika", rules_year=2026, profile_file_labels={}))
    joined = " ".join(words)
    body = text.split()
    start = words.index("kata0")
    assert words[start:start + len(body) - len(extra.split())] == body[:len(body) - len(extra.split())]
    assert "x" * 300 in joined.replace(" ", "")
    for indicator in rules.indicators:
        assert f"Informasi baris {indicator.no}" in joined
    assert joined.count("SK.pdf") == len(rules.indicators)


def _positions_off_page(data: bytes) -> tuple[int, int]:
    """(text runs drawn outside their page, text runs in all) of a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    outside = total = 0
    for page in reader.pages:
        top = float(page.mediabox.top)

        def visit(text, cm, tm, font_dict, font_size, top=top):
            nonlocal outside, total
            if text.strip():
                total += 1
                y = tm[5] * cm[3] + cm[5]
                outside += not (0 <= y <= top)

        page.extract_text(visitor_text=visit)
    return outside, total


def test_a_row_taller_than_a_page_continues_on_the_next_pages():
    """An Informasi of 3,000 words (the field allows 20,000 characters) is drawn over several pages,
    every line on a page, none lost; decomposed accents are composed (e + U+0301 prints as é)."""
    from innovation.reporting.export.items import EvidenceRef, ExportItem, Line
    from innovation.reporting.export.proposal import write_proposal
    from innovation.rules import get_rules

    rules = get_rules(2026)
    long_text = " ".join(f"informasi{n}" for n in range(3000))
    values = {name: "" for name in ("nama", "nomor_register", "tahapan", "inisiator", "nama_inisiator", "jenis",
                                    "klasifikasi", "bentuk", "tematik", "urusan_utama", "urusan_lain", "koordinat",
                                    "rancang_bangun", "tujuan", "manfaat", "hasil", "waktu_uji_coba",
                                    "waktu_penerapan", "waktu_pengembangan")}
    values.update({"nama": "Inovasi Baris Panjang", "tujuan": "Cafe\u0301 ramah"})
    lines = [Line(indicator, 2, None, long_text if indicator.no == 17 else f"Baris {indicator.no}",
                  indicator.bobot * 2, "", "", [EvidenceRef(1, "", file_name="SK.pdf", path="bukti/SK.pdf")])
             for indicator in rules.indicators]
    item = ExportItem(1, 1, "x", "Distrik Agimuga", "Distrik Agimuga", values, lines, {}, 0, 0, [], False)
    data = write_proposal(item, region_name="Kabupaten Mimika", rules_year=2026, profile_file_labels={})
    outside, total = _positions_off_page(data)
    assert total > 100 and outside == 0
    words = _pdf_words(data)
    found = [w for w in words if w.startswith("informasi") and w[9:].isdigit()]
    assert found == long_text.split()
    assert "Café" in words
    assert all(f"Baris {n}" in " ".join(words) for n in (16, 18, 35))


def test_web_export_with_an_unknown_opd_is_a_form_error(app, db, make_user, make_opd, login, monkeypatch):
    from innovation.jobs.models import Job
    from innovation.orgs import picker

    monkeypatch.setattr(picker, "SELECT_MAX", 0)  # a province: the OPD is typed
    make_opd(name="Distrik Hoya Uji")
    client = login(make_user(role=Role.ADMIN))
    before = db.session.scalar(db.select(db.func.count(Job.id)))
    response = client.post("/reporting/export", data={"year": "2026", "scope": "all", "failing": "include",
                                                      "opd": "tidak-ada-opd-ini", "with_files": "y"})
    assert response.status_code == 200
    assert "Tidak ada OPD dengan kode atau nama itu." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Job.id))) == before
