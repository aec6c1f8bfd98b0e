"""No silent lost update in judging (issue 11, rule 10), with two sessions each: the score sheet (two
tabs of one judge), the rubric (weights page and a criterion), the round form. A stale save is
refused, the typed values stay in the form, and the page shows what the other session saved. Judges
with submitted sheets are told when a weight change moved their totals, until they have seen it."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from innovation.audit.models import AuditEvent
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import assignments, rounds, rubrics, sheets
from innovation.judging.models import ScoreSheet
from innovation.timeutil import to_local
from innovation.web import Role

PASSWORD = "rahasia-uji-123"
VERSION = re.compile(r'name="version"(?: type="hidden")? value="(\d*)"')


def version_in(html: str) -> str:
    found = VERSION.search(html)
    assert found, "the form carries no version"
    return found.group(1)


def second_session(app, user):
    other = app.test_client()
    assert other.post("/auth/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return other


@pytest.fixture
def scene(db, make_opd, make_user, make_innovation, make_event):
    """An open scored round on a copy of the IGA rubric; one entry assigned to one judge."""
    admin_a = make_user(role=Role.ADMIN, full_name="Admin Alfa")
    admin_b = make_user(role=Role.ADMIN, full_name="Admin Beta")
    judge = make_user(role=Role.JUDGE, full_name="Juri Satu")
    event = make_event(opens_at=utcnow() - timedelta(days=10), closes_at=utcnow() - timedelta(days=1))
    rubrics.seed_builtin_rubrics()
    now = utcnow()
    round_ = rounds.create_round(event, {
        "name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=2), "judges_per_entry": 1,
    }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin_a)
    opd = make_opd()
    entry = Entry(event=event, innovation=make_innovation(opd=opd), category=event.categories[0], opd=opd,
                  status=EntryStatus.SUBMITTED, submitted_at=now - timedelta(days=2))
    db.session.add(entry)
    db.session.flush()
    from innovation.judging.models import RoundEntry

    round_entry = RoundEntry(round=round_, entry=entry)
    db.session.add(round_entry)
    db.session.flush()
    assignment = assignments.assign_judge(round_entry, judge, by=admin_a)
    db.session.commit()
    return {"admin_a": admin_a, "admin_b": admin_b, "judge": judge, "round": round_, "round_entry": round_entry,
            "assignment": assignment}


def _scores(round_, values, action="draft", **extra):
    return {f"score-{c.id}": v for c, v in zip(round_.rubric.criteria, values, strict=True)} | {"action": action} | extra


# --- the score sheet: two tabs of one judge ------------------------------------------------------------

def test_two_tabs_of_one_judge(app, client, login, scene, db):
    round_, judge = scene["round"], scene["judge"]
    url = f"/judging/entries/{scene['round_entry'].id}"
    tab_a = login(judge)
    tab_b = second_session(app, judge)
    loaded_a = version_in(tab_a.get(url).get_data(as_text=True))
    loaded_b = version_in(tab_b.get(url).get_data(as_text=True))
    assert loaded_a == loaded_b == ""  # no sheet yet

    assert tab_b.post(url, data=_scores(round_, ["3"] * 5, version=loaded_b)).status_code == 302
    refused = tab_a.post(url, data=_scores(round_, ["5", "5", "5", "5", "3"], version=loaded_a))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "sudah disimpan dari tab atau perangkat lain" in html and "Juri Satu" in html
    criteria = round_.rubric.criteria
    assert f'name="score-{criteria[0].id}" value="5"' in html  # the typed value stays
    assert html.count("Tersimpan dari tab lain: 3.00") == 4  # what tab B saved, where it differs
    db.session.expire_all()
    sheet = scene["assignment"].sheet
    assert [s.value for s in sorted(sheet.scores, key=lambda s: s.criterion_id)] == [Decimal(3)] * 5
    # saving again from the refused page is a deliberate overwrite
    again = version_in(html)
    assert again == str(sheet.version)
    assert tab_a.post(url, data=_scores(round_, ["5", "5", "5", "5", "3"], version=again)).status_code == 302
    db.session.expire_all()
    assert sheet.score_for(criteria[0].id).value == Decimal(5)

    # both tabs on the same version: the later submit is refused, not applied on top
    current = version_in(tab_a.get(url).get_data(as_text=True))
    assert tab_a.post(url, data=_scores(round_, ["4"] * 5, "submit", version=current)).status_code == 302
    late = tab_b.post(url, data=_scores(round_, ["2"] * 5, "submit", version=current))
    assert late.status_code == 422
    db.session.expire_all()
    assert sheet.total == Decimal(4)


def test_the_same_values_from_a_stale_tab_change_nothing(app, client, login, scene, db):
    round_, judge = scene["round"], scene["judge"]
    url = f"/judging/entries/{scene['round_entry'].id}"
    tab_a = login(judge)
    tab_b = second_session(app, judge)
    loaded = version_in(tab_a.get(url).get_data(as_text=True))
    tab_b.get(url)
    assert tab_b.post(url, data=_scores(round_, ["3"] * 5, version="")).status_code == 302
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    assert tab_a.post(url, data=_scores(round_, ["3"] * 5, version=loaded)).status_code == 302  # nothing to lose
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


# --- the rubric: two admins ------------------------------------------------------------------------------

def _weights_form(round_, html, **changed):
    data = {f"weight-{c.id}": f"{c.weight.normalize():f}" for c in round_.rubric.criteria}
    data |= {f"title-{c.id}": c.title for c in round_.rubric.criteria}
    return data | {"version": version_in(html)} | changed


def test_two_admins_on_the_weights_page(app, login, scene, db):
    round_ = scene["round"]
    url = f"/judging/rounds/{round_.id}/rubric"
    crit = round_.rubric.criteria
    a = login(scene["admin_a"])
    b = second_session(app, scene["admin_b"])
    page_a, page_b = a.get(url).get_data(as_text=True), b.get(url).get_data(as_text=True)
    saved = a.post(url, data=_weights_form(round_, page_a, **{f"weight-{crit[0].id}": "25",
                                                              f"weight-{crit[1].id}": "30"}))
    assert saved.status_code == 302
    refused = b.post(url, data=_weights_form(round_, page_b, **{f"title-{crit[4].id}": "Penyajian dan tanya jawab"}))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Admin Alfa" in html and "bobot kebaharuan" in html
    assert 'value="Penyajian dan tanya jawab"' in html  # B's typed title stays
    db.session.expire_all()
    assert crit[4].title != "Penyajian dan tanya jawab" and crit[0].weight == Decimal(25)
    # B's form now carries the current version; B keeps A's weights and saves the title knowingly
    resend = _weights_form(round_, html, **{f"title-{crit[4].id}": "Penyajian dan tanya jawab"})
    assert b.post(url, data=resend).status_code == 302
    db.session.expire_all()
    assert crit[4].title == "Penyajian dan tanya jawab" and crit[0].weight == Decimal(25)


def test_two_admins_on_one_criterion(app, login, scene, db):
    round_ = scene["round"]
    criterion = round_.rubric.criteria[0]
    url = f"/judging/criteria/{criterion.id}/edit"
    a = login(scene["admin_a"])
    b = second_session(app, scene["admin_b"])
    loaded_a = version_in(a.get(url).get_data(as_text=True))
    loaded_b = version_in(b.get(url).get_data(as_text=True))
    base = {"code": criterion.code, "title": criterion.title, "title_en": criterion.title_en,
            "description": criterion.description, "description_en": criterion.description_en, "weight": "30"}
    assert a.post(url, data=base | {"title": "Kebaruan gagasan", "version": loaded_a}).status_code == 302
    refused = b.post(url, data=base | {"description": "Penjelasan baru dari B", "version": loaded_b})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "sudah diubah oleh Admin Alfa" in html
    assert "Kebaruan gagasan" in html and "Penjelasan baru dari B" in html
    db.session.expire_all()
    assert criterion.title == "Kebaruan gagasan" and criterion.description != "Penjelasan baru dari B"
    assert version_in(html) == str(round_.rubric.version)


# --- the round form: two admins ----------------------------------------------------------------------------

def _round_form(round_, loaded, **changed):
    fmt = "%Y-%m-%dT%H:%M"
    return {"name": round_.name, "kind": round_.kind.value, "rubric": "",
            "opens_at": to_local(round_.opens_at).strftime(fmt), "closes_at": to_local(round_.closes_at).strftime(fmt),
            "judges_per_entry": str(round_.judges_per_entry), "award_places": "6", "award_per_category": "y",
            "award_labels": "Juara 1\nJuara 2\nJuara 3\nHarapan 1\nHarapan 2\nHarapan 3", "version": loaded} | changed


def test_two_admins_on_the_round_form(app, login, scene, db):
    round_ = scene["round"]
    url = f"/judging/rounds/{round_.id}/edit"
    a = login(scene["admin_a"])
    b = second_session(app, scene["admin_b"])
    loaded_a = version_in(a.get(url).get_data(as_text=True))
    loaded_b = version_in(b.get(url).get_data(as_text=True))
    assert loaded_a == loaded_b == str(round_.version)
    assert a.post(url, data=_round_form(round_, loaded_a, name="Penilaian presentasi")).status_code == 302
    later = to_local(round_.closes_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = b.post(url, data=_round_form(round_, loaded_b, closes_at=later))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "sudah diubah oleh Admin Alfa" in html
    assert "Penilaian presentasi" in html and later in html  # A's change named, B's typed close kept
    db.session.expire_all()
    assert round_.name == "Penilaian presentasi"
    closes_before = round_.closes_at
    assert b.post(url, data=_round_form(round_, version_in(html), closes_at=later)).status_code == 302
    db.session.expire_all()
    assert round_.closes_at == closes_before + timedelta(days=1) and round_.name == "Penilaian presentasi"


# --- judges are told when a weight change moved their totals ------------------------------------------------

def test_a_weight_change_moving_submitted_totals_is_shown_to_the_judge_until_seen(app, login, client, scene, db):
    round_, judge, assignment = scene["round"], scene["judge"], scene["assignment"]
    crit = round_.rubric.criteria
    sheet = sheets.save_sheet(assignment, {c.id: v for c, v in zip(crit, ["5", "3", "3", "3", "3"])}, {}, "",
                              submit=True, by=judge)
    assert sheet.total == Decimal("3.6") and not sheet.total_moved
    db.session.commit()
    login(judge)
    assert "total berubah" not in client.get("/judging/").get_data(as_text=True)

    rubrics.update_criteria(round_.rubric, [{"id": str(crit[0].id), "weight": "20"},
                                            {"id": str(crit[1].id), "weight": "35"}], by=scene["admin_a"])
    db.session.commit()
    db.session.expire_all()
    assert sheet.total == Decimal("3.4") and sheet.total_moved
    moved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.totals_moved"))
    assert list(moved.changes.values()) == [["3.6000", "3.4000"]] and "Juri Satu" in next(iter(moved.changes))

    queue = client.get("/judging/").get_data(as_text=True)
    assert "Total 1 lembar nilai yang sudah Anda kirim berubah" in queue and "total berubah" in queue
    page = client.get(f"/judging/entries/{scene['round_entry'].id}").get_data(as_text=True)
    assert "Total nilai Anda berubah" in page and "3,60 → 3,40" in page
    assert client.post(f"/judging/sheets/{sheet.id}/total-seen").status_code == 302
    db.session.expire_all()
    assert not sheet.total_moved
    assert "Total nilai Anda berubah" not in client.get(f"/judging/entries/{scene['round_entry'].id}").get_data(as_text=True)
    assert "total berubah" not in client.get("/judging/").get_data(as_text=True)
    seen = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.total_change_seen"))
    assert seen.changes == {"total": ["3.6000", "3.4000"]} and seen.actor_id == judge.id


def test_only_the_sheets_judge_acknowledges_and_drafts_are_not_notified(app, login, client, scene, make_user, db):
    round_, judge, assignment = scene["round"], scene["judge"], scene["assignment"]
    crit = round_.rubric.criteria
    sheet = sheets.save_sheet(assignment, {c.id: "3" for c in crit[:-1]} | {crit[0].id: "5"}, {}, "",
                              submit=False, by=judge)  # a draft: no total yet
    rubrics.update_criteria(round_.rubric, [{"id": str(crit[0].id), "weight": "20"},
                                            {"id": str(crit[1].id), "weight": "35"}], by=scene["admin_a"])
    assert not sheet.total_moved
    db.session.commit()
    login(make_user(role=Role.JUDGE))
    assert client.post(f"/judging/sheets/{sheet.id}/total-seen").status_code == 403
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).acknowledged_total is None


def test_adding_or_removing_a_criterion_from_a_stale_page_is_refused(app, login, scene, db):
    """The criterion pages carry the rubric's version too: a new criterion typed against weights another
    admin has changed meanwhile is refused (its typed texts kept), and so is a removal."""
    round_ = scene["round"]
    crit = round_.rubric.criteria
    a = login(scene["admin_a"])
    b = second_session(app, scene["admin_b"])
    add_url = f"/judging/rounds/{round_.id}/rubric/criteria/new"
    loaded_b = version_in(b.get(add_url).get_data(as_text=True))
    page_a = a.get(f"/judging/rounds/{round_.id}/rubric").get_data(as_text=True)
    assert a.post(f"/judging/rounds/{round_.id}/rubric", data=_weights_form(
        round_, page_a, **{f"weight-{crit[3].id}": "25", f"weight-{crit[4].id}": "0"})).status_code == 302
    typed = {"code": "inklusi", "title": "Inklusivitas", "weight": "0", "version": loaded_b}
    refused = b.post(add_url, data=typed)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "sudah diubah oleh Admin Alfa" in html and 'value="Inklusivitas"' in html
    # penyajian now weighs 0, so removing it would be valid, but B's page predates that
    removed = b.post(f"/judging/criteria/{crit[4].id}/remove", data={"version": loaded_b}, follow_redirects=True)
    assert "sudah diubah oleh Admin Alfa" in removed.get_data(as_text=True)
    db.session.expire_all()
    assert [c.code for c in round_.rubric.criteria] == ["kebaharuan", "kemanfaatan", "replikasi", "kewenangan",
                                                        "penyajian"]
