"""The live results' cache key (``results_cache.cache_key``) moves with every change that feeds the
round's results and with nothing else, so the live results page can cache on it without reading the
round's sheets. Judging's own operations bump ``Round.results_version`` (``mark_changed``, the
operation's last statement); what the events area changes is read with the round."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest import build_app, drop_schema, require_backend
from sqlalchemy import select
from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.web import Role
from innovation.extensions import utcnow


def _key(db, round_):
    db.session.commit()  # as a view does (the test's outer transaction still rolls back)
    from innovation.judging import results_cache

    return results_cache.cache_key(round_)


def _values(built, value: str) -> dict:
    return {c.id: value for c in built.criteria}


def test_each_kind_of_change_moves_the_key(scored, db, make_user, make_event):  # noqa: F811
    from innovation.events import entries as event_entries
    from innovation.events import services as events
    from innovation.judging import assignments, rubrics, sheets
    from innovation.judging.models import RoundEntry

    built = scored(n_entries=3, n_judges=3, closed=False)
    round_ = built.round
    admin = make_user(role=Role.ADMIN)
    seen = [_key(db, round_)]

    def moved() -> bool:
        now = _key(db, round_)
        changed = now != seen[-1]
        seen.append(now)
        return changed

    judge = built.judges[0]
    assignment = built.sheets[(built.entries[0].id, judge.id)].assignment
    sheets.save_sheet(assignment, _values(built, "1"), {}, "", submit=True, by=judge)  # scores
    assert moved()
    sheets.save_sheet(assignment, _values(built, "1"), {}, "Catatan baru", submit=True, by=judge)  # the comment
    assert moved()
    assignments.recuse(assignment, "Kerabat saya operatornya", by=judge)  # a recusal
    assert moved()
    extra = make_user(role=Role.JUDGE)
    round_entry = db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == round_.id))
    assignments.assign_judge(round_entry, extra, by=admin)  # a new assignment
    assert moved()
    entry = built.entries[1]  # its category, changed by its OPD during an extension of the deadline
    events.grant_extension(built.event, entry.opd, utcnow() + timedelta(days=1), "Jaringan putus", by=admin)
    other = next(c for c in built.event.categories if c.id != entry.category_id)
    event_entries.change_category(entry, other, by=admin)
    assert moved()
    weights = [31, 24, 20, 15, 10]  # the rubric's weights
    rubrics.update_criteria(round_.rubric, [{"id": str(c.id), "weight": str(w)}
                                            for c, w in zip(built.criteria, weights)], by=admin)
    assert moved()

    # nothing that feeds the results: no move
    built.entries[2].innovation.tujuan = "Tujuan lain."
    extra.full_name = "Nama Lain"
    rubrics.update_criteria(round_.rubric, [{"id": str(c.id), "weight": str(w)}
                                            for c, w in zip(built.criteria, weights)], by=admin)  # the same again
    assert not moved()


def test_other_rounds_keep_their_key(scored, db):  # noqa: F811
    from innovation.judging import sheets

    first, second = scored(n_entries=2, n_judges=3, closed=False), scored(n_entries=2, n_judges=3, closed=False)
    before = _key(db, second.round)
    judge = first.judges[0]
    sheets.save_sheet(first.sheets[(first.entries[0].id, judge.id)].assignment, _values(first, "2"), {}, "",
                      submit=True, by=judge)
    assert _key(db, second.round) == before
    assert _key(db, first.round) != before


def test_a_repeated_results_view_reads_no_score_sheet(scored, db, make_user, login, client, count_statements):  # noqa: F811
    from innovation.judging import results_cache

    results_cache.results_cache().clear()
    built = scored(n_entries=4, n_judges=3)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    assert client.get(url).status_code == 200
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    assert not any("score_sheet" in s.lower() for s in counter.statements)


def test_draft_saves_do_not_move_it_and_submission_does(scored, db, make_user):  # noqa: F811
    from innovation.judging import assignments, sheets
    from innovation.judging.models import RoundEntry

    built = scored(n_entries=2, n_judges=3, closed=False)
    round_entry = db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == built.round.id))
    extra = make_user(role=Role.JUDGE)
    assignment = assignments.assign_judge(round_entry, extra, by=make_user(role=Role.ADMIN))
    before = _key(db, built.round)
    version = built.round.results_version
    first = built.criteria[0].id
    sheets.save_sheet(assignment, {first: "3"}, {}, "", submit=False, by=extra)  # a draft: not in the results
    assert _key(db, built.round) == before
    sheets.save_sheet(assignment, {first: "4"}, {}, "", submit=False, by=extra)
    assert _key(db, built.round) == before
    sheets.save_sheet(assignment, _values(built, "4"), {}, "", submit=True, by=extra)
    assert _key(db, built.round) != before and built.round.results_version == version + 1


def test_renaming_a_category_moves_it(scored, db, make_user):  # noqa: F811
    from innovation.events import services as events

    built = scored(n_entries=2, n_judges=3)
    before = _key(db, built.round)
    category = built.entries[0].category
    events.rename_category(built.event, category, category.name + " (baru)", by=make_user(role=Role.ADMIN))
    assert _key(db, built.round) != before


def _queries(counter) -> list[str]:
    return [s for s in counter.statements if s.strip().upper() != "BEGIN"]  # SQLite's, after the commit


def test_the_key_costs_no_statement_once_entries_can_no_longer_change(scored, db, count_statements):  # noqa: F811
    """Read with the round (one statement), the key needs nothing more once the event's submission
    window and its extensions have closed; while entries may still change, one statement."""
    from innovation.events import services as events
    from innovation.judging import results_cache
    from innovation.judging.models import Round

    built = scored(n_entries=2, n_judges=3)  # the event closed 25 days ago
    round_id = built.round.id
    db.session.commit()
    with count_statements() as counter:
        round_ = results_cache.load_round(round_id)
        results_cache.cache_key(round_)
    assert len(_queries(counter)) == 1 and round_.extensions_close is None
    events.grant_extension(built.event, built.entries[0].opd, utcnow() + timedelta(hours=1), "Listrik padam",
                           by=built.judges[0])
    db.session.commit()
    with count_statements() as counter:
        round_ = results_cache.load_round(round_id)
        key = results_cache.cache_key(round_)
    assert len(_queries(counter)) == 2 and key[-1] != "closed"
    assert isinstance(round_, Round)


def test_the_bump_is_the_operations_last_statement(scored, db, make_user, count_statements):  # noqa: F811
    """The round's row is locked from the bump to the commit only: after every other write of the
    operation, its audit record included."""
    from innovation.judging import assignments, rubrics, sheets

    built = scored(n_entries=2, n_judges=3, closed=False)
    judge = built.judges[0]
    assignment = built.sheets[(built.entries[0].id, judge.id)].assignment
    admin = make_user(role=Role.ADMIN)
    db.session.commit()
    operations = [
        lambda: sheets.save_sheet(assignment, _values(built, "2"), {}, "", submit=True, by=judge),
        lambda: rubrics.update_criteria(built.round.rubric, [{"id": str(c.id), "weight": str(w)} for c, w in
                                                             zip(built.criteria, [40, 15, 20, 15, 10])], by=admin),
        lambda: assignments.recuse(assignment, "Kerabat saya operatornya", by=judge),
    ]
    for operation in operations:
        with count_statements() as counter:
            operation()
        writes = [s for s in counter.statements if not s.lstrip().upper().startswith("SELECT")]
        assert writes[-1].lstrip().upper().startswith("UPDATE JUDGING_ROUND SET RESULTS_VERSION"), writes
        assert any(s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT") for s in writes)
        assert sum("judging_round" in s.lower() for s in writes) == 1
        db.session.commit()


# --- two judges at once ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["postgresql"])
def fresh(request, tmp_path_factory):
    """An app of its own: the two judges' transactions must see each other's commits. PostgreSQL only:
    SQLite locks the whole database, and two deferred transactions that both read first cannot both
    upgrade to a write lock whatever the order of their statements."""
    require_backend(request.param)
    app = build_app(request.param, tmp_path_factory)
    yield app
    drop_schema(app)


def test_two_judges_submitting_in_one_round_neither_deadlock_nor_lose_a_bump(fresh):
    """The first judge's transaction holds the round (its bump) while the second submits: the second
    waits for the commit, then adds its own one. Both sheets are saved and the version rose by two."""
    from conftest import _PASSWORD_HASH

    from innovation.auth.models import User
    from innovation.events.models import Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.judging import assignments, rounds, rubrics, sheets
    from innovation.judging.models import Assignment, Round, RoundEntry, ScoreSheet, SheetStatus
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year

    with fresh.app_context():
        now = utcnow()
        admin = User(username="admin-serentak", full_name="Admin", role=Role.ADMIN, password_hash=_PASSWORD_HASH)
        judges = [User(username=f"juri-serentak-{n}", full_name=f"Juri {n}", role=Role.JUDGE,
                       password_hash=_PASSWORD_HASH) for n in (1, 2)]
        opd = Opd(code="SERENTAK", name="Dinas Serentak", kind=OpdKind.DINAS)
        event = Event(slug="serentak", name="Serentak", year=2026, opens_at=now - timedelta(days=20),
                      closes_at=now - timedelta(days=10), categories=[Category(name="Umum", position=0)])
        db.session.add_all([admin, *judges, opd, event])
        db.session.flush()
        rubrics.seed_builtin_rubrics(by=admin)
        round_ = rounds.create_round(event, {"name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(days=1),
                                             "closes_at": now + timedelta(days=1), "judges_per_entry": 1},
                                     rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
        for judge in judges:
            innovation = Innovation(opd=opd, nama=f"Inovasi {judge.username}", rules_year=latest_year())
            entry = Entry(event=event, innovation=innovation, category=event.categories[0], opd_id=opd.id,
                          status=EntryStatus.SUBMITTED, submitted_at=now - timedelta(days=11))
            round_entry = RoundEntry(round=round_, entry=entry)
            db.session.add_all([innovation, entry, round_entry])
            db.session.flush()
            assignments.assign_judge(round_entry, judge, by=admin)
        db.session.commit()
        round_id, judge_ids, version = round_.id, [j.id for j in judges], round_.results_version

    first_bumped, errors = threading.Event(), []

    def submit(judge_id: int, hold: float) -> None:
        try:
            with fresh.app_context():
                judge = db.session.get(User, judge_id)
                assignment = db.session.scalar(select(Assignment).where(Assignment.judge_id == judge_id))
                rubric = db.session.get(Round, round_id).rubric
                if hold == 0:
                    first_bumped.wait(10)  # the other judge holds the round now
                sheets.save_sheet(assignment, {c.id: "4" for c in rubric.criteria}, {}, "", submit=True, by=judge)
                if hold:
                    first_bumped.set()
                    threading.Event().wait(hold)  # keep the round locked a moment
                db.session.commit()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
            first_bumped.set()

    threads = [threading.Thread(target=submit, args=(judge_ids[0], 0.5)),
               threading.Thread(target=submit, args=(judge_ids[1], 0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads) and errors == []
    with fresh.app_context():
        assert db.session.get(Round, round_id).results_version == version + 2
        submitted = db.session.scalars(select(ScoreSheet.status).join(Assignment)
                                       .where(Assignment.judge_id.in_(judge_ids))).all()
        assert submitted == [SheetStatus.SUBMITTED, SheetStatus.SUBMITTED]
