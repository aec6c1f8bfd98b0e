from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.innovations import services
from innovation.innovations.models import Evidence, Innovation
from innovation.storage.models import StoredFile
from innovation.web import Role


def _attach_fake_evidence(db, innovation, no):
    """A minimal current evidence row (the evidence module's own tests cover real uploads)."""
    stored = StoredFile(key=f"k/{innovation.id}/{no}", original_name="bukti.pdf", content_type="application/pdf",
                        extension="pdf", size=10, sha256="0" * 64)
    db.session.add(stored)
    db.session.flush()
    item = Evidence(innovation=innovation, indicator_no=no, file_id=stored.id)
    db.session.add(item)
    db.session.flush()
    return item


# --- services ---------------------------------------------------------------------------------

def test_create_innovation_logs_and_scores_zero(db, make_user):
    operator = make_user(role=Role.OPERATOR)
    innovation = services.create_innovation(operator.opd, nama="  SIPANDU  ", by=operator)
    assert innovation.nama == "SIPANDU" and innovation.claimed_score == 0
    assert innovation.gap_count > 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "innovation.create")).actor_id == operator.id


def test_create_requires_a_name(db, make_user):
    operator = make_user()
    with pytest.raises(services.InnovationError):
        services.create_innovation(operator.opd, nama="   ", by=operator)


def test_profile_update_validates_dates_and_options(db, make_user, make_innovation):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    base = {"nama": "X", "waktu_uji_coba": date(2024, 5, 1), "waktu_penerapan": date(2024, 4, 1)}
    with pytest.raises(services.InnovationError) as error:
        services.update_profile(innovation, base, by=operator)
    assert error.value.field == "waktu_penerapan"
    with pytest.raises(services.InnovationError):
        services.update_profile(innovation, {"nama": "X", "tahapan": "Penerapan"}, by=operator)  # label, not code
    with pytest.raises(services.InnovationError):
        services.update_profile(innovation, {"nama": "X", "latitude": "-4.5"}, by=operator)  # longitude missing
    with pytest.raises(services.InnovationError):
        services.update_profile(innovation, {"nama": "X", "latitude": "95", "longitude": "136"}, by=operator)


def test_profile_update_stores_codes_counts_words_and_audits(db, make_user, make_innovation):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    changes = services.update_profile(innovation, {
        "nama": "Layanan Adminduk Keliling", "tahapan": "penerapan", "urusan_utama": "kesehatan",
        "urusan_lain": ["sosial", "kesehatan", "sosial"], "latitude": "-4,546700", "longitude": "136.883700",
        "rancang_bangun": "kata " * 301, "waktu_uji_coba": date(2024, 1, 10), "waktu_penerapan": date(2024, 3, 1),
    }, by=operator)
    assert innovation.tahapan == "penerapan"
    assert innovation.urusan_lain == ["sosial"]  # de-duplicated, the main urusan removed
    assert innovation.latitude == Decimal("-4.546700")
    assert innovation.rancang_bangun_words == 301
    assert "tahapan" in changes
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "innovation.update")).one()
    assert event.changes["rancang_bangun"] == ["0 kata", "301 kata"]


def test_save_answer_updates_the_claimed_score(db, make_user, make_innovation):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    services.save_answer(innovation, 16, parameter=3, basis=None, informasi="SK Bupati", by=operator)
    assert innovation.claimed_score == 0  # no evidence yet
    _attach_fake_evidence(db, innovation, 16)
    services.refresh_derived(innovation)
    assert innovation.claimed_score == 9
    assert innovation.maturity_percent == Decimal("8.11")


def test_plain_row_readers_agree_with_the_orm(db, make_user, make_innovation):
    """The score page reads answers and evidence as plain rows: the same claims, the same current
    evidence in the same order, the same assessment as from the loaded innovation."""
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    services.save_answer(innovation, 16, parameter=3, basis=None, informasi="SK Bupati", by=operator)
    services.save_answer(innovation, 33, parameter=2, basis="c", informasi="", by=operator)
    first = _attach_fake_evidence(db, innovation, 16)
    _attach_fake_evidence(db, innovation, 17)
    first.removed_at = first.created_at  # a removed item is not current
    db.session.flush()
    db.session.refresh(innovation, ["answers", "evidence"])
    rows = services.current_evidence_rows(innovation.id)
    assert [r.id for r in rows] == [e.id for e in services.current_evidence(innovation)]
    assert all(r.is_file and r.file_name == e.file.original_name and r.is_inline_viewable == e.file.is_inline_viewable
               for r, e in zip(rows, services.current_evidence(innovation), strict=True))
    assert services.claims_by_id(innovation.id) == services.claims_of(innovation)
    nos = {r.indicator_no for r in rows if r.indicator_no is not None}
    assert nos == {17}
    by_rows = services.assess_values(innovation.rules, services.profile_values(innovation),
                                     services.claims_by_id(innovation.id), nos)
    assert by_rows == services.assess(innovation)


