"""Pure statistics for a round's results: aggregation, per-judge normalisation, agreement, flags, ranking.

Takes plain values (``Sheet``, ``EntryInfo``, ``CriterionInfo``) and returns plain values, so it is
tested without a database and used by the results page, the published snapshot, the XLSX export and
the CLI alike.

Numbers: scores are stored and passed in as exact ``Decimal`` (or ``float``); the statistics
(aggregates, spread, z-scores, deviations, flags) are computed in float64 and returned as ``float``.
float64 carries 15-16 significant digits, and every input has at most four decimals on a scale of at
most a few hundred, so the accumulated error stays below 1e-10: exact enough for the two-decimal
figures shown and compared (``q2``), and for the four-decimal figures stored in a payload. The exact
``statistics``-module arithmetic on Decimals (Fractions underneath) cost about 1 s per 500 score
sheets, float arithmetic a few milliseconds. Figures become ``Decimal`` only where they are shown or
compared: ``to_decimal`` / ``q2`` here, ``results._d`` in the payload. Krippendorff's alpha stays in
Decimal (one linear pass per criterion, cheap) so that it matches the reference to many places.

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
- **Score flag** (what a chair would act on, for panels of 3-5): a single total or criterion score x
  on an entry with at least two other judges is flagged when it lies far from the *median* of the
  others, in scale points: |x - median(others)| > max(1.5 points, 25 % of the scale's range,
  2.5 x 1.4826 x MAD(others)). The floor makes a 1-point difference on a 1-5 scale, with the two
  other judges agreeing, no outlier (the earlier rule, 2 SD of the others with a 15 % floor, flagged
  it, since two agreeing judges have SD 0: 51 of 144 scores in one round); a 2-point difference is
  flagged. The MAD term (Leys et al. 2013, "Detecting outliers: do not use standard deviation around
  the mean, use absolute deviation around the median", 2.5 as their moderate cut-off) keeps a score
  from being flagged when the others disagree among themselves as much.
- **Ranking** (higher first), ties broken in this order: 1. aggregate of the chosen method,
  2. the other method's score, 3. the mean score on the heaviest criterion, 4. fewer flagged scores,
  5. earlier submission, 6. the chair's recorded decision (``ties``). Steps 1-3 compare figures
  rounded to two decimals. Entries still equal after step 5 with no decision covering them share a
  rank (competition ranking: 1, 2, 2, 4) and are marked ``pending``: an internal id never decides.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Iterable, Sequence

AGGREGATES = ("mean", "median", "trimmed")
METHODS = ("raw", "normalised")
JUDGE_FLAG_SHARE = Decimal("0.10")
SCORE_FLAG_POINTS = Decimal("1.5")  # a flagged score lies more than this many scale points from the others' median
SCORE_FLAG_SHARE = Decimal("0.25")  # ... and more than this share of the scale's range
SCORE_FLAG_MADS = Decimal("2.5")  # ... and more than this many robust SDs (1.4826 x MAD) of the others
MAD_TO_SD = 1.4826  # MAD x 1.4826 estimates the SD of normally distributed values
ALPHA_GOOD = Decimal("0.800")
ALPHA_FAIR = Decimal("0.667")
TWO_PLACES = Decimal("0.01")
# Float noise is far below this many decimals; rounding to them first makes the later half-up
# rounding of a figure such as 4.325 (4.32499999... in binary) come out as it would in Decimal.
FLOAT_PLACES = 9

Number = Decimal | float | int

TIE_BREAK_RULES = (
    "aggregate",  # 1. the chosen method's aggregate
    "other_method",  # 2. the other method's score
    "heaviest_criterion",  # 3. mean score on the heaviest criterion
    "fewer_flags",  # 4. fewer flagged scores
    "earlier_submission",  # 5. earlier submission
    "chair_decision",  # 6. the chair's recorded decision (never an internal id)
)
AUTOMATIC_RULES = 5  # rules 1-5 are automatic; a tie surviving them needs the chair


@dataclass(frozen=True)
class Sheet:
    """One judge's submitted score sheet on one entry."""

    entry_id: int
    judge_id: int
    total: Number
    scores: dict[int, Number] = field(default_factory=dict)  # criterion id -> value


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


def to_decimal(value: Number | None) -> Decimal | None:
    """A figure as a Decimal for display or comparison: Decimals as they are, floats without their noise."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(f"{value:.{FLOAT_PLACES}f}")


def q2(value: Number | None) -> Decimal | None:
    value = to_decimal(value)
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _pvariance(values: Sequence[float], mean: float) -> float:
    return math.fsum((v - mean) ** 2 for v in values) / len(values)


def _sample_sd(values: Sequence[float]) -> float:
    mean = _mean(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


# --- aggregation -----------------------------------------------------------------------------

def aggregate(values: Sequence[Number], method: str = "mean") -> float | None:
    values = sorted(float(v) for v in values)
    if not values:
        return None
    if method == "mean":
        return _mean(values)
    if method == "median":
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    if method == "trimmed":
        kept = values[1:-1] if len(values) >= 3 else values
        return _mean(kept)
    raise ValueError(f"unknown aggregate {method!r}")


def sample_sd(values: Sequence[Number]) -> float | None:
    return _sample_sd([float(v) for v in values]) if len(values) >= 2 else None


def spread(values: Sequence[Number]) -> tuple[float | None, float | None]:
    """(sample standard deviation, max - min) of one entry's totals."""
    if not values:
        return None, None
    floats = [float(v) for v in values]
    return sample_sd(floats), max(floats) - min(floats)


