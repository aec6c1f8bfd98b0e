"""The audit log browser: permissions, filters (dates in WIT), readable changes, constant statements."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from innovation.audit import browse
from innovation.audit.services import record
from innovation.web import Role


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def add_event(db, action, *, actor=None, at=None, obj=None, object_type="uji", object_id=None, opd=None,
              summary="Kejadian uji", changes=None):
    event = record(action, actor=actor, obj=obj, object_type=object_type, object_id=object_id,
                   opd_id=opd.id if opd else None, summary=summary, changes=changes)
    if at is not None:
        event.at = at
    db.session.flush()
    return event


def rows_of(html, marker):
    return [line for line in html.splitlines() if marker in line]


# --- pure ----------------------------------------------------------------------------------------


def test_change_rows_are_readable():
    assert browse.change_rows({"name": ["Lama", "Baru"], "active": [True, False], "parent_id": [None, 3]}) == [
        ("name", "Lama", "Baru"), ("active", "ya", "tidak"), ("parent_id", "—", "3"),
    ]
    assert browse.change_rows({"dibuat": 3, "berkas": "opd.csv", "daftar": ["a", "b", "c"]}) == [
        ("dibuat", None, "3"), ("berkas", None, "opd.csv"), ("daftar", None, "a, b, c"),
    ]
    assert browse.change_rows(None) == []


def test_change_rows_show_decimals_in_the_readers_format(app):
    changes = {"score": [None, "3.00"], "weight": ["12.5", "1234.75"], "ratio": 0.25, "code": "v1.2", "tahun": 2026}
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("id"):
            assert browse.change_rows(changes) == [
                ("score", "—", "3,00"), ("weight", "12,5", "1234,75"), ("ratio", None, "0,25"), ("code", None, "v1.2"),
                ("tahun", None, "2026"),
            ]
        with force_locale("en"):
            assert browse.change_rows(changes)[:3] == [("score", "—", "3.00"), ("weight", "12.5", "1234.75"), ("ratio", None, "0.25")]


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.JUDGE, Role.VERIFIER])
def test_non_admins_get_403(client, make_user, login, role):
    login(make_user(role=role))
    assert client.get("/audit/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/auth/login" in response.location


# --- the page ------------------------------------------------------------------------------------


def test_newest_first_with_time_in_wit_and_changes(client, db, admin, login, make_opd, t):
    opd = make_opd()
    add_event(db, f"uji{t}.lama", actor=admin, at=utc(2025, 3, 1, 1, 0), summary="yang lama")
    add_event(db, f"uji{t}.baru", actor=admin, at=utc(2025, 3, 1, 16, 30), opd=opd, object_id=7,
              summary="yang baru", changes={"name": ["Nama Lama", "Nama Baru"]})
    login(admin)
    html = client.get(f"/audit/?action=uji{t}").get_data(as_text=True)
    assert html.index("yang baru") < html.index("yang lama")
    assert "02-03-2025 01:30 WIT" in html  # 16:30 UTC is 01:30 the next day in Jayapura
    assert '<span class="old">Nama Lama</span>' in html and '<span class="new">Nama Baru</span>' in html
    assert admin.username in html and opd.name in html and "uji #7" in html


def test_filters(client, db, admin, login, make_user, make_opd, t):
    other = make_user(role=Role.ADMIN, username=f"lain{t}")
    opd = make_opd()
    add_event(db, f"a{t}.user.create", actor=admin, summary=f"satu-{t}")
    add_event(db, f"a{t}.user.update", actor=other, opd=opd, summary=f"dua-{t}", object_type="user_account", object_id=5)
    add_event(db, f"a{t}.opd_create", actor=admin, summary=f"tiga-{t}", object_type="opd")
    add_event(db, f"a{t}.opdXcreate", actor=admin, summary=f"empat-{t}", object_type="opd")
    login(admin)

    def shown(query):
        html = client.get(f"/audit/?{query}").get_data(as_text=True)
        return {word for word in ("satu", "dua", "tiga", "empat") if f"{word}-{t}" in html}

    assert shown(f"action=a{t}.") == {"satu", "dua", "tiga", "empat"}
    assert shown(f"action=a{t}.user") == {"satu", "dua"}
    assert shown(f"action=a{t}.opd_") == {"tiga"}  # "_" is a plain character, not a wildcard
    assert shown(f"action=a{t}.&actor=LAIN{t}") == {"dua"}
    assert shown(f"action=a{t}.&object_type=opd") == {"tiga", "empat"}
    assert shown(f"action=a{t}.&object_type=user_account&object_id=5") == {"dua"}
    assert shown(f"action=a{t}.&opd={opd.id}") == {"dua"}


def test_date_range_is_in_wit(client, db, admin, login, t):
    # 2025-03-01 16:00 UTC is 2025-03-02 01:00 WIT.
    add_event(db, f"d{t}.x", actor=admin, at=utc(2025, 3, 1, 16, 0), summary=f"malam-{t}")
    add_event(db, f"d{t}.x", actor=admin, at=utc(2025, 3, 1, 14, 0), summary=f"sore-{t}")  # 23:00 WIT on the 1st
    login(admin)

    def shown(query):
        html = client.get(f"/audit/?action=d{t}&{query}").get_data(as_text=True)
        return {word for word in ("malam", "sore") if f"{word}-{t}" in html}

    assert shown("date_from=2025-03-02") == {"malam"}
    assert shown("date_to=2025-03-01") == {"sore"}
    assert shown("date_from=2025-03-01&date_to=2025-03-02") == {"malam", "sore"}
    assert shown("date_from=2025-03-03") == set()


def test_bad_filters_never_fail(client, admin, login):
    login(admin)
    for query in ("date_from=kemarin", "date_from=2025-13-45", "object_id=abc", "opd=xyz", "object_type=nope",
                  "page=0", "page=zz", "per_page=100000"):
        assert client.get(f"/audit/?{query}").status_code == 200, query
    html = client.get("/audit/?date_from=2025-03-05&date_to=2025-03-01").get_data(as_text=True)
    assert "Tanggal akhir tidak boleh sebelum tanggal awal" in html


def test_system_and_deleted_actors_are_shown(client, db, admin, login, t):
    add_event(db, f"s{t}.x", actor=None, summary=f"sistem-{t}")
    login(admin)
    html = client.get(f"/audit/?action=s{t}").get_data(as_text=True)
    assert f"sistem-{t}" in html and "sistem</span>" in html


def test_changes_recorded_by_the_admin_pages_are_browsable(client, db, admin, login, make_opd):
    opd = make_opd()
    old_name, new_name = opd.name, opd.name + " Baru"
    login(admin)
    client.post(f"/orgs/{opd.id}/edit", data={"name": new_name, "code": opd.code, "kind": "dinas", "parent_id": 0, "active": "y", "version": opd.version})
    html = client.get(f"/audit/?object_type=opd&object_id={opd.id}").get_data(as_text=True)
    assert "opd.update" in html
    assert f'<span class="old">{old_name}</span> &rarr; <span class="new">{new_name}</span>' in html


def test_statement_count_does_not_grow_with_rows(client, db, admin, login, make_user, make_opd, count_statements, t):
    login(admin)

    def count() -> int:
        db.session.expunge_all()  # the page must load what it shows, not find it in the test's session
        with count_statements() as counter:
            assert client.get(f"/audit/?action=n{t}").status_code == 200
        return counter.count

    def add(n):
        for _ in range(n):
            opd = make_opd()
            add_event(db, f"n{t}.x", actor=make_user(role=Role.OPERATOR, opd=opd), opd=opd, changes={"a": [1, 2]})

    add(3)
    small = count()
    add(27)
    assert count() == small


# --- keyset pages and the filter's object types ----------------------------------------------------


def test_pages_move_by_time_and_id_with_filters_kept(client, db, admin, login, t):
    # Seven events, two pairs at the same instant (the id breaks the tie, across a page edge), two per page.
    times = [utc(2025, 4, 1, 8, 0), utc(2025, 4, 1, 9, 0), utc(2025, 4, 1, 9, 0), utc(2025, 4, 2, 8, 0),
             utc(2025, 4, 3, 8, 0), utc(2025, 4, 3, 8, 0), utc(2025, 4, 4, 8, 0)]
    events = [add_event(db, f"k{t}.x", actor=admin, at=at, summary=f"ks{i}-{t}.") for i, at in enumerate(times)]
    newest_first = [f"ks{i}-{t}." for i in sorted(range(7), key=lambda i: (times[i], events[i].id), reverse=True)]
    add_event(db, f"other{t}.x", actor=admin, at=utc(2025, 4, 2, 9, 0), summary=f"ks-other-{t}.")
    login(admin)

    def visit(url):
        html = client.get(url).get_data(as_text=True)
        shown = [s for line in rows_of(html, f"-{t}.") for s in newest_first if s in line]
        links = {rel: href.replace("&amp;", "&") for rel, href in
                 ((rel, line.split('href="')[1].split('"')[0]) for line in html.splitlines()
                  for rel in ("prev", "next") if f'rel="{rel}"' in line)}
        assert "dari" not in html.split('class="pagination"')[-1].split("</nav>")[0]  # no page count
        return shown, links

    url = f"/audit/?action=k{t}&per_page=2"
    pages = []
    while url:
        shown, links = visit(url)
        pages.append(shown)
        for href in links.values():
            assert f"action=k{t}" in href and "per_page=2" in href  # the filters are kept
        url = links.get("next")
        assert ("prev" in links) == (len(pages) > 1)
    chunks = [newest_first[i:i + 2] for i in range(0, 7, 2)]
    assert pages == chunks
    # And back up with "newer" links from the last page.
    _, links = visit(f"/audit/?action=k{t}&per_page=2&older={browse.Cursor.of(events[0]).token}")  # past the end
    assert "next" not in links and "prev" in links  # an empty page links back to the newest
    shown, links = visit(f"/audit/?action=k{t}&per_page=2&older={_token_before(newest_first, events, t)}")
    back = [shown]
    while "prev" in links:
        shown, links = visit(links["prev"])
        back.append(shown)
    assert back == chunks[::-1]


def _token_before(newest_first, events, t):
    """The cursor of the second-oldest event: "older than it" is the last page."""
    second_oldest = next(e for e in events if e.summary == newest_first[5])
    return browse.Cursor.of(second_oldest).token


def test_bad_cursors_start_at_the_newest(client, db, admin, login, t):
    add_event(db, f"c{t}.x", actor=admin, summary=f"cursor-{t}")
    login(admin)
    for cursor in ("older=abc", "older=1.2.3", "newer=99999999999999999999999.1", "older=5.99999999999999999999",
                   "newer=.", "older=-1.-1", "older=" + "9" * 50):
        response = client.get(f"/audit/?action=c{t}&{cursor}")
        assert response.status_code == 200, cursor
    assert f"cursor-{t}" in client.get(f"/audit/?action=c{t}&older=abc").get_data(as_text=True)
    cursor = browse.Cursor(utc(2025, 1, 2, 3, 4, 5, 678901), 42)
    assert browse.Cursor.parse(cursor.token) == cursor


def test_object_types_are_a_fixed_list_plus_the_given_one(client, db, admin, login, make_opd, count_statements, t):
    assert "opd" in browse.object_types() and "innovation" in browse.object_types()
    assert "uji" not in browse.object_types() and "uji" in browse.object_types("uji")
    assert browse.object_types("x" * 41) == browse.object_types()
    add_event(db, f"o{t}.x", actor=admin, summary=f"jenis-lama-{t}", object_type="jenis_lama")
    login(admin)
    html = client.get(f"/audit/?action=o{t}&object_type=jenis_lama").get_data(as_text=True)
    assert f"jenis-lama-{t}" in html and 'selected value="jenis_lama"' in html
    assert f"jenis-lama-{t}" not in client.get(f"/audit/?action=o{t}&object_type=opd").get_data(as_text=True)
    with count_statements() as counter:
        client.get("/audit/")
    on_the_log = [s.upper() for s in counter.statements if "AUDIT_EVENT" in s.upper()]
    assert on_the_log and not any("DISTINCT" in s or "COUNT(" in s for s in on_the_log)  # no scan of the log


def test_every_recorded_object_type_is_known():
    """The fixed list covers the ``object_type="..."`` literals and the ``obj=`` tables of ``record(...)``."""
    import re
    from pathlib import Path

    import innovation
    import innovation.models  # noqa: F401  (every model)
    from innovation.extensions import db as _db

    root = Path(innovation.__file__).parent
    literals = {m for path in root.rglob("*.py") for m in re.findall(r'object_type="(\w+)"', path.read_text())}
    assert literals and literals <= set(browse.KNOWN_OBJECT_TYPES), literals - set(browse.KNOWN_OBJECT_TYPES)
    tables = set(_db.metadata.tables)
    assert set(browse.KNOWN_OBJECT_TYPES) - {"export"} <= tables  # table names, spelled as record() writes them


def test_row_links_filter_by_that_actor_and_that_object(client, db, login, make_user):
    """The links of each row (built from the list's address, not by url_for per row) select what they say."""
    import re

    admin = make_user(role=Role.ADMIN)
    actor = make_user(username="op.dinkes+uji.2")
    other = make_user(username="op.lain")
    add_event(db, "link.uji", actor=actor, object_type="inovasi x", object_id=41, summary="Kejadian pelaku A")
    add_event(db, "link.uji", actor=other, object_type="opd", object_id=7, summary="Kejadian pelaku B")
    login(admin)
    html = client.get("/audit/?action=link.uji").get_data(as_text=True)
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="(/audit/\?[^"]+)"', html)]
    by_actor = next(h for h in hrefs if "actor=" in h and "dinkes" in h)
    shown = client.get(by_actor).get_data(as_text=True)
    assert "Kejadian pelaku A" in shown and "Kejadian pelaku B" not in shown
    by_object = next(h for h in hrefs if "object_id=41" in h)
    shown = client.get(by_object).get_data(as_text=True)
    assert "Kejadian pelaku A" in shown and "Kejadian pelaku B" not in shown