def test_save_answer_rules(db, make_user, make_innovation):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    with pytest.raises(services.InnovationError):
        services.save_answer(innovation, 99, parameter=1, basis=None, informasi="", by=operator)
    with pytest.raises(services.InnovationError):
        services.save_answer(innovation, 16, parameter=4, basis=None, informasi="", by=operator)
    with pytest.raises(services.InnovationError) as error:
        services.save_answer(innovation, 33, parameter=2, basis=None, informasi="", by=operator)
    assert error.value.field == "basis"
    answer = services.save_answer(innovation, 33, parameter=2, basis="c", informasi="", by=operator)
    assert answer.basis == "c"


def test_changing_a_verified_claim_sends_it_back(db, make_user, make_innovation):
    from innovation.innovations.models import VerificationStatus

    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    answer = services.save_answer(innovation, 17, parameter=2, basis=None, informasi="", by=operator)
    answer.verification_status = VerificationStatus.SESUAI
    services.refresh_derived(innovation)
    assert innovation.verified_score is not None
    services.save_answer(innovation, 17, parameter=3, basis=None, informasi="", by=operator)
    assert answer.verification_status is None
    assert innovation.verified_score is None  # the only verified line went back: no stale figure


# --- permissions ------------------------------------------------------------------------------

def test_permission_methods(make_user, make_innovation):
    owner = make_user()
    other = make_user()
    admin = make_user(role=Role.ADMIN)
    verifier = make_user(role=Role.VERIFIER)
    judge = make_user(role=Role.JUDGE, opd=owner.opd)
    innovation = make_innovation(opd=owner.opd)
    assert innovation.can_edit(owner) and innovation.can_view(owner)
    assert not innovation.can_edit(other) and not innovation.can_view(other)
    assert innovation.can_edit(admin)
    assert innovation.can_view(verifier) and not innovation.can_edit(verifier)
    assert not innovation.can_view(judge)  # judges see entries through judging, not the registry


def test_policy_rules(db, make_user, make_innovation):
    from innovation.innovations import policy

    owner, other = make_user(), make_user()
    admin, verifier, judge = (make_user(role=role) for role in (Role.ADMIN, Role.VERIFIER, Role.JUDGE))
    assert policy.own_opd_id(owner) == owner.opd_id
    assert [policy.own_opd_id(u) for u in (admin, verifier, judge)] == [None, None, None]
    assert [policy.can_create(u) for u in (owner, admin, verifier, judge)] == [True, True, False, False]
    item = _attach_fake_evidence(db, make_innovation(opd=owner.opd), 16)
    assert [policy.can_download_evidence(item, u) for u in (owner, other, admin, verifier, judge)] == [
        True, False, True, True, False]


# --- views ------------------------------------------------------------------------------------

def test_operator_creates_and_edits_an_innovation(client, make_user, login):
    operator = make_user()
    login(operator)
    response = client.post("/innovations/new", data={"nama": "Puskesmas Keliling", "rules_year": "2026"})
    assert response.status_code == 302
    innovation_id = int(response.headers["Location"].rstrip("/").split("/")[-2])
    page = client.get(f"/innovations/{innovation_id}/profile")
    assert page.status_code == 200
    assert "Rancang Bangun" in page.get_data(as_text=True)
    response = client.post(f"/innovations/{innovation_id}/profile", data={
        "nama": "Puskesmas Keliling", "tahapan": "uji_coba", "waktu_uji_coba": "2024-05-01",
        "waktu_penerapan": "2024-04-01", "rancang_bangun": "Teks yang diketik panjang sekali",
    })
    body = response.get_data(as_text=True)
    assert response.status_code == 200  # re-rendered with the error, typed text kept
    assert "tidak boleh sebelum" in body and "Teks yang diketik panjang sekali" in body
    response = client.post(f"/innovations/{innovation_id}/profile", data={
        "nama": "Puskesmas Keliling", "tahapan": "uji_coba", "waktu_uji_coba": "2024-05-01",
        "waktu_penerapan": "2024-06-01", "version": "1",
    })
    assert response.status_code == 302
    detail = client.get(f"/innovations/{innovation_id}").get_data(as_text=True)
    assert "Uji Coba" in detail and "Daftar periksa kesiapan" in detail


