import pytest

from innovation.rules import available_years, get_rules


def test_shipped_years():
    assert {2025, 2026} <= set(available_years())


@pytest.mark.parametrize("year", [2025, 2026])
def test_rules_add_up(year):
    rules = get_rules(year)
    assert len(rules.indicators) == 20
    assert [i.no for i in rules.indicators] == list(range(16, 36))
    assert sum(i.max_score for i in rules.indicators) == 111 == rules.max_innovation_score
    assert {i.no for i in rules.mandatory_indicators} == {16, 17, 32, 33, 35}
    assert len(rules.options["urusan"]) == 38
    assert sum(1 for o in rules.options["urusan"] if o.basic_service) == 6
    assert len(rules.options["tematik"]) == 8
    assert sum(r.bobot for r in rules.regional_indicators) * 3 == rules.index.regional_max == 63


def test_exact_portal_labels():
    rules = get_rules(2026)
    assert [o.label for o in rules.options["tahapan"]] == ["Inisiatif", "Uji Coba", "Penerapan"]
    assert [o.label for o in rules.options["jenis"]] == ["Digital", "Non Digital"]
    assert rules.option_label("bentuk", "lainnya") == (
        "Inovasi bentuk lainnya sesuai dengan bidang urusan pemerintahan yang menjadi kewenangan daerah"
    )
    assert rules.indicator(35).name == "Video inovasi daerah" and rules.indicator(35).bobot == 4
    assert rules.indicator(33).parameter_label(3, "a") == "Jumlah pengguna atau penerima manfaat: Lebih dari 500 orang"


def test_predicates():
    rules = get_rules(2026)
    assert rules.predicate(65.01) == "Sangat Inovatif"
    assert rules.predicate(65.0) == "Inovatif"
    assert rules.predicate(51.59) == "Inovatif"
    assert rules.predicate(2.1) == "Kurang Inovatif"
    assert rules.predicate(0) == "Tidak Dapat Dinilai"


def test_unknown_year():
    with pytest.raises(KeyError):
        get_rules(1999)
