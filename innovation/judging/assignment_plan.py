"""Automatic assignment of judges to entries: a pure function on plain values (no database).

Rules, in order of strength:
1. never a conflict: a judge is never given an entry whose OPD is in the judge's OPD family
   (the unit they work for, its parent and children — the caller passes the entry's family set);
2. category panels: when ``use_panels`` is set, a judge takes only entries of the categories
   of their panel (a judge with no panel category is on every panel);
3. each entry gets ``k`` judges (existing active assignments count);
4. loads (existing + new) are balanced: each new assignment goes to an eligible judge with the
   smallest load, so loads end within one entry of each other whenever the constraints allow it;
5. deterministic: the same inputs and ``seed`` give the same result (ties are broken by a
   seeded shuffle, never by set or dict order).

Whatever cannot be satisfied is explained in ``unmet`` (one plain message per entry).
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntryInfo:
    id: int
    opd_family: frozenset[int]  # the entry's OPD (and, to be safe, its parent and children)
    category_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class JudgeInfo:
    id: int
    opd_id: int | None = None  # the OPD the judge works for (None: an outside judge)
    categories: frozenset[int] = frozenset()  # panel categories; empty = every category
    label: str = ""


@dataclass(frozen=True)
class Unmet:
    entry_id: int
    wanted: int
    got: int
    eligible: int
    message: str


@dataclass
class Plan:
    new: list[tuple[int, int]] = field(default_factory=list)  # (entry_id, judge_id)
    moves: list[tuple[int, int, int]] = field(default_factory=list)  # (entry_id, from_judge, to_judge)
    unmet: list[Unmet] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)  # judge_id -> total active after the plan


def conflicted(entry: EntryInfo, judge: JudgeInfo) -> bool:
    return judge.opd_id is not None and judge.opd_id in entry.opd_family


def eligible(entry: EntryInfo, judge: JudgeInfo, use_panels: bool) -> bool:
    if conflicted(entry, judge):
        return False
    if use_panels and judge.categories and entry.category_id not in judge.categories:
        return False
    return True


def plan_assignments(
    entries: Iterable[EntryInfo],
    judges: Iterable[JudgeInfo],
    k: int,
    *,
    seed: int = 0,
    existing: Iterable[tuple[int, int]] = (),
    blocked: Iterable[tuple[int, int]] = (),
    use_panels: bool = False,
    movable: Iterable[tuple[int, int]] = (),
) -> Plan:
    """New (entry, judge) pairs so that every entry has ``k`` judges, balanced and conflict-free.

    ``existing``: active (entry_id, judge_id) pairs, kept and counted. ``blocked``: pairs that must
    not be made again (a judge who recused or was removed from that entry). ``movable``: existing
    pairs that may go to another judge to restore the balance (nothing scored on them yet); such
    moves are returned in ``moves``.
    """
    entries = sorted(entries, key=lambda e: e.id)
    judges = sorted(judges, key=lambda j: j.id)
    judge_ids = {j.id for j in judges}
    existing = {(e, j) for e, j in existing}
    blocked = {(e, j) for e, j in blocked}
    loads = {j.id: 0 for j in judges}
    have: dict[int, set[int]] = {e.id: set() for e in entries}
    for entry_id, judge_id in existing:
        if judge_id in loads:
            loads[judge_id] += 1
        if entry_id in have:
            have[entry_id].add(judge_id)

    rng = random.Random(seed)
    tiebreak = {j.id: rng.random() for j in judges}
    eligible_for = {
        e.id: [j for j in judges if eligible(e, j, use_panels) and (e.id, j.id) not in blocked] for e in entries
    }
    # Hardest entries first (fewest eligible judges), so scarce judges go where they are needed.
    order = sorted(entries, key=lambda e: (len(eligible_for[e.id]), rng.random()))
    plan = Plan()
    # Round-robin: one judge per entry per pass, so no entry takes the least-loaded judges twice
    # before the others had their turn.
    needs = {e.id: max(k - len(have[e.id] & judge_ids), 0) for e in entries}
    while True:
        progressed = False
        for entry in order:
            if needs[entry.id] <= 0:
                continue
            candidates = [j for j in eligible_for[entry.id] if j.id not in have[entry.id]]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda j: (loads[j.id], tiebreak[j.id]))
            have[entry.id].add(chosen.id)
            loads[chosen.id] += 1
            needs[entry.id] -= 1
            plan.new.append((entry.id, chosen.id))
            progressed = True
        if not progressed:
            break
    movable = sorted((e, j) for e, j in movable if (e, j) in existing and j in loads and e in have)
    pairs = [[e, j, None] for e, j in plan.new] + [[e, j, j] for e, j in movable]
    _rebalance(pairs, judges, have, loads, eligible_for)
    plan.new = [(e, j) for e, j, origin in pairs if origin is None]
    plan.moves = [(e, origin, j) for e, j, origin in pairs if origin is not None and origin != j]
    for entry in entries:
        got = len(have[entry.id] & judge_ids)
        if got < k:
            count = len(eligible_for[entry.id])
            name = entry.label or f"#{entry.id}"
            plan.unmet.append(Unmet(
                entry_id=entry.id, wanted=k, got=got, eligible=count,
                message=f"{name}: hanya {count} juri yang memenuhi syarat untuk k={k} (mendapat {got}).",
            ))
    plan.loads = loads
    return plan


def _rebalance(pairs, judges, have, loads, eligible_for):
    """Move pairs from the most to the least loaded judge while that narrows the gap.

    The greedy pass is usually balanced already; a move is needed when an entry that only a few
    judges may take forced extra load on them, or after a recusal. ``pairs`` holds
    ``[entry_id, judge_id, origin]`` for the new pairs (origin None) and the movable existing ones;
    it is changed in place.
    """
    eligible_ids = {entry_id: {j.id for j in js} for entry_id, js in eligible_for.items()}
    for _ in range(len(pairs) * max(len(judges), 1) + 1):
        moved = False
        for heavy in sorted(loads, key=lambda j: (-loads[j], j)):
            for light in sorted(loads, key=lambda j: (loads[j], j)):
                if loads[heavy] - loads[light] < 2:
                    break
                for pair in pairs:
                    entry_id, judge_id, _origin = pair
                    if judge_id != heavy or light in have[entry_id] or light not in eligible_ids[entry_id]:
                        continue
                    pair[1] = light
                    have[entry_id].discard(heavy)
                    have[entry_id].add(light)
                    loads[heavy] -= 1
                    loads[light] += 1
                    moved = True
                    break
                if moved:
                    break
            if moved:
                break
        if not moved:
            break
