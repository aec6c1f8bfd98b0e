"""Reporting pages: dashboard, queue, verification, resubmission, registration, regional values."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from innovation.innovations import services as innovations
from innovation.innovations.models import VerificationStatus
from innovation.reporting import services
from innovation.reporting.models import RegionalIndicatorValue
from innovation.web import Role
from test_reporting_services import attach


def seen_on_page(html: str, no: int) -> str:
    """The hidden ``seen`` of line ``no``'s verification form: the line as the verifier saw it."""
    section = html[html.index(f'id="line-{no}"'):]
    return re.search(r'name="seen" type="hidden" value="([^"]*)"', section).group(1)


@pytest.fixture
def line(db, make_user, make_innovation):
    """An operator's innovation with 16 claimed at parameter 3 (bobot 3) with evidence: 9 points."""
    operator = make_user()
    innovation = make_innovation(opd=operator.opd, rules_year=2026, nama="Sistem Antrean Puskesmas")
    attach(db, innovation, 16)
    innovations.save_answer(innovation, 16, parameter=3, basis=None, informasi="", by=operator)
    return innovation, operator


def test_verifier_corrects_a_line_and_the_operator_sees_it(client, db, make_user, login, line):
    innovation, operator = line
    login(make_user(role=Role.VERIFIER))
    page = client.get(f"/reporting/verification/{innovation.id}")
    assert page.status_code == 200
    assert b"inline=1" in page.data  # evidence opens inline
    response = client.post(f"/reporting/verification/{innovation.id}/lines/16",
                           data={"status": "diperbaiki", "verified_parameter": "1", "note": "Hanya SK Kepala Dinas.",
                                 "seen": seen_on_page(page.get_data(as_text=True), 16)})
    assert response.status_code == 302
    answer = services.answer_for(innovation, 16)
    assert answer.verification_status == VerificationStatus.DIPERBAIKI
    assert innovation.verified_score == 3  # 3 x 1
    client.post("/auth/logout")
    login(operator)
    detail = client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    assert "Hanya SK Kepala Dinas." in detail and 'data-verification="diperbaiki"' in detail
    assert "data-verified>3 / 111" in detail and "data-claimed>9 / 111" in detail
    indicator = client.get(f"/innovations/{innovation.id}/indicators/16").get_data(as_text=True)
    assert "Hanya SK Kepala Dinas." in indicator and "Ajukan ulang" in indicator


def test_missing_note_rerenders_with_the_typed_values(client, db, make_user, login, line):
    innovation, _ = line
    login(make_user(role=Role.ADMIN))
    response = client.post(f"/reporting/verification/{innovation.id}/lines/16",
                           data={"status": "ditolak", "verified_parameter": "", "note": "",
                                 "seen": services.line_fingerprint(services.answer_for(innovation, 16))})
    assert response.status_code == 400
    assert "Catatan wajib diisi" in response.get_data(as_text=True)
    assert services.answer_for(innovation, 16).verification_status is None


def test_bad_input_is_not_a_server_error(client, db, make_user, login, line):
    innovation, _ = line
    login(make_user(role=Role.VERIFIER))
    assert client.post(f"/reporting/verification/{innovation.id}/lines/16",
                       data={"status": "x", "verified_parameter": "9"}).status_code == 400
    assert client.post(f"/reporting/verification/{innovation.id}/lines/99", data={"status": "sesuai"}).status_code == 400
    assert client.get("/reporting/?year=abc&page=-1&opd=x&registered=?").status_code == 200
    assert client.get("/reporting/regional?year=1999").status_code == 200
    assert client.get("/reporting/verification/999999").status_code == 404


def test_operator_resubmits_from_the_indicator_page(client, db, make_user, login, line):
    innovation, operator = line
    services.verify_line(services.answer_for(innovation, 16), "ditolak", None, "SK tidak terbaca.",
                         by=make_user(role=Role.VERIFIER))
    login(operator)
    response = client.post(f"/reporting/innovations/{innovation.id}/lines/16/resubmit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/innovations/{innovation.id}/indicators/16")
    assert services.answer_for(innovation, 16).verification_status is None
    page = client.get(f"/innovations/{innovation.id}/indicators/16").get_data(as_text=True)
    # The line is to be re-checked: its verdict is history, the resubmission the change.
    assert "Perlu diperiksa ulang" in page and "diajukan ulang oleh OPD" in page and "SK tidak terbaca." in page
    assert "Ajukan ulang</button>" not in page


