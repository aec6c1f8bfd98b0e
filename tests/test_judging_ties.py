"""One ranking (issue 11, rule 5): a tie that survives every automatic rule is settled by a recorded
chair's decision with a reason, shown in the results, never by an internal id; advancement and
publication wait for it where it matters."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.audit.models import AuditEvent
from innovation.extensions import utcnow
from innovation.judging import advancement, publication, results, ties
from innovation.judging.errors import JudgingError, ResultsError
from innovation.judging.models import Round, RoundKind, TieDecision
from innovation.web import Role

SAME = ["4", "4", "3", "4", "3"]


@pytest.fixture
def tied(scored, db):  # noqa: F811
    """Four entries in one category (and four in another); entries 2 and 4 of the first are scored
    alike by the same judges and submitted at the same moment: equal on every automatic rule."""

    def build(**kw):
        grid = {}
        for i in range(8):
            for j in range(3):
                grid[(i, j)] = ["5", "5", "5", "4", "5"] if i in (0, 1) else SAME if i in (2, 6) else ["3"] * 5
        built = scored(n_entries=8, n_judges=3, grid=grid, **kw)
        built.entries[6].submitted_at = built.entries[2].submitted_at
        for entry in built.entries:
            entry.category = built.event.categories[0] if entry is not built.entries[1] else built.event.categories[1]
        db.session.flush()
        return built

    return build


def _pair(built):
    return built.entries[2].id, built.entries[6].id


def test_a_full_tie_shares_its_rank_and_blocks_publication_where_it_touches_an_award(tied, make_user):
    built = tied()
    found = results.compute(built.round)
    a, b = (found.entry(i) for i in _pair(built))
    assert a.category_rank == b.category_rank == 2 and a.category_pending_tie and b.category_pending_tie
    assert a.award == b.award == "Juara 2"  # both, until the chair decides
    [group] = ties.pending_ties(found)
    assert {e.id for e in group.entries} == set(_pair(built)) and group.blocks_publication
    with pytest.raises(ResultsError, match="keputusan ketua"):
        publication.publish(built.round, by=make_user(role=Role.ADMIN))


def test_a_tie_outside_the_awards_does_not_block(tied, make_user, db):
    built = tied()
    built.round.award_places = 1
    db.session.flush()
    found = results.compute(built.round)
    assert [g.blocks_publication for g in ties.pending_ties(found)] == [False]
    snapshot = publication.publish(built.round, by=make_user(role=Role.ADMIN))
    stored = {e["id"]: e for e in snapshot.payload["entries"]}
    assert all(stored[i]["category_pending_tie"] for i in _pair(built))  # shown as a shared rank


def test_the_chair_decides_with_a_reason_and_the_results_show_it(tied, make_user, login, client, db):
    built = tied()
    admin = make_user(role=Role.ADMIN, full_name="Ketua Dewan Juri")
    db.session.commit()
    login(admin)
    page = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
    assert "perlu keputusan ketua" in page and "wajib diputuskan sebelum diumumkan" in page
    first, second = _pair(built)
    url = f"/judging/rounds/{built.round.id}/results/ties"
    form = {"entry_id": [str(first), str(second)], f"place-{first}": "2", f"place-{second}": "1",
            "method": "raw", "aggregate": "mean"}
    refused = client.post(url, data=form | {"reason": "singkat"}, follow_redirects=True)
    assert "minimal 10" in refused.get_data(as_text=True)
    same = client.post(url, data=form | {f"place-{first}": "1", "reason": "Presentasi lebih meyakinkan"},
                       follow_redirects=True)
    assert "urutan yang berbeda" in same.get_data(as_text=True)
    assert db.session.scalar(select(TieDecision)) is None
    done = client.post(url, data=form | {"reason": "Dampak bagi warga pedalaman lebih luas"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Keputusan ketua atas nilai seri dicatat" in html
    assert "Keputusan ketua atas nilai seri" in html and "Dampak bagi warga pedalaman lebih luas" in html
    db.session.expire_all()
    found = results.compute(built.round)
    winner, runner = found.entry(second), found.entry(first)
    assert (winner.category_rank, runner.category_rank) == (2, 3)  # the chair's order, not the ids'
    assert runner.category_tie_step == 6 and not winner.category_pending_tie and not runner.category_pending_tie
    assert (winner.award, runner.award) == ("Juara 2", "Juara 3")
    [decision] = found.tie_decisions
    assert decision.entry_ids == [second, first] and decision.decided_by == "Ketua Dewan Juri"
    log = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.tie_decision"))
    assert log.changes["alasan"] == "Dampak bagi warga pedalaman lebih luas"
    snapshot = publication.publish(built.round, by=admin)
    assert snapshot.payload["tie_decisions"][0]["reason"] == "Dampak bagi warga pedalaman lebih luas"


def test_settle_tie_refuses_what_is_not_a_tie(tied, make_user):
    built = tied()
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(JudgingError, match="tidak \\(lagi\\) seri"):
        ties.settle_tie(built.round, [built.entries[0].id, built.entries[2].id], "Keputusan rapat dewan", by=admin)
    with pytest.raises(JudgingError, match="tidak \\(lagi\\) seri"):  # a part of the tie only
        ties.settle_tie(built.round, [built.entries[2].id, built.entries[6].id, built.entries[3].id],
                        "Keputusan rapat dewan", by=admin)
    with pytest.raises(JudgingError, match="berbeda"):
        ties.settle_tie(built.round, [built.entries[2].id, built.entries[2].id], "Keputusan rapat dewan", by=admin)


def test_advancement_waits_for_the_chair_at_the_cut_off(tied, make_user, db):
    built = tied()
    admin = make_user(role=Role.ADMIN)
    round_ = built.round
    round_.advance_top_n, round_.advance_per_category = 2, True
    db.session.add(Round(event=round_.event, position=round_.position + 1, kind=RoundKind.FINAL, name="Final",
                         rubric=round_.rubric, opens_at=utcnow(), closes_at=utcnow() + timedelta(days=2)))
    db.session.flush()
    rows = advancement.advancement_proposal(round_).rows
    undecided = {r.round_entry.entry_id for r in rows if r.undecided}
    assert undecided == set(_pair(built))
    chosen = {r.round_entry.entry_id for r in rows if r.proposed}
    with pytest.raises(JudgingError, match="keputusan ketua"):
        advancement.advance(round_, chosen, by=admin)
    first, second = _pair(built)
    ties.settle_tie(round_, [first, second], "Kunjungan lapangan menunjukkan dampak lebih besar", by=admin)
    rows = advancement.advancement_proposal(round_).rows
    assert not any(r.undecided for r in rows)
    proposed = {r.round_entry.entry_id for r in rows if r.proposed}
    assert first in proposed and second not in proposed
    advancement.advance(round_, proposed, by=admin)


def test_entries_without_a_score_are_no_tie_for_the_chair(scored, db):  # noqa: F811
    """Two entries nobody scored, submitted at the same moment, share the last rank; that is no tie
    the chair must decide (they are not ranked)."""
    grid = {(i, j): ["4"] * 5 for i in range(2) for j in range(3)}
    built = scored(n_entries=4, n_judges=3, grid=grid)
    built.entries[3].submitted_at = built.entries[2].submitted_at
    db.session.flush()
    found = results.compute(built.round)
    unscored = [found.entry(e.id) for e in built.entries[2:]]
    assert all(e.pending_tie and not e.scored for e in unscored) and unscored[0].rank == unscored[1].rank
    assert ties.pending_ties(found) == []