# --- summaries in the reader's language -----------------------------------------------------------


def test_a_summary_is_shown_in_the_readers_language_whoever_wrote_it(client, db, login, make_user, t):
    from innovation.audit.services import say, say_n

    admin = make_user(role=Role.ADMIN)
    add_event(db, f"bahasa{t}.a", actor=admin, summary=say("Akun %(username)s diaktifkan", username=f"u{t}"))
    add_event(db, f"bahasa{t}.b", actor=admin, summary=say_n(
        "Rubrik %(rubric)s diubah; %(num)d total nilai dihitung ulang",
        "Rubrik %(rubric)s diubah; %(num)d total nilai dihitung ulang", 1, rubric=f"R{t}"))
    add_event(db, f"bahasa{t}.c", actor=admin, summary=say_n(
        "Rubrik %(rubric)s diubah; %(num)d total nilai dihitung ulang",
        "Rubrik %(rubric)s diubah; %(num)d total nilai dihitung ulang", 3, rubric=f"S{t}"))
    add_event(db, f"bahasa{t}.d", actor=admin, summary=say(
        "Indikator daerah %(year)d no. %(no)d %(indicator)s: %(old)s -> %(new)s", year=2026, no=9,
        indicator="Inovasi", old="3.00", new=__import__("decimal").Decimal("4.50")))
    add_event(db, f"bahasa{t}.e", actor=admin, summary=say(
        "Perlu diperiksa ulang: %(innovation)s, indikator %(no)d (%(change)s)", innovation=f"Ino{t}", no=5,
        change=say("bukti ditambahkan: %(new)s", new="sk.pdf")))
    login(admin)
    page = client.get(f"/audit/?action=bahasa{t}").get_data(as_text=True)
    assert f"Akun u{t} diaktifkan" in page and f"Rubrik S{t} diubah; 3 total nilai dihitung ulang" in page
    assert "Indikator daerah 2026 no. 9 Inovasi: 3,00 -&gt; 4,50" in page
    assert f"Perlu diperiksa ulang: Ino{t}, indikator 5 (bukti ditambahkan: sk.pdf)" in page
    client.post("/auth/language/en", data={"next": "/"})
    page = client.get(f"/audit/?action=bahasa{t}").get_data(as_text=True)
    assert f"Account u{t} activated" in page and "diaktifkan" not in page
    assert f"Rubric R{t} changed; 1 total recomputed" in page and f"Rubric S{t} changed; 3 totals recomputed" in page
    assert "Regional indicator 2026 no. 9 Inovasi: 3.00 -&gt; 4.50" in page
    assert f"To be re-checked: Ino{t}, indicator 5 (evidence added: sk.pdf)" in page


