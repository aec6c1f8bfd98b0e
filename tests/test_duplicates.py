"""Duplicate detection (innovations.duplicates, reporting.duplicates): similar names and descriptions on
create and rename, the same OPD's same name refused, the admin's report, merge and "distinct".

Both methods run here: pg_trgm on PostgreSQL (migration 0020 creates the extension), RapidFuzz on SQLite,
with the same expected pairs. Measured on the shared 2-core test machine (SQLite): the report's pair search
over 1,000 innovations takes 0.5 s, over 3,000 5.7 s; one name's search 26 / 78 ms."""
import time

import pytest
from sqlalchemy import select

from innovation.events import entries as entry_services
from innovation.innovations import duplicates, services
from innovation.innovations.models import DuplicateDecision, Innovation
from innovation.reporting.duplicates import merge_duplicate
from innovation.web import Role

LONG_TEXT = ("Dasar hukum inovasi ini adalah Peraturan Bupati tentang pelayanan kesehatan keliling di distrik "
             "pedalaman. Permasalahan: warga kampung jauh dari puskesmas. Metode: tim keliling dengan perahu motor "
             "dan pencatatan rekam medis di tablet yang tersinkron saat ada sinyal.")


def test_method_matches_the_backend(app, db):
    schema = duplicates.trigram_schema()
    if db.engine.dialect.name == "postgresql":
        assert schema is not None  # the migration created pg_trgm
    else:
        assert schema is None


def test_similar_names_found_across_opds_and_years(db, make_opd, make_innovation):
    mine, other = make_opd(), make_opd(name="Dinas Kesehatan Uji")
    a = make_innovation(opd=other, nama="SIPANDU Kesehatan Online", rules_year=2025)
    b = make_innovation(opd=mine, nama="SI-PANDU")
    make_innovation(opd=mine, nama="Bank Sampah Digital")
    found = {s.id: s for s in duplicates.similar_innovations("Sipandu Kesehatan")}
    assert a.id in found and found[a.id].opd_name == "Dinas Kesehatan Uji" and found[a.id].rules_year == 2025
    assert b.id in {s.id for s in duplicates.similar_innovations("SIPANDU")}
    assert duplicates.similar_innovations("Pasar Digital") == []  # one shared common word is not alike
    assert 0 < found[a.id].score <= 100


def test_similar_by_description(db, make_innovation):
    other = make_innovation(nama="Puskesmas Terapung", rancang_bangun=LONG_TEXT)
    found = duplicates.similar_innovations("Layanan Perahu Sehat", LONG_TEXT.replace("tablet", "ponsel"))
    assert [s.id for s in found] == [other.id] and found[0].by_description
    assert duplicates.similar_innovations("Layanan Perahu Sehat", "pendek") == []


def test_exclude_leaves_out_itself_and_its_carried_copies(db, make_innovation):
    old = make_innovation(nama="Kampung KB Digital", rules_year=2025)
    new = make_innovation(opd=old.opd, nama="Kampung KB Digital", carried_from_id=old.id)
    assert duplicates.similar_innovations("Kampung KB Digital", exclude=new) == []
    assert {s.id for s in duplicates.similar_innovations("Kampung KB Digital")} == {old.id, new.id}


def test_same_opd_same_year_same_name_refused(db, make_user):
    operator = make_user(role=Role.OPERATOR)
    first = services.create_innovation(operator.opd, nama="Layanan Adminduk Keliling", by=operator)
    with pytest.raises(services.InnovationError) as error:
        services.create_innovation(operator.opd, nama="  layanan  ADMINDUK keliling. ", by=operator)
    assert error.value.field == "nama" and "Layanan Adminduk Keliling" in str(error.value)
    # another year, or another OPD: allowed (the page asks to confirm)
    services.create_innovation(operator.opd, nama="Layanan Adminduk Keliling", by=operator, rules_year=2025)
    other = make_user(role=Role.OPERATOR)
    services.create_innovation(other.opd, nama="Layanan Adminduk Keliling", by=other)
    # a rename onto the name of another innovation of the OPD is refused too
    second = services.create_innovation(operator.opd, nama="Adminduk Online", by=operator)
    with pytest.raises(services.InnovationError):
        services.update_profile(second, {"nama": "LAYANAN ADMINDUK KELILING"}, by=operator)
    services.update_profile(first, {"nama": "Layanan Adminduk Keliling"}, by=operator)  # itself: fine