def test_indicator_page_saves_and_shows_score(client, db, make_user, make_innovation, login):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    login(operator)
    page = client.get(f"/innovations/{innovation.id}/indicators/16")
    assert page.status_code == 200 and "Regulasi Inovasi Daerah" in page.get_data(as_text=True)
    response = client.post(f"/innovations/{innovation.id}/indicators/16", data={"parameter": "2", "next": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/indicators/17")
    assert services.get_answer(innovation, 16).parameter == 2
    response = client.post(f"/innovations/{innovation.id}/indicators/33", data={"parameter": "2"})
    assert response.status_code == 200 and "dasar penilaian" in response.get_data(as_text=True).lower()
    assert client.get(f"/innovations/{innovation.id}/indicators/99").status_code == 404


def test_other_opd_cannot_read_or_change(client, make_user, make_innovation, login):
    owner, intruder = make_user(), make_user()
    innovation = make_innovation(opd=owner.opd, nama="Rahasia OPD A")
    login(intruder)
    assert client.get(f"/innovations/{innovation.id}").status_code == 403
    assert client.get(f"/innovations/{innovation.id}/profile").status_code == 403
    assert client.post(f"/innovations/{innovation.id}/profile", data={"nama": "dibajak"}).status_code == 403
    assert client.post(f"/innovations/{innovation.id}/indicators/16", data={"parameter": "3"}).status_code == 403
    assert "Rahasia OPD A" not in client.get("/innovations/").get_data(as_text=True)
    assert innovation.nama == "Rahasia OPD A"


def test_verifier_reads_but_cannot_edit(client, make_user, make_innovation, login):
    innovation = make_innovation()
    login(make_user(role=Role.VERIFIER))
    assert client.get(f"/innovations/{innovation.id}").status_code == 200
    assert client.get(f"/innovations/{innovation.id}/indicators/16").status_code == 200
    assert client.post(f"/innovations/{innovation.id}/indicators/16", data={"parameter": "3"}).status_code == 403
    assert client.get(f"/innovations/{innovation.id}/profile").status_code == 403


def test_admin_creates_for_an_opd(client, make_user, make_opd, login):
    opd = make_opd(name="Dinas Sosial Uji")
    login(make_user(role=Role.ADMIN))
    response = client.post("/innovations/new", data={"nama": "Bansos Tepat", "opd_id": str(opd.id), "rules_year": "2025"})
    assert response.status_code == 302
    listing = client.get(f"/innovations/?opd={opd.id}").get_data(as_text=True)
    assert "Bansos Tepat" in listing


def test_an_operator_lists_their_own_opd_only(client, make_user, make_innovation, login):
    owner = make_user()
    make_innovation(opd=owner.opd, nama="Punya Kami")
    theirs = make_innovation(nama="Punya Mereka")
    login(owner)
    page = client.get(f"/innovations/?opd={theirs.opd_id}").get_data(as_text=True)  # the filter cannot widen it
    assert "Punya Kami" in page and "Punya Mereka" not in page
    assert f"· {owner.opd.name}" in page and 'href="/innovations/new"' in page
    assert 'name="opd"' not in page  # no OPD filter for an operator


def test_a_verifier_lists_every_opd_and_cannot_add(client, make_user, make_innovation, login):
    first = make_innovation(nama="Inovasi Satu")
    make_innovation(nama="Inovasi Dua")
    login(make_user(role=Role.VERIFIER))
    page = client.get("/innovations/").get_data(as_text=True)
    assert "Inovasi Satu" in page and "Inovasi Dua" in page and 'name="opd"' in page
    assert 'href="/innovations/new"' not in page
    only = client.get(f"/innovations/?opd={first.opd_id}").get_data(as_text=True)
    assert "Inovasi Satu" in only and "Inovasi Dua" not in only
    assert "Inovasi Dua" in client.get(f"/innovations/?opd={2**31}").get_data(as_text=True)  # out of range: all


def test_an_operator_of_an_inactive_opd_sees_why_nothing_was_created(client, make_user, make_opd, login):
    operator = make_user(opd=make_opd(active=False))
    login(operator)
    response = client.post("/innovations/new", data={"nama": "Tidak Jadi", "rules_year": "2026"})
    assert response.status_code == 200 and "OPD ini tidak aktif." in response.get_data(as_text=True)


@pytest.mark.parametrize("huge", [2**31, 2**63])
def test_ids_past_the_column_range_are_404(app, client, make_user, login, huge):
    """Every route of the area with an id: 404, not a database error (PostgreSQL refuses 2**31 for an
    INTEGER, SQLite 2**63 for any integer)."""
    login(make_user(role=Role.ADMIN))
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("innovations.") and r.arguments]
    assert rules
    for rule in rules:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(huge))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert client.open(path, method=method).status_code == 404, (method, path)


def test_list_statement_count_does_not_grow(client, db, make_user, make_innovation, login, count_statements):
    operator = make_user()
    login(operator)
    for _ in range(3):
        make_innovation(opd=operator.opd)
    with count_statements() as few:
        assert client.get("/innovations/").status_code == 200
    for _ in range(30):
        make_innovation(opd=operator.opd)
    with count_statements() as many:
        assert client.get("/innovations/").status_code == 200
    assert few.count == many.count
    total = db.session.scalar(select(Innovation.id).where(Innovation.opd_id == operator.opd_id).limit(1))
    assert total is not None
