"""The formulas of ``statistics`` over a whole round at once, in numpy (issue 17).

``statistics`` states every formula and computes it for one entry, judge or unit at a time; it stays
the reference (``tests/test_judging_vectorised.py`` checks each function here against it on random
rounds, to the four places shown and stored). Here the same figures are computed for every entry of a
round with array operations: a round of 10,000 entries, 40,000 sheets and 200,000 scores is a few
dozen numpy calls instead of a Python loop per score (the loop took 4 s and more).

Conventions: a round's sheets are rows (``entry`` and ``judge``: positions, not ids, of the sheet's
entry and judge), values are float64 with NaN for "no value", and each function returns arrays in the
same layout. Figures become Decimals once, at the edge (``Quantiser``): four places, half up, after
float noise is removed at nine places, exactly as ``statistics.to_decimal`` and ``results._q`` do.
Krippendorff's alpha is computed exactly with integers and fractions (every value has at most four
decimals), so it equals the Decimal reference to its 34 digits.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np

from innovation.judging import statistics as st

SCALED = 10_000  # every stored value has at most four decimals (ScoreSheet.total is Numeric(8, 4))


# --- quantising at the edge -----------------------------------------------------------------


class Quantiser:
    """Floats to Decimals rounded half up to ``places`` (NaN to None), equal to ``statistics.to_decimal``
    then ``quantize``; equal figures share one Decimal object (a round's scores take a few dozen values)."""

    def __init__(self, places: int = 4) -> None:
        self.places = places
        self._step = 10 ** (st.FLOAT_PLACES - places)
        self._exponent = Decimal(1).scaleb(-places)
        self._known: dict[int, Decimal] = {}
        self._negative_zero = Decimal(0).scaleb(-places).copy_negate()

    def forget(self) -> None:
        """Drop the table of figures met so far (the Decimals handed out stay shared where they are)."""
        self._known.clear()

    def units(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the rounded figures as integers of 10^-places, which are valid), exact as the Decimal path."""
        x = np.asarray(values, dtype=np.float64)
        valid = ~np.isnan(x)
        safe = np.where(valid, x, 0.0)
        nines = np.rint(safe * 10.0 ** st.FLOAT_PLACES)  # the figure at nine places, as a whole number
        magnitude = np.abs(nines)
        rounded = np.floor((magnitude + self._step // 2) / self._step)
        units = np.where(np.signbit(nines), -rounded, rounded).astype(np.int64)
        # where the ninth place sits at a half-up boundary the float product may be off by one: exact path
        remainder = np.mod(magnitude, self._step)
        doubtful = valid & (np.abs(remainder - self._step // 2) <= 1)
        for i in np.flatnonzero(doubtful):
            exact = st.to_decimal(float(x[i])).quantize(self._exponent, rounding=ROUND_HALF_UP)
            units[i] = int(exact.scaleb(self.places))
        return units, valid

    def decimals(self, values: np.ndarray) -> list[Decimal | None]:
        x = np.asarray(values, dtype=np.float64)
        units, valid = self.units(x)
        negative = np.signbit(x) & valid & (units == 0)  # "-0.0000", as Decimal rounding gives it
        known, out = self._known, []
        for unit, ok, minus in zip(units.tolist(), valid.tolist(), negative.tolist()):
            if not ok:
                out.append(None)
            elif minus:
                out.append(self._negative_zero)
            else:
                found = known.get(unit)
                if found is None:
                    found = known[unit] = Decimal(unit).scaleb(-self.places)
                out.append(found)
        return out


def q2_units(values: np.ndarray) -> tuple[list[int], list[bool]]:
    """``statistics.q2`` as whole hundredths (for ranking: equal figures compare equal)."""
    units, valid = Quantiser(2).units(values)
    return units.tolist(), valid.tolist()


# --- ranking ---------------------------------------------------------------------------------------


def rank_keys(chosen: np.ndarray, other: np.ndarray, heaviest: np.ndarray, flags: np.ndarray,
              submitted: np.ndarray) -> np.ndarray:
    """``statistics.sort_tuple`` of every entry as the rows of one array: per figure (rounded to whole
    hundredths, as ``q2``) "missing" then its negation, then the flags and the submission time (epoch
    seconds, infinity when none). Every value is a whole number below 2^53 or the time: exact in float64."""
    columns: list[np.ndarray] = []
    for values in (chosen, other, heaviest):
        units, valid = Quantiser(2).units(values)
        columns += [np.where(valid, 0, 1), np.where(valid, -units, 0)]
    columns += [np.asarray(flags), np.asarray(submitted)]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])


def ranked_groups(keys: np.ndarray, ids: np.ndarray, rows: np.ndarray | None = None
                  ) -> list[tuple[int | None, list[int]]]:
    """The entries (``rows`` of ``keys`` / ``ids``, all by default) sorted as ``statistics.rank`` sorts
    them (by sort tuple, then id) and grouped as ``statistics.rank_groups`` takes them: the groups equal
    on every key, each with the first key in which it differs from the group above."""
    if rows is not None:
        keys, ids = keys[rows], ids[rows]
    if not len(ids):
        return []
    order = np.lexsort((ids, *(keys[:, c] for c in range(keys.shape[1] - 1, -1, -1))))
    keys, ordered = keys[order], ids[order].tolist()
    differs = keys[1:] != keys[:-1]
    new, slot = differs.any(axis=1).tolist(), differs.argmax(axis=1).tolist()
    groups: list[tuple[int | None, list[int]]] = [(None, [ordered[0]])]
    for n in range(1, len(ordered)):
        if new[n - 1]:
            groups.append((slot[n - 1], [ordered[n]]))
        else:
            groups[-1][1].append(ordered[n])
    return groups


# --- grouped figures ------------------------------------------------------------------------------


@dataclass
class Groups:
    """Per group (entry or judge): count, sum, mean, median, olympic trimmed mean, min, max, sample SD
    of the group's non-NaN values (NaN where a group has none; the SD needs two)."""

    count: np.ndarray
    total: np.ndarray
    mean: np.ndarray
    median: np.ndarray
    trimmed: np.ndarray
    low: np.ndarray
    high: np.ndarray
    sample_sd: np.ndarray

    def aggregate(self, name: str) -> np.ndarray:
        if name not in st.AGGREGATES:
            raise ValueError(f"unknown aggregate {name!r}")
        return getattr(self, name)


def groups(values: np.ndarray, group: np.ndarray, size: int) -> Groups:
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    v, g = values[keep], group[keep]
    order = np.lexsort((v, g))
    v, g = v[order], g[order]
    count = np.bincount(g, minlength=size)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    has = count > 0
    nan = np.full(size, np.nan)
    total = np.bincount(g, weights=v, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(has, total / count, np.nan)
    last = np.maximum(start + count - 1, 0)
    low = np.where(has, v[np.minimum(start, len(v) - 1)] if len(v) else nan, np.nan)
    high = np.where(has, v[np.minimum(last, len(v) - 1)] if len(v) else nan, np.nan)
    if len(v):
        lo = np.minimum(start + (count - 1) // 2, len(v) - 1)
        hi = np.minimum(start + count // 2, len(v) - 1)
        median = np.where(has, (v[lo] + v[hi]) / 2, np.nan)
    else:
        median = nan
    with np.errstate(invalid="ignore", divide="ignore"):
        trimmed = np.where(count >= 3, (total - low - high) / (count - 2), mean)
        squares = np.bincount(g, weights=(v - mean[g]) ** 2, minlength=size)
        sample_sd = np.where(count >= 2, np.sqrt(squares / (count - 1)), np.nan)
    return Groups(count, total, mean, median, trimmed, low, high, sample_sd)


# --- normalisation -------------------------------------------------------------------------------


@dataclass
class Normalised:
    z: np.ndarray  # per sheet
    panel_mean: float | None
    panel_sd: float | None
    fallback: np.ndarray  # per judge: one entry, standardised against the panel
    flat: np.ndarray  # per judge: every total equal, z = 0


def normalise(totals: np.ndarray, judge: np.ndarray, judges: int) -> Normalised:
    """``statistics.normalise``: per-judge z-scores of the sheets' totals."""
    if not len(totals):
        return Normalised(np.zeros(0), None, None, np.zeros(judges, bool), np.zeros(judges, bool))
    panel_mean = float(np.mean(totals))
    panel_sd = float(np.sqrt(np.mean((totals - panel_mean) ** 2)))
    own = groups(totals, judge, judges)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_j = own.mean
        sd_j = np.sqrt(np.bincount(judge, weights=(totals - mean_j[judge]) ** 2, minlength=judges) / own.count)
    fallback = own.count == 1
    flat = (own.count >= 2) & (own.low == own.high)
    with np.errstate(invalid="ignore", divide="ignore"):
        own_z = np.where(flat[judge], 0.0, (totals - mean_j[judge]) / sd_j[judge])
        panel_z = (totals - panel_mean) / panel_sd if panel_sd else np.zeros(len(totals))
    return Normalised(np.where(fallback[judge], panel_z, own_z), panel_mean, panel_sd, fallback, flat)


# --- judge deviations ------------------------------------------------------------------------------


def judge_deviations(totals: np.ndarray, entry: np.ndarray, entries: int, judge: np.ndarray, judges: int,
                     scale: tuple) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """``statistics.judge_deviations``: per judge (mean signed deviation or NaN, entries compared, flag)."""
    threshold = float((Decimal(scale[1]) - Decimal(scale[0])) * st.JUDGE_FLAG_SHARE)
    count = np.bincount(entry, minlength=entries)[entry]
    whole = np.bincount(entry, weights=totals, minlength=entries)[entry]
    shared = count > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        deviation = totals - (whole - totals) / (count - 1)
    compared = np.bincount(judge[shared], minlength=judges)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(judge[shared], weights=deviation[shared], minlength=judges) / compared
    mean = np.where(compared > 0, mean, np.nan)
    flags = [None if n < 2 else "lebih keras" if m < -threshold else "lebih murah" if m > threshold else None
             for m, n in zip(mean.tolist(), compared.tolist())]
    return mean, compared, flags


# --- score flags ------------------------------------------------------------------------------


def _median_last(values: np.ndarray) -> np.ndarray:
    """Median along the last axis ignoring NaN (NaN where none)."""
    ordered = np.sort(values, axis=-1)  # NaN last
    count = (~np.isnan(values)).sum(axis=-1)
    lo = np.clip((count - 1) // 2, 0, None)[..., None]
    hi = np.clip(count // 2, 0, None)[..., None]
    found = (np.take_along_axis(ordered, lo, -1) + np.take_along_axis(ordered, hi, -1))[..., 0] / 2
    return np.where(count > 0, found, np.nan)


def outlier_gaps(table: np.ndarray, scale: tuple) -> np.ndarray:
    """``statistics.outlier_scores`` for every entry at once: ``table`` holds one row per entry and one
    column per judge slot (NaN where none); the result holds value - median(others) where flagged, NaN
    elsewhere."""
    rows, slots = table.shape
    if slots < 3:
        return np.full(table.shape, np.nan)
    floor = float(st.score_flag_floor(scale))
    mads = float(st.SCORE_FLAG_MADS) * st.MAD_TO_SD
    others = table[:, [[j for j in range(slots) if j != i] for i in range(slots)]]  # rows x slots x slots-1
    centre = _median_last(others)
    spread = _median_last(np.abs(others - centre[..., None]))
    gap = table - centre
    present = ~np.isnan(table)
    enough = (present.sum(axis=1) >= 3)[:, None] & present
    with np.errstate(invalid="ignore"):
        flagged = enough & (np.round(np.abs(gap), st.FLOAT_PLACES)
                            > np.round(np.maximum(floor, mads * spread), st.FLOAT_PLACES))
    return np.where(flagged, gap, np.nan)


def slots(entry: np.ndarray, entries: int) -> tuple[np.ndarray, int]:
    """Each sheet's column in a per-entry table (its order among the entry's sheets), and the width."""
    if not len(entry):
        return np.zeros(0, np.int64), 0
    order = np.argsort(entry, kind="stable")
    count = np.bincount(entry, minlength=entries)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    slot = np.empty(len(entry), np.int64)
    slot[order] = np.arange(len(entry)) - start[entry[order]]
    return slot, int(count.max())


def by_slot(values: np.ndarray, entry: np.ndarray, slot: np.ndarray, entries: int, width: int) -> np.ndarray:
    table = np.full((entries, width), np.nan)
    table[entry, slot] = values
    return table


# --- agreement -----------------------------------------------------------------------------------


def krippendorff_alpha_interval(values: np.ndarray, unit: np.ndarray, units: int) -> tuple[Decimal | None, int]:
    """``statistics.krippendorff_alpha_interval`` (and the units with two or more values), computed exactly:
    the values as whole ten-thousandths, the sums as Python integers, the ratio as a fraction."""
    keep = ~np.isnan(values)
    v = np.rint(values[keep] * SCALED).astype(np.int64)
    u = unit[keep]
    m = np.bincount(u, minlength=units)
    s1 = np.bincount(u, weights=v, minlength=units)  # exact: below 2^53
    s2 = np.bincount(u, weights=v.astype(np.float64) ** 2, minlength=units)
    pairable = m >= 2
    pairs = int(pairable.sum())
    m, s1, s2 = m[pairable].tolist(), [int(x) for x in s1[pairable]], [int(x) for x in s2[pairable]]
    n = sum(m)
    if n < 2:
        return None, pairs
    by_size: dict[int, int] = {}
    for size, one, two in zip(m, s1, s2):
        by_size[size] = by_size.get(size, 0) + 2 * (size * two - one * one)
    observed = sum((Fraction(total, size - 1) for size, total in by_size.items()), Fraction(0)) / n
    whole1, whole2 = sum(s1), sum(s2)
    expected = Fraction(2 * (n * whole2 - whole1 * whole1), n * (n - 1))
    if expected == 0:
        return None, pairs
    alpha = 1 - observed / expected
    with localcontext() as ctx:
        ctx.prec = 34
        return Decimal(alpha.numerator) / Decimal(alpha.denominator), pairs
