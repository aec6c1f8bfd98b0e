"""Pure statistics for a round's results: aggregation, per-judge normalisation, agreement, flags, ranking.

Takes plain values (``Sheet``, ``EntryInfo``, ``CriterionInfo``) and returns plain values, so it is
tested without a database and used by the results page, the published snapshot, the XLSX export and
the CLI alike. Scores are ``Decimal`` throughout; figures are rounded only when shown or compared.

Formulas (also shown on the results page):

- **Weighted total** of a sheet (computed by the scoring core): sum of weight% / 100 x value, on the
  rubric's scale.
- **Aggregate** per entry over its judges' totals: ``mean`` (default), ``median``, or ``trimmed``
  (the olympic trimmed mean: with three or more totals the single lowest and single highest are
  dropped before averaging; with five judges this equals a 20 % trimmed mean).
- **Spread**: sample standard deviation (n - 1) of the judges' totals, and max - min.
- **Normalised score** (per-judge z-scores): for judge j with totals x_je over the entries e they
  scored, z_je = (x_je - mean_j) / sd_j with the population SD. Per entry, z_e = mean of z_je over
  its judges; shown on the rubric's scale as M + S x z_e, where M and S are the mean and population
  SD of every raw total in the round (all judges, all entries), clamped to the rubric's scale.
  A judge with a single entry cannot be calibrated: that total is standardised against the panel
  (z = (x - M) / S). A judge whose totals are all equal (sd_j = 0) expressed no preference: z = 0.
  If S = 0 (every total equal) every normalised score is M.
- **Agreement**: Krippendorff's alpha, interval metric, missing data allowed (units = entries,
  coders = judges; only entries with two or more values count). Reading after Krippendorff (2004,
  *Content Analysis*, 2nd ed., p. 241): alpha >= 0.800 baik (reliable), 0.667 <= alpha < 0.800 cukup
  (tentative conclusions only), alpha < 0.667 lemah (not reliable).
- **Judge flag**: for judge j, the mean signed deviation of their total from the mean of the other
  judges' totals on the same entries (entries where at least one other judge scored, at least two
  such entries). Beyond +-10 % of the scale's range: "lebih murah" (more lenient) / "lebih keras"
  (harsher).
- **Score flag**: a single total or criterion score x on an entry with at least two other judges is
  flagged when |x - mean of the others| > max(2 x sample SD of the others, 15 % of the scale range).
- **Ranking** (higher first), ties broken in this order: 1. aggregate of the chosen method,
  2. the other method's score, 3. the mean score on the heaviest criterion, 4. fewer flagged scores,
  5. earlier submission, 6. entry number. Steps 1-3 compare figures rounded to two decimals.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Iterable, Sequence

AGGREGATES = ("mean", "median", "trimmed")
METHODS = ("raw", "normalised")
JUDGE_FLAG_SHARE = Decimal("0.10")
SCORE_FLAG_SHARE = Decimal("0.15")
SCORE_FLAG_SDS = Decimal(2)
ALPHA_GOOD = Decimal("0.800")
ALPHA_FAIR = Decimal("0.667")
TWO_PLACES = Decimal("0.01")

TIE_BREAK_RULES = (
    "aggregate",  # 1. the chosen method's aggregate
    "other_method",  # 2. the other method's score
    "heaviest_criterion",  # 3. mean score on the heaviest criterion
    "fewer_flags",  # 4. fewer flagged scores
    "earlier_submission",  # 5. earlier submission
    "entry_number",  # 6. entry number
)


@dataclass(frozen=True)
class Sheet:
    """One judge's submitted score sheet on one entry."""

    entry_id: int
    judge_id: int
    total: Decimal
    scores: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> value


@dataclass(frozen=True)
class CriterionInfo:
    id: int
    weight: Decimal
    position: int = 0


@dataclass(frozen=True)
class EntryInfo:
    id: int
    category_id: int
    submitted_at: datetime | None = None


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- aggregation -----------------------------------------------------------------------------

def aggregate(values: Sequence[Decimal], method: str = "mean") -> Decimal | None:
    values = sorted(values)
    if not values:
        return None
    if method == "mean":
        return statistics.mean(values)
    if method == "median":
        return statistics.median(values)
    if method == "trimmed":
        kept = values[1:-1] if len(values) >= 3 else values
        return statistics.mean(kept)
    raise ValueError(f"unknown aggregate {method!r}")


