"""Carry-over to a new assessment year (innovations.carry): what is taken over and marked, the report of what
the new rules ask again, the earlier year left as it was, and at most two entries in the award."""
import copy
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from innovation import rules as rules_module
from innovation.innovations import carry, evidence, services
from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation
from innovation.reporting.services import register
from innovation.web import Role

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")


def rules_2027_data() -> dict:
    """2026's rules with changes of every kind the report names."""
    data = json.loads(rules_module.raw_text(2026))
    new = copy.deepcopy(data)
    new["year"] = 2027
    by_no = {i["no"]: i for i in new["indicators"]}
    by_no[16]["parameters"] = ["Keputusan Kepala Perangkat Daerah", "Peraturan Kepala Daerah", "Peraturan Daerah"]
    by_no[17]["evidence"] = "PDF: SK penugasan dan daftar hadir pelatihan"
    by_no[19]["evidence_types"] = ["pdf"]
    by_no[19]["bobot"] = 3
    new["max_innovation_score"] = data["max_innovation_score"] + 3
    new["profile"]["eligibility"] = {"from": "2025-01-01", "to": "2026-12-31"}
    new["profile"]["rancang_bangun_min_words"] = 400
    new["options"]["urusan"] = new["options"]["urusan"][1:]
    return new


@pytest.fixture
def year_2027(tmp_path):
    before = rules_module.added_directory()
    rules_module.use_directory(tmp_path)
    rules_module.add_rules_file(json.dumps(rules_2027_data()).encode())
    yield rules_module.get_rules(2027)
    rules_module.use_directory(before)


def _answer_with_file(innovation, no, parameter, user, *, data=PDF, name="bukti.pdf"):
    services.save_answer(innovation, no, parameter=parameter, basis=None, informasi=f"penjelasan {no}", by=user)
    evidence.attach_file(innovation, indicator_no=no, stream=io.BytesIO(data), filename=name, by=user)


@pytest.fixture
def filled(db, make_user, make_innovation):
    operator = make_user(role=Role.OPERATOR)
    first_urusan = rules_module.get_rules(2026).options["urusan"][0].code
    innovation = make_innovation(opd=operator.opd, nama="SIPANDU Kampung", urusan_utama=first_urusan,
                                 waktu_penerapan=date(2024, 3, 1), rancang_bangun="kata " * 320)
    for no, parameter in ((16, 2), (17, 1), (18, 3), (22, 1)):
        _answer_with_file(innovation, no, parameter, operator)
    _answer_with_file(innovation, 19, 2, operator, data=PNG, name="foto.png")
    services.refresh_derived(innovation)
    return operator, innovation


def test_carry_report_and_what_is_taken_over(db, filled, year_2027):
    operator, old = filled
    before = (old.claimed_score, old.version, len(old.answers), len(old.evidence), old.rules_year)
    new = carry.carry_forward(old, 2027, by=operator)
    kinds = {(item["kind"], item.get("no")) for item in new.carry_report}
    assert {("parameters_changed", 16), ("evidence_changed", 17), ("year_relative", 18), ("file_type", 19),
            ("bobot_changed", 19), ("words_below", None), ("eligibility", None),
            ("option_removed", None)} <= kinds
    assert new.rules_year == 2027 and new.carried_from_id == old.id and new.opd_id == old.opd_id
    assert new.urusan_utama is None  # the option is gone: to choose again
    parameters = {a.indicator_no: a.parameter for a in new.answers}
    assert parameters == {16: None, 17: 1, 18: 3, 19: 2, 22: 1}  # 16 asked again, its explanation kept
    assert all(a.carried_at is not None for a in new.answers)
    # evidence whose requirement still holds comes along (16: asked to answer again, its SK still counts)
    carried = {e.indicator_no: e for e in new.evidence}
    assert sorted(carried) == [16, 22] and carried[22].carried_from_id is not None
    assert carried[22].file_id == next(e.file_id for e in old.evidence if e.indicator_no == 22)  # no blob copy
    # the earlier year is unchanged
    db.session.expire_all()
    old = db.session.get(Innovation, old.id)
    assert (old.claimed_score, old.version, len(old.answers), len(old.evidence), old.rules_year) == before
    lines = [carry.describe(item) for item in new.carry_report]
    assert any("Jawab ulang" in line.text and line.action == "answer" for line in lines)
    assert any(line.action == "evidence" and line.indicator_no == 17 for line in lines)


