"""'What raises the index most' (reporting.advice): actions ranked with the IID they reach, evidence by
innovation, the basic-service urusan and what covering them unlocks, innovations closest to the next maturity
band, and the statistics the office cannot change this window listed apart."""
from decimal import Decimal

from innovation.reporting import advice
from innovation.reporting.index import ChangeKind, LineGap, compute_index_from_totals
from innovation.rules import get_rules
from innovation.web import Role

RULES = get_rules(2026)
BASIC = [o.code for o in RULES.options["urusan"] if o.basic_service]
STATISTICS = {r.no for r in RULES.regional_indicators if r.statistic}


def _result(*, regional, urusan, gaps, n=12, sum_lines=700):
    return compute_index_from_totals(RULES, regional_scores=regional, sum_lines=sum_lines, n=n,
                                     urusan_present=urusan, line_gaps=gaps, top=advice.ALL_CHANGES)


def test_statistics_the_office_cannot_change_are_listed_apart():
    assert {5, 6, 7, 8, 11, 12} == STATISTICS  # income, unemployment, investment, own revenue, poverty, HDI
    regional = {r.no: Decimal(0) for r in RULES.regional_indicators}
    result = _result(regional=regional, urusan=BASIC, gaps=[])
    found = advice.build(RULES, result, scores={}, regional=regional)
    assert all(a.change.kind == ChangeKind.REGIONAL and a.change.indicator_no not in STATISTICS
               for a in found.actions)
    assert {s.no for s in found.statistics} == STATISTICS
    poverty = next(s for s in found.statistics if s.no == 11)
    assert poverty.maximum == Decimal("4.5") and poverty.iid_points_held_back == Decimal("1.80")  # 4.5 / 250


def test_evidence_by_innovation_and_running_iid():
    regional = {r.no: Decimal(r.bobot) * 3 for r in RULES.regional_indicators}
    gaps = [LineGap(ChangeKind.EVIDENCE, 9, 1, "Alfa", 16, "Regulasi Inovasi Daerah"),
            LineGap(ChangeKind.PARAMETER, 6, 2, "Beta", 17, "Ketersediaan SDM"),
            LineGap(ChangeKind.EVIDENCE, 4, 1, "Alfa", 17, "Ketersediaan SDM")]
    result = _result(regional=regional, urusan=BASIC, gaps=gaps)
    found = advice.build(RULES, result, scores={1: ("Alfa", Decimal(70)), 2: ("Beta", Decimal(20))},
                         regional=regional)
    assert [(g.name, g.line_points) for g in found.by_innovation] == [("Alfa", 13), ("Beta", 6)]
    assert [c.indicator_no for c in found.by_innovation[0].lines] == [16, 17]
    assert found.actions[0].change.line_points == 9
    assert found.actions[-1].running_iid == result.iid + sum(a.change.iid_points for a in found.actions)
    # Alfa: 70/111 = 63.1 %, next band 75 % (the office's target): 84 points, 14 short; its lines give 13
    alfa = next(b for b in found.closest if b.name == "Alfa")
    assert (alfa.next_band, alfa.points_needed, alfa.lines) == (75, 14, ())
    beta = next(b for b in found.closest if b.name == "Beta")  # 18 % -> 25 % = 28 points: 8 short, 6 on hand
    assert beta.next_band == 25 and beta.points_needed == 8 and beta.lines == ()


def test_closest_band_picks_the_fewest_lines():
    gaps = {1: [next(iter(_result(regional={}, urusan=BASIC, gaps=[
        LineGap(ChangeKind.EVIDENCE, 9, 1, "Alfa", 16, "Regulasi")]).changes))]}
    found = advice.closest_to_band(RULES, {1: ("Alfa", Decimal(50))}, gaps)
    assert found[0].next_band == 50 and found[0].points_needed == 6 and len(found[0].lines) == 1


def test_urusan_still_needed_and_what_covering_unlocks():
    regional = {}
    result = _result(regional=regional, urusan=BASIC[:3], gaps=[], n=20, sum_lines=1200)
    found = advice.build(RULES, result, scores={}, regional=regional)
    assert [u.code for u in found.urusan] == BASIC[3:] and not found.basic_ok
    assert all(u.still_needed == 2 for u in found.urusan)
    # two new innovations switch on MIN(22, 200) x 0.38 = 8.36 SID points, less the larger divisor's loss
    expected = ((Decimal(1200) / 22 + Decimal("8.36")) - Decimal(1200) / 20) / 250 * 100
    assert found.urusan[0].unlocks == expected.quantize(Decimal("0.01"))
    covered = advice.build(RULES, _result(regional=regional, urusan=BASIC[:5], gaps=[]), scores={}, regional={})
    assert covered.basic_ok and covered.urusan[0].unlocks == 0


def test_next_predicate_and_how_many_actions_reach_it():
    regional = {r.no: Decimal(r.bobot) * 3 for r in RULES.regional_indicators}
    regional[1] = Decimal(0)  # 3 points short on a changeable regional line
    result = _result(regional=regional, urusan=BASIC, gaps=[], n=12, sum_lines=1169)  # IID 64.79
    found = advice.build(RULES, result, scores={}, regional=regional)
    assert found.next_predicate == "Sangat Inovatif" and found.next_predicate_min == Decimal("65.01")
    assert result.iid < Decimal("65.01") <= result.iid + Decimal("1.20")
    assert found.actions_to_next == 1


def test_page(client, db, make_user, make_innovation, login):
    admin = make_user(role=Role.ADMIN)
    make_innovation(nama="Inovasi Berbukti", claimed_score=Decimal(40), gap_count=1)
    login(admin)
    page = client.get("/reporting/advice?year=2026&basis=claimed").get_data(as_text=True)
    for section in ("advice-actions", "advice-evidence", "advice-urusan", "advice-bands", "advice-statistics"):
        assert f'id="{section}"' in page
    assert "Kemiskinan" in page.split('id="advice-statistics"', 1)[1]
    assert "Kemiskinan" not in page.split('id="advice-actions"', 1)[1].split("</section>", 1)[0]
    assert client.get("/reporting/advice?year=x&basis=y").status_code == 200
