"""Publication is final unless deliberately reopened (issue 11, rule 3): after publication the server
refuses, saying why, every change that feeds the published figures; an admin reopens with a written
reason; publishing again makes the next edition with its own checksum; the pages show the current
edition and the history; publishing with missing sheets lists them and needs a reason."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.audit.models import AuditEvent
from innovation.extensions import utcnow
from innovation.judging import advancement, assignments, panels, publication, results, rounds, rubrics, sheets, ties
from innovation.judging.errors import JudgingError, ResultsError
from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry, RoundKind
from innovation.orgs.models import Opd
from innovation.web import Role

PUBLISHED = "sudah diumumkan"


@pytest.fixture
def published(scored, make_user, db):  # noqa: F811
    """A closed round of six entries scored by three judges, published as edition 1."""

    def build(**kw):
        built = scored(n_entries=6, n_judges=3, **kw)
        admin = make_user(role=Role.ADMIN, full_name="Admin Ketua")
        snapshot = publication.publish(built.round, by=admin)
        db.session.flush()
        return built, admin, snapshot

    return build


def _round_data(round_: Round, **changed) -> dict:
    return {"name": round_.name, "kind": round_.kind.value, "opens_at": round_.opens_at,
            "closes_at": round_.closes_at, "judges_per_entry": round_.judges_per_entry} | changed


def test_every_change_feeding_the_figures_is_refused_and_says_why(published, make_user, db):
    built, admin, _snapshot = published()
    round_ = built.round
    judge = built.judges[0]
    sheet = built.sheets[(built.entries[0].id, judge.id)]
    assignment = sheet.assignment
    criterion = round_.rubric.criteria[0]
    round_entry = assignment.round_entry
    spare = make_user(role=Role.JUDGE)
    refusals = {
        "window": lambda: rounds.update_round(round_, _round_data(round_, closes_at=utcnow() + timedelta(days=3)),
                                              by=admin),
        "settings": lambda: rounds.update_round(round_, _round_data(round_, award_places=1), by=admin),
        "weights": lambda: rubrics.update_criteria(round_.rubric, [{"id": str(criterion.id), "weight": "30"}],
                                                   by=admin),
        "criterion": lambda: rubrics.update_criterion(criterion, title="Kebaruan", by=admin),
        "add criterion": lambda: rubrics.add_criterion(round_.rubric, code="baru", title="Baru", weight="0",
                                                       by=admin),
        "remove criterion": lambda: rubrics.remove_criterion(round_.rubric.criteria[-1], by=admin),
        "assign": lambda: assignments.assign_judge(round_entry, spare, by=admin),
        "unassign": lambda: assignments.remove_assignment(assignment, by=admin),
        "auto": lambda: assignments.auto_assign(round_, by=admin),
        "recuse": lambda: assignments.recuse(assignment, "Kerabat saya operatornya", by=judge),
        "dismiss": lambda: assignments.dismiss_flag(assignment, by=admin),
        "populate": lambda: rounds.populate_first_round(round_, by=admin),
        "sheet": lambda: sheets.save_sheet(assignment, {c.id: "1" for c in built.criteria}, {}, "", submit=True,
                                           by=judge, now=round_.opens_at + timedelta(hours=1)),
        "tie": lambda: ties.settle_tie(round_, [built.entries[0].id, built.entries[1].id], "Keputusan ketua rapat",
                                       by=admin),
    }
    panels.add_panel_member(round_, spare, by=admin)  # the panel does not feed the figures
    for what, change in refusals.items():
        with pytest.raises(JudgingError) as refused:
            change()
        assert PUBLISHED in str(refused.value) and "buka" in str(refused.value), what
    db.session.expire_all()
    assert sheet.total == built.sheets[(built.entries[0].id, judge.id)].total
    assert assignment.status == AssignmentStatus.ACTIVE and criterion.title == "Kebaharuan"


def test_the_judge_is_told_on_the_page_and_the_server_refuses_the_save(published, login, client, db):
    """Even with the window reopened by hand in the database, the published round's sheets stay."""
    built, _admin, _snapshot = published()
    judge = built.judges[0]
    round_ = built.round
    round_.closes_at = utcnow() + timedelta(days=1)  # bypassing the refused service
    db.session.commit()
    login(judge)
    url = f"/judging/entries/{built.sheets[(built.entries[0].id, judge.id)].assignment.round_entry_id}"
    page = client.get(url).get_data(as_text=True)
    assert "sudah diumumkan" in page and "Kirim perubahan" in page  # the form is shown disabled
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(url, data={f"score-{c.id}": "1" for c in built.criteria} | {"action": "submit",
                                                                                        "version": version})
    assert response.status_code == 422 and PUBLISHED in response.get_data(as_text=True)


