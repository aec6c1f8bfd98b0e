"""No silent lost update (issue 11, rule 10) on the intake forms: the innovation profile, an indicator
answer, the regional values, the event form and the account form each carry the version they were
loaded from. Two sessions load the same form; A saves; B saves from the stale form and is refused,
with B's typed values still in the form and A's change named; saving again is a deliberate overwrite.
(The OPD form is the worked example in tests/test_concurrency.py.)"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import insert, select

from innovation.concurrency import StaleEdit
from innovation.innovations import services as innovations
from innovation.innovations.models import IndicatorAnswer
from innovation.reporting import regional
from innovation.reporting.models import RegionalIndicatorValue
from innovation.web import Role

PASSWORD = "rahasia-uji-123"
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def loaded_version(html: str) -> str:
    found = VERSION.search(html)
    assert found, "the form carries no version"
    return found.group(1)


@pytest.fixture
def two(app, db, login):
    """Two browsers: A (the ``client`` fixture) and B (a client of its own), each logged in as a user."""

    def sign_in(user_a, user_b):
        a = login(user_a)
        b = app.test_client()
        assert b.post("/auth/login", data={"username": user_b.username, "password": PASSWORD}).status_code == 302
        return a, b

    return sign_in


# --- the innovation profile -----------------------------------------------------------------------

def profile_form(innovation, **overrides):
    """The profile form as a browser posts it, from the innovation's current values."""
    data = {}
    for name, value in innovations.profile_values(innovation).items():
        if name == "urusan_lain":
            data[name] = list(value or [])
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else str(value)
    data.update(overrides)
    return data


def test_two_tabs_edit_one_profile(db, two, make_user, make_opd, make_innovation, t):
    """The issue's case: tab A saves *tujuan*; tab B, from its stale form, saves *manfaat*. B's save is
    refused (A's tujuan is not silently reverted), B's manfaat stays typed, A's tujuan is shown."""
    opd = make_opd()
    alfa = make_user(opd=opd, full_name="Operator Alfa")
    beta = make_user(opd=opd, full_name="Operator Beta")
    innovation = make_innovation(opd=opd, rules_year=2026, nama=f"Inovasi Dua Tab {t}", tujuan="Tujuan awal.",
                                 manfaat="Manfaat awal.")
    a, b = two(alfa, beta)
    url = f"/innovations/{innovation.id}/profile"
    version_a = loaded_version(a.get(url).get_data(as_text=True))
    version_b = loaded_version(b.get(url).get_data(as_text=True))
    assert version_a == version_b == "1"
    stale_form = profile_form(innovation)

    saved = a.post(url, data={**stale_form, "tujuan": "Tujuan baru dari tab A.", "version": version_a})
    assert saved.status_code == 302

    refused = b.post(url, data={**stale_form, "manfaat": "Manfaat baru dari tab B.", "version": version_b})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "sudah diubah oleh Operator Alfa" in html
    assert "Manfaat baru dari tab B." in html  # B's typed text is still in the form
    assert 'data-stale-text="tujuan"' in html and "Tujuan baru dari tab A." in html  # A's change, in full
    assert loaded_version(html) == "2"
    db.session.expire_all()
    assert (innovation.tujuan, innovation.manfaat) == ("Tujuan baru dari tab A.", "Manfaat awal.")

    again = b.post(url, data={**stale_form, "tujuan": "Tujuan baru dari tab A.", "manfaat": "Manfaat baru dari tab B.",
                              "version": "2"})
    assert again.status_code == 302
    db.session.expire_all()
    assert (innovation.tujuan, innovation.manfaat, innovation.version) == (
        "Tujuan baru dari tab A.", "Manfaat baru dari tab B.", 3)


def test_evidence_and_verification_do_not_make_the_profile_form_stale(db, two, make_user, make_innovation, t):
    """Only profile saves move its version: an evidence upload in another tab leaves the form valid."""
    from io import BytesIO

    from evidence_files import pdf

    from innovation.innovations import evidence

    operator = make_user()
    innovation = make_innovation(opd=operator.opd, rules_year=2026, nama=f"Inovasi Versi {t}")
    a, b = two(operator, operator)
    url = f"/innovations/{innovation.id}/profile"
    version = loaded_version(a.get(url).get_data(as_text=True))
    evidence.attach_file(innovation, indicator_no=16, stream=BytesIO(pdf()), filename="sk.pdf", by=operator)
    db.session.commit()
    assert a.post(url, data={**profile_form(innovation), "hasil": "Hasil.", "version": version}).status_code == 302