def sample_sd(values: Sequence[Decimal]) -> Decimal | None:
    return statistics.stdev(values) if len(values) >= 2 else None


def spread(values: Sequence[Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """(sample standard deviation, max - min) of one entry's totals."""
    if not values:
        return None, None
    return sample_sd(values), max(values) - min(values)


# --- normalisation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Normalisation:
    z: dict[tuple[int, int], Decimal]  # (entry id, judge id) -> z-score
    entry_z: dict[int, Decimal]  # entry id -> mean z of its judges
    scores: dict[int, Decimal]  # entry id -> normalised score on the rubric's scale
    panel_mean: Decimal | None
    panel_sd: Decimal | None
    fallback_judges: frozenset[int]  # judges with one entry, standardised against the panel
    flat_judges: frozenset[int]  # judges whose totals are all equal (z = 0)


def normalise(sheets: Iterable[Sheet], scale: tuple[Decimal, Decimal]) -> Normalisation:
    sheets = list(sheets)
    if not sheets:
        return Normalisation({}, {}, {}, None, None, frozenset(), frozenset())
    totals = [s.total for s in sheets]
    panel_mean = statistics.mean(totals)
    panel_sd = statistics.pstdev(totals)
    by_judge: dict[int, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_judge[sheet.judge_id].append(sheet)
    z: dict[tuple[int, int], Decimal] = {}
    fallback, flat = set(), set()
    for judge_id, own in by_judge.items():
        if len(own) < 2:
            fallback.add(judge_id)
            for s in own:
                z[(s.entry_id, judge_id)] = (s.total - panel_mean) / panel_sd if panel_sd else Decimal(0)
            continue
        mean_j = statistics.mean(s.total for s in own)
        sd_j = statistics.pstdev([s.total for s in own])
        if not sd_j:
            flat.add(judge_id)
        for s in own:
            z[(s.entry_id, judge_id)] = (s.total - mean_j) / sd_j if sd_j else Decimal(0)
    per_entry: dict[int, list[Decimal]] = defaultdict(list)
    for (entry_id, _judge), value in z.items():
        per_entry[entry_id].append(value)
    entry_z = {e: statistics.mean(values) for e, values in per_entry.items()}
    low, high = scale
    scores = {e: min(max(panel_mean + panel_sd * value, low), high) for e, value in entry_z.items()}
    return Normalisation(z, entry_z, scores, panel_mean, panel_sd, frozenset(fallback), frozenset(flat))


# --- agreement -------------------------------------------------------------------------------

def krippendorff_alpha_interval(units: Iterable[Sequence[Decimal]]) -> Decimal | None:
    """Krippendorff's alpha with the interval metric; each unit lists the values it received.

    Units with fewer than two values are not pairable and are left out (missing data). ``None``
    when nothing is pairable or every pairable value is equal (no variation to agree about).
    D_o = 1/n sum_u 1/(m_u - 1) sum_{i != j in u} (v_i - v_j)^2;
    D_e = 1/(n (n - 1)) sum_{i != j over all pairable values} (v_i - v_j)^2; alpha = 1 - D_o / D_e.
    """
    def pair_sum(values: Sequence[Decimal]) -> Decimal:
        # sum over ordered pairs i != j of (v_i - v_j)^2 = 2 (m sum v^2 - (sum v)^2)
        m = len(values)
        return 2 * (m * sum(v * v for v in values) - sum(values) ** 2)

    with localcontext() as ctx:
        ctx.prec = 34
        pairable = [[Decimal(v) for v in unit] for unit in units if len(unit) >= 2]
        n = sum(len(unit) for unit in pairable)
        if n < 2:
            return None
        observed = sum(pair_sum(unit) / (len(unit) - 1) for unit in pairable) / n
        every = [v for unit in pairable for v in unit]
        expected = pair_sum(every) / (n * (n - 1))
        if expected == 0:
            return None
        return 1 - observed / expected


def alpha_reading(alpha: Decimal | None) -> str | None:
    """'baik' (>= 0.800), 'cukup' (0.667-0.800) or 'lemah' (< 0.667), after Krippendorff (2004)."""
    if alpha is None:
        return None
    if alpha >= ALPHA_GOOD:
        return "baik"
    if alpha >= ALPHA_FAIR:
        return "cukup"
    return "lemah"


# --- flags -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgeDeviation:
    judge_id: int
    mean_deviation: Decimal | None  # signed: negative = harsher than the others
    compared: int  # entries compared
    flag: str | None  # "lebih keras" / "lebih murah" / None


def judge_deviations(sheets: Iterable[Sheet], scale: tuple[Decimal, Decimal]) -> dict[int, JudgeDeviation]:
    threshold = (scale[1] - scale[0]) * JUDGE_FLAG_SHARE
    by_entry: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for sheet in sheets:
        by_entry[sheet.entry_id][sheet.judge_id] = sheet.total
    deviations: dict[int, list[Decimal]] = defaultdict(list)
    judges = set()
    for totals in by_entry.values():
        for judge_id, value in totals.items():
            judges.add(judge_id)
            others = [v for j, v in totals.items() if j != judge_id]
            if others:
                deviations[judge_id].append(value - statistics.mean(others))
    result = {}
    for judge_id in judges:
        found = deviations.get(judge_id, [])
        mean_dev = statistics.mean(found) if found else None
        flag = None
        if mean_dev is not None and len(found) >= 2:
            if mean_dev < -threshold:
                flag = "lebih keras"
            elif mean_dev > threshold:
                flag = "lebih murah"
        result[judge_id] = JudgeDeviation(judge_id, mean_dev, len(found), flag)
    return result


def outlier_scores(values: dict[int, Decimal], scale: tuple[Decimal, Decimal]) -> dict[int, Decimal]:
    """Of one entry's values by judge, those far from the other judges: judge id -> value - mean(others)."""
    floor = (scale[1] - scale[0]) * SCORE_FLAG_SHARE
    flagged = {}
    for judge_id, value in values.items():
        others = [v for j, v in values.items() if j != judge_id]
        if len(others) < 2:
            continue
        gap = value - statistics.mean(others)
        if abs(gap) > max(SCORE_FLAG_SDS * statistics.stdev(others), floor):
            flagged[judge_id] = gap
    return flagged


# --- ranking ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RankKey:
    entry_id: int
    score: Decimal | None  # the chosen method's aggregate
    other: Decimal | None  # the other method's score
    heaviest: Decimal | None  # mean on the heaviest criterion
    flags: int
    submitted_at: datetime | None


def _sort_tuple(key: RankKey) -> tuple:
    def desc(value: Decimal | None) -> tuple:
        return (1, 0) if value is None else (0, -q2(value))

    submitted = key.submitted_at.timestamp() if key.submitted_at else float("inf")
    return (*desc(key.score), *desc(key.other), *desc(key.heaviest), key.flags, submitted, key.entry_id)


def rank(keys: Iterable[RankKey]) -> list[tuple[int, int, int | None]]:
    """[(entry id, rank, tie-break step that separated it from the entry above or None)], best first.

    Ranks are strict (1, 2, 3, ...): the tie-break always decides; the step number (1-6, as in
    ``TIE_BREAK_RULES``) tells the page why an entry sits below its neighbour.
    """
    ordered = sorted(keys, key=_sort_tuple)
    result = []
    previous = None
    for position, key in enumerate(ordered, start=1):
        step = None
        if previous is not None:
            a, b = _sort_tuple(previous), _sort_tuple(key)
            # tuple slots: score(2), other(2), heaviest(2), flags, submitted, entry id
            bounds = ((0, 2), (2, 4), (4, 6), (6, 7), (7, 8), (8, 9))
            for number, (lo, hi) in enumerate(bounds, start=1):
                if a[lo:hi] != b[lo:hi]:
                    step = number
                    break
        result.append((key.entry_id, position, step))
        previous = key
    return result


def heaviest_criterion(criteria: Sequence[CriterionInfo]) -> CriterionInfo | None:
    """The criterion with the largest weight (the first by position among equals)."""
    if not criteria:
        return None
    return sorted(criteria, key=lambda c: (-c.weight, c.position, c.id))[0]
