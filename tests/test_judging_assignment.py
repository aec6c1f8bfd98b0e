"""The pure assignment algorithm (no database): conflicts, k, balance, panels, determinism."""
from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from innovation.judging.assignment_plan import (
    EntryInfo,
    JudgeInfo,
    conflicted,
    plan_assignments,
)


def _entries(n, family=lambda i: {100 + i}, category=lambda i: None):
    return [EntryInfo(id=i, opd_family=frozenset(family(i)), category_id=category(i), label=f"E{i}") for i in range(1, n + 1)]


def _judges(n, opd=lambda i: None, categories=lambda i: ()):
    return [JudgeInfo(id=i, opd_id=opd(i), categories=frozenset(categories(i))) for i in range(1, n + 1)]


def _loads(plan_pairs, judges, existing=()):
    loads = Counter({j.id: 0 for j in judges})
    for _, judge in [*existing, *plan_pairs]:
        loads[judge] += 1
    return loads


def test_every_entry_gets_k_distinct_judges_balanced():
    entries, judges = _entries(10), _judges(4)
    plan = plan_assignments(entries, judges, 3, seed=1)
    per_entry = Counter(e for e, _ in plan.new)
    assert all(per_entry[e.id] == 3 for e in entries)
    assert len(set(plan.new)) == len(plan.new)
    loads = _loads(plan.new, judges)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert not plan.unmet


def test_conflict_is_never_assigned_and_unmet_is_explained():
    # Judges 1 and 2 work in the OPD family of entry 1: only 1 eligible judge for k=2.
    entries = _entries(2, family=lambda i: {500, 501} if i == 1 else {600})
    judges = _judges(3, opd=lambda i: 500 if i in (1, 2) else 700)
    plan = plan_assignments(entries, judges, 2, seed=3)
    assert (1, 1) not in plan.new and (1, 2) not in plan.new
    assert [u.entry_id for u in plan.unmet] == [1]
    assert "hanya 1 juri" in plan.unmet[0].message and "k=2" in plan.unmet[0].message


def test_category_panels_are_respected():
    entries = _entries(6, category=lambda i: 1 if i <= 3 else 2)
    judges = _judges(4, categories=lambda i: {1} if i <= 2 else {2})
    plan = plan_assignments(entries, judges, 2, seed=0, use_panels=True)
    for entry_id, judge_id in plan.new:
        assert (entry_id <= 3) == (judge_id <= 2)
    plan_no_panels = plan_assignments(entries, judges, 2, seed=0, use_panels=False)
    assert any((e <= 3) != (j <= 2) for e, j in plan_no_panels.new)


def test_existing_assignments_are_kept_and_counted_and_blocked_pairs_skipped():
    entries, judges = _entries(3), _judges(3)
    existing = [(1, 1), (2, 1)]
    plan = plan_assignments(entries, judges, 1, seed=0, existing=existing, blocked=[(3, 2)])
    assert sorted(plan.new) == [(3, 3)]  # judge 1 is loaded, judge 2 recused from entry 3


def test_reassignment_after_recusal_keeps_balance():
    entries, judges = _entries(6), _judges(3)
    first = plan_assignments(entries, judges, 2, seed=5)
    recused = next(pair for pair in first.new if pair[1] == 1)
    kept = [p for p in first.new if p != recused]
    second = plan_assignments(entries, judges, 2, seed=5, existing=kept, blocked=[recused])
    assert len(second.new) == 1 and second.new[0][0] == recused[0] and second.new[0][1] != 1
    assert max(_loads(second.new, judges, kept).values()) - min(_loads(second.new, judges, kept).values()) == 2
    # With the unscored assignments movable, one moves to the recused judge: balanced again.
    third = plan_assignments(entries, judges, 2, seed=5, existing=kept, blocked=[recused], movable=kept)
    assert len(third.moves) == 1 and third.moves[0][2] == 1 and third.moves[0][0] != recused[0]
    after = [p for p in kept if p != third.moves[0][:2]] + [(third.moves[0][0], 1)] + third.new
    assert (recused[0], 1) not in after
    loads = _loads(after, judges)
    assert max(loads.values()) - min(loads.values()) <= 1


@st.composite
def scenarios(draw):
    n_opds = draw(st.integers(1, 6))
    n_entries = draw(st.integers(0, 14))
    n_judges = draw(st.integers(0, 8))
    entries = [
        EntryInfo(id=i, opd_family=frozenset(draw(st.sets(st.integers(1, n_opds), min_size=1, max_size=2))),
                  category_id=draw(st.integers(1, 3)))
        for i in range(1, n_entries + 1)
    ]
    judges = [
        JudgeInfo(id=j, opd_id=draw(st.one_of(st.none(), st.integers(1, n_opds))),
                  categories=frozenset(draw(st.sets(st.integers(1, 3), max_size=2))))
        for j in range(1, n_judges + 1)
    ]
    return entries, judges, draw(st.integers(1, 4)), draw(st.integers(0, 10**6)), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_property_no_conflict_no_duplicates_k_and_deterministic(scenario):
    entries, judges, k, seed, panels = scenario
    plan = plan_assignments(entries, judges, k, seed=seed, use_panels=panels)
    by_entry, by_judge = {e.id: e for e in entries}, {j.id: j for j in judges}
    for entry_id, judge_id in plan.new:
        assert not conflicted(by_entry[entry_id], by_judge[judge_id])
        if panels and by_judge[judge_id].categories:
            assert by_entry[entry_id].category_id in by_judge[judge_id].categories
    assert len(set(plan.new)) == len(plan.new)
    per_entry = Counter(e for e, _ in plan.new)
    assert all(n <= k for n in per_entry.values())
    short = {u.entry_id for u in plan.unmet}
    assert short == {e.id for e in entries if per_entry[e.id] < k}
    # Same seed, same result (also when the inputs arrive in another order).
    again = plan_assignments(list(reversed(entries)), list(reversed(judges)), k, seed=seed, use_panels=panels)
    assert again.new == plan.new and again.unmet == plan.unmet
    # Balance: no new assignment could move from a judge 2+ above another eligible judge.
    loads = _loads(plan.new, judges)
    for entry_id, judge_id in plan.new:
        for other in judges:
            if other.id == judge_id or (entry_id, other.id) in plan.new or conflicted(by_entry[entry_id], other):
                continue
            if panels and other.categories and by_entry[entry_id].category_id not in other.categories:
                continue
            assert loads[judge_id] - loads[other.id] < 2


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20), st.integers(1, 8), st.integers(1, 4), st.integers(0, 10**6))
def test_property_loads_within_one_when_every_judge_is_eligible(n_entries, n_judges, k, seed):
    entries, judges = _entries(n_entries), _judges(n_judges, opd=lambda i: 900 + i)
    plan = plan_assignments(entries, judges, k, seed=seed)
    loads = _loads(plan.new, judges)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert len(plan.new) == n_entries * min(k, n_judges)
