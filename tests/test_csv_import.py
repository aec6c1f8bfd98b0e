"""CSV import of OPDs and accounts: file checks, row validation with line numbers, all-or-nothing."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from innovation import csvio
from innovation.audit.models import AuditEvent
from innovation.auth import csv_import as account_import
from innovation.auth.models import User
from innovation.csvio import CsvFileError
from innovation.orgs import csv_import as opd_import
from innovation.orgs.models import Opd, OpdKind
from innovation.web import Role

OPD_HEADER = "name;code;kind;parent_code;active\n"
ACCOUNT_HEADER = "username,full_name,email,role,opd_code,password\n"

@pytest.fixture
def t(t):
    """OPD codes are upper case."""
    return t.upper()



def read(text: str, columns=opd_import.COLUMNS, required=opd_import.REQUIRED, filename="data.csv"):
    return csvio.read_rows(text.encode("utf-8"), filename=filename, columns=columns, required=required)


def messages(errors):
    return [(e.line, e.message) for e in errors]


# --- reading the file (pure) ---------------------------------------------------------------------


def test_semicolon_comma_bom_crlf_and_line_numbers():
    text = "\ufeffName ; CODE;kind\r\n\r\nDinas A;DA;dinas\r\n\"Dinas; B\";DB;dinas\r\n"
    rows = read(text)
    assert [(r.line, r.values) for r in rows] == [
        (3, {"name": "Dinas A", "code": "DA", "kind": "dinas"}),
        (4, {"name": "Dinas; B", "code": "DB", "kind": "dinas"}),
    ]
    rows = read('name,code,kind\n"Dinas, C\nbaris dua",DC,dinas\nDinas D,DD,dinas\n')
    assert [r.line for r in rows] == [2, 4]  # the quoted field spans lines 2-3


def test_template_round_trips_through_the_reader():
    for module in (opd_import, account_import):
        data = module.template()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = csvio.read_rows(data, filename="templat.csv", columns=module.COLUMNS, required=module.REQUIRED)
        assert len(rows) == 1
        parsed, errors = module.parse_rows(rows)
        assert errors == [] and len(parsed) == 1


@pytest.mark.parametrize("data, filename, message", [
    ("name;code;kind\nDinas É;DE;dinas\n".encode("latin-1"), "opd.csv", "UTF-8"),
    (b"PK\x03\x04\x00\x00binary", "opd.csv", "bukan CSV"),
    (b"name;code;kind\nA;B;dinas\n", "opd.xlsx", "format CSV"),
    (b"", "opd.csv", "kosong"),
    (b"\r\n \r\n", "opd.csv", "kosong"),
    (b"name;kind\nA;dinas\n", "opd.csv", "kolom wajib tidak ada: code"),
    (b"name;code;kind;warna\nA;B;dinas;merah\n", "opd.csv", "kolom tidak dikenal: warna"),
    (b"name;code;kind;code\nA;B;dinas;C\n", "opd.csv", "kolom ganda: code"),
    (b'name;code;kind\n"A;B;dinas\n', "opd.csv", "rusak"),
])
def test_unusable_files_get_a_clear_message(data, filename, message):
    with pytest.raises(CsvFileError, match=message):
        csvio.read_rows(data, filename=filename, columns=opd_import.COLUMNS, required=opd_import.REQUIRED)


def test_too_large_file_is_refused():
    data = (OPD_HEADER + "Dinas;D;dinas;;ya\n" * 70000).encode()
    assert len(data) > csvio.MAX_CSV_BYTES
    with pytest.raises(CsvFileError, match="terlalu besar"):
        csvio.read_rows(data, filename="a.csv", columns=opd_import.COLUMNS, required=opd_import.REQUIRED)


def test_extra_cells_are_reported_with_the_line():
    rows = read("name,code,kind\nDinas A,DA,dinas,lebih\n")
    parsed, errors = opd_import.parse_rows(rows)
    assert parsed == [] and errors[0].line == 2 and "lebih banyak kolom" in errors[0].message


# --- OPD rows (pure) -----------------------------------------------------------------------------


def test_opd_rows_every_problem_with_its_line():
    text = OPD_HEADER + (
        "Dinas A;DA;dinas;;ya\n"          # 2 fine
        "Dinas B;DA;kantor;;mungkin\n"    # 3 duplicate code, unknown kind, bad active
        "dinas a;D C;dinas;;\n"           # 4 duplicate name, bad code
        "Dinas E;DE;dinas;DE;\n"          # 5 own parent
        ";DF;dinas;;\n"                   # 6 no name
        "Dinas G;DG;dinas;X Y;\n"         # 7 bad parent code
    )
    parsed, errors = opd_import.parse_rows(read(text))
    assert [r.code for r in parsed] == ["DA"]
    found = messages(errors)
    assert (3, "Kode DA sudah dipakai di baris 2 berkas ini.") in found
    assert any(line == 3 and "Jenis OPD kantor tidak dikenal" in m for line, m in found)
    assert any(line == 3 and "ya atau tidak" in m for line, m in found)
    assert any(line == 4 and "sudah dipakai di baris 2" in m for line, m in found)
    assert any(line == 4 and "D C tidak sah" in m for line, m in found)
    assert (5, "Sebuah OPD tidak dapat menjadi induk bagi dirinya sendiri.") in found
    assert (6, "Nama OPD wajib diisi.") in found
    assert (7, "Kode induk X Y tidak sah.") in found


def test_opd_rows_cycle_in_file_and_parents_first():
    parsed, errors = opd_import.parse_rows(read(OPD_HEADER + "A;A1;dinas;B1;\nB;B1;dinas;A1;\nC;C1;dinas;;\n"))
    assert sorted(e.line for e in errors) == [2, 3] and all("lingkaran" in e.message for e in errors)
    parsed, errors = opd_import.parse_rows(read(OPD_HEADER + "Anak;ANAK;puskesmas;INDUK;\nInduk;INDUK;Dinas;;tidak\n"))
    assert errors == []
    assert [r.code for r in opd_import.parents_first(parsed)] == ["INDUK", "ANAK"]
    assert parsed[1].kind == OpdKind.DINAS and parsed[1].active is False and parsed[0].active is True


# --- OPD import (database) -----------------------------------------------------------------------


def test_opd_import_creates_all_with_parents_and_audit(db, admin, make_opd, t):
    existing = make_opd(code=f"ADA-{t}")
    text = OPD_HEADER + (
        f"Puskesmas Timika {t};PKM-{t};puskesmas;DINKES-{t};ya\n"
        f"Dinas Kesehatan {t};dinkes-{t};dinas;ADA-{t};\n"
        f"Distrik Lama {t};DIST-{t};distrik;;tidak\n"
    )
    report = opd_import.import_opds(text.encode(), filename="opd.csv", by=admin)
    assert report.ok and [o.code for o in report.created] == [f"PKM-{t}", f"DINKES-{t}", f"DIST-{t}"]
    pkm, dinkes, dist = report.created
    assert pkm.parent_id == dinkes.id and dinkes.parent_id == existing.id and not dist.active
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == admin.id, AuditEvent.action == "opd.create"))
    assert {e.object_id for e in created} == {pkm.id, dinkes.id, dist.id}
    summary = db.session.scalar(select(AuditEvent).where(AuditEvent.actor_id == admin.id, AuditEvent.action == "opd.import"))
    assert summary.changes["dibuat"] == 3 and "opd.csv" in summary.summary


def test_opd_import_is_all_or_nothing(db, admin, make_opd, t):
    make_opd(code=f"ADA-{t}", name=f"Sudah Ada {t}")
    text = OPD_HEADER + (
        f"Baru Satu {t};B1-{t};dinas;;\n"
        f"Baru Dua {t};ADA-{t};dinas;;\n"          # line 3: code taken in the database
        f"sudah ada {t};B3-{t};dinas;;\n"          # line 4: name taken in the database
        f"Baru Empat {t};B4-{t};dinas;NONE-{t};\n"  # line 5: unknown parent
    )
    report = opd_import.import_opds(text.encode(), filename="opd.csv", by=admin)
    assert not report.ok and report.created == []
    assert messages(report.errors) == [
        (3, f"Kode ADA-{t} sudah dipakai OPD yang ada."),
        (4, f"Nama sudah ada {t} sudah dipakai OPD yang ada."),
        (5, f"Kode induk NONE-{t} tidak dikenal: tidak ada di data maupun di berkas ini."),
    ]
    assert db.session.scalar(select(Opd).where(Opd.code == f"B1-{t}")) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.actor_id == admin.id)) is None


def test_opd_import_file_error_is_a_report(db, admin):
    report = opd_import.import_opds(b"\xff\xfe\x00n\x00a", filename="opd.csv", by=admin)
    assert not report.ok and report.errors[0].line is None and "bukan CSV" in report.errors[0].message
    report = opd_import.import_opds(OPD_HEADER.encode(), filename="opd.csv", by=admin)
    assert "tidak berisi baris data" in report.errors[0].message


# --- account rows (pure) -------------------------------------------------------------------------


def test_account_rows_every_problem_with_its_line():
    text = ACCOUNT_HEADER + (
        "ani,Ani,,operator,DINKES,\n"               # 2 fine
        "ani,Ani Lagi,,judge,,\n"                   # 3 duplicate username
        "budi,Budi,,raja,,\n"                       # 4 unknown role
        "cici,Cici,,operator,,\n"                   # 5 operator without OPD
        "dedi,Dedi,,judge,,pendek1\n"               # 6 weak password
        "eka,Eka,bukan-email,Juri,,\n"              # 7 bad email
        "F G,,,verifier,,password123\n"             # 8 bad username, no name, common password
    )
    parsed, errors = account_import.parse_rows(read(text, account_import.COLUMNS, account_import.REQUIRED))
    assert [r.username for r in parsed] == ["ani"]
    found = messages(errors)
    assert (3, "Nama pengguna ani sudah dipakai di baris 2 berkas ini.") in found
    assert any(line == 4 and "Peran raja tidak dikenal" in m for line, m in found)
    assert (5, "Operator harus terhubung ke satu OPD: isi kolom opd_code.") in found
    assert (6, "Kata sandi minimal 10 karakter.") in found
    assert (7, "Alamat email bukan-email tidak sah.") in found
    assert {m for line, m in found if line == 8} >= {
        "Nama lengkap wajib diisi.",
        "Kata sandi ini ada di daftar kata sandi yang paling sering dipakai dan bocor. Pilih yang lain, "
        "misalnya beberapa kata acak.",
        "Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau strip.",
    }


# --- account import (database) -------------------------------------------------------------------


def test_account_import_creates_all_and_lists_generated_passwords(db, admin, make_opd, t):
    opd = make_opd(code=f"DK-{t}")
    low = t.lower()
    text = ACCOUNT_HEADER + (
        f"op.{low},Operator {t},op@example.org,operator,dk-{low},\n"
        f"juri.{low},Juri {t},,Juri,DK-{t},sandi-sendiri-9\n"
        f"ver.{low},Verifikator {t},,verifier,,\n"
    )
    report = account_import.import_accounts(text.encode(), filename="akun.csv", by=admin)
    assert report.ok
    op, judge, verifier = report.created
    assert op.opd_id == opd.id and judge.opd_id == opd.id and verifier.opd_id is None
    assert all(u.must_change_password for u in report.created)
    secrets = dict(report.secrets)
    assert set(secrets) == {op.username, verifier.username}
    assert op.check_password(secrets[op.username]) and judge.check_password("sandi-sendiri-9")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == admin.id)).all()
    assert sorted(e.action for e in events) == ["user.create"] * 3 + ["user.import"]


def test_account_import_is_all_or_nothing(db, admin, make_user, make_opd, t):
    closed = make_opd(code=f"TUTUP-{t}", active=False)
    taken = make_user(role=Role.JUDGE, username=f"ada.{t.lower()}")
    low = t.lower()
    text = ACCOUNT_HEADER + (
        f"baru.{low},Baru,,judge,,\n"
        f"{taken.username.upper()},Dobel,,judge,,\n"   # 3 taken in the database
        f"op1.{low},Op,,operator,NONE-{t},\n"          # 4 unknown OPD
        f"op2.{low},Op,,operator,{closed.code},\n"     # 5 inactive OPD
    )
    report = account_import.import_accounts(text.encode(), filename="akun.csv", by=admin)
    assert not report.ok and report.created == [] and report.secrets == []
    assert messages(report.errors) == [
        (3, f"Nama pengguna {taken.username} sudah dipakai akun yang ada."),
        (4, f"Kode OPD NONE-{t} tidak dikenal."),
        (5, f"OPD {closed.code} tidak aktif."),
    ]
    assert db.session.scalar(select(User).where(User.username == f"baru.{low}")) is None


# --- pages ---------------------------------------------------------------------------------------


def upload(client, url, data: bytes, filename="data.csv"):
    return client.post(url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_opd_import_page(client, db, admin, login, t):
    login(admin)
    assert client.get("/orgs/import").status_code == 200
    response = upload(client, "/orgs/import", (OPD_HEADER + f"Badan Uji {t};BU-{t};badan;;\n").encode())
    assert response.status_code == 302
    assert db.session.scalar(select(Opd).where(Opd.code == f"BU-{t}")) is not None


def test_opd_import_page_lists_errors_and_saves_nothing(client, db, admin, login, t):
    login(admin)
    text = OPD_HEADER + f"Badan Satu {t};S1-{t};badan;;\nBadan Dua {t};S2-{t};kantor;;\n"
    response = upload(client, "/orgs/import", text.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "tidak ada data yang disimpan" in html and "Baris 3" in html and "kantor" in html
    assert db.session.scalar(select(Opd).where(Opd.code == f"S1-{t}")) is None


@pytest.mark.parametrize("data, filename, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "foto.csv", "bukan CSV"),
    ("name;code;kind\nDinas É;DE;dinas\n".encode("cp1252"), "opd.csv", "UTF-8"),
    (b"name;code;kind\n", "opd.pdf", "format CSV"),
    (b"x" * (csvio.MAX_CSV_BYTES + 10), "besar.csv", "terlalu besar"),
])
def test_bad_uploads_get_a_message_not_a_500(client, admin, login, data, filename, message):
    login(admin)
    for url in ("/orgs/import", "/auth/users/import"):
        response = upload(client, url, data, filename)
        assert response.status_code == 200, url
        assert message in response.get_data(as_text=True), url


def test_missing_file_is_a_form_error(client, admin, login):
    login(admin)
    response = client.post("/orgs/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Pilih berkas CSV" in response.get_data(as_text=True)


def test_account_import_page_shows_generated_passwords_once(client, db, admin, login, make_opd, t):
    opd = make_opd()
    login(admin)
    text = ACCOUNT_HEADER + f"op.{t.lower()},Operator,,operator,{opd.code},\n"
    response = upload(client, "/auth/users/import", text.encode())
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'class="secret-value">([^<]+)<', response.get_data(as_text=True)).group(1)
    user = db.session.scalar(select(User).where(User.username == f"op.{t.lower()}"))
    assert user.check_password(password)


def test_account_import_page_lists_errors(client, db, admin, login, t):
    login(admin)
    text = ACCOUNT_HEADER + f"a.{t.lower()},A,,judge,,\nb.{t.lower()},B,,operator,,\n"
    html = upload(client, "/auth/users/import", text.encode()).get_data(as_text=True)
    assert "Baris 3" in html and "opd_code" in html
    assert db.session.scalar(select(User).where(User.username == f"a.{t.lower()}")) is None


@pytest.mark.parametrize("url, header", [
    ("/orgs/import/template.csv", "name;code;kind;parent_code;active"),
    ("/auth/users/import/template.csv", "username;full_name;email;role;opd_code;password"),
])
def test_templates_download(client, admin, login, url, header):
    login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf" + header.encode())
    assert len(response.data.decode("utf-8-sig").strip().splitlines()) == 2
