"""The discussion phase: opened after the round closes; a judge who submitted sees the others' scores and
comments, writes in the thread, revises with a reason; the chair reads entries by disagreement; every
revision is logged and exported."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from test_judging_results import build_round, make_entries

from innovation.audit.models import AuditEvent
from innovation.extensions import utcnow
from innovation.judging import discussion
from innovation.judging.errors import JudgingError
from innovation.judging.export import write_results_xlsx
from innovation.judging.models import SheetStatus
from innovation.web import Role

GRID = {  # entry 0: judges agree; entry 1: they disagree; entry 2: judge 2 has only a draft
    (0, 0): ["4", "4", "4", "4", "4"], (0, 1): ["4", "4", "4", "4", "3.5"], (0, 2): ["4", "4", "4", "4", "4"],
    (1, 0): ["5", "5", "5", "5", "5"], (1, 1): ["2", "2", "2", "2", "2"], (1, 2): ["3", "3", "3", "3", "3"],
    (2, 0): ["3", "3", "3", "3", "3"], (2, 1): ["3", "3", "3", "3", "3"], (2, 2): ["3", "3", "3", "3", "3"],
}


@pytest.fixture
def panel(db, make_opd, make_user, make_innovation, make_event):
    event = make_event()
    admin = make_user(role=Role.ADMIN)
    judges = [make_user(role=Role.JUDGE, full_name=f"Juri {n}") for n in ("Satu", "Dua", "Tiga")]
    entries = make_entries(db, make_opd, make_innovation, event, 3)
    built = build_round(db, event=event, entries=entries, judges=judges, grid=GRID)
    draft = built.sheets[(entries[2].id, judges[2].id)]
    draft.status, draft.submitted_at = SheetStatus.DRAFT, None
    db.session.flush()
    round_entries = sorted({a.assignment.round_entry for a in built.sheets.values()}, key=lambda r: r.id)
    return admin, judges, built.round, round_entries, event


def test_the_phase_opens_only_after_the_round_closed(panel, db):
    admin, judges, round_, res, _event = panel
    round_.closes_at = utcnow() + timedelta(hours=1)
    db.session.flush()
    with pytest.raises(JudgingError, match="setelah babak ditutup"):
        discussion.open_discussion(round_, by=admin)
    round_.closes_at = utcnow() - timedelta(minutes=1)
    discussion.open_discussion(round_, by=admin)
    with pytest.raises(JudgingError):
        discussion.open_discussion(round_, by=admin)
    discussion.close_discussion(round_, by=admin)
    assert not discussion.is_open(round_)
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.startswith("discussion."))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["discussion.open", "discussion.close"]


def test_who_sees_the_panel(panel, db):
    admin, judges, round_, res, _event = panel
    assert not discussion.may_discuss(judges[0], res[1])  # phase not open yet
    assert discussion.may_discuss(admin, res[1])
    discussion.open_discussion(round_, by=admin)
    assert discussion.may_discuss(judges[0], res[1])
    assert not discussion.may_discuss(judges[2], res[2])  # own sheet only a draft: no peeking
    assert discussion.may_discuss(judges[2], res[1])
    assert [r.id for r in discussion.judge_entries(judges[2])] == [res[0].id, res[1].id]


def test_the_chair_reads_entries_by_disagreement(panel, db):
    admin, judges, round_, res, _event = panel
    rows = discussion.by_disagreement(round_)
    assert [r.round_entry.id for r in rows] == [res[1].id, res[0].id, res[2].id]
    assert rows[0].range == pytest.approx(3.0) and rows[0].sd == pytest.approx(1.5275, abs=1e-4)
    assert rows[2].sd == 0.0 and len(rows[2].totals) == 2  # the draft does not count


def test_a_revision_needs_a_reason_a_change_and_the_open_phase(panel, db):
    admin, judges, round_, res, event = panel
    judge = judges[1]
    assignment = res[1].active_assignment_for(judge)
    values = {c.id: "3" for c in round_.rubric.criteria}
    with pytest.raises(JudgingError, match="selama diskusi"):
        discussion.revise(assignment, values, "Setelah mendengar juri lain", by=judge)
    discussion.open_discussion(round_, by=admin)
    with pytest.raises(JudgingError, match="alasan"):
        discussion.revise(assignment, values, "kurang", by=judge)
    with pytest.raises(JudgingError, match="Tidak ada nilai yang berubah"):
        discussion.revise(assignment, {c.id: "2" for c in round_.rubric.criteria}, "Tetap sama saja ya", by=judge)
    with pytest.raises(JudgingError):
        discussion.revise(assignment, values | {round_.rubric.criteria[0].id: "9"}, "Di luar skala nilainya", by=judge)
    with pytest.raises(JudgingError):
        discussion.revise(res[1].active_assignment_for(judges[0]), values, "Bukan lembar saya", by=judge)
    before_version = round_.results_version
    revision = discussion.revise(assignment, values, "Bukti dampak ternyata ada di lampiran 3", by=judge)
    sheet = assignment.sheet
    assert str(sheet.total) in ("3.0000", "3") and revision.total_before == 2 and revision.total_after == 3
    assert revision.before[round_.rubric.criteria[0].code] == "2.00"
    assert revision.after[round_.rubric.criteria[0].code] == "3.00"
    assert round_.results_version > before_version  # results recomputed
    logged = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "discussion.revise")).one()
    assert logged.changes["alasan"][1] == "Bukti dampak ternyata ada di lampiran 3"
    # the results export lists every revision
    stream = io.BytesIO()
    write_results_xlsx(event, stream)
    ws = load_workbook(io.BytesIO(stream.getvalue()))["Revisi Nilai"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][3] == "Juri Dua" and rows[0][5] == 2 and rows[0][6] == 3
    assert rows[0][8] == "Bukti dampak ternyata ada di lampiran 3" and "2.00 -> 3.00" in rows[0][7]
    round_.published_at = utcnow()
    with pytest.raises(JudgingError):
        discussion.revise(assignment, {c.id: "4" for c in round_.rubric.criteria}, "Setelah diumumkan", by=judge)


def test_the_pages(panel, db, client, login):
    admin, judges, round_, res, _event = panel
    discussion.open_discussion(round_, by=admin)
    db.session.commit()
    login(judges[2])
    assert client.get(f"/judging/entries/{res[2].id}/discussion").status_code == 403  # own sheet a draft
    page = client.get(f"/judging/entries/{res[1].id}/discussion").get_data(as_text=True)
    assert "Juri Satu" in page and "Juri Dua" in page and "Catatan juri 1 untuk entri 2" in page
    assert "Perlu data dampak." in page
    bad = client.post(f"/judging/entries/{res[1].id}/discussion/comments", data={"body": "   "})
    assert bad.status_code == 422 and "Tulis pesan Anda" in bad.get_data(as_text=True)
    assert client.post(f"/judging/entries/{res[1].id}/discussion/comments",
                       data={"body": "Juri Dua, apa yang kurang?"}).status_code == 302
    form = {f"score-{c.id}": "4" for c in round_.rubric.criteria} | {"reason": "pendek", "version": "1"}
    refused = client.post(f"/judging/entries/{res[1].id}/discussion/revise", data=form)
    assert refused.status_code == 422 and 'value="4"' in refused.get_data(as_text=True)  # typed kept
    form["reason"] = "Setelah diskusi, dampaknya lebih luas"
    assert client.post(f"/judging/entries/{res[1].id}/discussion/revise", data=form).status_code == 302
    page = client.get(f"/judging/entries/{res[1].id}/discussion").get_data(as_text=True)
    assert "Juri Dua, apa yang kurang?" in page and "Setelah diskusi, dampaknya lebih luas" in page
    stale = client.post(f"/judging/entries/{res[1].id}/discussion/revise",
                        data=form | {f"score-{round_.rubric.criteria[0].id}": "5"})
    assert stale.status_code == 422  # the form's version is old: no silent overwrite
    assert res[1].entry.innovation.nama in client.get("/judging/discussion").get_data(as_text=True)
    client.post("/auth/logout")
    login(admin)
    chair = client.get(f"/judging/rounds/{round_.id}/discussion").get_data(as_text=True)
    assert chair.index(res[1].entry.innovation.nama) < chair.index(res[0].entry.innovation.nama)
    assert client.post(f"/judging/rounds/{round_.id}/discussion/close").status_code == 302
    assert not discussion.is_open(round_)
