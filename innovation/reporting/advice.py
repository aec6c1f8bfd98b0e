"""What raises the district index most this reporting window, and what the office cannot change.

Built on the index's own ranking (``index.compute_index_from_totals``: every change with its IID points), and
regrouped the way the planning office acts on it:

- the actions, best first, with the running IID they reach, and whether they lift the district into the
  next predicate band;
- evidence to add (and mandatory lines to answer, rejected lines to fix) by innovation, with the points of
  each line and of the innovation in all;
- the basic-service urusan still without an innovation, and what covering them unlocks (the innovation-count
  score is 0 until ``basic_service_required`` of them have one: covering one, or the few still needed,
  switches on MIN(n, cap) x per_innovation);
- the innovations closest to the next maturity band (25 %, 50 %, the office's target from the rules file,
  100 %), with the fewest of their own lines that get them there;
- apart: the regional indicators that are statistics (``RegionalIndicator.statistic``: poverty, HDI,
  investment, ...), which no action this window changes, with the points they hold back.

``build`` takes plain values and is tested without a database; ``advice_for`` reads them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.reporting.index import CENT, Change, ChangeKind, IndexResult, count_score
from innovation.reporting.services import district_index, regional_scores
from innovation.rules import Rules, get_rules

ALL_CHANGES = 2000  # how many changes the index ranks for the advice (a district has some hundreds)
ACTIONS_SHOWN = 25
CLOSEST_SHOWN = 15
LINE_KINDS = (ChangeKind.EVIDENCE, ChangeKind.PARAMETER, ChangeKind.REJECTED)


@dataclass(frozen=True)
class Action:
    change: Change
    running_iid: Decimal  # the IID after this action and every one above it


@dataclass(frozen=True)
class InnovationGaps:
    innovation_id: int
    name: str
    lines: tuple[Change, ...]
    iid_points: Decimal
    line_points: Decimal


@dataclass(frozen=True)
class UrusanAdvice:
    code: str
    label: str
    unlocks: Decimal  # IID points that covering it (with the others still needed) switches on; 0 if none
    still_needed: int  # how many missing urusan must be covered for the count score (0: already on)


@dataclass(frozen=True)
class BandAdvice:
    innovation_id: int
    name: str
    maturity: Decimal  # percent
    next_band: int  # percent
    points_needed: int  # line points to reach it
    lines: tuple[Change, ...]  # the fewest of its own gap lines that reach it (empty: its gaps are not enough)


@dataclass(frozen=True)
class StatisticLine:
    no: int
    name: str
    value: Decimal
    maximum: Decimal
    iid_points_held_back: Decimal


@dataclass(frozen=True)
class Advice:
    year: int
    iid: Decimal
    predicate: str
    next_predicate: str | None
    next_predicate_min: Decimal | None
    actions_to_next: int | None  # how many of the top actions reach the next predicate (None: they do not)
    actions: tuple[Action, ...]
    by_innovation: tuple[InnovationGaps, ...]
    urusan: tuple[UrusanAdvice, ...]
    basic_ok: bool
    closest: tuple[BandAdvice, ...]
    statistics: tuple[StatisticLine, ...]


def _bands(rules: Rules) -> list[int]:
    return sorted({25, 50, rules.maturity_target_percent, 100})


def closest_to_band(rules: Rules, scores: dict[int, tuple[str, Decimal]],
                    gaps: dict[int, list[Change]], *, shown: int = CLOSEST_SHOWN) -> list[BandAdvice]:
    """Per innovation: the next maturity band above its score and the line points missing, fewest first.
    ``scores``: innovation id -> (name, line score). ``gaps``: its gap lines, best first."""
    maximum = rules.max_innovation_score
    found = []
    for ident, (name, score) in scores.items():
        percent = Decimal(score) * 100 / maximum
        upper = next((b for b in _bands(rules) if b > percent), None)
        if upper is None:
            continue
        needed = math.ceil(Decimal(upper) * maximum / 100 - Decimal(score) - Decimal("0.000001"))
        chosen, total = [], Decimal(0)
        for change in gaps.get(ident, []):
            if total >= needed:
                break
            chosen.append(change)
            total += change.line_points
        found.append(BandAdvice(ident, name, percent.quantize(Decimal("0.1")), upper, needed,
                                tuple(chosen) if total >= needed else ()))
    found.sort(key=lambda b: (not b.lines, b.points_needed, b.name, b.innovation_id))
    return found[:shown]


def urusan_advice(rules: Rules, result: IndexResult) -> list[UrusanAdvice]:
    """The missing basic-service urusan and what covering them unlocks (new innovations scoring 0 at first)."""
    labels = {o.code: o.label for o in rules.options["urusan"]}
    still = max(0, result.basic_required - len(result.basic_covered))
    if still == 0:
        return [UrusanAdvice(code, labels.get(code, code), Decimal(0), 0) for code in result.basic_missing]
    n, covered, total = result.n, len(result.basic_covered), result.total
    before = Decimal(result.sum_lines) / max(result.k, n) + count_score(rules, n, covered)
    after = Decimal(result.sum_lines) / max(result.k, n + still) + count_score(rules, n + still, covered + still)
    gain = ((after - before) / total * 100).quantize(CENT) if after > before else Decimal(0)
    return [UrusanAdvice(code, labels.get(code, code), gain, still) for code in result.basic_missing]


def build(rules: Rules, result: IndexResult, *, scores: dict[int, tuple[str, Decimal]],
          regional: dict[int, Decimal]) -> Advice:
    """The advice from the index's full ranking (``result.changes``, every change), the innovations' line
    scores and the regional values."""
    statistic_nos = {r.no for r in rules.regional_indicators if r.statistic}
    actionable = [c for c in result.changes
                  if not (c.kind == ChangeKind.REGIONAL and c.indicator_no in statistic_nos)]
    running, actions = result.iid, []
    for change in actionable[:ACTIONS_SHOWN]:
        running += change.iid_points
        actions.append(Action(change, min(running, Decimal(100))))
    # The next predicate band above the current IID (bands from the rules file, highest first).
    above = [b for b in rules.predicates if Decimal(str(b.min)) > result.iid]
    upper = min(above, key=lambda b: b.min) if above else None
    to_next = None
    if upper is not None:
        level = result.iid
        for count, change in enumerate(actionable, start=1):
            level += change.iid_points
            if level >= Decimal(str(upper.min)):
                to_next = count
                break
    grouped: dict[int, list[Change]] = {}
    for change in actionable:
        if change.kind in LINE_KINDS and change.innovation_id is not None:
            grouped.setdefault(change.innovation_id, []).append(change)
    by_innovation = sorted(
        (InnovationGaps(ident, lines[0].innovation_name, tuple(lines), sum((c.iid_points for c in lines), Decimal(0)),
                        sum((c.line_points for c in lines), Decimal(0))) for ident, lines in grouped.items()),
        key=lambda g: (-g.iid_points, g.name, g.innovation_id))
    statistics = []
    for item in rules.regional_indicators:
        if item.statistic:
            maximum = Decimal(str(item.bobot)) * 3
            value = Decimal(regional.get(item.no) or 0)
            statistics.append(StatisticLine(item.no, item.name, value, maximum,
                                            ((maximum - value) / result.total * 100).quantize(CENT)))
    return Advice(
        year=rules.year, iid=result.iid, predicate=result.predicate,
        next_predicate=upper.label if upper else None,
        next_predicate_min=Decimal(str(upper.min)) if upper else None,
        actions_to_next=to_next, actions=tuple(actions), by_innovation=tuple(by_innovation),
        urusan=tuple(urusan_advice(rules, result)), basic_ok=result.basic_ok,
        closest=tuple(closest_to_band(rules, scores, grouped)), statistics=tuple(statistics))


def advice_for(year: int, *, verified: bool) -> Advice:
    """The advice for ``year``'s registered innovations, on claimed or verified line scores."""
    rules = get_rules(year)
    result = district_index(year, verified=verified, top=ALL_CHANGES)
    line_sum = func.coalesce(Innovation.verified_score, Innovation.claimed_score) if verified \
        else Innovation.claimed_score
    scores = {ident: (name, Decimal(score or 0)) for ident, name, score in db.session.execute(
        select(Innovation.id, Innovation.nama, line_sum)
        .where(Innovation.rules_year == year, Innovation.registered_at.is_not(None)))}
    return build(rules, result, scores=scores, regional=regional_scores(year))