# --- normalisation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Normalisation:
    z: dict[tuple[int, int], float]  # (entry id, judge id) -> z-score
    entry_z: dict[int, float]  # entry id -> mean z of its judges
    scores: dict[int, float]  # entry id -> normalised score on the rubric's scale
    panel_mean: float | None
    panel_sd: float | None
    fallback_judges: frozenset[int]  # judges with one entry, standardised against the panel
    flat_judges: frozenset[int]  # judges whose totals are all equal (z = 0)


def normalise(sheets: Iterable[Sheet], scale: tuple[Number, Number]) -> Normalisation:
    sheets = list(sheets)
    if not sheets:
        return Normalisation({}, {}, {}, None, None, frozenset(), frozenset())
    totals = [float(s.total) for s in sheets]
    panel_mean = _mean(totals)
    panel_sd = math.sqrt(_pvariance(totals, panel_mean))
    by_judge: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for sheet, total in zip(sheets, totals):
        by_judge[sheet.judge_id].append((sheet.entry_id, total))
    z: dict[tuple[int, int], float] = {}
    fallback, flat = set(), set()
    for judge_id, own in by_judge.items():
        if len(own) < 2:
            fallback.add(judge_id)
            for entry_id, total in own:
                z[(entry_id, judge_id)] = (total - panel_mean) / panel_sd if panel_sd else 0.0
            continue
        values = [total for _entry, total in own]
        mean_j = _mean(values)
        # all equal, compared directly: their float mean may differ from them by an ulp, and the SD
        # of that would be 1e-16 and not zero
        sd_j = 0.0 if min(values) == max(values) else math.sqrt(_pvariance(values, mean_j))
        if not sd_j:
            flat.add(judge_id)
        for entry_id, total in own:
            z[(entry_id, judge_id)] = (total - mean_j) / sd_j if sd_j else 0.0
    per_entry: dict[int, list[float]] = defaultdict(list)
    for (entry_id, _judge), value in z.items():
        per_entry[entry_id].append(value)
    entry_z = {e: _mean(values) for e, values in per_entry.items()}
    low, high = float(scale[0]), float(scale[1])
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
    mean_deviation: float | None  # signed: negative = harsher than the others
    compared: int  # entries compared
    flag: str | None  # "lebih keras" / "lebih murah" / None


def judge_deviations(sheets: Iterable[Sheet], scale: tuple[Number, Number]) -> dict[int, JudgeDeviation]:
    threshold = float((Decimal(scale[1]) - Decimal(scale[0])) * JUDGE_FLAG_SHARE)
    by_entry: dict[int, dict[int, float]] = defaultdict(dict)
    for sheet in sheets:
        by_entry[sheet.entry_id][sheet.judge_id] = float(sheet.total)
    deviations: dict[int, list[float]] = defaultdict(list)
    judges = set()
    for totals in by_entry.values():
        count, whole = len(totals), math.fsum(totals.values())
        for judge_id, value in totals.items():
            judges.add(judge_id)
            if count > 1:  # the others' mean, from the entry's sum
                deviations[judge_id].append(value - (whole - value) / (count - 1))
    result = {}
    for judge_id in judges:
        found = deviations.get(judge_id, [])
        mean_dev = _mean(found) if found else None
        flag = None
        if mean_dev is not None and len(found) >= 2:
            if mean_dev < -threshold:
                flag = "lebih keras"
            elif mean_dev > threshold:
                flag = "lebih murah"
        result[judge_id] = JudgeDeviation(judge_id, mean_dev, len(found), flag)
    return result


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def score_flag_floor(scale: tuple[Number, Number]) -> Decimal:
    """The smallest distance from the others' median that is flagged: max(1.5 points, 25 % of the range)."""
    return max(SCORE_FLAG_POINTS, (Decimal(scale[1]) - Decimal(scale[0])) * SCORE_FLAG_SHARE)


def outlier_scores(values: dict[int, Number], scale: tuple[Number, Number]) -> dict[int, float]:
    """Of one entry's values by judge, those far from the other judges: judge id -> value - median(others).

    A handful of judges per entry: the leave-one-out median and MAD are computed directly, in float.
    """
    if len(values) < 3:  # every judge needs two others
        return {}
    floor = float(score_flag_floor(scale))
    mads = float(SCORE_FLAG_MADS) * MAD_TO_SD
    items = [(judge_id, float(value)) for judge_id, value in values.items()]
    flagged = {}
    for judge_id, value in items:
        others = [v for j, v in items if j != judge_id]
        centre = _median(others)
        spread = _median([abs(v - centre) for v in others])
        gap = value - centre
        # rounded first: float noise must not push a gap of exactly the floor (1.5) over it
        if round(abs(gap), FLOAT_PLACES) > round(max(floor, mads * spread), FLOAT_PLACES):
            flagged[judge_id] = gap
    return flagged


