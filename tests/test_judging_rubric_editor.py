"""The rubric editor (admins add and edit criteria in the browser) and the manual-assign select."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import assignments, panels, rounds, rubrics, sheets
from innovation.judging.errors import JudgingError
from innovation.judging.models import Criterion, RoundEntry, ScoreSheet
from innovation.web import Role


@pytest.fixture
def scene(db, make_opd, make_user, make_innovation, make_event):
    """An open scored round on a copy of the IGA rubric (30/25/20/15/10, scale 1-5), one entry."""

    def build(**round_fields):
        admin = make_user(role=Role.ADMIN)
        event = make_event()
        rubrics.seed_builtin_rubrics()
        now = utcnow()
        round_ = rounds.create_round(event, {
            "name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=2), "judges_per_entry": 2, **round_fields,
        }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
        opd = make_opd()
        entry = Entry(event=event, innovation=make_innovation(opd=opd), category=event.categories[0], opd=opd,
                      status=EntryStatus.SUBMITTED)
        round_entry = RoundEntry(round=round_, entry=entry)
        db.session.add_all([entry, round_entry])
        db.session.flush()
        return admin, round_, round_entry

    return build


def _weights(round_, **changed):
    return {f"weight-{c.id}": changed.get(c.code, f"{c.weight.normalize():f}") for c in round_.rubric.criteria}


def _new_criterion(round_, **fields):
    data = {"code": "inklusi", "title": "Inklusivitas", "title_en": "Inclusiveness",
            "description": "Menjangkau kelompok rentan.", "description_en": "Reaches vulnerable groups.",
            "weight": "10"}
    data |= _weights(round_, kebaharuan="20")
    for level in range(1, 6):
        data[f"descriptor-{level}-id"] = f"Tingkat {level}"
        data[f"descriptor-{level}-en"] = f"Level {level}"
    data["version"] = str(round_.rubric.version)  # the rubric's edit version the form was loaded from
    return data | fields


def _scored_sheet(db, make_user, round_entry, values):
    judge = make_user(role=Role.JUDGE)
    assignment = assignments.assign_judge(round_entry, judge, by=None)
    criteria = round_entry.round.rubric.criteria
    return sheets.save_sheet(assignment, {c.id: v for c, v in zip(criteria, values, strict=True)}, {}, "",
                              submit=True, by=judge)


def _edit_form(criterion, **fields):
    data = {"code": criterion.code, "title": criterion.title, "title_en": criterion.title_en,
            "description": criterion.description, "description_en": criterion.description_en,
            "weight": f"{criterion.weight.normalize():f}"}
    if criterion.independent:
        data["independent"] = "y"
    for key, texts in (criterion.descriptors or {}).items():
        for locale, text in texts.items():
            data[f"descriptor-{key}-{locale}"] = text
    data["version"] = str(criterion.rubric.version)
    return data | fields


# --- adding ------------------------------------------------------------------------------------

def test_admin_adds_a_criterion_with_descriptors_per_level(scene, login, client, db):
    admin, round_, _re = scene()
    login(admin)
    page = client.get(f"/judging/rounds/{round_.id}/rubric/criteria/new")
    assert page.status_code == 200 and 'name="descriptor-5-en"' in page.get_data(as_text=True)
    response = client.post(f"/judging/rounds/{round_.id}/rubric/criteria/new", data=_new_criterion(round_))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    added = db.session.scalar(select(Criterion).where(Criterion.rubric_id == round_.rubric_id,
                                                      Criterion.code == "inklusi"))
    assert (added.title, added.title_en, added.description_en) == ("Inklusivitas", "Inclusiveness",
                                                                  "Reaches vulnerable groups.")
    assert added.weight == Decimal(10) and not added.independent
    assert added.descriptors == {str(n): {"id": f"Tingkat {n}", "en": f"Level {n}"} for n in range(1, 6)}
    assert added.descriptor(3, "en") == "Level 3"
    assert {c.code: c.weight for c in round_.rubric.criteria}["kebaharuan"] == Decimal(20)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.criterion_add"))
    assert event.changes["kriteria baru"] == [None, "inklusi"]
    assert Decimal(event.changes["bobot kebaharuan"][0]) == 30 and event.changes["bobot kebaharuan"][1] == "20"


def test_weights_must_total_100_typed_text_kept_nothing_saved(scene, login, client, db):
    admin, round_, _re = scene()
    login(admin)
    data = _new_criterion(round_) | _weights(round_, kebaharuan="25")  # 25+25+20+15+10 + 10 = 105
    response = client.post(f"/judging/rounds/{round_.id}/rubric/criteria/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "harus berjumlah 100; sekarang 105" in html
    assert 'value="inklusi"' in html and "Tingkat 4" in html and 'value="25"' in html  # as typed
    db.session.expire_all()
    assert [c.code for c in round_.rubric.criteria] == ["kebaharuan", "kemanfaatan", "replikasi", "kewenangan",
                                                        "penyajian"]
    assert round_.rubric.criteria[0].weight == Decimal(30)  # the rebalancing was not half-saved


def test_code_must_be_unique_in_the_rubric(scene, login, client, db):
    admin, round_, _re = scene()
    login(admin)
    response = client.post(f"/judging/rounds/{round_.id}/rubric/criteria/new",
                           data=_new_criterion(round_, code="Kebaharuan"))
    assert response.status_code == 422 and "sudah dipakai" in response.get_data(as_text=True)
    other = round_.rubric.criteria[1]
    response = client.post(f"/judging/criteria/{other.id}/edit", data=_edit_form(other, code="kebaharuan"))
    assert response.status_code == 422 and "sudah dipakai" in response.get_data(as_text=True)


def test_descriptors_only_for_the_rubric_levels(scene, db):
    admin, round_, _re = scene()
    with pytest.raises(JudgingError, match="di luar skala"):
        rubrics.update_criterion(round_.rubric.criteria[0], descriptors={"6": {"id": "Enam"}}, by=admin)


def test_descriptor_levels_per_level_or_in_five_bands():
    assert [s.key for s in rubrics.descriptor_levels(1, 5)] == ["1", "2", "3", "4", "5"]
    assert len(rubrics.descriptor_levels(0, 10)) == 11
    bands = rubrics.descriptor_levels(0, 100)
    assert [(s.key, s.label) for s in bands] == [("0", "0–19"), ("20", "20–39"), ("40", "40–59"),
                                                 ("60", "60–79"), ("80", "80–100")]


# --- editing -----------------------------------------------------------------------------------

def test_admin_edits_a_criterion_and_its_descriptors(scene, login, client, db):
    admin, round_, _re = scene()
    criterion = round_.rubric.criteria[0]
    login(admin)
    assert 'value="kebaharuan"' in client.get(f"/judging/criteria/{criterion.id}/edit").get_data(as_text=True)
    data = _edit_form(criterion, code="kebaruan", title="Kebaruan gagasan", title_en="Newness of the idea",
                      description="Baru.", description_en="New.")
    data["descriptor-2-id"] = "Sedikit baru."
    data["descriptor-2-en"] = "Slightly new."
    data["descriptor-5-en"] = ""  # an emptied text is removed
    response = client.post(f"/judging/criteria/{criterion.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert (criterion.code, criterion.title, criterion.title_en, criterion.description, criterion.description_en) == (
        "kebaruan", "Kebaruan gagasan", "Newness of the idea", "Baru.", "New.")
    assert criterion.descriptors["2"] == {"id": "Sedikit baru.", "en": "Slightly new."}
    assert "en" not in criterion.descriptors["5"] and criterion.descriptors["5"]["id"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.criterion_update"))
    assert event.changes["code"] == ["kebaharuan", "kebaruan"]
    assert event.changes["deskriptor 2 (en)"][1] == "Slightly new."


def test_making_a_criterion_independent_must_keep_100(scene, login, client, db):
    admin, round_, _re = scene()
    criterion = round_.rubric.criteria[0]
    login(admin)
    response = client.post(f"/judging/criteria/{criterion.id}/edit", data=_edit_form(criterion, independent="y"))
    assert response.status_code == 422 and "sekarang 70" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not criterion.independent


def test_independent_and_weight_changes_recompute_totals_exactly(scene, login, client, db, make_user):
    admin, round_, round_entry = scene()
    sheet = _scored_sheet(db, make_user, round_entry, ["1", "2", "3", "4.5", "5"])
    # 1*30 + 2*25 + 3*20 + 4.5*15 + 5*10 = 257.5
    assert sheet.total == Decimal("2.575")
    sheet_id = sheet.id
    crit = round_.rubric.criteria
    login(admin)
    # kebaharuan (value 1) no longer counted; kemanfaatan takes its weight: 2*55 + 3*20 + 4.5*15 + 5*10 = 287.5
    data = _edit_form(crit[0], independent="y") | _weights(round_, kemanfaatan="55")
    del data[f"weight-{crit[0].id}"]
    assert client.post(f"/judging/criteria/{crit[0].id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet_id).total == Decimal("2.8750")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.criterion_update"))
    assert event.changes["independent"] == [False, True] and "1 total nilai dihitung ulang" in event.summary
    # a weight change: replikasi 20 -> 30, penyajian 10 -> 0: 2*55 + 3*30 + 4.5*15 + 5*0 = 267.5
    data = _edit_form(crit[2], weight="30") | {f"weight-{crit[4].id}": "0"}
    assert client.post(f"/judging/criteria/{crit[2].id}/edit", data=data).status_code == 302
    db.session.expire_all()
    total = db.session.get(ScoreSheet, sheet_id).total
    assert isinstance(total, Decimal) and total == Decimal("2.6750")


def test_adding_a_counted_criterion_clears_totals_until_scored(scene, login, client, db, make_user):
    admin, round_, round_entry = scene()
    sheet = _scored_sheet(db, make_user, round_entry, ["4"] * 5)
    sheet_id = sheet.id
    login(admin)
    assert client.post(f"/judging/rounds/{round_.id}/rubric/criteria/new",
                       data=_new_criterion(round_)).status_code == 302
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet_id).total is None  # a counted criterion has no value yet


def test_removing_a_scored_criterion_stays_refused(scene, login, client, db, make_user):
    admin, round_, round_entry = scene()
    _scored_sheet(db, make_user, round_entry, ["4"] * 5)
    first = round_.rubric.criteria[0]
    login(admin)
    response = client.post(f"/judging/criteria/{first.id}/remove", data={"version": str(round_.rubric.version)},
                           follow_redirects=True)
    assert "sudah dinilai" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Criterion, first.id) is not None


@pytest.mark.parametrize("role", [Role.JUDGE, Role.OPERATOR, Role.VERIFIER])
def test_only_admins_edit_rubrics(role, scene, login, client, db, make_user):
    admin, round_, _re = scene()
    criterion = round_.rubric.criteria[0]
    login(make_user(role=role))
    add = f"/judging/rounds/{round_.id}/rubric/criteria/new"
    edit = f"/judging/criteria/{criterion.id}/edit"
    assert client.get(add).status_code == 403
    assert client.post(add, data=_new_criterion(round_)).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, data=_edit_form(criterion, title="Diubah")).status_code == 403
    db.session.expire_all()
    assert criterion.title == "Kebaharuan" and len(round_.rubric.criteria) == 5


# --- the manual-assign select -------------------------------------------------------------------

def _options(html: str, round_entry_id: int) -> set[int]:
    select_html = re.search(rf'<select id="assign-{round_entry_id}".*?</select>', html, re.S).group(0)
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select_html)}


def test_assign_select_lists_only_eligible_judges(scene, login, client, db, make_opd, make_user):
    admin, round_, round_entry = scene(use_category_panels=True)
    entry_opd = round_entry.entry.opd
    parent = make_opd()
    entry_opd.parent = parent
    event = round_.event
    eligible = make_user(role=Role.JUDGE, opd=make_opd())
    no_opd = make_user(role=Role.JUDGE)
    conflicted = make_user(role=Role.JUDGE, opd=parent)  # works at the entry OPD's parent
    recused = make_user(role=Role.JUDGE)
    assigned = make_user(role=Role.JUDGE)
    other_panel = make_user(role=Role.JUDGE)  # on the panel of another category only
    outside = make_user(role=Role.JUDGE)  # not on any panel of this round
    inactive = make_user(role=Role.JUDGE, active=False)
    db.session.flush()
    for judge in (no_opd, conflicted, recused, assigned):
        panels.add_panel_member(round_, judge, by=admin)
    panels.add_panel_member(round_, eligible, category=event.categories[0], by=admin)
    panels.add_panel_member(round_, other_panel, category=event.categories[1], by=admin)
    assignments.assign_judge(round_entry, assigned, by=admin)
    assignments.recuse(assignments.assign_judge(round_entry, recused, by=admin), "Saudara kandung", by=recused)
    login(admin)
    html = client.get(f"/judging/rounds/{round_.id}").get_data(as_text=True)
    assert _options(html, round_entry.id) == {eligible.id, no_opd.id}
    assert conflicted.id not in _options(html, round_entry.id)
    for judge in (other_panel, outside, inactive, recused, assigned):
        assert judge.id not in _options(html, round_entry.id)
    # without category panels every active judge without a conflict may be picked
    round_.use_category_panels = False
    db.session.flush()
    html = client.get(f"/judging/rounds/{round_.id}").get_data(as_text=True)
    assert _options(html, round_entry.id) == {eligible.id, no_opd.id, other_panel.id, outside.id}
    # the server still refuses a conflicted judge sent by hand
    response = client.post(f"/judging/rounds/{round_.id}/assign",
                           data={"round_entry_id": str(round_entry.id), "judge_id": str(conflicted.id)},
                           follow_redirects=True)
    assert "konflik kepentingan" in response.get_data(as_text=True)


def test_assign_select_costs_no_statement_per_entry(scene, login, client, db, make_opd, make_user,
                                                    make_innovation, count_statements):
    admin, round_, round_entry = scene()
    for _ in range(3):
        make_user(role=Role.JUDGE, opd=make_opd())
    login(admin)
    url = f"/judging/rounds/{round_.id}"
    client.get(url)
    with count_statements() as one:
        assert client.get(url).status_code == 200
    for _ in range(4):
        opd = make_opd(parent=make_opd())
        entry = Entry(event=round_.event, innovation=make_innovation(opd=opd), category=round_.event.categories[1],
                      opd=opd, status=EntryStatus.SUBMITTED)
        db.session.add_all([entry, RoundEntry(round=round_, entry=entry)])
    db.session.flush()
    with count_statements() as five:
        assert client.get(url).status_code == 200
    assert five.count == one.count


def test_a_weight_sum_is_written_in_the_pages_number_format(scene, db):
    admin, round_, _re = scene()
    rows = [{"id": str(c.id), "weight": w} for c, w in zip(round_.rubric.criteria, ["30", "25", "20", "15", "9,5"])]
    with pytest.raises(JudgingError, match="sekarang 99,5\\."):
        rubrics.update_criteria(round_.rubric, rows, by=admin)