def test_saving_a_carried_line_clears_its_mark(db, filled, year_2027):
    operator, old = filled
    new = carry.carry_forward(old, 2027, by=operator)
    services.save_answer(new, 17, parameter=2, basis=None, informasi="baru", by=operator)
    marks = {a.indicator_no: a.carried_at for a in new.answers}
    assert marks[17] is None and marks[22] is not None


def test_unchanged_rules_take_everything_over(db, make_user, make_innovation):
    operator = make_user(role=Role.OPERATOR)
    old = make_innovation(opd=operator.opd, nama="Kartu Sehat", rules_year=2025)
    _answer_with_file(old, 16, 3, operator)
    _answer_with_file(old, 17, 2, operator)
    new = carry.carry_forward(old, 2026, by=operator)
    assert {a.indicator_no: a.parameter for a in new.answers} == {16: 3, 17: 2}
    assert sorted(e.indicator_no for e in new.evidence) == [16, 17]
    assert new.claimed_score == old.claimed_score > 0
    assert all(item["kind"] not in ("parameters_changed", "evidence_changed") for item in new.carry_report)


def test_refusals(db, make_user, make_innovation):
    operator, stranger = make_user(role=Role.OPERATOR), make_user(role=Role.OPERATOR)
    old = make_innovation(opd=operator.opd, nama="Pojok Baca", rules_year=2025)
    with pytest.raises(carry.CarryError):
        carry.carry_forward(old, 2025, by=operator)  # not a later year
    with pytest.raises(carry.CarryError) as error:
        carry.carry_forward(old, 2031, by=operator)
    assert "2031" in str(error.value)
    with pytest.raises(carry.CarryError):
        carry.carry_forward(old, 2026, by=stranger)  # another OPD's
    with pytest.raises(carry.CarryError):
        carry.carry_forward(old, None, by=operator)  # no later year's rules (the form sent none)
    new = carry.carry_forward(old, 2026, by=operator)
    with pytest.raises(carry.CarryError) as error:
        carry.carry_forward(old, 2026, by=operator)
    assert f"#{new.id}" in str(error.value)


def test_same_name_already_in_the_new_year_refused(db, make_user, make_innovation):
    operator = make_user(role=Role.OPERATOR)
    old = make_innovation(opd=operator.opd, nama="Bank Sampah", rules_year=2025)
    make_innovation(opd=operator.opd, nama="Bank Sampah", rules_year=2026)
    with pytest.raises(services.InnovationError) as error:
        carry.carry_forward(old, 2026, by=operator)
    assert "sudah punya inovasi bernama" in str(error.value)


def test_at_most_two_award_entries(db, make_user, make_innovation, year_2027):
    admin = make_user(role=Role.ADMIN)
    first = make_innovation(nama="Mal Pelayanan", rules_year=2025)
    register(first, by=admin)
    second = carry.carry_forward(first, 2026, by=admin)
    assert carry.award_entries(second) == [2025]
    register(second, by=admin)
    with pytest.raises(carry.CarryError) as error:
        carry.carry_forward(second, 2027, by=admin)
    assert "dua kali" in str(error.value) and "2025, 2026" in str(error.value)
    # entered once only: the third year may be carried, but a third registration along the chain is refused
    other = make_innovation(nama="Pasar Online", rules_year=2025)
    register(other, by=admin)
    middle = carry.carry_forward(other, 2026, by=admin)
    last = carry.carry_forward(middle, 2027, by=admin)
    register(last, by=admin)  # entries 2025 and 2027: two, allowed
    assert carry.award_entries(last) == [2025, 2027]


