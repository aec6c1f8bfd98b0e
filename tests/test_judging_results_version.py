"""``Round.results_version`` moves with every change that feeds the round's results and with nothing
else, so the live results page can cache on it without reading the round's sheets."""
from __future__ import annotations

from decimal import Decimal as D

from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.web import Role


def _version(db, round_) -> int:
    db.session.commit()  # the version moves with the commit (the test's outer transaction still rolls back)
    return round_.results_version


def test_each_kind_of_change_moves_the_version(scored, db, make_user, make_event):  # noqa: F811
    from innovation.judging.models import Assignment, AssignmentStatus, RoundEntry

    built = scored(n_entries=3, n_judges=3)
    round_ = built.round
    seen = [_version(db, round_)]

    def moved() -> bool:
        now = _version(db, round_)
        changed = now != seen[-1]
        seen.append(now)
        return changed

    sheet = built.sheets[(built.entries[0].id, built.judges[0].id)]
    sheet.scores[0].value = D(1)  # one score
    assert moved()
    sheet.overall_comment = "Catatan baru"  # a sheet field (the comment is in the payload)
    assert moved()
    assignment = db.session.get(Assignment, sheet.assignment_id)
    assignment.status = AssignmentStatus.RECUSED  # a recusal
    assert moved()
    extra = make_user(role=Role.JUDGE)
    round_entry = db.session.scalar(db.select(RoundEntry).where(RoundEntry.round_id == round_.id))
    db.session.add(Assignment(round_entry_id=round_entry.id, judge_id=extra.id))  # a new assignment
    assert moved()
    other_event = make_event()
    built.entries[1].category_id = other_event.categories[0].id if other_event.categories else None  # category
    assert moved()
    built.criteria[0].weight = D(31)  # the rubric's weights
    assert moved()

    # nothing that feeds the results: no move
    built.entries[2].innovation.tujuan = "Tujuan lain."
    extra.full_name = "Nama Lain"
    assert not moved()


def test_other_rounds_keep_their_version(scored, db):  # noqa: F811
    first, second = scored(n_entries=2, n_judges=3), scored(n_entries=2, n_judges=3)
    before = _version(db, second.round)
    first.sheets[(first.entries[0].id, first.judges[0].id)].scores[0].value = D(2)
    assert _version(db, second.round) == before


def test_a_repeated_results_view_reads_no_score_sheet(scored, db, make_user, login, client, count_statements):  # noqa: F811
    from innovation.judging import results

    results.payload_cache().clear()
    built = scored(n_entries=4, n_judges=3)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    assert client.get(url).status_code == 200
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    assert not any("score_sheet" in s.lower() for s in counter.statements)


def test_draft_saves_do_not_move_it_and_submission_does(scored, db, make_user):  # noqa: F811
    from innovation.judging.models import Assignment, RoundEntry, Score, ScoreSheet, SheetStatus

    built = scored(n_entries=2, n_judges=3)
    round_entry = db.session.scalar(db.select(RoundEntry).where(RoundEntry.round_id == built.round.id))
    extra = make_user(role=Role.JUDGE)
    assignment = Assignment(round_entry_id=round_entry.id, judge_id=extra.id)
    db.session.add(assignment)
    before = _version(db, built.round)
    sheet = ScoreSheet(assignment_id=assignment.id, status=SheetStatus.DRAFT, overall_comment="")
    db.session.add(sheet)
    db.session.flush()
    db.session.add(Score(sheet_id=sheet.id, criterion_id=built.criteria[0].id, value=D(3), comment=""))
    assert _version(db, built.round) == before  # a draft: not in the results
    sheet.scores[0].value = D(4)
    assert _version(db, built.round) == before
    sheet.status = SheetStatus.SUBMITTED
    assert _version(db, built.round) == before + 1


def test_renaming_a_category_moves_it(scored, db):  # noqa: F811
    built = scored(n_entries=2, n_judges=3)
    before = _version(db, built.round)
    category = built.entries[0].category
    category.name = category.name + " (baru)"
    assert _version(db, built.round) == before + 1
