from sqlalchemy import func, select

from innovation.auth.models import User
from innovation.events.models import Entry, EntryStatus, Event
from innovation.innovations.models import Evidence, Innovation
from innovation.orgs.models import Opd
from innovation.web import Role


def test_demo_is_complete_and_idempotent(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "demo-inovasi-2026" in result.output and "op.dinkes" in result.output

    assert db.session.scalar(select(func.count(Opd.id))) == 20
    puskesmas = db.session.scalar(select(Opd).where(Opd.code == "PKM-TIMIKA"))
    assert puskesmas.parent.code == "DINKES"
    roles = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    assert roles[Role.ADMIN] == 1 and roles[Role.JUDGE] == 5 and roles[Role.OPERATOR] == 20
    slugs = set(db.session.scalars(select(Event.slug)))
    assert {"innovation-week-2025", "innovation-week-2026"} <= slugs
    innovations = db.session.scalars(select(Innovation)).all()
    assert len(innovations) == 12
    maturities = sorted(i.claimed_score for i in innovations)
    assert maturities[0] == 0 and maturities[-1] >= 90  # different stages of completeness
    assert db.session.scalar(select(func.count(Evidence.id)).where(Evidence.file_id.is_not(None))) > 50
    submitted = db.session.scalar(select(func.count(Entry.id)).where(Entry.status == EntryStatus.SUBMITTED))
    assert submitted >= 8

    from innovation.reporting import regional

    values = regional.regional_values(2026)
    assert set(values) == {1, 2, 9, 13} and values[9].score == 4.5
    files = regional.current_evidence(2026)
    assert sorted(files) == [1, 9] and all(len(items) == 1 for items in files.values())

    users_before = db.session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count(Innovation.id))) == 12
    assert sum(len(items) for items in regional.current_evidence(2026).values()) == 2  # not attached twice
    assert db.session.scalar(select(func.count(User.id))) == users_before

    from innovation.storage import get_storage

    evidence = db.session.scalars(select(Evidence).where(Evidence.file_id.is_not(None)).limit(3)).all()
    for item in evidence:
        data = b"".join(get_storage().open_chunks(item.file.key))
        assert len(data) == item.file.size
        assert data[:4] in (b"%PDF", b"\x89PNG")


def test_demo_2025_round_is_scored_by_five_judges_without_conflicts(app, db):
    from innovation.judging.models import Assignment, Round, RoundEntry, RoundKind, ScoreSheet, SheetStatus
    from innovation.judging.results import compute

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    event = db.session.scalar(select(Event).where(Event.slug == "innovation-week-2025"))
    round_ = db.session.scalar(select(Round).where(Round.event_id == event.id, Round.kind == RoundKind.PENILAIAN))
    rows = db.session.execute(
        select(User.username, Opd.code)
        .select_from(ScoreSheet).join(Assignment).join(RoundEntry, Assignment.round_entry_id == RoundEntry.id).join(Entry, RoundEntry.entry_id == Entry.id)
        .join(Opd, Entry.opd_id == Opd.id).join(User, Assignment.judge_id == User.id)
        .where(RoundEntry.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED)
    ).all()
    assert {u for u, _c in rows} == {"juri.lan", "juri.kemendagri", "juri.uncen", "juri.bappeda", "juri.distrik"}
    assert ("juri.bappeda", "BAPPEDA") not in rows and ("juri.distrik", "DIST-MIBA") not in rows
    assert len(rows) >= 8 * 4  # one sheet per judge and entry, less the conflicts
    flags = {j.username: j.flag for j in compute(round_).judges}
    assert flags["juri.kemendagri"] == "lebih keras"
