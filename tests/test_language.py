"""No English in the Indonesian UI and no Indonesian in the English UI (issue 12).

- The English catalog translates every string the code and templates mark (extracted here the way
  ``make messages`` does, so a new ``_("...")`` without English fails), none fuzzy or empty.
- The main pages, with the demo data, and the messages of failed forms and of a refused login (flash
  messages and WTForms' own errors), rendered in both languages: the Indonesian pages show none of
  WTForms' or Flask-WTF's English messages nor the longer English sentences of the catalog; the English
  pages show none of the catalog's longer Indonesian sentences that have a different English. What users
  typed (names, descriptions: the database's text) and text marked with another ``lang`` are not UI.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "innovation/translations/en/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
            "say": None, "say_n": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
MIN_LENGTH = 20  # shorter texts are words that either language may use ("OPD", "Token API", "Final")


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def pairs(cat):
    """(Indonesian, English) for every form of every message."""
    for message in cat:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for number, text in enumerate(strings):
            yield ids[min(number, len(ids) - 1)], text


def fragments(text: str) -> list[str]:
    """The literal parts of a message (between its ``%(name)s`` placeholders), as a page shows them."""
    return [part.strip() for part in re.split(r"%\([a-z_]+\)[sd]|%%", text.replace("%%", "%")) if part.strip()]


# --- the catalog -------------------------------------------------------------------------------------


def test_every_marked_string_has_an_english_translation():
    cat = catalog()
    empty = [m.id for m in cat if m.id and (m.fuzzy or not m.string or
                                            (isinstance(m.string, tuple) and not all(m.string)))]
    assert not empty, f"untranslated or fuzzy in {PO.name}: {empty[:10]}"
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}
    method_map = [("innovation/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options, keywords=KEYWORDS, strip_comment_tags=True):
        found.setdefault(message if isinstance(message, str) else message[0], filename)
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "templates/_macros"), [("*.html", "jinja2")], {"*.html": {"extensions": "jinja2.ext.do"}},
            keywords=KEYWORDS):
        found.setdefault(message if isinstance(message, str) else message[0], filename)
    missing = {text: where for text, where in found.items() if text and text not in known}
    assert len(found) > 1000 and not missing, f"not in the catalog (run make messages): {list(missing.items())[:10]}"


# --- the pages ----------------------------------------------------------------------------------------


def wtforms_messages() -> set[str]:
    """WTForms' and Flask-WTF's own English messages (their placeholders' literal parts)."""
    import flask_wtf.csrf
    import wtforms

    pot = Path(wtforms.__file__).parent / "locale/wtforms.pot"
    with pot.open("rb") as handle:
        texts = {t for m in read_po(handle) if m.id for t in (m.id if isinstance(m.id, tuple) else (m.id,))}
    texts |= set(re.findall(r'ValidationError\("([^"]+)"\)', Path(flask_wtf.csrf.__file__).read_text()))
    texts |= {"This field is required.", "Not a valid choice.", "Invalid input."}
    return {part for text in texts for part in fragments(text) if len(part) >= 12}


def visible_text(page: str) -> str:
    """What a reader sees or hears: text and the title, aria-label, placeholder and alt values; without
    scripts, styles, what is marked as another language, and form values (what a user typed)."""
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(?!html\b)(\w+)[^>]*\blang="[^"]*"[^>]*>.*?</\1>', " ", page, flags=re.S)
    spoken = " ".join(re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', page))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + spoken).split())


def user_text(db) -> str:
    """Every text the database holds (names, descriptions, reasons): what users wrote is not UI. Not the
    audit log's stored sentences, which the log translates when it is read."""
    import sqlalchemy as sa

    from innovation.extensions import db as _db

    texts = []
    for table in _db.metadata.sorted_tables:
        if table.name == "audit_event":
            continue
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))]
        if columns:
            for row in db.session.execute(sa.select(*columns)):
                texts.extend(str(v) for v in row if v)
    return "\n".join(texts)


