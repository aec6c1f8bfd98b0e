"""Judging's permission rules (``judging.policy``), each with the case that fails without it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from innovation.web import Role
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import assignments, policy, rounds, rubrics
from innovation.judging.errors import JudgingError
from innovation.judging.models import AssignmentStatus, RoundEntry


@pytest.fixture
def scene(db, make_opd, make_user, make_innovation, make_event):
    """An open scored round with one entry of a child unit of the judge's OPD and one from elsewhere,
    the judge assigned to the second."""
    admin = make_user(role=Role.ADMIN)
    dinas = make_opd()
    judge = make_user(role=Role.JUDGE, opd=dinas)
    event = make_event()
    rubrics.seed_builtin_rubrics()
    now = utcnow()
    round_ = rounds.create_round(event, {
        "name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=1), "judges_per_entry": 1,
    }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
    found = []
    for opd in (make_opd(parent=dinas), make_opd()):
        entry = Entry(event=event, innovation=make_innovation(opd=opd), category=event.categories[0], opd=opd,
                      status=EntryStatus.SUBMITTED)
        round_entry = RoundEntry(round=round_, entry=entry)
        db.session.add_all([entry, round_entry])
        found.append(round_entry)
    db.session.flush()
    assignment = assignments.assign_judge(found[1], judge, by=admin)
    return admin, judge, round_, found, assignment


def test_conflicts_follow_the_opd_family(scene, make_user, make_opd):
    admin, judge, _round, (own_unit, other), _assignment = scene
    assert policy.is_conflicted(judge, own_unit) and not policy.is_conflicted(judge, other)
    outsider = make_user(role=Role.JUDGE)  # no OPD: never conflicted
    assert not policy.is_conflicted(outsider, own_unit)
    families = policy.opd_families()
    assert own_unit.entry.opd_id in families[judge.opd_id] and judge.opd_id in families[own_unit.entry.opd_id]
    assert policy.judge_family(judge) == set(families[judge.opd_id]) and policy.judge_family(outsider) == set()


def test_only_active_judges_judge(make_user):
    assert policy.can_judge(make_user(role=Role.JUDGE))
    assert not policy.can_judge(make_user(role=Role.JUDGE, active=False))
    assert not policy.can_judge(make_user(role=Role.ADMIN)) and not policy.can_judge(make_user(role=Role.VERIFIER))
    judges = policy.judges()
    assert judges and all(policy.can_judge(j) for j in judges)


def test_who_may_view_an_entry(scene, make_user):
    admin, judge, _round, (own_unit, other), assignment = scene
    assert policy.may_view_entry(admin, own_unit)  # the admin, always
    assert policy.may_view_entry(judge, other)  # assigned, not conflicted
    assert not policy.may_view_entry(judge, own_unit)  # not assigned (and conflicted)
    assert not policy.may_view_entry(make_user(role=Role.JUDGE), other)  # another judge
    assert not policy.may_view_entry(make_user(role=Role.OPERATOR), other)
    assignment.status = AssignmentStatus.REMOVED
    assert not policy.may_view_entry(judge, other)


def test_the_may_score_rule_and_its_reasons(scene, db, make_user):
    admin, judge, round_, (_own_unit, other), assignment = scene
    now = utcnow()
    assert policy.scoring_refusal(assignment, judge) is None and policy.may_score(other, judge)
    assert "tidak ditugaskan" in policy.scoring_refusal(assignment, make_user(role=Role.JUDGE))
    assert "tidak ditugaskan" in policy.scoring_refusal(None, judge)
    assert "tidak ditugaskan" in policy.scoring_refusal(assignment, admin)
    assert "belum dibuka" in policy.scoring_refusal(assignment, judge, now=round_.opens_at - timedelta(minutes=1))
    assert "sudah ditutup" in policy.scoring_refusal(assignment, judge, now=round_.closes_at)
    assert not policy.may_score(other, judge, now=round_.closes_at)
    with pytest.raises(JudgingError, match="sudah ditutup"):
        policy.require_may_score(assignment, judge, now=round_.closes_at)
    other.entry.opd.parent_id = judge.opd_id  # the entry's unit moves under the judge's OPD
    db.session.flush()
    assert "unit kerja Anda" in policy.scoring_refusal(assignment, judge)
    assert not policy.may_score(other, judge) and now < round_.closes_at


def test_who_sees_results(scene, make_user, make_opd, db):
    admin, judge, round_, (own_unit, _other), _assignment = scene
    operator = make_user(role=Role.OPERATOR, opd=own_unit.entry.opd)
    stranger = make_user(role=Role.OPERATOR, opd=make_opd())
    assert policy.sees_all_results(admin) and not policy.sees_all_results(operator)
    assert policy.may_see_results(admin, round_) and not policy.may_see_results(operator, round_)
    assert not policy.may_see_results(judge, round_)
    round_.published_at = utcnow()
    assert policy.may_see_results(operator, round_) and not policy.may_see_results(judge, round_)
    assert not policy.may_see_results(make_user(role=Role.VERIFIER), round_)
    opd_id = own_unit.entry.opd_id
    assert policy.may_get_certificate(operator, round_, opd_id) and policy.may_get_certificate(admin, round_, opd_id)
    assert not policy.may_get_certificate(stranger, round_, opd_id)
    assert policy.results_opd_id(operator, stranger.opd_id) == opd_id  # an operator sees their own OPD only
    assert policy.results_opd_id(admin, stranger.opd_id) == stranger.opd_id  # the admin's preview
