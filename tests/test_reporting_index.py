"""The district index (pure): hand-worked examples for 2025 and 2026, arithmetic in the comments."""
from decimal import Decimal

import pytest

from innovation.innovations import scoring
from innovation.innovations.scoring import Claim
from innovation.reporting.index import ChangeKind, InnovationLines, compute_index
from innovation.rules import get_rules

R2025, R2026 = get_rules(2025), get_rules(2026)
BASIC = ["pendidikan", "kesehatan", "pekerjaan_umum_dan_penataan_ruang", "perumahan_rakyat_dan_kawasan_permukiman",
         "ketenteraman_ketertiban_umum_dan_pelindungan_masyarakat", "sosial"]
OTHER = "tenaga_kerja"


def full(rules, i=0, urusan=OTHER):
    """An innovation scoring 111: parameter 3 with evidence on all 20 lines."""
    claims = {ind.no: Claim(3, "a" if ind.bases else None) for ind in rules.indicators}
    lines = scoring.score_lines(rules, claims, {ind.no for ind in rules.indicators})
    return InnovationLines(i, f"Penuh {i}", urusan, lines)


def empty(rules, i=0, urusan=OTHER):
    return InnovationLines(i, f"Kosong {i}", urusan, scoring.score_lines(rules, {}, set()))


def custom(rules, claims, evidence, i=0, urusan=OTHER, rejected=frozenset()):
    return InnovationLines(i, f"Inovasi {i}", urusan, scoring.score_lines(rules, claims, evidence), rejected)


def regional(total):
    """A regional score dict whose sum is ``total`` (all on line 1; the pure function does not cap)."""
    return {1: Decimal(str(total))}


def test_basic_service_urusan_are_the_six_from_the_rules():
    from innovation.reporting.index import basic_service_codes

    assert list(basic_service_codes(R2025)) == BASIC
    assert list(basic_service_codes(R2026)) == BASIC


@pytest.mark.parametrize("rules", [R2025, R2026], ids=["2025", "2026"])
def test_fewer_innovations_than_k_divides_by_k(rules):
    # n = 3 < k = 12 -> divisor 12. Lines: 111 + 111 + 0 = 222 -> 222 / 12 = 18.5.
    # Urusan all "tenaga_kerja": 0 of 6 basic-service covered -> Skor Jumlah Inovasi 0. SID = 18.5.
    # SPD = 1 + 2 + 4.5 = 7.5. IID = (7.5 + 18.5) / 250 x 100 = 26 / 2.5 = 10.40 -> Kurang Inovatif.
    result = compute_index(rules, regional_scores={1: Decimal("1"), 2: Decimal("2"), 6: Decimal("4.5")},
                           innovation_lines=[full(rules, 1), full(rules, 2), empty(rules, 3)])
    assert result.year == rules.year
    assert result.spd == Decimal("7.5")
    assert (result.n, result.k, result.divisor, result.sum_lines) == (3, 12, 12, 222)
    assert result.count_score == 0
    assert result.basic_covered == () and list(result.basic_missing) == BASIC
    assert result.sid == Decimal("18.5")
    assert result.iid == Decimal("10.40")
    assert result.predicate == "Kurang Inovatif"


def test_more_innovations_than_k_divides_by_n_2026():
    # n = 20 > k = 12 -> divisor 20. 10 full (1110) + 10 empty (0) = 1110 -> 1110 / 20 = 55.5.
    # Urusan: the first six innovations cover all 6 basic-service urusan -> count = MIN(20, 200) x 0.38 = 7.6.
    # SID = 55.5 + 7.6 = 63.1. SPD = 63 (every line at bobot x 3). IID = 126.1 / 2.5 = 50.44 -> Inovatif.
    innovations = [full(R2026, i, BASIC[i] if i < 6 else OTHER) for i in range(10)]
    innovations += [empty(R2026, 10 + i) for i in range(10)]
    regional_max = {r.no: Decimal(str(r.bobot)) * 3 for r in R2026.regional_indicators}
    result = compute_index(R2026, regional_scores=regional_max, innovation_lines=innovations)
    assert result.spd == Decimal("63")
    assert (result.n, result.divisor, result.sum_lines) == (20, 20, 1110)
    assert result.count_score == Decimal("7.60")
    assert len(result.basic_covered) == 6 and result.basic_missing == ()
    assert result.sid == Decimal("63.1")
    assert result.iid == Decimal("50.44")
    assert result.predicate == "Inovatif"


