"""The OPD filter of list pages: a select while the region has few OPDs, a code-or-name field when it
has many (a province's thousands would make a 100 kB select)."""
from __future__ import annotations

import pytest

from innovation.orgs import picker
from innovation.web import Role


@pytest.fixture
def two_opds(db, make_opd, make_innovation, t):
    dinkes = make_opd(name=f"Dinas Kesehatan 100% {t}", code=f"KES{t}")
    dikbud = make_opd(name=f"Dinas Pendidikan {t}", code=f"DIK{t}")
    a = make_innovation(opd=dinkes, rules_year=2026, nama=f"Inovasi Sehat {t}")
    b = make_innovation(opd=dikbud, rules_year=2026, nama=f"Inovasi Sekolah {t}")
    return dinkes, dikbud, a, b


def test_match_by_code_then_by_part_of_the_name(db, two_opds, t):
    dinkes, dikbud, _a, _b = two_opds
    assert picker.match_opds(f"kes{t}") == (dinkes.id,)
    assert picker.match_opds(f"kesehatan 100% {t}".upper()) == (dinkes.id,)
    assert set(picker.match_opds(f"{t}")) >= {dinkes.id, dikbud.id}
    assert dinkes.id in picker.match_opds("100%") and dikbud.id not in picker.match_opds("100%")
    assert picker.match_opds(f"_{t}") == ()  # LIKE wildcards are plain characters
    assert picker.match_opds("   ") == ()


def test_few_opds_make_a_select(client, db, make_user, login, two_opds, t):
    dinkes, _dikbud, a, b = two_opds
    login(make_user(role=Role.ADMIN))
    html = client.get("/reporting/?scope=all").get_data(as_text=True)
    assert '<select id="filter-opd" name="opd">' in html and f">{dinkes.name}</option>" in html
    html = client.get(f"/reporting/?scope=all&opd={dinkes.id}").get_data(as_text=True)
    assert f'value="{dinkes.id}" selected' in html
    assert a.nama in html and b.nama not in html


@pytest.mark.parametrize("path", ["/reporting/?scope=all&opd={q}", "/reporting/verification?opd={q}"])
def test_many_opds_make_a_search_field(client, db, make_user, login, two_opds, monkeypatch, t, path):
    monkeypatch.setattr(picker, "SELECT_MAX", 1)
    dinkes, _dikbud, a, b = two_opds
    login(make_user(role=Role.ADMIN))
    html = client.get(path.format(q="")).get_data(as_text=True)
    assert 'type="search" id="filter-opd" name="opd"' in html and "<select id=\"filter-opd\"" not in html
    html = client.get(path.format(q=f"kes{t}")).get_data(as_text=True)
    assert f'value="kes{t}"' in html and b.nama not in html
    if path.startswith("/reporting/?"):
        assert a.nama in html and "1 OPD cocok" in html
    html = client.get(path.format(q="tidak-ada-opd-ini")).get_data(as_text=True)
    assert "Tidak ada OPD dengan kode atau nama itu." in html and a.nama not in html and b.nama not in html


def test_audit_log_filters_by_opd_text(client, db, admin, login, make_opd, monkeypatch, t):
    from innovation.audit.services import record

    monkeypatch.setattr(picker, "SELECT_MAX", 1)
    mine, other = make_opd(name=f"Distrik Agimuga {t}", code=f"AGI{t}"), make_opd(name=f"Distrik Jita {t}")
    record(f"uji{t}.a", actor=admin, object_type="uji", object_id=1, opd_id=mine.id, summary=f"milik-agimuga-{t}")
    record(f"uji{t}.b", actor=admin, object_type="uji", object_id=2, opd_id=other.id, summary=f"milik-jita-{t}")
    db.session.flush()
    login(admin)
    html = client.get(f"/audit/?opd=agimuga+{t}").get_data(as_text=True)
    assert f"milik-agimuga-{t}" in html and f"milik-jita-{t}" not in html
    assert 'type="search" id="filter-opd"' in html


@pytest.mark.parametrize("select_max", [1, 10_000])
def test_one_statement_in_either_mode(db, two_opds, count_statements, monkeypatch, select_max):
    """A page's statement count must not depend on how many OPDs the region has."""
    monkeypatch.setattr(picker, "SELECT_MAX", select_max)
    with count_statements() as counter:
        chosen = picker.opd_filter("")
    assert len(counter.statements) == 1
    assert (chosen.options is None) == (select_max == 1)


def test_macro_strings_are_translated(client, db, admin, login, make_opd, monkeypatch):
    """templates/_macros/ is extracted for translation (babel skips folders starting with "_")."""
    make_opd(), make_opd()
    monkeypatch.setattr(picker, "SELECT_MAX", 1)
    login(admin)
    client.post("/auth/language/en", data={"next": "/audit/"})
    html = client.get("/audit/").get_data(as_text=True)
    assert 'placeholder="Code or part of the name"' in html and "Leave empty for every OPD." in html


def test_odd_values_never_fail(client, db, admin, login, make_opd, monkeypatch, t):
    """Digits that are not ASCII, a code made of digits, accents in any case."""
    monkeypatch.setattr(picker, "SELECT_MAX", 1)
    accented = make_opd(name=f"Distrik Ánggaran Ümum {t}", code=f"ANG{t}")
    numbered = make_opd(name=f"Dinas Bernomor {t}", code=str(accented.id))  # its code is the other's id
    login(admin)
    for value in ("²", "٣", "9" * 30, "%", "_", "' OR 1=1 --"):
        assert client.get(f"/reporting/?opd={value}").status_code == 200
        assert client.get(f"/audit/?opd={value}").status_code == 200
    assert picker.opd_filter(str(accented.id)).opd_ids == (numbered.id,)  # text field: a code first
    assert picker.match_opds(f"ánggaran ümum {t}".upper()) == (accented.id,)
