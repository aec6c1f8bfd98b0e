"""Assessment years' rule files from the UI (innovation.rules validate / add_rules_file, reporting.rules_views):
the read-only view, validation with every problem named, adding a year without a developer, never replacing."""
import io
import json

import pytest

from innovation import rules as rule_files
from innovation.web import Role


@pytest.fixture
def added_dir(tmp_path):
    before = rule_files.added_directory()
    rule_files.use_directory(tmp_path)
    yield tmp_path
    rule_files.use_directory(before)


def _year(year: int) -> dict:
    data = json.loads(rule_files.raw_text(2026))
    data["year"] = year
    return data


def test_validate_names_every_problem(app, db):
    with pytest.raises(rule_files.RulesFileError) as error:
        rule_files.validate(b"{not json")
    assert "JSON tidak sah di baris 1" in str(error.value)
    broken = _year(2028)
    broken["indicators"][0]["parameters"] = ["satu", "dua"]
    broken["indicators"][1]["no"] = broken["indicators"][2]["no"]
    del broken["options"]["urusan"]
    with pytest.raises(rule_files.RulesFileError) as error:
        rule_files.validate(json.dumps(broken).encode())
    problems = error.value.problems
    assert any("tepat tiga parameter" in p for p in problems)
    assert any("nomor indikator ganda" in p for p in problems)
    assert any("urusan" in p for p in problems)
    wrong_sum = _year(2028)
    wrong_sum["max_innovation_score"] += 1
    with pytest.raises(rule_files.RulesFileError):
        rule_files.validate(json.dumps(wrong_sum).encode())
    missing = _year(2028)
    del missing["index"]["innovation_count"]
    with pytest.raises(rule_files.RulesFileError) as error:
        rule_files.validate(json.dumps(missing).encode())
    assert "innovation_count" in str(error.value)
    assert rule_files.validate(json.dumps(_year(2028)).encode()).year == 2028


def test_values_of_the_wrong_kind_are_problems_not_errors(app, db):
    samples = []
    for change in (lambda d: d["indicators"][0].update(parameters=3), lambda d: d["indicators"][0].update(no=[1]),
                   lambda d: d["indicators"][0].update(bases=[7]), lambda d: d.update(options={"urusan": 5}),
                   lambda d: d.update(predicates=[{"label": "x"}]), lambda d: d.update(indicators=[1, 2]),
                   lambda d: d["profile"].update(eligibility={"from": "kemarin", "to": "2026-01-01"}),
                   lambda d: d.update(year="2027")):
        data = _year(2028)
        change(data)
        samples.append(json.dumps(data).encode())
    samples += [b"[]", b"null", b"{}"]
    for sample in samples:
        with pytest.raises(rule_files.RulesFileError):
            rule_files.validate(sample)


def test_add_a_year_and_never_replace_one(app, db, added_dir):
    assert 2028 not in rule_files.available_years()
    rules = rule_files.add_rules_file(json.dumps(_year(2028)).encode())
    assert rules.year == 2028 and 2028 in rule_files.available_years()
    assert rule_files.source_of(2028) == "added" and rule_files.source_of(2026) == "shipped"
    assert rule_files.get_rules(2028).max_innovation_score == 111
    with pytest.raises(rule_files.RulesFileError):
        rule_files.add_rules_file(json.dumps(_year(2028)).encode())
    with pytest.raises(rule_files.RulesFileError):
        rule_files.add_rules_file(json.dumps(_year(2026)).encode())  # a shipped year is not replaced either
    assert sorted(p.name for p in added_dir.iterdir()) == ["2028.json"]  # no temporary file left


def test_pages(client, db, make_user, login, added_dir):
    login(make_user(role=Role.ADMIN))
    page = client.get("/reporting/rules").get_data(as_text=True)
    assert "2026" in page and "bawaan aplikasi" in page
    page = client.get("/reporting/rules/2026").get_data(as_text=True)
    assert "Regulasi Inovasi Daerah" in page and "skor maksimal 111" in page
    assert json.loads(client.get("/reporting/rules/2026.json").get_data())["year"] == 2026
    assert client.get("/reporting/rules/1999").status_code == 404
    assert client.get("/reporting/rules/99999999999").status_code == 404
    body = json.dumps(_year(2029)).encode()
    response = client.post("/reporting/rules/upload", data={"action": "check", "file": (io.BytesIO(body), "2029.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "Berkas sah" in response.get_data(as_text=True)
    assert 2029 not in rule_files.available_years()  # checked only
    response = client.post("/reporting/rules/upload", data={"action": "add", "file": (io.BytesIO(body), "2029.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and 2029 in rule_files.available_years()
    response = client.post("/reporting/rules/upload", data={"action": "add", "file": (io.BytesIO(b"\xff\xfe"), "x.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "UTF-8" in response.get_data(as_text=True)
    response = client.post("/reporting/rules/upload", data={"action": "check"})
    assert response.status_code == 422
    # the new year is offered for new innovations at once
    assert "2029" in client.get("/innovations/new").get_data(as_text=True)