def test_a_profile_save_without_a_version_is_refused(db, client, login, make_user, make_innovation):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd, rules_year=2026)
    login(operator)
    response = client.post(f"/innovations/{innovation.id}/profile", data={**profile_form(innovation), "hasil": "x"})
    assert response.status_code == 200
    db.session.expire_all()
    assert innovation.hasil == ""


# --- an indicator answer --------------------------------------------------------------------------

def test_two_sessions_answer_one_indicator(db, two, make_user, make_opd, make_innovation):
    opd = make_opd()
    alfa = make_user(opd=opd, full_name="Operator Alfa")
    beta = make_user(opd=opd, full_name="Operator Beta")
    innovation = make_innovation(opd=opd, rules_year=2026)
    innovations.save_answer(innovation, 16, parameter=2, basis=None, informasi="SK Kepala Dinas.", by=alfa)
    a, b = two(alfa, beta)
    url = f"/innovations/{innovation.id}/indicators/16"
    version_a = loaded_version(a.get(url).get_data(as_text=True))
    version_b = loaded_version(b.get(url).get_data(as_text=True))
    assert version_a == version_b == "1"

    assert a.post(url, data={"parameter": "3", "informasi": "Perda 2025.", "version": version_a}).status_code == 302
    refused = b.post(url, data={"parameter": "1", "informasi": "Penjelasan dari B.", "version": version_b})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "sudah diubah oleh Operator Alfa" in html
    assert "Penjelasan dari B." in html and re.search(r'<input checked[^>]*name="parameter" type="radio" value="1">', html)
    notice = html[html.index("stale-notice"):]
    assert "<del>2</del> &rarr; <ins>3</ins>" in notice and "Perda 2025." in notice  # A's change, named
    assert loaded_version(html) == "2"
    db.session.expire_all()
    answer = innovations.get_answer(innovation, 16)
    assert (answer.parameter, answer.informasi) == (3, "Perda 2025.")

    assert b.post(url, data={"parameter": "1", "informasi": "Penjelasan dari B.", "version": "2"}).status_code == 302
    db.session.expire_all()
    assert innovations.get_answer(innovation, 16).parameter == 1