@pytest.mark.parametrize("rules", [R2025, R2026], ids=["2025", "2026"])
def test_basic_service_rule_four_of_six_scores_nothing_five_of_six_scores(rules):
    # 12 empty innovations (lines 0), n = 12 = k -> divisor 12, line part 0.
    # 4 of 6 basic urusan covered -> Skor Jumlah Inovasi 0 -> SID 0, IID (0 + 0) = 0 -> Tidak Dapat Dinilai.
    four = [empty(rules, i, BASIC[i] if i < 4 else OTHER) for i in range(12)]
    result = compute_index(rules, regional_scores={}, innovation_lines=four)
    assert len(result.basic_covered) == 4 and result.basic_missing == tuple(BASIC[4:])
    assert result.count_score == 0 and result.iid == 0
    assert result.predicate == "Tidak Dapat Dinilai"
    # The one change that switches the count on: one more innovation in a missing urusan.
    # After: n = 13 -> divisor 13, line part 0; count = 13 x 0.38 = 4.94 -> +4.94 SID = +1.976 -> 1.98 IID.
    urusan_change = next(c for c in result.changes if c.kind == ChangeKind.URUSAN)
    assert urusan_change.urusan == tuple(BASIC[4:])
    assert urusan_change.iid_points == Decimal("1.98")
    # 5 of 6 covered -> count = MIN(12, 200) x 0.38 = 4.56 -> SID 4.56 -> IID 4.56 / 2.5 = 1.824 -> 1.82.
    five = [empty(rules, i, BASIC[i] if i < 5 else OTHER) for i in range(12)]
    result = compute_index(rules, regional_scores={}, innovation_lines=five)
    assert len(result.basic_covered) == 5 and result.basic_missing == (BASIC[5],)
    assert result.count_score == Decimal("4.56")
    assert result.iid == Decimal("1.82")
    assert result.predicate == "Kurang Inovatif"
    assert not any(c.kind == ChangeKind.URUSAN for c in result.changes)


def test_urusan_lain_does_not_cover_a_basic_service_urusan():
    # Only urusan_utama counts: an innovation is given urusan utama "tenaga_kerja" whatever it overlaps.
    result = compute_index(R2026, regional_scores={}, innovation_lines=[empty(R2026, i, OTHER) for i in range(5)])
    assert result.basic_covered == ()


def test_innovation_count_is_capped_at_200():
    # n = 250 empty innovations covering all 6 basic urusan: divisor MAX(12, 250) = 250, line part 0.
    # count = MIN(250, 200) x 0.38 = 76 -> SID 76 -> IID 76 / 2.5 = 30.40.
    innovations = [empty(R2026, i, BASIC[i % 6]) for i in range(250)]
    result = compute_index(R2026, regional_scores={}, innovation_lines=innovations)
    assert (result.n, result.divisor) == (250, 250)
    assert result.count_score == Decimal("76.00")
    assert result.iid == Decimal("30.40")


@pytest.mark.parametrize(
    ("rules", "spd", "basic", "expected_iid", "predicate"),
    [
        # 12 innovations, 8 full (888) + 4 empty; divisor 12 -> 888 / 12 = 74; no basic coverage.
        # SPD 26 -> (26 + 74) / 2.5 = 40.00 -> Kurang Inovatif (upper edge of 0.01-40.00).
        (R2026, "26", False, "40.00", "Kurang Inovatif"),
        # SPD 26.03 -> 100.03 / 2.5 = 40.012 -> 40.01 -> Inovatif.
        (R2026, "26.03", False, "40.01", "Inovatif"),
        # All 6 basic covered: count 12 x 0.38 = 4.56 -> SID 78.56. SPD 84.44 is not reachable (max 63), so
        # the 65 edge uses 12 full innovations instead (below).
        (R2025, "26", False, "40.00", "Kurang Inovatif"),
        (R2025, "26.03", False, "40.01", "Inovatif"),
    ],
)
def test_predicate_boundaries_at_40(rules, spd, basic, expected_iid, predicate):
    innovations = [full(rules, i) for i in range(8)] + [empty(rules, 8 + i) for i in range(4)]
    result = compute_index(rules, regional_scores=regional(spd), innovation_lines=innovations)
    assert result.sid == Decimal("74")
    assert result.iid == Decimal(expected_iid)
    assert result.predicate == predicate