# --- ranking ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RankKey:
    entry_id: int
    score: Number | None  # the chosen method's aggregate
    other: Number | None  # the other method's score
    heaviest: Number | None  # mean on the heaviest criterion
    flags: int
    submitted_at: datetime | None


@dataclass(frozen=True)
class Ranked:
    """One entry's place in a ranking."""

    entry_id: int
    rank: int  # competition ranking: entries in a pending tie share the rank of the first of them
    step: int | None  # the rule (1-6, ``TIE_BREAK_RULES``) that put it below the entry above; None for the
    # first entry and inside a pending tie
    pending: bool = False  # equal to a neighbour after every automatic rule, and no chair's decision covers them


def _sort_tuple(key: RankKey) -> tuple:
    def desc(value: Number | None) -> tuple:
        return (1, 0) if value is None else (0, -q2(value))

    submitted = key.submitted_at.timestamp() if key.submitted_at else float("inf")
    return (*desc(key.score), *desc(key.other), *desc(key.heaviest), key.flags, submitted)


# slots of ``_sort_tuple``: score(2), other(2), heaviest(2), flags, submitted: rules 1-5
_BOUNDS = ((0, 2), (2, 4), (4, 6), (6, 7), (7, 8))
_RULE_OF_SLOT = tuple(rule for rule, (lo, hi) in enumerate(_BOUNDS, start=1) for _slot in range(lo, hi))


def _decided_order(group: list[int], decisions: Sequence[Sequence[int]]) -> list[int] | None:
    """The order the latest chair's decision covering every entry of ``group`` gives it, else None."""
    wanted = set(group)
    for decision in reversed(decisions):
        position = {entry_id: i for i, entry_id in enumerate(decision)}
        if wanted <= position.keys():
            return sorted(group, key=position.__getitem__)
    return None


def rank(keys: Iterable[RankKey], decisions: Sequence[Sequence[int]] = ()) -> list[Ranked]:
    """The entries best first, with their rank and the tie-break step that placed each one.

    Rules 1-5 are automatic. Entries equal on all of them are ordered by the latest of ``decisions``
    (the chair's, each a list of entry ids in the decided order) that covers all of them, step 6;
    without one they share a rank and are ``pending``, listed by entry id for a stable page only.
    """
    return rank_sorted(sorted((_sort_tuple(key), key.entry_id) for key in keys), decisions)


def sort_tuple(score: int | None, other: int | None, heaviest: int | None, flags: int,
               submitted_at: datetime | None) -> tuple:
    """``rank``'s key for figures already rounded by ``q2`` (here as whole hundredths): equal when and
    only when the Decimals would be."""
    def desc(value: int | None) -> tuple:
        return (1, 0) if value is None else (0, -value)

    submitted = submitted_at.timestamp() if submitted_at else float("inf")
    return (*desc(score), *desc(other), *desc(heaviest), flags, submitted)


def rank_sorted(ordered: list[tuple[tuple, int]], decisions: Sequence[Sequence[int]] = ()) -> list[Ranked]:
    """``rank`` of entries already sorted by (sort tuple, entry id)."""
    groups: list[tuple[int | None, list[int]]] = []
    previous = None
    for current, entry_id in ordered:
        if groups and previous == current:
            groups[-1][1].append(entry_id)
        else:
            slot = None if previous is None else next(i for i, (a, b) in enumerate(zip(previous, current)) if a != b)
            groups.append((slot, [entry_id]))
        previous = current
    return rank_groups(groups, decisions)


def rank_groups(groups: Sequence[tuple[int | None, list[int]]], decisions: Sequence[Sequence[int]] = ()
                ) -> list[Ranked]:
    """``rank`` of entries already sorted and grouped: per group of entries equal on every automatic rule
    (best first, each by entry id), the first slot of the sort tuple in which it differs from the group
    above (None for the first group)."""
    result: list[Ranked] = []
    position = 1
    for slot, members in groups:
        step = None if slot is None else _RULE_OF_SLOT[slot]
        decided = _decided_order(members, decisions) if len(members) > 1 else members
        if decided is not None:
            for i, entry_id in enumerate(decided):
                result.append(Ranked(entry_id, position + i, step if i == 0 else len(TIE_BREAK_RULES)))
        else:
            for i, entry_id in enumerate(members):
                result.append(Ranked(entry_id, position, step if i == 0 else None, pending=True))
        position += len(members)
    return result


def heaviest_criterion(criteria: Sequence[CriterionInfo]) -> CriterionInfo | None:
    """The criterion with the largest weight (the first by position among equals)."""
    if not criteria:
        return None
    return sorted(criteria, key=lambda c: (-c.weight, c.position, c.id))[0]