def test_registration_refuses_a_third_entry(db, make_user, make_innovation, year_2027):
    admin = make_user(role=Role.ADMIN)
    a = make_innovation(nama="Sekolah Lapang", rules_year=2025)
    register(a, by=admin)
    b = carry.carry_forward(a, 2026, by=admin)
    register(b, by=admin)
    b.registered_at = None  # unregistered after the carry: the 2027 copy may be made ...
    db.session.flush()
    c = carry.carry_forward(b, 2027, by=admin)
    b.registered_at = a.registered_at
    db.session.flush()
    with pytest.raises(carry.CarryError):  # ... but not registered as a third entry
        register(c, by=admin)


def test_pages_single_and_many(client, db, make_user, make_innovation, login, year_2027):
    admin = make_user(role=Role.ADMIN)
    one = make_innovation(nama="Posyandu Digital", rules_year=2026)
    two = make_innovation(nama="Taman Baca", rules_year=2026)
    twice = make_innovation(nama="Sudah Dua Kali", rules_year=2025)
    register(twice, by=admin)
    twice_2026 = carry.carry_forward(twice, 2026, by=admin)
    register(twice_2026, by=admin)
    login(admin)
    page = client.get(f"/innovations/{one.id}/carry?year=2027").get_data(as_text=True)
    assert "Yang perlu diulang menurut aturan 2027" in page and "Jawab ulang" not in page  # nothing answered
    response = client.post(f"/innovations/{one.id}/carry", data={"year": "2027"})
    assert response.status_code == 302
    created = db.session.scalar(select(Innovation).where(Innovation.carried_from_id == one.id))
    detail = client.get(f"/innovations/{created.id}").get_data(as_text=True)
    assert "Dibawa dari 2026" in detail
    page = client.get("/innovations/carry?from=2026&to=2027").get_data(as_text=True)
    assert "sudah dibawa ke 2027" in page and "dua kali" in page
    response = client.post("/innovations/carry", data={"from": "2026", "to": "2027",
                                                       "innovation": [str(two.id), str(twice_2026.id), "x"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Laporan pembawaan" in page
    assert db.session.scalar(select(func.count()).select_from(Innovation).where(
        Innovation.carried_from_id == two.id)) == 1
    assert db.session.scalar(select(Innovation).where(Innovation.carried_from_id == twice_2026.id)) is None
    assert client.get("/innovations/999999999999/carry").status_code == 404
    assert client.get(f"/innovations/{one.id}/carry?year=abc").status_code == 200
    latest = make_innovation(nama="Tahun Terakhir", rules_year=2027)
    assert client.post(f"/innovations/{latest.id}/carry", data={}).status_code == 200  # no later year: a message


def test_operator_carries_only_their_own(client, db, make_user, make_innovation, login):
    operator = make_user(role=Role.OPERATOR)
    mine = make_innovation(opd=operator.opd, nama="Milik Sendiri", rules_year=2025)
    theirs = make_innovation(nama="Milik OPD Lain", rules_year=2025)
    login(operator)
    page = client.get("/innovations/carry?from=2025&to=2026").get_data(as_text=True)
    assert "Milik Sendiri" in page and "Milik OPD Lain" not in page
    assert client.post(f"/innovations/{theirs.id}/carry", data={"year": "2026"}).status_code == 403
    client.post("/innovations/carry", data={"from": "2025", "to": "2026", "innovation": [str(mine.id), str(theirs.id)]})
    assert db.session.scalar(select(Innovation).where(Innovation.carried_from_id == theirs.id)) is None
    assert db.session.scalar(select(Innovation).where(Innovation.carried_from_id == mine.id)) is not None