def test_new_page_warns_then_creates_after_confirmation(client, db, make_user, make_innovation, login):
    operator = make_user(role=Role.OPERATOR)
    other = make_innovation(nama="Sistem Antrean Puskesmas Online")
    login(operator)
    response = client.post("/innovations/new", data={"nama": "Sistem Antrean Puskesmas", "rules_year": "2026"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Inovasi yang mirip sudah ada" in page
    assert "Sistem Antrean Puskesmas Online" in page and other.opd.name in page
    assert f"/innovations/{other.id}\"" not in page  # another OPD's innovation: named, not linked
    assert db.session.scalar(select(Innovation).where(Innovation.nama == "Sistem Antrean Puskesmas")) is None
    response = client.post("/innovations/new", data={"nama": "Sistem Antrean Puskesmas", "rules_year": "2026",
                                                     "confirm_distinct": "y"})
    assert response.status_code == 302
    created = db.session.scalar(select(Innovation).where(Innovation.nama == "Sistem Antrean Puskesmas"))
    assert created.opd_id == operator.opd_id
    # the same name again in the same OPD and year: refused with the message, even when confirmed
    response = client.post("/innovations/new", data={"nama": "sistem antrean puskesmas", "rules_year": "2026",
                                                     "confirm_distinct": "y"})
    assert response.status_code == 200 and "sudah punya inovasi bernama" in response.get_data(as_text=True)


def test_rename_warns(client, db, make_user, make_innovation, login):
    operator = make_user(role=Role.OPERATOR)
    mine = make_innovation(opd=operator.opd, nama="Inovasi Lama")
    make_innovation(nama="Gerakan Literasi Kampung")
    login(operator)
    data = {"nama": "Gerakan Literasi Kampung Mimika", "version": str(mine.version)}
    response = client.post(f"/innovations/{mine.id}/profile", data=data)
    assert response.status_code == 200 and "mirip inovasi lain" in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.nama == "Inovasi Lama"
    response = client.post(f"/innovations/{mine.id}/profile", data={**data, "confirm_distinct": "y"})
    assert response.status_code == 302
    db.session.refresh(mine)
    assert mine.nama == "Gerakan Literasi Kampung Mimika"


def test_report_lists_pairs_without_carried_or_distinct(db, make_opd, make_user, make_innovation):
    admin = make_user(role=Role.ADMIN)
    a = make_innovation(nama="Bank Sampah Kampung Hijau")
    b = make_innovation(nama="Bank Sampah Kampung Hijau Mimika")
    c = make_innovation(nama="Pojok Baca Digital")
    d = make_innovation(opd=c.opd, nama="Pojok Baca Digital", rules_year=2025)
    c.carried_from_id = d.id
    db.session.flush()
    pairs = {(p.first.id, p.second.id) for p in duplicates.likely_duplicates()}
    assert (a.id, b.id) in pairs and (min(c.id, d.id), max(c.id, d.id)) not in pairs
    duplicates.mark_distinct(b, a, by=admin)
    assert (a.id, b.id) not in {(p.first.id, p.second.id) for p in duplicates.likely_duplicates()}
    assert db.session.scalar(select(DuplicateDecision.first_id)) == a.id
    with pytest.raises(duplicates.DuplicateError):
        duplicates.mark_distinct(a, a, by=admin)


def test_merge_moves_missing_answers_and_evidence(db, make_user, make_innovation):
    from tests.test_innovations import _attach_fake_evidence

    admin = make_user(role=Role.ADMIN)
    keep = make_innovation(nama="Mal Pelayanan Publik")
    drop = make_innovation(nama="Mal Pelayanan Publik (2)")
    services.save_answer(keep, 16, parameter=1, basis=None, informasi="", by=admin)
    services.save_answer(drop, 16, parameter=3, basis=None, informasi="", by=admin)
    services.save_answer(drop, 17, parameter=2, basis=None, informasi="", by=admin)
    _attach_fake_evidence(db, drop, 17)
    merge_duplicate(keep, drop, by=admin)
    assert db.session.get(Innovation, drop.id) is None
    answers = {a.indicator_no: a.parameter for a in keep.answers}
    assert answers == {16: 1, 17: 2}  # the kept one's own answer wins
    assert [e.indicator_no for e in keep.evidence] == [17]
    assert keep.claimed_score > 0


def test_merge_refused_across_years_and_for_entered_innovations(db, make_user, make_innovation, make_event):
    admin = make_user(role=Role.ADMIN)
    keep = make_innovation(nama="Kartu Sehat")
    older = make_innovation(nama="Kartu Sehat", rules_year=2025)
    with pytest.raises(duplicates.DuplicateError) as error:
        merge_duplicate(keep, older, by=admin)
    assert "2025" in str(error.value)
    entered = make_innovation(nama="Kartu Sehat Plus")
    event = make_event()
    entry_services.enter_innovation(event, entered, event.categories[0], by=admin)
    with pytest.raises(duplicates.DuplicateError) as error:
        merge_duplicate(keep, entered, by=admin)
    assert "Pekan Inovasi" in str(error.value)


def test_report_page_and_actions(client, db, make_user, make_innovation, login):
    admin = make_user(role=Role.ADMIN)
    a = make_innovation(nama="Posyandu Remaja Digital")
    b = make_innovation(nama="Posyandu Remaja Digital Kota")
    login(admin)
    page = client.get("/reporting/duplicates").get_data(as_text=True)
    assert "Posyandu Remaja Digital Kota" in page
    response = client.post("/reporting/duplicates/merge", data={"first": str(a.id), "second": str(b.id)})
    assert response.status_code == 302
    assert db.session.get(Innovation, b.id) is None
    response = client.post("/reporting/duplicates/merge", data={"first": "x", "second": "99999999999"})
    assert response.status_code == 404


def test_report_scales_to_a_district(db, make_opd):
    opd = make_opd()
    words = ["layanan", "kampung", "digital", "sehat", "pintar", "cepat", "terpadu", "mandiri", "hijau", "aman"]
    db.session.add_all(Innovation(opd=opd, opd_id=opd.id, rules_year=2026, urusan_lain=[],
                                  nama=f"{words[i % 10]} {words[(i // 10) % 10]} {words[(i // 100) % 10]} {i}")
                       for i in range(1000))
    db.session.flush()
    started = time.perf_counter()
    pairs = duplicates.likely_duplicates()
    assert time.perf_counter() - started < 20
    assert len(pairs) == duplicates.REPORT_LIMIT
