"""Documents an official signs (issue 14): the certificate's fields (issuer, logo, number, award label,
score in the locale's format, place and date, signatories, QR code to the verification page), the
documents' settings, the register's unique numbers, and the public verification page."""
from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select
from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.documents import numbering, services
from innovation.documents import settings as document_settings
from innovation.documents.models import Certificate
from innovation.judging import publication
from innovation.judging import results as judging_results
from innovation.judging.public_file import public_checksum
from innovation.web import Role

NIP = "198001012005011002"


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> tuple[str, object]:
    reader = PdfReader(io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages)), reader


def png(size=(40, 40), color=(200, 20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def settings_form(**changed) -> dict:
    return {"issuer": "Pemerintah Kabupaten Mimika", "place": "Timika", "number_format": "{nomor}/IW-{tahun}/BAPPEDA",
            "decree_official": "Bupati Mimika", "signer1_name": "Dr. Yohana Beanal, S.E., M.Si.",
            "signer1_title": "Kepala Bappeda Kabupaten Mimika", "signer1_nip": NIP,
            "signer2_name": "", "signer2_title": "", "signer2_nip": ""} | changed


@pytest.fixture
def published_round(scored, make_user, db):  # noqa: F811
    def build(**kw):
        built = scored(n_entries=kw.pop("n_entries", 8), **kw)
        admin = make_user(role=Role.ADMIN)
        snapshot = publication.publish(built.round, by=admin)
        db.session.flush()
        return built, admin, snapshot

    return build


def verify_url(number: str) -> str:
    return f"http://localhost/public/certificates/verify?no={number}"


def test_the_certificate_has_every_field_an_official_signs(published_round, db):
    built, admin, snapshot = published_round()
    document_settings.update(built.event, settings_form(signer2_name="Johannes Rettob", signer2_title="Bupati Mimika",
                                                        signer2_nip=""), by=admin)
    found = judging_results.published_results(snapshot)
    winner = next(e for e in found.entries if e.award == "Juara 1")
    data, kind = services.certificate(snapshot, winner, verify_url=verify_url)
    text, reader = pdf_text(data)
    page = reader.pages[0]
    assert kind == "sertifikat" and len(reader.pages) == 1
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((841.89, 595.28))
    number = numbering.register(snapshot)[winner.id].number
    assert re.fullmatch(r"\d{3}/IW-2026/BAPPEDA", number)
    assert "PEMERINTAH KABUPATEN MIMIKA" in text and f"Nomor: {number}" in text
    assert "sebagai Juara 1" in text and "Peringkat" not in text
    shown = str(D(winner.score).quantize(D("0.01"), rounding="ROUND_HALF_UP")).replace(".", ",")
    assert f"nilai akhir {shown}" in text and str(winner.score) not in text
    assert words(winner.innovation) in text and words(winner.opd) in text
    assert re.search(r"Timika, \d{1,2} [A-Z][a-z]+ 20\d\d", text)
    assert "Dr. Yohana Beanal, S.E., M.Si." in text and "Kepala Bappeda Kabupaten Mimika" in text
    assert f"NIP. {NIP}" in text and "Johannes Rettob" in text  # two signature blocks
    assert public_checksum(snapshot) in text and verify_url(number) in text
    images = page.images
    assert len(images) == 2  # the logo (default emblem) and the QR code


def test_award_labels_come_from_the_rounds_settings_and_a_participant_gets_no_award(published_round, scored,  # noqa: F811
                                                                                    make_user, db):
    built = scored(n_entries=6)
    built.round.award_labels = "Pemenang Utama\nPemenang Kedua"
    built.round.award_places = 2
    snapshot = publication.publish(built.round, by=make_user(role=Role.ADMIN))
    found = judging_results.published_results(snapshot)
    first = found.entry(found.categories[0].ranking[0])
    last = found.entry(found.categories[0].ranking[-1])
    text, _reader = pdf_text(services.certificate(snapshot, first, verify_url=verify_url)[0])
    assert "sebagai Pemenang Utama" in text and "Juara" not in text
    data, kind = services.certificate(snapshot, last, verify_url=verify_url)
    text, _reader = pdf_text(data)
    assert kind == "sertifikat-partisipasi" and "SERTIFIKAT PARTISIPASI" in text and "Pemenang" not in text
    register = numbering.register(snapshot)
    assert register[first.id].award == "Pemenang Utama" and register[last.id].award is None


def test_numbers_are_unique_across_the_register_and_issued_once(published_round, db):
    built, admin, snapshot = published_round()
    other, _admin, other_snapshot = published_round(n_entries=6)
    first = numbering.issue(snapshot)
    again = numbering.issue(snapshot)
    assert {e: c.number for e, c in first.items()} == {e: c.number for e, c in again.items()}
    scored_ids = [e.id for e in judging_results.published_results(snapshot).entries if e.scored]
    assert sorted(first) == sorted(scored_ids)
    second = numbering.issue(other_snapshot)
    numbers = [c.number for c in [*first.values(), *second.values()]]
    assert len(numbers) == len(set(numbers)) == 14
    assert sorted(c.seq for c in [*first.values(), *second.values()]) == list(range(1, 15))
    # the winners of the first category are numbered first
    found = judging_results.published_results(snapshot)
    assert first[found.categories[0].ranking[0]].seq == 1
    assert db.session.scalar(select(func.count(Certificate.id))) == 14


def test_the_number_format_is_checked_and_used(published_round, db):
    built, admin, snapshot = published_round(n_entries=4)
    for bad in ("IW-{tahun}", "{nomor}/{kota}", "{nomor", "{nomor:05d}"):
        with pytest.raises(document_settings.DocumentError) as refused:
            document_settings.update(built.event, settings_form(number_format=bad), by=admin)
        assert refused.value.field == "number_format"
    with pytest.raises(document_settings.DocumentError) as refused:
        document_settings.update(built.event, settings_form(signer1_nip="12345"), by=admin)
    assert refused.value.field == "signer1_nip"
    document_settings.update(built.event, settings_form(number_format="SRT-{nomor}/{bulan}/{tahun}"), by=admin)
    numbers = [c.number for c in numbering.issue(snapshot).values()]
    assert all(re.fullmatch(r"SRT-\d{3}/(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)/2026", n) for n in numbers), numbers


def test_a_certificate_without_signatories_leaves_lines_to_sign_by_hand(published_round, db):
    built, admin, snapshot = published_round(n_entries=4)
    winner = next(e for e in judging_results.published_results(snapshot).entries if e.winner)
    text, _reader = pdf_text(services.certificate(snapshot, winner, verify_url=verify_url)[0])
    assert "PEMERINTAH KABUPATEN MIMIKA" in text  # the region's default issuer
    assert "NIP. ....." in text and "Timika," in text


def test_the_settings_page_saves_signatories_and_a_logo(published_round, login, client, make_user, db):
    built, admin, snapshot = published_round(n_entries=4)
    url = f"/documents/events/{built.event.slug}/settings"
    login(make_user(role=Role.OPERATOR))
    assert client.get(url).status_code == 403
    client.post("/auth/logout")
    login(admin)
    page = client.get(url)
    assert page.status_code == 200 and "Pemerintah Kabupaten Mimika" in page.get_data(as_text=True)
    assert "001/IW-2026/BAPPEDA" in page.get_data(as_text=True)  # the sample number
    refused = client.post(url, data=settings_form(signer1_nip="abc"))
    assert refused.status_code == 200 and "NIP terdiri dari 18 angka." in refused.get_data(as_text=True)
    logo = png()
    saved = client.post(url, data=settings_form() | {"logo": (io.BytesIO(logo), "logo.png")},
                        content_type="multipart/form-data")
    assert saved.status_code == 302
    served = client.get(f"/documents/events/{built.event.slug}/logo")
    assert served.status_code == 200 and served.data == logo
    current = document_settings.load(built.event)
    assert current.signer1_nip == NIP and current.logo is not None
    winner = next(e for e in judging_results.published_results(snapshot).entries if e.winner)
    data = client.get(f"/judging/rounds/{built.round.id}/certificates/{winner.id}.pdf").data
    text, reader = pdf_text(data)
    assert "Kepala Bappeda Kabupaten Mimika" in text and len(reader.pages[0].images) == 2
    not_an_image = client.post(url, data=settings_form() | {"logo": (io.BytesIO(b"%PDF-1.4 nope"), "logo.pdf")},
                               content_type="multipart/form-data")
    assert not_an_image.status_code == 200 and document_settings.load(built.event).logo.original_name == "logo.png"


def test_the_default_logo_is_served_before_an_upload(published_round, login, client, db):
    built, admin, _snapshot = published_round(n_entries=4)
    login(admin)
    served = client.get(f"/documents/events/{built.event.slug}/logo")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (256, 256)


def test_anyone_can_verify_a_certificate_by_its_number(published_round, client, db):
    built, admin, snapshot = published_round()
    found = judging_results.published_results(snapshot)
    winner = next(e for e in found.entries if e.award == "Juara 1")
    services.certificate(snapshot, winner, verify_url=verify_url)
    db.session.commit()
    number = numbering.register(snapshot)[winner.id].number
    page = client.get("/public/certificates/verify", query_string={"no": number})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "terdaftar dan berlaku" in html
    assert winner.innovation in html and "Juara 1" in html and snapshot.checksum in html
    assert f"/public/results/{snapshot.id}.json" in html
    unknown = client.get("/public/certificates/verify", query_string={"no": "999/IW-2026/PALSU"})
    assert unknown.status_code == 404 and "tidak terdaftar" in unknown.get_data(as_text=True)
    assert client.get("/public/certificates/verify").status_code == 200  # the empty form
    english = client.get("/public/certificates/verify", query_string={"no": number, "lang": "en"})
    assert english.status_code == 200
    # reopened: the certificate is still in the register, and the page says it no longer stands
    publication.reopen(built.round, "Nilai juri 2 salah ketik.", by=admin)
    db.session.commit()
    html = client.get("/public/certificates/verify", query_string={"no": number}).get_data(as_text=True)
    assert "sudah ditarik" in html and "Nilai juri 2 salah ketik." in html and "berlaku." not in html


def test_the_certificate_view_issues_numbers_and_the_qr_points_to_verification(published_round, login, client, db):
    built, admin, snapshot = published_round(n_entries=4)
    login(admin)
    winner = next(e for e in judging_results.published_results(snapshot).entries if e.winner)
    data = client.get(f"/judging/rounds/{built.round.id}/certificates/{winner.id}.pdf").data
    text, _reader = pdf_text(data)
    number = numbering.register(snapshot)[winner.id].number
    assert f"Nomor: {number}" in text and "/public/certificates/verify?no=" in text


# --- Berita Acara Penilaian and the recap ------------------------------------------------------------

def test_the_berita_acara_lists_panel_method_results_winners_and_a_line_for_every_judge(published_round, login,
                                                                                        client, make_user, db):
    built, admin, snapshot = published_round(n_entries=6, n_judges=4)
    from innovation.judging.models import PanelMember

    category = built.event.categories[0]
    db.session.add(PanelMember(round_id=built.round.id, judge_id=built.judges[0].id, category_id=category.id))
    db.session.flush()
    publication.reopen(built.round, "Nilai juri 3 salah ketik pada entri 2.", by=admin)
    snapshot = publication.publish(built.round, by=admin)
    db.session.commit()
    login(admin)
    response = client.get(f"/documents/rounds/{built.round.id}/berita-acara.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "berita-acara-" in response.headers["Content-Disposition"] and "-v2.pdf" in response.headers["Content-Disposition"]
    text, reader = pdf_text(response.data)
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.28, 841.89))  # A4
    found = judging_results.published_results(snapshot)
    assert "BERITA ACARA PENILAIAN" in text and "Timika" in text and "Edisi hasil 2" in text
    for judge in built.judges:
        assert text.count(judge.full_name) >= 2  # in the panel, and under their signature line
    assert f"Juri kategori {category.name}" in text and "Anggota tim juri" in text
    assert "Kebaharuan" in text and "30,00" in text and "rata-rata" in text and "nilai mentah" in text
    for entry in found.entries:
        assert words(entry.innovation) in text
    winners = [e for e in found.entries if e.winner]
    assert winners and all(e.award in text for e in winners)
    assert "Hasil edisi 1 dibuka kembali" in text and "Nilai juri 3 salah ketik pada entri 2." in text
    assert snapshot.checksum in text and "Tim juri:" in text
    assert re.search(r"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ 20\d\d", text)


def test_the_recap_has_every_judges_total(published_round, login, client, db):
    built, admin, snapshot = published_round(n_entries=4, n_judges=3)
    login(admin)
    response = client.get(f"/documents/rounds/{built.round.id}/rekap.pdf")
    assert response.status_code == 200
    text, reader = pdf_text(response.data)
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert "REKAPITULASI NILAI" in text and "Juri 1" in text and "Juri 3" in text
    sheet = built.sheets[(built.entries[0].id, built.judges[0].id)]
    shown = str(D(sheet.total).quantize(D("0.01"), rounding="ROUND_HALF_UP")).replace(".", ",")
    assert shown in text
    assert all(judge.full_name not in text for judge in built.judges)  # the recap uses labels


def test_minutes_and_recap_need_a_published_round_and_an_admin(scored, make_user, login, client, db):  # noqa: F811
    built = scored(n_entries=4)
    db.session.commit()
    login(make_user(role=Role.ADMIN))
    for name in ("berita-acara.pdf", "rekap.pdf"):
        assert client.get(f"/documents/rounds/{built.round.id}/{name}").status_code == 404  # not published
        assert client.get(f"/documents/rounds/99999999999/{name}").status_code == 404
    publication.publish(built.round, by=make_user(role=Role.ADMIN))
    db.session.commit()
    client.post("/auth/logout")
    login(make_user(role=Role.OPERATOR))
    assert client.get(f"/documents/rounds/{built.round.id}/berita-acara.pdf").status_code == 403


# --- the draft decree -----------------------------------------------------------------------------------

def docx_text(data: bytes) -> tuple[str, object]:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return words(" ".join(parts)), document


def test_the_draft_decree_is_an_editable_docx_naming_every_winner(published_round, login, client, db):
    built, admin, snapshot = published_round(n_entries=8)
    document_settings.update(built.event, settings_form(decree_official="Bupati Mimika"), by=admin)
    db.session.commit()
    login(admin)
    response = client.get(f"/documents/rounds/{built.round.id}/sk-pemenang.docx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text, document = docx_text(response.data)
    assert "KEPUTUSAN BUPATI MIMIKA" in text and "TENTANG PENETAPAN PEMENANG" in text
    assert "Menimbang" in text and "Mengingat" in text and "MEMUTUSKAN" in text and "KESATU" in text
    assert "Peraturan Pemerintah Nomor 38 Tahun 2017 tentang Inovasi Daerah" in text
    assert "Ditetapkan di Timika" in text and public_checksum(snapshot) in text
    found = judging_results.published_results(snapshot)
    winners = [e for e in found.entries if e.winner]
    lampiran = document.tables[-1]
    assert [c.text for c in lampiran.rows[0].cells] == ["No", "Kategori", "Penghargaan", "Nama Inovasi",
                                                         "Perangkat Daerah", "Nilai"]
    rows = [[c.text for c in row.cells] for row in lampiran.rows[1:]]
    assert len(rows) == len(winners)
    assert {(r[2], r[3], r[4]) for r in rows} == {(e.award, e.innovation, e.opd) for e in winners}
    assert all("," in r[5] and "." not in r[5] for r in rows)  # "4,58": the Indonesian format
    assert all(e.innovation not in text for e in found.entries if not e.winner)


def test_every_certificate_of_a_round_in_one_zip(published_round, login, client, db):
    import time
    import zipfile

    built, admin, snapshot = published_round(n_entries=30, n_judges=3)
    login(admin)
    started = time.perf_counter()
    response = client.get(f"/documents/rounds/{built.round.id}/sertifikat.zip")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    found = judging_results.published_results(snapshot)
    winners = [e for e in found.entries if e.winner]
    assert len(names) == 30 and sum(n.startswith("sertifikat/") for n in names) == len(winners)
    assert sum(n.startswith("sertifikat-partisipasi/") for n in names) == 30 - len(winners)
    register = numbering.register(snapshot)
    numbers = set()
    for name in names:
        text, _reader = pdf_text(archive.read(name))
        numbers.add(re.search(r"Nomor: (\S+)", text).group(1))
    assert numbers == {c.number for c in register.values()}  # each its own registered number
    only_winners = zipfile.ZipFile(io.BytesIO(
        client.get(f"/documents/rounds/{built.round.id}/sertifikat.zip?pemenang=1").data))
    assert len(only_winners.namelist()) == len(winners)
    assert elapsed < 30, elapsed  # 30 certificates; the figure is in the report
    print(f"30 certificates zipped in {elapsed:.2f} s")