def test_the_admin_pages_say_why_and_refuse(published, login, client, db):
    built, admin, _snapshot = published()
    round_ = built.round
    criterion = round_.rubric.criteria[0]
    login(admin)
    rubric_page = client.get(f"/judging/rounds/{round_.id}/rubric").get_data(as_text=True)
    assert PUBLISHED in rubric_page
    data = {f"weight-{c.id}": str(c.weight) for c in round_.rubric.criteria} | {
        f"title-{criterion.id}": "Kebaruan", "version": str(round_.rubric.version)}
    response = client.post(f"/judging/rounds/{round_.id}/rubric", data=data)
    assert response.status_code == 422 and PUBLISHED in response.get_data(as_text=True)
    assert 'value="Kebaruan"' in response.get_data(as_text=True)  # the typed title is kept
    assert PUBLISHED in client.get(f"/judging/rounds/{round_.id}/edit").get_data(as_text=True)
    assert PUBLISHED in client.get(f"/judging/rounds/{round_.id}").get_data(as_text=True)
    db.session.expire_all()
    assert criterion.title == "Kebaharuan"


def test_reopen_needs_a_reason_then_changes_are_allowed_and_republishing_makes_edition_2(published, db):
    built, admin, first = published()
    round_ = built.round
    with pytest.raises(JudgingError, match="minimal 10"):
        publication.reopen(round_, "salah", by=admin)
    reopened = publication.reopen(round_, "Juri 2 salah memasukkan nilai kemanfaatan", by=admin)
    assert reopened.id == first.id and round_.published_at is None
    assert (reopened.reopen_reason, reopened.reopened_by_id) == ("Juri 2 salah memasukkan nilai kemanfaatan",
                                                                 admin.id)
    with pytest.raises(ResultsError, match="belum diumumkan"):
        publication.reopen(round_, "Sekali lagi dibuka ulang", by=admin)
    # the correction: a weight change is allowed again
    criteria = round_.rubric.criteria
    rubrics.update_criteria(round_.rubric, [{"id": str(criteria[0].id), "weight": "25"},
                                            {"id": str(criteria[1].id), "weight": "30"}], by=admin)
    second = publication.publish(round_, by=admin)
    assert (first.edition, second.edition) == (1, 2)
    assert second.checksum != first.checksum and results.verify(first) and results.verify(second)
    assert second.payload["edition"] == 2 and first.payload["entries"] != second.payload["entries"]
    assert results.latest_snapshot(round_).id == second.id
    assert [e.edition for e in publication.editions(round_)] == [1, 2]
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "judging_round", AuditEvent.object_id == round_.id).order_by(AuditEvent.id)))
    assert actions == ["judging.results_published", "judging.results_reopened", "judging.results_published"]


def test_results_pages_show_the_current_edition_and_the_history(published, login, client, make_user, db):
    built, admin, first = published()
    round_ = built.round
    publication.reopen(round_, "Satu juri salah memasukkan nilai", by=admin)
    db.session.commit()

    operator = make_user(role=Role.OPERATOR, opd=db.session.get(Opd, built.entries[0].opd_id))
    login(operator)
    reopened = client.get(f"/judging/rounds/{round_.id}/my-results").get_data(as_text=True)
    assert "ditinjau ulang" in reopened and "Satu juri salah memasukkan nilai" in reopened
    assert "Catatan juri" not in reopened  # no figures while the result is being revised
    certificate = f"/judging/rounds/{round_.id}/certificates/{built.entries[0].id}.pdf"
    assert client.get(certificate).status_code == 403  # no certificate of a withdrawn edition

    second = publication.publish(round_, by=admin)
    db.session.commit()
    page = client.get(f"/judging/rounds/{round_.id}/my-results").get_data(as_text=True)
    assert "v2" in page and second.checksum in page and "Riwayat pengumuman" in page
    assert "digantikan (dibuka kembali)" in page and "Satu juri salah memasukkan nilai" in page
    client.post("/auth/logout")
    login(admin)
    page = client.get(f"/judging/rounds/{round_.id}/results").get_data(as_text=True)
    assert "Versi resmi saat ini: v2" in page and first.checksum[:12] in page and second.checksum in page
    assert "Buka kembali hasil" in page


def test_reopen_is_refused_once_entries_advanced_out_of_the_round(published, make_event, db):
    built, admin, _snapshot = published()
    round_ = built.round
    final = Round(event=round_.event, position=round_.position + 1, kind=RoundKind.FINAL, name="Final",
                  rubric=round_.rubric, opens_at=utcnow(), closes_at=utcnow() + timedelta(days=2))
    db.session.add(final)
    db.session.flush()
    proposal = advancement.advancement_proposal(round_)
    advancement.advance(round_, {r.round_entry.entry_id for r in proposal.rows if r.proposed}, by=admin)
    with pytest.raises(ResultsError, match="lolos"):
        publication.reopen(round_, "Juri 2 salah memasukkan nilai", by=admin)


