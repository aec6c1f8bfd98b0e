"""The vectorised round statistics (``vectorised``) equal the reference formulas (``statistics``) to the
places shown and stored, on random rounds; Krippendorff's alpha also equals the ``krippendorff`` package."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import krippendorff
import numpy as np
import pytest

from innovation.judging import statistics as st
from innovation.judging import vectorised as vz

FOUR = D("0.0001")


def q(value) -> D | None:
    return None if value is None else st.to_decimal(value).quantize(FOUR, rounding=ROUND_HALF_UP)


def qa(value) -> D | None:
    """An array figure (NaN for none) as the reference would show it."""
    return None if value is None or np.isnan(value) else q(float(value))


def random_round(seed: int, scale=(D(1), D(5)), step=D("0.25"), entries=40, judges=9, criteria=5):
    """Sheets (entry position, judge position, total, criterion values with some missing)."""
    rng = random.Random(seed)
    levels = int((scale[1] - scale[0]) / step)
    rows = []
    for e in range(entries):
        panel = rng.sample(range(judges), rng.choice([0, 1, 2, 3, 3, 4, 5]))
        leniency = {j: rng.choice([-1, 0, 0, 1]) for j in panel}
        for j in panel:
            values = []
            for _c in range(criteria):
                level = min(levels, max(0, rng.randint(0, levels) // 2 + levels // 4 + leniency[j]))
                values.append(None if rng.random() < 0.05 else scale[0] + step * level)
            present = [v for v in values if v is not None]
            total = (sum(present) / len(present)).quantize(FOUR) if present else scale[0]
            rows.append((e, j, total, values))
    return rows


def arrays(rows, criteria=5):
    entry = np.array([r[0] for r in rows], np.int64)
    judge = np.array([r[1] for r in rows], np.int64)
    totals = np.array([float(r[2]) for r in rows])
    values = np.array([[np.nan if v is None else float(v) for v in r[3]] for r in rows]).reshape(len(rows), criteria)
    return entry, judge, totals, values


SEEDS = [1, 2, 3, 7, 11, 2026]
SCALES = [((D(1), D(5)), D("0.25")), ((D(0), D(100)), D("0.5")), ((D(1), D(10)), D(1))]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale,step", SCALES)
def test_entry_aggregates_and_spread_match_the_reference(seed, scale, step):
    rows = random_round(seed, scale, step)
    entry, _judge, totals, _values = arrays(rows)
    found = vz.groups(totals, entry, 40)
    for e in range(40):
        own = [r[2] for r in rows if r[0] == e]
        for name in st.AGGREGATES:
            assert qa(found.aggregate(name)[e]) == q(st.aggregate(own, name)), (e, name)
        sd, width = st.spread(own)
        assert qa(found.sample_sd[e]) == q(sd)
        assert (qa(found.high[e] - found.low[e]) if own else None) == q(width)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale,step", SCALES)
def test_normalisation_matches_the_reference(seed, scale, step):
    rows = random_round(seed, scale, step)
    entry, judge, totals, _values = arrays(rows)
    found = vz.normalise(totals, judge, 9)
    reference = st.normalise([st.Sheet(r[0], r[1], r[2]) for r in rows], scale)
    assert q(found.panel_mean) == q(reference.panel_mean)
    assert q(found.panel_sd) == q(reference.panel_sd)
    for i, r in enumerate(rows):
        assert qa(found.z[i]) == q(reference.z[(r[0], r[1])]), r
    assert {j for j in range(9) if found.fallback[j]} == reference.fallback_judges
    assert {j for j in range(9) if found.flat[j]} == reference.flat_judges
    per_entry = vz.groups(found.z, entry, 40)
    for e, value in reference.entry_z.items():
        assert qa(per_entry.mean[e]) == q(value)


def test_a_judge_with_equal_totals_is_flat_even_when_their_float_mean_is_not_exact():
    # 3 x 3.35 / 3 is 3.3500000000000005 in float: the SD of that is 1e-16, not 0
    totals = np.array([3.35, 3.35, 3.35, 2.0, 4.0])
    judge = np.array([0, 0, 0, 1, 1])
    found = vz.normalise(totals, judge, 2)
    assert found.flat.tolist() == [True, False]
    assert found.z[:3].tolist() == [0.0, 0.0, 0.0]
    reference = st.normalise([st.Sheet(e, int(j), D(str(t))) for e, (j, t) in enumerate(zip(judge, totals))],
                             (D(1), D(5)))
    assert reference.flat_judges == {0}


@pytest.mark.parametrize("seed", SEEDS)
def test_judge_deviations_match_the_reference(seed):
    scale = (D(0), D(100))
    rows = random_round(seed, scale, D("2.5"))
    entry, judge, totals, _values = arrays(rows)
    mean, compared, flags = vz.judge_deviations(totals, entry, 40, judge, 9, scale)
    reference = st.judge_deviations([st.Sheet(r[0], r[1], r[2]) for r in rows], scale)
    for j, found in reference.items():
        assert qa(mean[j]) == q(found.mean_deviation)
        assert compared[j] == found.compared
        assert flags[j] == found.flag


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale,step", SCALES)
def test_score_flags_match_the_reference(seed, scale, step):
    rows = random_round(seed, scale, step)
    entry, _judge, totals, values = arrays(rows)
    slot, width = vz.slots(entry, 40)
    columns = [(totals, [r[2] for r in rows])] + [(values[:, c], [r[3][c] for r in rows]) for c in range(5)]
    flagged = 0
    for column, exact in columns:
        gaps = vz.outlier_gaps(vz.by_slot(column, entry, slot, 40, width), scale)[entry, slot]
        for e in range(40):
            own = {r[1]: value for r, value in zip(rows, exact) if r[0] == e and value is not None}
            reference = st.outlier_scores(own, scale)
            found = {r[1]: gaps[i] for i, r in enumerate(rows) if r[0] == e and not np.isnan(gaps[i])}
            assert found.keys() == reference.keys(), (e, own)
            assert {j: q(float(g)) for j, g in found.items()} == {j: q(g) for j, g in reference.items()}
            flagged += len(found)
    assert flagged  # the random rounds do flag scores


def test_a_gap_of_exactly_the_floor_is_not_flagged():
    table = np.array([[3.0, 3.0, 4.5], [3.0, 3.0, 4.75]])
    gaps = vz.outlier_gaps(table, (D(1), D(5)))
    assert np.isnan(gaps[0]).all()
    assert gaps[1].tolist()[2] == pytest.approx(1.75)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale,step", SCALES)
def test_alpha_equals_the_decimal_reference_and_the_krippendorff_package(seed, scale, step):
    rows = random_round(seed, scale, step)
    entry, judge, totals, values = arrays(rows)
    for column, exact in [(totals, [r[2] for r in rows]), (values[:, 2], [r[3][2] for r in rows])]:
        found, units = vz.krippendorff_alpha_interval(column, entry, 40)
        by_unit = [[v for r, v in zip(rows, exact) if r[0] == e and v is not None] for e in range(40)]
        reference = st.krippendorff_alpha_interval(by_unit)
        assert units == sum(1 for u in by_unit if len(u) >= 2)
        assert found.quantize(D("1e-25")) == reference.quantize(D("1e-25"))
        matrix = np.full((9, 40), np.nan)
        for i, r in enumerate(rows):
            matrix[r[1], r[0]] = column[i]
        package = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        assert float(found) == pytest.approx(package, abs=1e-9)


def test_alpha_without_pairable_values_or_variation_is_none():
    assert vz.krippendorff_alpha_interval(np.array([1.0, 2.0]), np.array([0, 1]), 2) == (None, 0)
    assert vz.krippendorff_alpha_interval(np.array([3.0, 3.0, 3.0, 3.0]), np.array([0, 0, 1, 1]), 2) == (None, 2)


def test_the_quantiser_rounds_half_up_like_decimal():
    rng = random.Random(5)
    samples = [4.325, 4.32505, 1.00005, 2.00015, -1.00005, -0.00004, -0.00005, -1e-12, 0.0, -0.0, 99.99995,
               0.1 + 0.2, 1 / 3, -2 / 3, 12345.6789549999]
    samples += [rng.uniform(-100, 100) for _ in range(2000)]
    samples += [round(rng.uniform(-10, 10), 5) for _ in range(2000)]  # many exact half-way points
    for places in (2, 3, 4):
        quantiser = vz.Quantiser(places)
        found = quantiser.decimals(np.array(samples + [np.nan]))
        exponent = D(1).scaleb(-places)
        expected = [st.to_decimal(v).quantize(exponent, rounding=ROUND_HALF_UP) for v in samples]
        assert [str(f) for f in found[:-1]] == [str(e) for e in expected]
        assert found[-1] is None


@pytest.mark.parametrize("seed", SEEDS)
def test_ranking_from_rounded_units_equals_the_reference(seed):
    rng = random.Random(seed)
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    keys = []
    for e in range(200):
        def figure():
            return None if rng.random() < 0.05 else rng.choice([3.0, 3.004, 3.005, 3.0049999, 3.01, 4.2, 4.25])
        keys.append(st.RankKey(e + 1, figure(), figure(), figure(), rng.randint(0, 2),
                               None if rng.random() < 0.1 else start + timedelta(minutes=rng.randint(0, 3))))
    decisions = [[5, 3, 9], [12, 11]]

    def units(values):
        found, valid = vz.q2_units(np.array([np.nan if v is None else v for v in values]))
        return [u if ok else None for u, ok in zip(found, valid)]

    score, other, heavy = (units([getattr(k, name) for k in keys]) for name in ("score", "other", "heaviest"))
    ordered = sorted((st.sort_tuple(s, o, h, k.flags, k.submitted_at), k.entry_id)
                     for k, s, o, h in zip(keys, score, other, heavy))
    assert st.rank_sorted(ordered, decisions) == st.rank(keys, decisions)

    # the ranking as arrays (``rank_keys`` sorted by ``numpy.lexsort``), overall and within a subset
    def column(name):
        return np.array([np.nan if getattr(k, name) is None else getattr(k, name) for k in keys])

    matrix = vz.rank_keys(column("score"), column("other"), column("heaviest"), np.array([k.flags for k in keys]),
                          np.array([k.submitted_at.timestamp() if k.submitted_at else np.inf for k in keys]))
    ids = np.array([k.entry_id for k in keys])
    assert st.rank_groups(vz.ranked_groups(matrix, ids), decisions) == st.rank(keys, decisions)
    some = np.flatnonzero(ids % 3 == 0)
    assert st.rank_groups(vz.ranked_groups(matrix, ids, some), decisions) == st.rank(
        [k for k in keys if k.entry_id % 3 == 0], decisions)
    assert vz.ranked_groups(matrix, ids, np.zeros(0, np.int64)) == []


def test_the_cycle_collector_is_paused_only_while_results_are_built():
    import gc

    from innovation.judging.results import without_cycle_collection

    assert gc.isenabled()
    with without_cycle_collection():
        assert not gc.isenabled()
        with without_cycle_collection():  # another computation at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one found it off and leaves it off
    assert gc.isenabled()
    gc.disable()
    try:
        with without_cycle_collection():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