def test_the_stored_summary_is_the_indonesian_sentence(db, make_user):
    from innovation.audit.services import say

    event = add_event(db, "uji.simpan", actor=make_user(), summary=say(
        "Babak %(round)s dipindah ke urutan %(position)d", round="Final 100%", position=2))
    assert event.summary == "Babak Final 100% dipindah ke urutan 2"
    assert (event.summary_msgid, event.summary_params) == (
        "Babak %(round)s dipindah ke urutan %(position)d", {"round": "Final 100%", "position": 2})


def test_an_old_event_without_a_message_shows_its_stored_text(app, client, db, login, make_user, t):
    from innovation.audit.services import say

    admin = make_user(role=Role.ADMIN)
    old = add_event(db, f"lama{t}.x", actor=admin, summary=f"Akun lama-{t} dibuat (kalimat tersimpan)")
    assert old.summary_msgid is None
    broken = add_event(db, f"lama{t}.y", actor=admin, summary=say("Akun %(username)s diaktifkan", username="x"))
    broken.summary = f"teks-cadangan-{t}"
    broken.summary_params = {"lain": 1}  # values that no longer fit the message: the stored text, never a 500
    db.session.flush()
    login(admin)
    for lang in ("id", "en"):
        client.post(f"/auth/language/{lang}", data={"next": "/"})
        response = client.get(f"/audit/?action=lama{t}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f"Akun lama-{t} dibuat (kalimat tersimpan)" in page and f"teks-cadangan-{t}" in page


def test_no_summary_in_the_package_is_a_fixed_sentence():
    """Every ``record(...)`` in the package gives its summary as ``say(...)``/``say_n(...)`` (or a name
    holding one): a string literal or an f-string would be shown in Indonesian to English readers."""
    import ast
    from pathlib import Path

    import innovation

    offenders = []
    for path in Path(innovation.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
                    in ("record", "create_job")):
                continue
            for keyword in node.keywords:
                if keyword.arg == "summary" and any(
                        isinstance(n, (ast.JoinedStr, ast.BinOp)) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
                        for n in _summary_nodes(keyword.value)):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders


def _summary_nodes(value):
    """The expressions a summary can be: both sides of a conditional, else the value itself."""
    import ast

    if isinstance(value, ast.IfExp):
        return [*_summary_nodes(value.body), *_summary_nodes(value.orelse)]
    return [value]
