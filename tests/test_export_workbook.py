"""inovasi.xlsx read back: the database's values exactly, labels exactly as the rules file has them,
dates as dates, numbers as numbers, line score = bobot x parameter (0 without evidence, verified
where verified), long texts split over "(lanjutan)" cells that join back to the text."""
from __future__ import annotations

import io
import json
from datetime import date, datetime
from importlib import resources

import pytest
from openpyxl import load_workbook
from test_export_bundle import NAME_ACCENTS, export_zip, seed_innovation, words

from innovation.extensions import utcnow
from innovation.innovations import services as innovations
from innovation.web import Role


@pytest.fixture
def operator(make_user, make_opd):
    opd = make_opd(name=f"Puskesmas Agimuga {utcnow().timestamp()}", parent=make_opd(name=f"Dinas Kesehatan {utcnow().timestamp()}"))
    return make_user(role=Role.OPERATOR, opd=opd)


def _book(options):
    archive, report = export_zip(options)
    return load_workbook(io.BytesIO(archive.read("inovasi.xlsx"))), report


def _rows(sheet, key_column: str, key: str):
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r)) for r in rows[1:] if r[header.index(key_column)] == key]


def _labels(field: str) -> dict[str, str]:
    raw = json.loads(resources.files("innovation.rules").joinpath("data", "2026.json").read_text("utf-8"))
    return {o["code"]: o["label"] for o in raw["options"][field]}


def test_profile_and_listing_read_back_exactly(app, db, operator):
    from innovation.reporting.export import ExportOptions

    long_text = words(5200, "rancang") + " — akhir ‘teks’ panjang."
    innovation = seed_innovation(db, operator.opd, operator, nama=NAME_ACCENTS, rancang_words=0,
                                 rancang_bangun=long_text, nama_inisiator="Dr. Maria Ñañez-O’Brien",
                                 tujuan="=SUM(A1:A2) bukan rumus", nomor_register="")
    assert len(long_text) > 32_767
    book, _ = _book(ExportOptions(2026))
    assert book.sheetnames == ["Daftar Inovasi", "Profil Inovasi", "Indikator", "Ringkasan"]

    header, rows = _rows(book["Daftar Inovasi"], "Nama Inovasi", NAME_ACCENTS)
    assert header[:12] == ["No", "Nama Pemda", "Nama Akun", "Nama Inovasi", "Tahapan Inovasi", "Nama Inisiator",
                           "Koordinat", "Urusan Pemerintahan Utama", "Waktu Uji Coba",
                           "Waktu Penerapan Inovasi Daerah", "Waktu Pengembangan Inovasi Daerah",
                           "Estimasi Skor Kematangan"]
    assert header[12:] == ["OPD", "Catatan"]
    [row] = rows
    assert row["Nama Pemda"] == "Kabupaten Mimika"
    assert row["Nama Akun"] == operator.opd.parent.name  # a Puskesmas reports through its parent's account
    assert row["OPD"] == operator.opd.name
    assert row["Tahapan Inovasi"] == _labels("tahapan")["penerapan"]
    assert row["Nama Inisiator"] == "Dr. Maria Ñañez-O’Brien"
    assert row["Koordinat"] == "-4.5467, 136.8837"
    assert row["Urusan Pemerintahan Utama"] == _labels("urusan")["kesehatan"]
    assert row["Waktu Uji Coba"] == datetime(2024, 2, 5)
    assert row["Waktu Penerapan Inovasi Daerah"] == datetime(2024, 7, 1)
    assert row["Waktu Pengembangan Inovasi Daerah"] is None  # empty optional field: an empty cell
    assert row["Estimasi Skor Kematangan"] == float(innovation.maturity_percent)
    # Catatan: the gap count in the pages' words, then every gap (here only points lost, none disclaims it).
    check = innovations.assess(innovation).readiness
    assert check.gaps and not check.blocking
    assert isinstance(row["No"], int)
    assert row["Catatan"] == f"{check.summary}: " + "; ".join(str(g.message) for g in check.gaps)
    assert row["Catatan"].startswith(f"{check.count} kekurangan: ")
    assert book["Daftar Inovasi"].freeze_panes == "A2"

    header, [profile] = _rows(book["Profil Inovasi"], "Nama Inovasi", NAME_ACCENTS)
    order = [h for h in header if "(lanjutan" not in h]
    assert order == ["No", "OPD", "Nama Inovasi", "Nomor Register IGA", "Tahapan Inovasi", "Inisiator Inovasi",
                     "Nama Inisiator", "Jenis Inovasi", "Klasifikasi Inovasi", "Bentuk Inovasi", "Asta Cita / Tematik",
                     "Urusan Pemerintahan (utama)", "Urusan lain yang beririsan", "Koordinat", "Waktu Uji Coba",
                     "Waktu Penerapan (Implementasi)", "Waktu Pengembangan", "Rancang Bangun", "Tujuan", "Manfaat",
                     "Hasil Inovasi", "Anggaran", "Profil Bisnis", "Dokumen HAKI", "Penghargaan", "Catatan"]
    for column, field, code in [("Inisiator Inovasi", "inisiator", "opd"), ("Jenis Inovasi", "jenis", "non_digital"),
                                ("Klasifikasi Inovasi", "klasifikasi", "perangkat_daerah"),
                                ("Bentuk Inovasi", "bentuk", "pelayanan_publik"),
                                ("Asta Cita / Tematik", "tematik", "asta_cita_4")]:
        assert profile[column] == _labels(field)[code], column
    assert profile["Urusan lain yang beririsan"] == f"{_labels('urusan')['sosial']}; {_labels('urusan')['pendidikan']}"
    assert profile["Nomor Register IGA"] is None
    assert profile["Tujuan"] == "=SUM(A1:A2) bukan rumus"  # text, never a formula
    parts = [profile[h] or "" for h in header if h.startswith("Rancang Bangun")]
    assert len(parts) >= 2 and all(len(p) <= 32_767 for p in parts)
    assert "".join(parts) == innovation.rancang_bangun == long_text
    assert profile["Waktu Uji Coba"] == datetime(2024, 2, 5)


