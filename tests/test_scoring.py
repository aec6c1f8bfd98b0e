from datetime import date
from decimal import Decimal

from innovation.innovations import readiness, scoring
from innovation.innovations.scoring import Claim
from innovation.rules import get_rules

RULES = get_rules(2026)


def test_line_score_is_bobot_times_parameter_and_zero_without_evidence():
    regulasi = RULES.indicator(16)  # bobot 3
    assert scoring.line_score(regulasi, 2, True) == 6
    assert scoring.line_score(regulasi, 2, False) == 0
    assert scoring.line_score(regulasi, None, True) == 0


def test_full_marks_is_111_and_100_percent():
    claims = {i.no: Claim(3, "a" if i.bases else None) for i in RULES.indicators}
    lines = scoring.score_lines(RULES, claims, {i.no for i in RULES.indicators})
    assert scoring.total(lines) == 111
    assert scoring.maturity_percent(111, RULES) == Decimal("100.00")


def test_hand_worked_example():
    # 16 (3) x3 with evidence = 9; 17 (2) x2 with evidence = 4; 35 (4) x3 without evidence = 0;
    # 33 (3) x1 with evidence = 3. Total 16 -> 16/111 = 14.41 %.
    claims = {16: Claim(3), 17: Claim(2), 35: Claim(3), 33: Claim(1, "b")}
    lines = scoring.score_lines(RULES, claims, {16, 17, 33})
    assert scoring.total(lines) == 16
    assert scoring.maturity_percent(16, RULES) == Decimal("14.41")
    assert next(line for line in lines if line.no == 35).lost == 12


def test_verified_scores_follow_the_verifier():
    claims = {
        16: Claim(3, verified_status="sesuai"),
        17: Claim(3, verified_status="diperbaiki", verified_parameter=1),
        32: Claim(3, verified_status="ditolak"),
    }
    lines = scoring.score_verified_lines(RULES, claims, {16, 17, 32})
    by_no = {line.no: line.score for line in lines}
    assert (by_no[16], by_no[17], by_no[32]) == (9, 2, 0)


def test_word_count_counts_words_not_characters():
    assert readiness.word_count("") == 0
    assert readiness.word_count("Layanan  e-KTP   keliling,\nke distrik-distrik pedalaman.") == 6
    assert readiness.word_count("a " * 300) == 300


def _complete_profile(**overrides):
    profile = {
        "nama": "SIPANDU", "tahapan": "penerapan", "inisiator": "opd", "nama_inisiator": "Dinas Kesehatan",
        "jenis": "digital", "klasifikasi": "perangkat_daerah", "bentuk": "pelayanan_publik",
        "tematik": "asta_cita_4", "urusan_utama": "kesehatan", "latitude": Decimal("-4.5"),
        "longitude": Decimal("136.8"), "waktu_uji_coba": date(2024, 2, 1), "waktu_penerapan": date(2024, 6, 1),
        "waktu_pengembangan": None, "rancang_bangun": "kata " * 300, "tujuan": "t", "manfaat": "m", "hasil": "h",
    }
    profile.update(overrides)
    return profile


def _all_claims():
    return {i.no: Claim(2, "a" if i.bases else None) for i in RULES.indicators}


def test_complete_innovation_has_no_costly_gaps():
    result = readiness.check(RULES, _complete_profile(), _all_claims(), {i.no for i in RULES.indicators})
    assert result.ready and result.count == 0


def test_checklist_names_every_gap():
    claims = _all_claims()
    del claims[35]
    result = readiness.check(
        RULES,
        _complete_profile(rancang_bangun="kata " * 120, tujuan="", waktu_penerapan=date(2023, 5, 1),
                          waktu_uji_coba=date(2023, 6, 1)),
        claims,
        {i.no for i in RULES.indicators} - {16, 18},
    )
    codes = {g.code for g in result.gaps}
    assert "rancang_bangun:short" in codes  # words short
    assert "empty:tujuan" in codes  # empty field
    assert "dates:order" in codes  # penerapan before uji coba
    assert "dates:eligibility" in codes  # outside 2024-2025 for the 2026 assessment
    assert "indicator:16:evidence" in codes  # mandatory evidence missing
    assert "indicator:35:parameter" in codes  # mandatory parameter missing
    assert "indicator:18:evidence" in codes  # non-mandatory: points lost
    short = next(g for g in result.gaps if g.code == "rancang_bangun:short")
    assert "180" in str(short.message)  # says how many words are missing
    lost = next(g for g in result.gaps if g.code == "indicator:18:evidence")
    assert lost.points == 4
    assert not result.ready


def test_eligibility_accepts_development_inside_window():
    profile = _complete_profile(waktu_uji_coba=date(2022, 1, 1), waktu_penerapan=date(2022, 6, 1),
                                waktu_pengembangan=date(2025, 3, 1))
    result = readiness.check(RULES, profile, _all_claims(), {i.no for i in RULES.indicators})
    assert "dates:eligibility" not in {g.code for g in result.gaps}
    # 2025 rules use the earlier window
    older = readiness.check(get_rules(2025), _complete_profile(), _all_claims(), {i.no for i in RULES.indicators})
    assert "dates:eligibility" not in {g.code for g in older.gaps}
    late = readiness.check(get_rules(2025), _complete_profile(waktu_penerapan=date(2025, 2, 1)), _all_claims(),
                           {i.no for i in RULES.indicators})
    assert "dates:eligibility" in {g.code for g in late.gaps}


def test_kemanfaatan_needs_a_basis():
    claims = _all_claims()
    claims[33] = Claim(2, None)
    result = readiness.check(RULES, _complete_profile(), claims, {i.no for i in RULES.indicators})
    assert "indicator:33:basis" in {g.code for g in result.gaps}