def demo_pages(app, db):
    """The demo's main pages, and failed forms, as their users see them: {(lang, label): html}."""
    from sqlalchemy import select

    from innovation.auth.models import User
    from innovation.demo import DEMO_PASSWORD
    from innovation.innovations.models import Innovation
    from innovation.judging.models import Assignment

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    assignment = db.session.scalar(select(Assignment).join(User, Assignment.judge_id == User.id)
                                   .where(User.username == "juri.lan").order_by(Assignment.id))
    round_entry = assignment.round_entry
    round_id = round_entry.round_id
    innovation = db.session.scalar(select(Innovation).where(Innovation.nama.is_not(None))
                                   .order_by(Innovation.claimed_score.desc()))
    first_indicator = min(a.indicator_no for a in innovation.answers) if innovation.answers else 1
    pages = {
        "admin": [
            "/innovations/", f"/innovations/{innovation.id}", f"/innovations/{innovation.id}/profile",
            f"/innovations/{innovation.id}/indicators/{first_indicator}", "/events/innovation-week-2025",
            "/events/innovation-week-2025/entries", f"/judging/rounds/{round_id}", f"/judging/rounds/{round_id}/results",
            f"/judging/rounds/{round_id}/progress", "/judging/events/innovation-week-2025", "/reporting/",
            "/reporting/verification", "/audit/", "/auth/users", "/orgs/",
        ],
        "juri.lan": ["/judging/", f"/judging/entries/{round_entry.id}"],
        "op.dinkes": ["/innovations/", "/events/innovation-week-2026"],
    }
    failed_forms = [  # (who, url, data): WTForms' errors and the services' messages
        ("admin", "/orgs/new", {"name": "", "code": "x" * 300, "kind": "nothing"}),
        ("admin", "/events/new", {"name": "E", "slug": "", "year": "dua ribu", "opens_at": "kemarin"}),
        ("admin", "/auth/users/new", {"username": "", "full_name": "", "role": "raja", "email": "bukan-email"}),
        ("admin", "/innovations/new", {"nama": ""}),
        ("admin", f"/innovations/{innovation.id}/profile", {"latitude": "utara", "waktu_uji_coba": "31-02-2026"}),
        ("juri.lan", f"/judging/entries/{round_entry.id}", {"submit": "1"}),
    ]
    shown = {}
    for lang in ("id", "en"):
        anonymous = app.test_client()
        anonymous.post(f"/auth/language/{lang}", data={"next": "/"})
        shown[(lang, "login")] = anonymous.get("/auth/login").get_data(as_text=True)
        refused = anonymous.post("/auth/login", data={"username": "admin", "password": "salah"}, follow_redirects=True)
        shown[(lang, "refused login")] = refused.get_data(as_text=True)
        for url in ("/public/", "/public/events/", "/public/data/", "/public/data/dictionary"):  # by ?lang=
            response = anonymous.get(url + ("?lang=en" if lang == "en" else ""))
            assert response.status_code == 200, (lang, url, response.status_code)
            shown[(lang, f"public {url}")] = response.get_data(as_text=True)
        clients = {}
        for username in pages:
            client = clients[username] = app.test_client()
            client.post(f"/auth/language/{lang}", data={"next": "/"})
            client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
            for url in pages[username]:
                response = client.get(url)
                assert response.status_code == 200, (lang, username, url, response.status_code)
                shown[(lang, f"{username} {url}")] = response.get_data(as_text=True)
        for username, url, data in failed_forms:
            response = clients[username].post(url, data=data, follow_redirects=True)
            assert response.status_code < 500, (url, response.status_code)
            shown[(lang, f"{username} POST {url}")] = response.get_data(as_text=True)
        db.session.rollback()  # a refused form leaves nothing behind
    return shown


@pytest.fixture
def language_pages(app, db):
    return demo_pages(app, db), user_text(db)


def test_pages_show_only_the_pages_language(app, language_pages):
    shown, typed = language_pages
    cat = catalog()
    english = {m_str for m_id, m_str in pairs(cat) if m_str != m_id}
    indonesian = {m_id for m_id, m_str in pairs(cat) if m_str != m_id}
    every_english = "\n".join(english)
    every_indonesian = "\n".join(indonesian)
    # Longer literal parts only; an Indonesian part that the English keeps (a Kemendagri term) or that
    # users also wrote is not a leftover, nor an English part that the Indonesian also uses.
    indonesian_parts = {p for text in indonesian for p in fragments(text)
                        if len(p) >= MIN_LENGTH and p not in every_english and p not in typed}
    english_parts = {p for text in english for p in fragments(text)
                     if len(p) >= MIN_LENGTH and p not in every_indonesian and p not in typed}
    english_parts |= wtforms_messages()

    leftovers = {}
    for (lang, label), page in shown.items():
        assert f'<html lang="{lang}">' in page, (lang, label)
        text = visible_text(page)
        wrong = english_parts if lang == "id" else indonesian_parts
        found = sorted(p for p in wrong if p in text)
        if found:
            leftovers[f"{lang}: {label}"] = found[:5]
    assert not leftovers, leftovers
    # short words too: the judges' labels on the results, the roles in the users list
    results = next(label for (lang, label) in shown if label.startswith("admin /judging/rounds/") and label.endswith("/results"))
    assert "Juri 1" in visible_text(shown[("id", results)])
    assert "Judge 1" in visible_text(shown[("en", results)]) and "Juri 1" not in visible_text(shown[("en", results)])
    assert "<td>Operator OPD</td>" in shown[("id", "admin /auth/users")]
    assert "<td>OPD operator</td>" in shown[("en", "admin /auth/users")] and "Operator OPD" not in shown[("en", "admin /auth/users")]
    # the failed forms said what was wrong, in each language
    assert "Wajib diisi." in visible_text(shown[("id", "admin POST /orgs/new")])
    assert "This field is required." in visible_text(shown[("en", "admin POST /orgs/new")])


def test_a_finished_jobs_file_size_is_in_the_pages_number_format(client, db, login, make_user):
    from innovation.jobs.models import Job, JobStatus
    from innovation.storage.models import StoredFile
    from innovation.web import Role

    admin = make_user(role=Role.ADMIN)
    stored = StoredFile(key=f"uji/{admin.id}-ekspor.zip", original_name="ekspor.zip", content_type="application/zip",
                        extension="zip", size=2_621_440, sha256="0" * 64)
    job = Job(kind="kemendagri_export", status=JobStatus.DONE, progress=1, total=1, params={}, result_file=stored,
              created_by_id=admin.id)
    db.session.add_all([stored, job])
    db.session.flush()
    login(admin)
    assert "(ekspor.zip, 2,5 MB)" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    client.post("/auth/language/en", data={"next": "/"})
    assert "(ekspor.zip, 2.5 MB)" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_role_is_read_by_its_code_or_its_label_in_either_language(app):
    from flask_babel import force_locale

    from innovation.auth.services import parse_role
    from innovation.web import Role

    with app.test_request_context():
        for lang in ("id", "en"):
            with force_locale(lang):
                assert parse_role("judge") == parse_role("Juri") == parse_role("JUDGE") == Role.JUDGE
                assert parse_role("operator opd") == parse_role("operator") == Role.OPERATOR
        with force_locale("en"):
            assert parse_role("Judge") == Role.JUDGE and parse_role("OPD operator") == Role.OPERATOR