def test_operators_are_refused_on_reporting_pages(client, make_user, login, line):
    innovation, operator = line
    login(operator)
    for url in ("/reporting/", "/reporting/verification", f"/reporting/verification/{innovation.id}",
                "/reporting/regional"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/reporting/verification/{innovation.id}/lines/16", data={"status": "sesuai"}).status_code == 403
    assert client.post("/reporting/registration", data={"innovation_id": innovation.id, "action": "register"}).status_code == 403


def test_verifier_cannot_register(client, make_user, login, line):
    innovation, _ = line
    login(make_user(role=Role.VERIFIER))
    assert client.post("/reporting/registration", data={"innovation_id": innovation.id, "action": "register"}).status_code == 403
    assert client.post(f"/reporting/innovations/{innovation.id}/registration").status_code == 403
    assert innovation.registered_at is None


def test_admin_registers_from_the_dashboard_and_the_innovation_page(client, db, make_user, login, line, make_innovation):
    innovation, _ = line
    other = make_innovation()
    login(make_user(role=Role.ADMIN))
    response = client.post("/reporting/registration", data={"innovation_id": [innovation.id, other.id], "action": "register",
                                                            "next": "/reporting/?registered=tidak"})
    assert response.status_code == 302 and response.headers["Location"] == "/reporting/?registered=tidak"
    assert innovation.registered_at is not None and other.registered_at is not None
    # An outside "next" is ignored.
    response = client.post("/reporting/registration", data={"innovation_id": other.id, "action": "unregister",
                                                            "next": "//evil.example"})
    assert response.headers["Location"] == "/reporting/" and other.registered_at is None
    assert client.post("/reporting/registration", data={"action": "delete"}).status_code == 400
    response = client.post(f"/reporting/innovations/{innovation.id}/registration",
                           data={"action": "register", "nomor_register": "IGA-77"})
    assert response.status_code == 302 and innovation.nomor_register == "IGA-77"
    client.post(f"/reporting/innovations/{innovation.id}/registration", data={"action": "unregister"})
    assert innovation.registered_at is None


def test_dashboard_shows_the_index_and_filters(client, db, make_user, login, line, make_innovation):
    innovation, _ = line
    admin = make_user(role=Role.ADMIN)
    services.register(innovation, by=admin)
    unregistered = make_innovation(nama="Belum Terdaftar Sama Sekali", rules_year=2026)
    login(admin)
    page = client.get(f"/reporting/?year=2026&opd={innovation.opd_id}").get_data(as_text=True)
    assert "Sistem Antrean Puskesmas" in page and "Belum Terdaftar Sama Sekali" not in page
    assert "Estimasi Indeks Inovasi Daerah 2026" in page and "MAX(12," in page
    assert "Pendidikan" in page  # the missing basic-service urusan are named
    page = client.get(f"/reporting/?registered=tidak&opd={unregistered.opd_id}").get_data(as_text=True)
    assert "Belum Terdaftar Sama Sekali" in page


def test_regional_page_saves_and_keeps_typed_values_on_error(client, db, make_user, login):
    login(make_user(role=Role.VERIFIER))
    assert client.get("/reporting/regional?year=2025").status_code == 200
    response = client.post("/reporting/regional", data={"year": "2025", "score-1": "2", "note-1": "Perda RPJMD",
                                                         "score-6": "9"})
    assert response.status_code == 200  # re-rendered
    text = response.get_data(as_text=True)
    assert 'value="9"' in text and "Perda RPJMD" in text and "aria-invalid" in text
    assert services.regional_scores(2025).get(1) is None
    response = client.post("/reporting/regional", data={"year": "2025", "score-1": "2", "note-1": "Perda RPJMD"})
    assert response.status_code == 302
    row = db.session.scalar(select(RegionalIndicatorValue).where(RegionalIndicatorValue.year == 2025,
                                                                 RegionalIndicatorValue.indicator_no == 1))
    assert row.score == Decimal("2.00") and row.note == "Perda RPJMD"


def _fill(make_innovation, make_user, db, count, admin, opd):
    for _ in range(count):
        innovation = make_innovation(opd=opd, rules_year=2026)
        attach(db, innovation, 16)
        innovations.save_answer(innovation, 16, parameter=2, basis=None, informasi="", by=admin)
        services.register(innovation, by=admin)


@pytest.mark.parametrize("url", ["/reporting/?opd={opd}&scope=all", "/reporting/verification?opd={opd}"])
def test_statement_count_does_not_grow_with_rows(client, db, make_user, make_opd, make_innovation, login,
                                                 count_statements, url):
    admin = make_user(role=Role.ADMIN)
    opd = make_opd()
    _fill(make_innovation, make_user, db, 2, admin, opd)
    login(admin)
    db.session.flush()
    db.session.expire_all()
    with count_statements() as few:
        assert client.get(url.format(opd=opd.id)).status_code == 200
    _fill(make_innovation, make_user, db, 30, admin, opd)  # more than a page (25)
    db.session.flush()
    db.session.expire_all()
    with count_statements() as many:
        assert client.get(url.format(opd=opd.id)).status_code == 200
    assert few.count == many.count


def test_policy_rules(make_user):
    from innovation.reporting import policy

    operator, judge, verifier, admin = (make_user(role=r) for r in (Role.OPERATOR, Role.JUDGE, Role.VERIFIER,
                                                                     Role.ADMIN))
    users = (operator, judge, verifier, admin)
    assert [policy.can_verify(u) for u in users] == [False, False, True, True]
    assert [policy.can_register(u) for u in users] == [False, False, False, True]
    assert [policy.can_edit_regional(u) for u in users] == [False, False, True, True]
    assert [policy.can_download_regional(u) for u in users] == [False, False, True, True]


def test_the_registration_form_shows_for_admins_only(client, make_user, login, line):
    innovation, operator = line
    login(make_user(role=Role.VERIFIER))
    assert "register-form" not in client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(make_user(role=Role.ADMIN))
    assert "register-form" in client.get(f"/innovations/{innovation.id}").get_data(as_text=True)


@pytest.mark.parametrize("huge", [2**31, 2**63])
def test_bulk_registration_of_impossible_ids_is_refused(client, make_user, login, line, huge):
    innovation, _ = line
    login(make_user(role=Role.ADMIN))
    response = client.post("/reporting/registration", data={"innovation_id": [str(innovation.id), str(huge)],
                                                            "action": "register"}, follow_redirects=True)
    assert response.status_code == 200 and "tidak ditemukan" in response.get_data(as_text=True)
    assert innovation.registered_at is None


@pytest.mark.parametrize("huge", [2**31, 2**63])
def test_ids_past_the_column_range_are_404(app, client, make_user, login, huge):
    """Every route of the area with an id: 404, not a database error (PostgreSQL refuses 2**31 for an
    INTEGER, SQLite 2**63 for any integer)."""
    login(make_user(role=Role.ADMIN))
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("reporting.") and r.arguments]
    assert rules
    for rule in rules:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(huge))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert client.open(path, method=method).status_code == 404, (method, path)
