"""Judging operations on a real database: rubrics, rounds, assignment, conflicts, scoring, advancement."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from innovation.audit.models import AuditEvent
from innovation.web import Role
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import (
    advancement,
    assignments,
    panels,
    policy,
    publication,
    results,
    rounds,
    rubrics,
    sheets,
    totals,
)
from innovation.judging.errors import JudgingError
from innovation.judging.models import (
    AssignmentStatus,
    RoundEntry,
    RoundEntryStatus,
    RoundKind,
    SheetStatus,
)
from innovation.judging.progress import progress as round_progress
from innovation.judging.queue import queue_page


@pytest.fixture
def setup(db, make_opd, make_user, make_innovation, make_event):
    """An event with 4 submitted entries (one from a Puskesmas under Dinas Kesehatan), 4 judges."""

    def build(n_entries=4, n_judges=4):
        dinkes = make_opd(name=f"Dinas Kesehatan {make_opd().id}")
        puskesmas = make_opd(parent=dinkes)
        others = [make_opd() for _ in range(n_entries)]
        admin = make_user(role=Role.ADMIN)
        event = make_event(closes_at=utcnow() - timedelta(hours=1), opens_at=utcnow() - timedelta(days=10))
        entries = []
        for i in range(n_entries):
            opd = puskesmas if i == 0 else others[i]
            innovation = make_innovation(opd=opd)
            entry = Entry(event=event, innovation=innovation, category=event.categories[i % 2], opd=opd,
                          status=EntryStatus.SUBMITTED, submitted_at=utcnow())
            db.session.add(entry)
            entries.append(entry)
        draft = Entry(event=event, innovation=make_innovation(), category=event.categories[0],
                      opd=others[1], status=EntryStatus.DRAFT)
        db.session.add(draft)
        judges = [make_user(role=Role.JUDGE, opd=dinkes if i == 0 else None) for i in range(n_judges)]
        db.session.flush()
        return event, entries, judges, admin

    return build


def _scored_round(db, event, admin, *, k=2, opens=None, closes=None):
    rubrics.seed_builtin_rubrics(by=admin)
    now = utcnow()
    round_ = rounds.create_round(event, {
        "name": "Penilaian", "kind": "penilaian", "opens_at": opens or now - timedelta(hours=1),
        "closes_at": closes or now + timedelta(days=2), "judges_per_entry": k, "advance_top_n": 2,
    }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
    return round_


def _fill(round_, entries):
    from innovation.extensions import db

    db.session.add_all([RoundEntry(round=round_, entry=entry) for entry in entries])
    db.session.flush()
    return rounds.round_entries(round_)


# --- rubrics ----------------------------------------------------------------------------------

def test_builtin_rubrics_seed_idempotently_and_weigh_100(db):
    first = rubrics.seed_builtin_rubrics()
    again = rubrics.seed_builtin_rubrics()
    assert again == []
    iga = rubrics.get_by_code(rubrics.IGA_CODE)
    assert [c.weight for c in iga.criteria] == [Decimal(30), Decimal(25), Decimal(20), Decimal(15), Decimal(10)]
    assert iga.criteria[0].descriptor(5) and iga.scale_max == 5
    kipp = rubrics.get_by_code(rubrics.KIPP_CODE)
    assert {c.code for c in kipp.criteria} == {"kebaruan", "efektif", "bermanfaat", "mudah_disebarkan", "berkelanjutan"}
    assert len(first) in (0, 2)


def test_weights_must_total_100(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin)
    rows = [{"id": str(c.id), "weight": "30" if c.code == "kebaharuan" else str(c.weight)} for c in round_.rubric.criteria]
    rows[0]["weight"] = "35"
    with pytest.raises(JudgingError, match="berjumlah 100; sekarang 105"):
        rubrics.update_criteria(round_.rubric, rows, by=admin)


def test_weighted_total_is_exact_decimal():
    assert totals.weighted_total({1: Decimal("4.33"), 2: Decimal("3.1"), 3: Decimal(5)},
                                 {1: Decimal("33.33"), 2: Decimal("33.33"), 3: Decimal("33.34")}) == Decimal("4.1434")  # 414.3419 / 100, rounded to 4 places
    assert totals.weighted_total({1: Decimal("0.1")}, {1: Decimal(100)}) == Decimal("0.1000")
    assert totals.weighted_total({1: None}, {1: Decimal(100)}) is None


def test_changing_weights_recomputes_totals_and_is_logged(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin, k=1)
    re_ = _fill(round_, entries[1:2])[0]
    judge = judges[1]
    assignment = assignments.assign_judge(re_, judge, by=admin)
    crit = round_.rubric.criteria
    values = {c.id: str(i + 1) for i, c in enumerate(crit)}  # 1,2,3,4,5
    sheet = sheets.save_sheet(assignment, values, {}, "", submit=True, by=judge)
    # 1*30 + 2*25 + 3*20 + 4*15 + 5*10 = 250 -> 2.5
    assert sheet.total == Decimal("2.5")
    rows = [{"id": str(c.id), "weight": "20"} for c in crit]
    rubrics.update_criteria(round_.rubric, rows, by=admin)
    assert sheet.total == Decimal(3)  # (1+2+3+4+5)*20/100
    log = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.rubric_update"))
    assert "1 total nilai dihitung ulang" in log.summary


def test_independent_criterion_is_scored_not_counted(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin, k=1)
    re_ = _fill(round_, entries[1:2])[0]
    crit = round_.rubric.criteria
    rubrics.add_criterion(round_.rubric, code="inklusif", title="Inklusif", independent=True, by=admin)
    assignment = assignments.assign_judge(re_, judges[1], by=admin)
    values = {c.id: "4" for c in crit}
    values[round_.rubric.criteria[-1].id] = "1"
    sheet = sheets.save_sheet(assignment, values, {}, "", submit=True, by=judges[1])
    assert sheet.total == Decimal(4)


def test_removing_a_scored_criterion_is_refused(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin, k=1)
    re_ = _fill(round_, entries[1:2])[0]
    assignment = assignments.assign_judge(re_, judges[1], by=admin)
    first = round_.rubric.criteria[0]
    sheets.save_sheet(assignment, {first.id: "3"}, {}, "", submit=False, by=judges[1])
    with pytest.raises(JudgingError, match="sudah dinilai"):
        rubrics.remove_criterion(first, by=admin)
    # an unscored criterion: refused only because the weights would no longer total 100
    with pytest.raises(JudgingError, match="bukan 100"):
        rubrics.remove_criterion(round_.rubric.criteria[1], by=admin)


def test_builtin_rubric_cannot_be_edited(db):
    rubrics.seed_builtin_rubrics()
    iga = rubrics.get_by_code(rubrics.IGA_CODE)
    with pytest.raises(JudgingError, match="bawaan"):
        rubrics.update_criteria(iga, [], by=None)


# --- rounds -----------------------------------------------------------------------------------

def test_default_rounds_and_first_round_population(db, setup):
    event, entries, judges, admin = setup()
    made = rounds.create_default_rounds(event, by=admin)
    assert [(r.position, r.kind) for r in made] == [(1, RoundKind.ADMINISTRASI), (2, RoundKind.PENILAIAN),
                                                     (3, RoundKind.FINAL)]
    assert made[0].rubric is None and made[1].rubric.code.startswith("babak-")
    assert made[1].rubric.id != rubrics.get_by_code(rubrics.IGA_CODE).id  # a copy per round
    assert made[1].advance_top_n == 5
    assert {re.entry_id for re in rounds.round_entries(made[0])} == {e.id for e in entries}  # not the draft
    with pytest.raises(JudgingError, match="sudah memiliki"):
        rounds.create_default_rounds(event, by=admin)


def test_window_must_close_after_it_opens(db, setup):
    event, entries, judges, admin = setup()
    now = utcnow()
    with pytest.raises(JudgingError, match="sesudah"):
        rounds.create_round(event, {"name": "X", "kind": "administrasi", "opens_at": now, "closes_at": now}, by=admin)
    with pytest.raises(JudgingError, match="rubrik"):
        rounds.create_round(event, {"name": "X", "kind": "penilaian", "opens_at": now,
                                    "closes_at": now + timedelta(days=1)}, by=admin)


def test_move_round_reorders(db, setup):
    event, entries, judges, admin = setup()
    now = utcnow()
    a = rounds.create_round(event, {"name": "A", "kind": "administrasi", "opens_at": now, "closes_at": now + timedelta(days=1)}, by=admin)
    b = rounds.create_round(event, {"name": "B", "kind": "administrasi", "opens_at": now, "closes_at": now + timedelta(days=1)}, by=admin)
    rounds.move_round(b, "up", by=admin)
    assert [r.name for r in rounds.rounds_of(event)] == ["B", "A"]
    with pytest.raises(JudgingError):
        rounds.move_round(b, "up", by=admin)


def test_administrative_selection_and_advancement(db, setup):
    event, entries, judges, admin = setup()
    made = rounds.create_default_rounds(event, by=admin)
    res = rounds.round_entries(made[0])
    suggestion = rounds.suggest(res[0].entry)
    assert suggestion.passed is False and "Belum lengkap" in suggestion.reason  # an empty profile
    with pytest.raises(JudgingError, match="alasan"):
        rounds.decide(res[0], False, "  ", by=admin)
    rounds.decide(res[0], False, "Profil kosong", by=admin)
    for re_ in res[1:]:
        rounds.decide(re_, True, "", by=admin)
    proposal = advancement.advancement_proposal(made[0])
    assert {r.round_entry.entry_id for r in proposal.rows if r.proposed} == {e.id for e in entries[1:]}
    with pytest.raises(JudgingError, match="tidak lolos"):
        advancement.advance(made[0], {entries[0].id}, by=admin)
    moved = advancement.advance(made[0], {e.id for e in entries[1:]}, by=admin)
    assert {m.entry_id for m in moved} == {e.id for e in entries[1:]}
    assert res[0].status == RoundEntryStatus.ELIMINATED and res[0].decision_reason == "Profil kosong"
    assert res[1].status == RoundEntryStatus.ADVANCED
    with pytest.raises(JudgingError, match="sudah berisi"):
        advancement.advance(made[0], {entries[1].id}, by=admin)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "judging.advance")) == 1


# --- conflicts and assignment -----------------------------------------------------------------

def test_manual_assignment_refuses_conflicts_of_the_opd_family(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin)
    res = _fill(round_, entries)
    # judges[0] works for Dinas Kesehatan; entries[0] comes from a Puskesmas under it (a child unit)
    with pytest.raises(JudgingError, match="konflik"):
        assignments.assign_judge(res[0], judges[0], by=admin)
    assert not policy.may_view_entry(judges[0], res[0])
    assignments.assign_judge(res[1], judges[0], by=admin)
    with pytest.raises(JudgingError, match="sudah ditugaskan"):
        assignments.assign_judge(res[1], judges[0], by=admin)


def test_auto_assign_is_balanced_conflict_free_and_explains(db, setup):
    event, entries, judges, admin = setup(n_entries=4, n_judges=3)
    round_ = _scored_round(db, event, admin, k=3)
    res = _fill(round_, entries)
    for judge in judges:
        panels.add_panel_member(round_, judge, by=admin)
    result = assignments.auto_assign(round_, seed=7, by=admin)
    pairs = {(a.round_entry_id, a.judge_id) for a in result.created}
    assert (res[0].id, judges[0].id) not in pairs
    assert [u.entry_id for u in result.unmet] == [res[0].id]
    assert "hanya 2 juri" in result.unmet[0].message
    loads = [sum(1 for p in pairs if p[1] == j.id) for j in judges]
    assert max(loads) - min(loads) <= 1


def test_recusal_flags_and_reassignment_keeps_balance(db, setup):
    event, entries, judges, admin = setup(n_entries=4, n_judges=4)
    round_ = _scored_round(db, event, admin, k=2)
    res = _fill(round_, entries[1:])
    for judge in judges[1:]:
        panels.add_panel_member(round_, judge, by=admin)
    assignments.auto_assign(round_, seed=1, by=admin)
    judge = judges[1]
    mine = [a for a in assignments.round_assignments(round_) if a.judge_id == judge.id]
    with pytest.raises(JudgingError, match="alasan"):
        assignments.recuse(mine[0], "", by=judge)
    with pytest.raises(JudgingError, match="Hanya juri"):
        assignments.recuse(mine[0], "Saudara saya", by=judges[2])
    assignments.recuse(mine[0], "Saudara saya operatornya", by=judge)
    assert mine[0].status == AssignmentStatus.RECUSED and mine[0].needs_reassignment
    assert mine[0].id not in {row.assignment_id for row in queue_page(judge, 1, 100).items}
    shown = round_progress(round_)
    assert [a.id for a in shown.flagged] == [mine[0].id]
    assignments.auto_assign(round_, seed=1, by=admin)
    active = [a for a in assignments.round_assignments(round_) if a.status == AssignmentStatus.ACTIVE]
    assert sum(1 for a in active if a.round_entry_id == mine[0].round_entry_id) == 2
    assert (mine[0].round_entry_id, judge.id) not in {(a.round_entry_id, a.judge_id) for a in active}
    loads = [sum(1 for a in active if a.judge_id == j.id) for j in judges[1:]]
    assert max(loads) - min(loads) <= 1
    assert not round_progress(round_).flagged


def test_queue_never_shows_a_conflicted_entry_even_if_assigned(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin)
    res = _fill(round_, entries)
    from innovation.judging.models import Assignment

    db.session.add(Assignment(round_entry=res[0], judge=judges[0]))  # bypassing the service
    db.session.flush()
    assert queue_page(judges[0], 1, 100).items == []
    assert not policy.may_view_entry(judges[0], res[0]) and not policy.may_score(res[0], judges[0])


# --- scoring ----------------------------------------------------------------------------------

def test_scores_validated_drafts_submit_idempotent_and_closed(db, setup):
    event, entries, judges, admin = setup()
    round_ = _scored_round(db, event, admin, k=1)
    re_ = _fill(round_, entries[1:2])[0]
    judge = judges[1]
    assignment = assignments.assign_judge(re_, judge, by=admin)
    crit = round_.rubric.criteria
    with pytest.raises(JudgingError, match="antara 1 dan 5"):
        sheets.save_sheet(assignment, {crit[0].id: "6"}, {}, "", submit=False, by=judge)
    with pytest.raises(JudgingError, match="dua angka desimal"):
        sheets.save_sheet(assignment, {crit[0].id: "3.333"}, {}, "", submit=False, by=judge)
    with pytest.raises(JudgingError, match="angka"):
        sheets.save_sheet(assignment, {crit[0].id: "abc"}, {}, "", submit=False, by=judge)
    assert assignment.sheet is None  # nothing half-saved
    sheet = sheets.save_sheet(assignment, {crit[0].id: "4,5"}, {crit[0].id: "Bagus"}, "Catatan", submit=False, by=judge)
    assert sheet.status == SheetStatus.DRAFT and sheet.total is None
    assert sheet.score_for(crit[0].id).value == Decimal("4.50")
    with pytest.raises(JudgingError, match="semua kriteria"):
        sheets.save_sheet(assignment, {crit[0].id: "4.5"}, {}, "", submit=True, by=judge)
    values = {c.id: "4.5" for c in crit}
    sheet = sheets.save_sheet(assignment, values, {crit[0].id: "Bagus"}, "Catatan", submit=True, by=judge)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.total == Decimal("4.5")
    submitted_at, logs = sheet.submitted_at, db.session.scalar(select(func.count()).select_from(AuditEvent))
    again = sheets.save_sheet(assignment, values, {crit[0].id: "Bagus"}, "Catatan", submit=True, by=judge)
    assert again is sheet and sheet.submitted_at == submitted_at
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == logs
    assert len(sheet.scores) == len(crit)
    with pytest.raises(JudgingError, match="sudah terkirim"):
        sheets.save_sheet(assignment, values, {}, "", submit=False, by=judge)
    with pytest.raises(JudgingError, match="ditutup"):
        sheets.save_sheet(assignment, values, {}, "", submit=True, by=judge, now=round_.closes_at)
    with pytest.raises(JudgingError, match="tidak ditugaskan"):
        sheets.save_sheet(assignment, values, {}, "", submit=True, by=judges[2])


def _final_round(event, admin):
    return rounds.create_round(event, {"name": "Final", "kind": "final", "opens_at": utcnow(),
                                       "closes_at": utcnow() + timedelta(days=3)},
                               rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)


def test_advancement_ranks_as_the_results_do_and_flags_the_tie_at_the_cut_off(db, setup):
    """Strict ranks from the results' tie-break: of two entries with the same mean the one submitted
    first ranks higher, exactly N are proposed, and the tie across the cut-off is flagged."""
    event, entries, judges, admin = setup(n_entries=4, n_judges=3)
    round_ = _scored_round(db, event, admin, k=1)
    _final_round(event, admin)
    res = _fill(round_, entries[1:])  # 3 entries; top 2 advance
    for re_, value in zip(res, ["4", "3", "3"]):
        a = assignments.assign_judge(re_, judges[1], by=admin)
        sheets.save_sheet(a, {c.id: value for c in round_.rubric.criteria}, {}, "", submit=True, by=judges[1])
    proposal = advancement.advancement_proposal(round_)
    assert (proposal.method, proposal.aggregate, proposal.published) == ("raw", "mean", False)
    rows = proposal.rows
    assert [r.round_entry.id for r in rows] == [res[0].id, res[1].id, res[2].id]  # res[1] was submitted first
    assert [(r.rank, r.score, r.tied) for r in rows] == [(1, Decimal(4), False), (2, Decimal(3), True),
                                                         (3, Decimal(3), True)]
    assert [r.proposed for r in rows] == [True, True, False]  # the tie-break decided
    assert [r.at_cutoff_tie for r in rows] == [False, True, True]  # ... and the admin sees it
    found, _snapshot = results.round_results(round_)
    assert [r.round_entry.entry_id for r in rows] == found.overall  # the results' own order
    advancement.advance(round_, {res[0].entry_id, res[1].entry_id}, by=admin)
    assert res[2].status == RoundEntryStatus.ELIMINATED
    assert res[2].decision_reason == "Peringkat 3, nilai 3,00 (rata-rata) dari 1 juri (seri)"  # the page's format
    log = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.advance"))
    assert log.changes["peringkat"] == "raw/mean"


def test_advancement_and_the_published_ranking_agree_where_raw_and_normalised_differ(db, setup):
    """A lenient judge scored A and B, a harsh one C and D: by the raw mean A, B lead; normalised per
    judge, A and C do. The proposal follows the method chosen, and once published, the snapshot's."""
    event, entries, judges, admin = setup(n_entries=5, n_judges=3)
    now = utcnow()
    round_ = _scored_round(db, event, admin, k=1, opens=now - timedelta(days=3), closes=now - timedelta(hours=1))
    final = _final_round(event, admin)
    a, b, c, d = _fill(round_, entries[1:])
    lenient, harsh = judges[1], judges[2]
    for re_, judge, value in ((a, lenient, "5"), (b, lenient, "4.5"), (c, harsh, "3"), (d, harsh, "2")):
        assignment = assignments.assign_judge(re_, judge, by=admin)
        sheets.save_sheet(assignment, {k.id: value for k in round_.rubric.criteria}, {}, "", submit=True, by=judge,
                          now=now - timedelta(days=1))

    def proposed(**method) -> list[int]:
        return [r.round_entry.id for r in advancement.advancement_proposal(round_, **method).rows if r.proposed]

    assert proposed() == [a.id, b.id]
    assert proposed(method="normalised") == [a.id, c.id]
    for method in ("raw", "normalised"):
        found = results.compute(round_, method=method)
        assert proposed(method=method) == [found.entry(i).round_entry_id for i in found.overall[:2]]

    snapshot = publication.publish(round_, by=admin, method="normalised")
    proposal = advancement.advancement_proposal(round_)  # asked with the defaults: the snapshot decides
    assert proposal.published and (proposal.method, proposal.aggregate) == ("normalised", "mean")
    assert [r.round_entry.entry_id for r in proposal.rows] == snapshot.payload["overall"]
    moved = advancement.advance(round_, {a.entry_id, c.entry_id}, by=admin)
    assert {m.entry_id for m in moved} == {a.entry_id, c.entry_id}
    assert {re_.entry_id for re_ in rounds.round_entries(final)} == {a.entry_id, c.entry_id}
    assert b.status == RoundEntryStatus.ELIMINATED and b.decision_reason.startswith("Peringkat 3, nilai ")
    assert "(rata-rata, normalisasi) dari 1 juri" in b.decision_reason


