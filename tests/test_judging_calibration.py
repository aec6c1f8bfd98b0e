"""Calibration before a round opens: the panel scores a sample entry for practice; the chair sees each
judge's deviation from the others with the results' harsh/lenient measure; nothing counts in results."""
from __future__ import annotations

from datetime import timedelta

import pytest

from innovation.audit.models import AuditEvent
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import calibration, panels, rounds, rubrics
from innovation.judging.errors import JudgingError
from innovation.judging.models import RoundEntry, ScoreSheet
from innovation.web import Role


@pytest.fixture
def upcoming(db, make_opd, make_user, make_innovation, make_event):
    admin = make_user(role=Role.ADMIN)
    event = make_event()
    rubrics.seed_builtin_rubrics()
    now = utcnow()
    round_ = rounds.create_round(event, {
        "name": "Penilaian", "kind": "penilaian", "opens_at": now + timedelta(days=1),
        "closes_at": now + timedelta(days=3), "judges_per_entry": 3,
    }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
    res = []
    for i in range(2):
        opd = make_opd()
        entry = Entry(event=event, innovation=make_innovation(opd=opd, nama=f"Contoh {i + 1}"),
                      category=event.categories[0], opd=opd, status=EntryStatus.SUBMITTED)
        re_ = RoundEntry(round=round_, entry=entry)
        db.session.add_all([entry, re_])
        res.append(re_)
    db.session.flush()
    judges = [make_user(role=Role.JUDGE, full_name=f"Juri {n}") for n in ("A", "B", "C", "D")]
    for judge in judges[:3]:
        panels.add_panel_member(round_, judge, by=admin)
    conflicted = make_user(role=Role.JUDGE, opd=res[0].entry.opd, full_name="Juri Konflik")
    panels.add_panel_member(round_, conflicted, by=admin)
    db.session.flush()
    return admin, round_, res, judges, conflicted


def scores(round_, value):
    return {c.id: value for c in round_.rubric.criteria}


def test_the_chair_sees_who_is_harsh_and_who_lenient(upcoming, db):
    admin, round_, res, judges, _c = upcoming
    calibration.set_sample(round_, res[0], "Nilai seperti biasa.", by=admin)
    calibration.save_practice(round_, scores(round_, "4"), "", by=judges[0])
    calibration.save_practice(round_, scores(round_, "4"), "", by=judges[1])
    calibration.save_practice(round_, scores(round_, "2"), "terlalu sedikit bukti", by=judges[2])
    rows = calibration.deviations(calibration.sample_of(round_))
    assert [r.judge.full_name for r in rows] == ["Juri C", "Juri A", "Juri B"]  # harshest first
    assert rows[0].deviation == pytest.approx(-2.0) and rows[0].flag == "lebih keras"
    assert rows[1].deviation == pytest.approx(1.0) and rows[1].flag == "lebih murah"  # 1.0 > 0.4 (10 % of 4)
    assert rows[0].criteria[round_.rubric.criteria[0].id] == pytest.approx(-2.0)
    calibration.save_practice(round_, scores(round_, "3.75"), "", by=judges[2])  # replaces, does not add
    rows = calibration.deviations(calibration.sample_of(round_))
    assert len(rows) == 3 and all(r.flag is None for r in rows)
    assert db.session.scalar(db.select(db.func.count()).select_from(ScoreSheet)) == 0  # never a score sheet
    assert db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action == "calibration.score")).all()


def test_who_may_calibrate_and_when(upcoming, db):
    admin, round_, res, judges, conflicted = upcoming
    with pytest.raises(JudgingError):
        calibration.save_practice(round_, scores(round_, "4"), "", by=judges[0])  # no sample yet
    calibration.set_sample(round_, res[0], "", by=admin)
    with pytest.raises(JudgingError, match="bukan juri"):
        calibration.save_practice(round_, scores(round_, "4"), "", by=judges[3])
    with pytest.raises(JudgingError, match="unit kerja"):
        calibration.save_practice(round_, scores(round_, "4"), "", by=conflicted)
    with pytest.raises(JudgingError):
        calibration.save_practice(round_, scores(round_, "") , "", by=judges[0])
    assert [s.round_id for s in calibration.judge_samples(judges[0])] == [round_.id]
    calibration.save_practice(round_, scores(round_, "4"), "", by=judges[0])
    with pytest.raises(JudgingError, match="hapus kalibrasi"):
        calibration.set_sample(round_, res[1], "", by=admin)
    round_.opens_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    with pytest.raises(JudgingError, match="sebelum penilaian"):
        calibration.save_practice(round_, scores(round_, "3"), "", by=judges[0])
    assert calibration.judge_samples(judges[0]) == []


def test_the_pages(upcoming, db, client, login):
    admin, round_, res, judges, _c = upcoming
    login(admin)
    assert client.post(f"/judging/rounds/{round_.id}/calibration",
                       data={"round_entry_id": str(res[1].id), "note": "Baca lampiran"}).status_code == 302
    assert client.post(f"/judging/rounds/{round_.id}/calibration", data={"round_entry_id": "x"}).status_code == 400
    client.post("/auth/logout")
    login(judges[0])
    listing = client.get("/judging/discussion").get_data(as_text=True)
    assert "Contoh 2" in listing
    url = f"/judging/rounds/{round_.id}/calibration/score"
    bad = client.post(url, data={f"score-{c.id}": "7" for c in round_.rubric.criteria})
    assert bad.status_code == 422 and 'value="7"' in bad.get_data(as_text=True)
    assert client.post(url, data={f"score-{c.id}": "3" for c in round_.rubric.criteria}).status_code == 302
    assert "Total latihan Anda: 3" in client.get(url).get_data(as_text=True)
    client.post("/auth/logout")
    login(judges[3])  # not on the panel
    assert client.get(url).status_code == 403
    client.post("/auth/logout")
    login(admin)
    page = client.get(f"/judging/rounds/{round_.id}/calibration").get_data(as_text=True)
    assert "Juri A" in page and "Baca lampiran" in page