def test_indicator_lines(app, db, operator):
    from innovation.innovations.models import VerificationStatus
    from innovation.reporting.export import ExportOptions
    from innovation.rules import get_rules

    innovation = seed_innovation(db, operator.opd, operator, nama="Inovasi Indikator Uji")
    answers = {a.indicator_no: a for a in innovation.answers}
    answers[16].verification_status = VerificationStatus.DIPERBAIKI
    answers[16].verified_parameter = 1
    answers[17].verification_status = VerificationStatus.DITOLAK
    answers[32].verification_status = VerificationStatus.SESUAI
    db.session.flush()
    book, _ = _book(ExportOptions(2026, include_failing=True))  # 17 (wajib) rejected: it fails the rules
    header, rows = _rows(book["Indikator"], "Nama Inovasi", "Inovasi Indikator Uji")
    assert header[2:9] == ["No", "Indikator", "Informasi", "Bobot", "Parameter", "Skor", "Bukti Dukung"]
    rules = get_rules(2026)
    assert [r["No"] for r in rows] == [i.no for i in rules.indicators]
    with_evidence = {16, 17, 19, 32, 33, 35}
    for row in rows:
        indicator = rules.indicator(row["No"])
        claimed = answers[indicator.no].parameter
        parameter = {16: 1, 17: None}.get(indicator.no, claimed)
        assert row["Indikator"] == indicator.name
        assert row["Bobot"] == indicator.bobot
        assert row["Parameter"] == parameter
        expected = indicator.bobot * parameter if parameter and indicator.no in with_evidence else 0
        assert row["Skor"] == expected, indicator.no
        assert row["Informasi"] == (indicator.parameter_label(parameter, answers[indicator.no].basis) or None)
        assert row["Keterangan OPD"] == f"Keterangan {indicator.no}"
    by_no = {r["No"]: r for r in rows}
    assert by_no[16]["Status Verifikasi"] == "diperbaiki" and by_no[17]["Status Verifikasi"] == "ditolak"
    assert by_no[33]["Informasi"].startswith(rules.indicator(33).basis("a").label + ": ")
    assert "/16-regulasi-inovasi-daerah/" in by_no[16]["Bukti Dukung"]
    assert by_no[35]["Bukti Dukung"] == "Video inovasi: https://www.youtube.com/watch?v=uji"
    assert by_no[18]["Bukti Dukung"] is None and by_no[18]["Skor"] == 0  # a parameter but no evidence


def test_summary_sheet(app, db, operator):
    from innovation.reporting.export import ExportOptions
    from innovation.reporting.services import district_index

    seed_innovation(db, operator.opd, operator, nama="Inovasi Ringkasan Uji")
    book, report = _book(ExportOptions(2026))
    rows = {r[0]: r[1:] for r in book["Ringkasan"].iter_rows(values_only=True) if r[0]}
    index = district_index(2026, verified=True, registered_only=True)
    assert rows["IID (Indeks Inovasi Daerah)"][0] == pytest.approx(float(index.iid))
    assert rows["SPD (Satuan Pemerintahan Daerah)"][0] == pytest.approx(float(index.spd))
    assert rows["SID (Satuan Inovasi Daerah)"][0] == pytest.approx(float(index.sid))
    assert rows["Predikat"][0] == index.predicate
    assert rows["Inovasi diekspor"][0] == report.exported
    assert rows[_labels("urusan")["kesehatan"]][0] == report.urusan[_labels("urusan")["kesehatan"]] >= 1
    assert rows[_labels("urusan")["kesehatan"]][1] == "ya"


def test_split_text_joins_back():
    from innovation.reporting.export.workbook import parts_needed, split_text

    for text in ["", "a", "x" * 70_000, words(12_000), ("kata " * 7000) + "y" * 40_000]:
        parts = split_text(text)
        assert "".join(parts) == text
        assert all(len(p) <= 32_000 for p in parts)
        assert len(parts) <= parts_needed(len(text))
    assert date.today()