def test_advancement_per_category_follows_each_categorys_ranking(db, setup):
    event, entries, judges, admin = setup(n_entries=5, n_judges=3)
    now = utcnow()
    rubrics.seed_builtin_rubrics(by=admin)
    round_ = rounds.create_round(event, {
        "name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=2), "judges_per_entry": 1, "advance_top_n": 1,
        "advance_per_category": True,
    }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
    _final_round(event, admin)
    res = _fill(round_, entries[1:])  # categories 1, 0, 1, 0
    for re_, value in zip(res, ["5", "4", "3", "2"]):
        a = assignments.assign_judge(re_, judges[1], by=admin)
        sheets.save_sheet(a, {c.id: value for c in round_.rubric.criteria}, {}, "", submit=True, by=judges[1])
    rows = advancement.advancement_proposal(round_).rows
    first, second = event.categories[0], event.categories[1]  # in the event's order, as the results
    assert [(r.group, r.rank, r.round_entry.id) for r in rows] == [
        (first.name, 1, res[1].id), (first.name, 2, res[3].id), (second.name, 1, res[0].id), (second.name, 2, res[2].id)]
    assert {r.round_entry.id for r in rows if r.proposed} == {res[0].id, res[1].id}
    found = results.compute(round_)
    assert {e.round_entry_id for e in found.entries if e.category_rank == 1} == {res[0].id, res[1].id}


def test_the_advancement_page_ranks_with_the_method_chosen_on_it(db, setup, login, client):
    """GET shows the proposal for ``?method=``/``?aggregate=`` (the results' defaults otherwise); the
    form posts the same choice back, so what is confirmed is what was shown."""
    event, entries, judges, admin = setup(n_entries=5, n_judges=3)
    now = utcnow()
    round_ = _scored_round(db, event, admin, k=1, opens=now - timedelta(days=3), closes=now - timedelta(hours=1))
    final = _final_round(event, admin)
    a, b, c, d = _fill(round_, entries[1:])
    round_.advance_top_n = 2
    for re_, judge, value in ((a, judges[1], "5"), (b, judges[1], "4.5"), (c, judges[2], "3"), (d, judges[2], "2")):
        assignment = assignments.assign_judge(re_, judge, by=admin)
        sheets.save_sheet(assignment, {k.id: value for k in round_.rubric.criteria}, {}, "", submit=True, by=judge,
                          now=now - timedelta(days=1))
    db.session.commit()
    login(admin)
    url = f"/judging/rounds/{round_.id}/advance"

    def checked(html: str) -> set[int]:
        return {int(n) for n in re.findall(r'name="entry_id" value="(\d+)"[^>]*checked', html)}

    page = client.get(url).get_data(as_text=True)
    assert "Dasar peringkat" in page and checked(page) == {a.entry_id, b.entry_id}
    page = client.get(url + "?method=normalised").get_data(as_text=True)
    assert checked(page) == {a.entry_id, c.entry_id} and 'name="method" value="normalised"' in page
    response = client.post(url, data={"method": "normalised", "aggregate": "mean",
                                      "entry_id": [str(a.entry_id), str(c.entry_id)]})
    assert response.status_code == 302
    assert {re_.entry_id for re_ in rounds.round_entries(final)} == {a.entry_id, c.entry_id}
    assert c.decision_reason.startswith("Peringkat 2, nilai ") and "(rata-rata, normalisasi)" in c.decision_reason