def test_two_sessions_answer_an_indicator_nobody_had_answered(db, two, make_user, make_opd, make_innovation):
    opd = make_opd()
    alfa = make_user(opd=opd, full_name="Operator Alfa")
    beta = make_user(opd=opd, full_name="Operator Beta")
    innovation = make_innovation(opd=opd, rules_year=2026)
    a, b = two(alfa, beta)
    url = f"/innovations/{innovation.id}/indicators/17"
    assert loaded_version(a.get(url).get_data(as_text=True)) == "0" == loaded_version(b.get(url).get_data(as_text=True))
    assert a.post(url, data={"parameter": "2", "informasi": "", "version": "0"}).status_code == 302
    refused = b.post(url, data={"parameter": "3", "informasi": "Dari B.", "version": "0"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "sudah diubah oleh Operator Alfa" in html and "Dari B." in html
    db.session.expire_all()
    assert innovations.get_answer(innovation, 17).parameter == 2


def test_an_answer_inserted_meanwhile_is_a_stale_edit_not_an_error(db, make_user, make_innovation):
    """Both forms loaded with no answer, and the other insert lands between this save's read and its
    flush: the unique constraint's refusal becomes the stale-edit notice."""
    operator = make_user()
    innovation = make_innovation(opd=operator.opd, rules_year=2026)
    assert innovations.get_answer(innovation, 18) is None  # the answers are loaded, without 18
    db.session.execute(insert(IndicatorAnswer).values(innovation_id=innovation.id, indicator_no=18, parameter=1,
                                                      informasi="", version=1))
    with pytest.raises(StaleEdit):
        innovations.save_answer(innovation, 18, parameter=3, basis=None, informasi="", by=operator, version="0")
    assert db.session.scalar(select(IndicatorAnswer.parameter).where(
        IndicatorAnswer.innovation_id == innovation.id, IndicatorAnswer.indicator_no == 18)) == 1


# --- the event form -------------------------------------------------------------------------------

def event_form(event, **overrides):
    data = {"name": event.name, "slug": event.slug, "year": str(event.year), "description": event.description or "",
            "opens_at": "2026-09-01T08:00", "closes_at": "2026-10-01T23:59"}
    data.update(overrides)
    return data


@pytest.fixture
def admins(make_user):
    return make_user(role=Role.ADMIN, full_name="Admin Alfa"), make_user(role=Role.ADMIN, full_name="Admin Beta")


def test_two_admins_edit_one_event(db, two, admins, make_event, t):
    event = make_event(name=f"Innovation Week {t}")
    a, b = two(*admins)
    url = f"/events/{event.slug}/edit"
    version_a = loaded_version(a.get(url).get_data(as_text=True))
    version_b = loaded_version(b.get(url).get_data(as_text=True))
    stale = event_form(event)
    assert a.post(url, data={**stale, "name": f"Pekan Inovasi {t}", "version": version_a}).status_code == 302
    refused = b.post(url, data={**stale, "closes_at": "2026-10-03T12:00", "version": version_b})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "sudah diubah oleh Admin Alfa" in html
    assert 'value="2026-10-03T12:00"' in html  # B's typed deadline
    assert f"<ins>Pekan Inovasi {t}</ins>" in html  # A's change
    assert loaded_version(html) == "2"
    db.session.expire_all()
    assert event.name == f"Pekan Inovasi {t}" and event.closes_at.day == 1


def test_an_event_renamed_meanwhile_still_reaches_its_notice(db, two, admins, make_event, t):
    """A changes the slug (the address); B's stale form posts to the old address: B sees the notice with
    A's change and keeps the typed values, instead of a 404 that loses them."""
    event = make_event(slug=f"pekan-{t}")
    a, b = two(*admins)
    old_url = f"/events/pekan-{t}/edit"
    version = loaded_version(a.get(old_url).get_data(as_text=True))
    loaded_version(b.get(old_url).get_data(as_text=True))
    stale = event_form(event)
    assert a.post(old_url, data={**stale, "slug": f"pekan-baru-{t}", "version": version}).status_code == 302
    refused = b.post(old_url, data={**stale, "description": "Deskripsi dari B.", "version": version})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "sudah diubah oleh Admin Alfa" in html
    assert f"<ins>pekan-baru-{t}</ins>" in html and "Deskripsi dari B." in html
    assert b.get(f"/events/tidak-ada-{t}/edit").status_code == 404


# --- the account form -----------------------------------------------------------------------------

def test_two_admins_edit_one_account(db, two, admins, make_user, t):
    user = make_user(role=Role.JUDGE, full_name="Juri Lama")
    a, b = two(*admins)
    url = f"/auth/users/{user.id}/edit"
    version_a = loaded_version(a.get(url).get_data(as_text=True))
    version_b = loaded_version(b.get(url).get_data(as_text=True))
    stale = {"full_name": "Juri Lama", "email": "", "role": "judge", "opd_id": "0"}
    assert a.post(url, data={**stale, "full_name": "Juri Baru", "version": version_a}).status_code == 302
    refused = b.post(url, data={**stale, "email": f"juri{t}@example.org", "version": version_b})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "sudah diubah oleh Admin Alfa" in html
    assert f"juri{t}@example.org" in html and "<del>Juri Lama</del> &rarr; <ins>Juri Baru</ins>" in html
    db.session.expire_all()
    assert (user.full_name, user.email) == ("Juri Baru", None)
    again = b.post(url, data={**stale, "full_name": "Juri Baru", "email": f"juri{t}@example.org",
                              "version": loaded_version(html)})
    assert again.status_code == 302
    db.session.expire_all()
    assert (user.full_name, user.email) == ("Juri Baru", f"juri{t}@example.org")


# --- the regional values --------------------------------------------------------------------------

REGIONAL = "/reporting/regional?year=2025"


def regional_form(html: str, **typed) -> dict:
    """Every field of the regional form as the page shows it, then ``typed`` ("score-1": "2", ...)."""
    data = {"year": "2025"}
    for name, value in re.findall(r'name="((?:score|evidence_url|version)-\d+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name, value in re.findall(r'name="(version-\d+)" value="([^"]*)"', html):
        data[name] = value
    for name, value in re.findall(r'<textarea name="(note-\d+)"[^>]*>([^<]*)</textarea>', html):
        data[name] = value
    data.update(typed)
    return data


@pytest.fixture
def verifiers(make_user):
    return (make_user(role=Role.VERIFIER, full_name="Verifikator Alfa"),
            make_user(role=Role.VERIFIER, full_name="Verifikator Beta"))


def test_two_verifiers_edit_the_regional_values(db, two, verifiers):
    a, b = two(*verifiers)
    page_a, page_b = a.get(REGIONAL).get_data(as_text=True), b.get(REGIONAL).get_data(as_text=True)
    assert 'name="version-1" value="0"' in page_a
    assert a.post(REGIONAL, data=regional_form(page_a, **{"score-1": "2"})).status_code == 302

    refused = b.post(REGIONAL, data=regional_form(page_b, **{"score-1": "3", "score-6": "1,5"}))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Nilai indikator daerah 1 sudah diubah oleh Verifikator Alfa" in html
    notice = html[html.index("stale-notice"):html.index("</section>", html.index("stale-notice"))]
    assert "<del>0.00</del> &rarr; <ins>2.00</ins>" in notice
    assert 'name="score-1" id="score-1" value="3"' in html and 'name="score-6" id="score-6" value="1,5"' in html
    assert 'name="version-1" value="1"' in html  # saving again overwrites A's 2 knowingly
    db.session.expire_all()
    assert regional.regional_values(2025)[1].score == 2 and 6 not in regional.regional_values(2025)  # nothing of B's

    again = b.post(REGIONAL, data=regional_form(html))
    assert again.status_code == 302
    db.session.expire_all()
    values = regional.regional_values(2025)
    assert values[1].score == 3 and str(values[6].score) == "1.50"


def test_a_line_changed_by_someone_else_is_not_reverted_by_an_untouched_stale_form(db, two, verifiers):
    """B only types line 6; line 1, which A changed meanwhile, still holds its old value in B's form:
    refused rather than silently putting A's line back."""
    a, b = two(*verifiers)
    page_b = b.get(REGIONAL).get_data(as_text=True)
    page_a = a.get(REGIONAL).get_data(as_text=True)
    assert a.post(REGIONAL, data=regional_form(page_a, **{"score-1": "2"})).status_code == 302
    refused = b.post(REGIONAL, data=regional_form(page_b, **{"score-6": "1"}))
    assert refused.status_code == 200
    db.session.expire_all()
    assert regional.regional_values(2025)[1].score == 2


def test_a_file_uploaded_meanwhile_does_not_block_the_values(db, two, verifiers):
    """An upload makes a line's row (score 0) without touching its values: the form is still right."""
    from io import BytesIO

    from evidence_files import pdf

    a, b = two(*verifiers)
    page_b = b.get(REGIONAL).get_data(as_text=True)
    regional.attach_regional_file(2025, 3, stream=BytesIO(pdf()), filename="perkada.pdf", by=verifiers[0])
    db.session.commit()
    assert b.post(REGIONAL, data=regional_form(page_b, **{"score-3": "1"})).status_code == 302
    db.session.expire_all()
    assert regional.regional_values(2025)[3].score == 1


def test_regional_values_created_meanwhile_are_named(db, make_user):
    """Service level: a row made by another save between the page and this one (loaded "0")."""
    alfa, beta = make_user(role=Role.VERIFIER, full_name="Alfa"), make_user(role=Role.VERIFIER)
    regional.save_regional_values(2025, {2: {"score": "1"}}, by=alfa, versions={2: "0"})
    with pytest.raises(regional.StaleRegionalValues) as refused:
        regional.save_regional_values(2025, {2: {"score": "2"}, 4: {"score": "1"}}, by=beta, versions={2: "0", 4: "0"})
    [(no, label, error)] = refused.value.lines
    assert no == 2 and error.changes[0].actor == "Alfa" and error.changes[0].fields["score"][1] == "1.00"
    assert refused.value.current_versions == {2: 1}
    row = db.session.scalar(select(RegionalIndicatorValue).where(RegionalIndicatorValue.year == 2025,
                                                                 RegionalIndicatorValue.indicator_no == 2))
    assert row.version == 1