@pytest.mark.parametrize("rules", [R2025, R2026], ids=["2025", "2026"])
@pytest.mark.parametrize(("spd", "expected_iid", "predicate"), [
    # 12 full innovations, the first six covering the 6 basic urusan: lines 1332 / 12 = 111,
    # count 12 x 0.38 = 4.56 -> SID 115.56.
    # SPD 46.94 -> (46.94 + 115.56) / 2.5 = 162.5 / 2.5 = 65.00 -> Inovatif (upper edge of 40.01-65.00).
    ("46.94", "65.00", "Inovatif"),
    # SPD 46.97 -> 162.53 / 2.5 = 65.012 -> 65.01 -> Sangat Inovatif.
    ("46.97", "65.01", "Sangat Inovatif"),
])
def test_predicate_boundaries_at_65(rules, spd, expected_iid, predicate):
    innovations = [full(rules, i, BASIC[i] if i < 6 else OTHER) for i in range(12)]
    result = compute_index(rules, regional_scores=regional(spd), innovation_lines=innovations)
    assert result.sid == Decimal("115.56")
    assert result.iid == Decimal(expected_iid)
    assert result.predicate == predicate


def test_top_changes_rank_by_iid_points_and_name_the_line():
    # One innovation, n = 1 -> divisor 12. Indicator 35 (bobot 4) claimed 3 without evidence: 12 line points
    # -> 12 / 12 / 250 x 100 = 0.40 IID. Indicator 16 (bobot 3, mandatory) without parameter: up to 9
    # -> 9 / 12 / 2.5 = 0.30. Regional line 13 (bobot 2, max 6) at 0: 6 / 2.5 = 2.40 IID.
    # Regional line 1 (max 3) at 3: no change listed.
    regional_scores = {r.no: Decimal(str(r.bobot)) * 3 for r in R2026.regional_indicators}
    regional_scores[13] = Decimal(0)
    claims = {35: Claim(3), 17: Claim(2), 32: Claim(3), 33: Claim(3, "a")}
    innovation = custom(R2026, claims, {17, 32, 33}, i=7)
    result = compute_index(R2026, regional_scores=regional_scores, innovation_lines=[innovation])
    first, second, third = result.changes[:3]
    assert (first.kind, first.indicator_no, first.iid_points) == (ChangeKind.REGIONAL, 13, Decimal("2.40"))
    assert (second.kind, second.indicator_no, second.innovation_id, second.line_points, second.iid_points) == (
        ChangeKind.EVIDENCE, 35, 7, Decimal(12), Decimal("0.40"))
    assert (third.kind, third.indicator_no, third.iid_points) == (ChangeKind.PARAMETER, 16, Decimal("0.30"))
    assert not any(c.kind == ChangeKind.REGIONAL and c.indicator_no == 1 for c in result.changes)


def test_top_changes_are_at_most_ten_and_rejected_lines_are_named():
    # 12 empty innovations: each has 5 mandatory lines without a parameter -> 60 candidate changes; top 10 kept.
    innovations = [empty(R2026, i) for i in range(12)]
    result = compute_index(R2026, regional_scores={}, innovation_lines=innovations)
    assert len(result.changes) == 10
    # A rejected line (verifier: ditolak) is named as such, worth up to bobot x 3 (16: 9 points).
    rejected = custom(R2026, {16: Claim(None)}, {16}, rejected=frozenset({16}))
    result = compute_index(R2026, regional_scores={r.no: Decimal(str(r.bobot * 3)) for r in R2026.regional_indicators},
                           innovation_lines=[rejected])
    by_no = {c.indicator_no: c for c in result.changes}
    assert by_no[16].kind == ChangeKind.REJECTED and by_no[16].line_points == 9
    assert by_no[35].kind == ChangeKind.PARAMETER  # 35 (bobot 4) was never chosen: up to 12 points


def test_no_innovations_no_regional_values_is_zero_and_not_assessable():
    result = compute_index(R2026, regional_scores={}, innovation_lines=[])
    assert (result.n, result.divisor, result.sid, result.iid) == (0, 12, 0, 0)
    assert result.predicate == "Tidak Dapat Dinilai"