def test_a_published_rounds_advancement_follows_the_official_ranking_or_says_why_not(published, db):
    built, admin, _snapshot = published()
    round_ = built.round
    round_.advance_top_n = 2
    db.session.add(Round(event=round_.event, position=round_.position + 1, kind=RoundKind.FINAL, name="Final",
                         rubric=round_.rubric, opens_at=utcnow(), closes_at=utcnow() + timedelta(days=2)))
    db.session.flush()
    proposal = advancement.advancement_proposal(round_)
    proposed = {r.round_entry.entry_id for r in proposal.rows if r.proposed}
    other = next(r.round_entry.entry_id for r in proposal.rows if not r.proposed)
    chosen = (proposed - {next(iter(proposed))}) | {other}
    with pytest.raises(JudgingError, match="berbeda dari peringkat resmi"):
        advancement.advance(round_, chosen, by=admin)
    advancement.advance(round_, chosen, by=admin, deviation_reason="Entri peringkat 2 mengundurkan diri tertulis")
    entry = db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.entry_id == other))
    assert "mengundurkan diri" in entry.decision_reason
    log = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.advance"))
    assert log.changes["berbeda_dari_peringkat_resmi"] == "Entri peringkat 2 mengundurkan diri tertulis"


def test_publishing_with_missing_sheets_lists_them_and_needs_a_reason(scored, make_user, login, client, db):  # noqa: F811
    built = scored(n_entries=4, n_judges=3)
    admin = make_user(role=Role.ADMIN)
    late = make_user(role=Role.JUDGE, full_name="Juri Terlambat")
    round_entry = built.sheets[(built.entries[1].id, built.judges[0].id)].assignment.round_entry
    db.session.add(Assignment(round_entry_id=round_entry.id, judge_id=late.id))  # assigned, never scored
    db.session.commit()
    with pytest.raises(ResultsError) as refused:
        publication.publish(built.round, by=admin)
    assert "1 lembar nilai" in str(refused.value) and "Juri Terlambat" in str(refused.value)
    assert built.entries[1].innovation.nama in str(refused.value)

    login(admin)
    page = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
    assert "Juri Terlambat" in page and 'name="incomplete_reason"' in page
    url = f"/judging/rounds/{built.round.id}/results/publish"
    response = client.post(url, data={"confirm": "1"}, follow_redirects=True)
    assert "Juri Terlambat" in response.get_data(as_text=True) and built.round.published_at is None
    response = client.post(url, data={"confirm": "1", "incomplete_reason": "Juri sakit, panel sepakat tanpa dia"})
    assert response.status_code == 302
    db.session.expire_all()
    snapshot = results.latest_snapshot(built.round)
    assert snapshot.incomplete_reason == "Juri sakit, panel sepakat tanpa dia"
    assert snapshot.payload["missing_sheets"] == [{"entry_id": built.entries[1].id,
                                                   "innovation": built.entries[1].innovation.nama,
                                                   "judge": "Juri Terlambat", "state": "todo"}]
    assert snapshot.payload["incomplete_reason"] == "Juri sakit, panel sepakat tanpa dia"
    page = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
    assert "Diumumkan tanpa 1 lembar nilai" in page and "Juri sakit, panel sepakat tanpa dia" in page


def test_the_reopen_view(published, login, client, db):
    built, admin, snapshot = published()
    db.session.commit()
    login(admin)
    url = f"/judging/rounds/{built.round.id}/results/reopen"
    short = client.post(url, data={"reason": "x"}, follow_redirects=True)
    assert "minimal 10" in short.get_data(as_text=True)
    db.session.expire_all()
    assert built.round.published_at is not None
    done = client.post(url, data={"reason": "Rekap nilai juri 3 keliru"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "dibuka kembali" in html and "Belum diumumkan" in html and "Rekap nilai juri 3 keliru" in html
    db.session.expire_all()
    assert built.round.published_at is None and results.latest_snapshot(built.round).reopened_at is not None


def test_two_admins_publishing_at_once_make_one_edition(published, monkeypatch, db):
    """The edition is unique per round: the second of two simultaneous publications (both read the same
    next edition) is refused with a message, not an error page."""
    built, admin, first = published()
    publication.reopen(built.round, "Rekap nilai juri 3 keliru", by=admin)
    monkeypatch.setattr(publication, "next_edition", lambda round_: 1)  # as the slower of the two saw it
    with pytest.raises(ResultsError, match="admin lain"):
        publication.publish(built.round, by=admin)
    assert [e.edition for e in publication.editions(built.round)] == [1] and built.round.published_at is None
