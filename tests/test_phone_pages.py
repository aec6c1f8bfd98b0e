"""Phone-first pages (issue 12), the parts checked without a browser: the CSP (``style-src 'self'``)
drops every inline ``style=`` attribute and every style written by a script as an attribute, so the
templates and scripts must have none (tests/browser/test_phone_first.py watches the console too)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
SCRIPT_STYLE = re.compile(r"""setAttribute\(\s*["']style["']|\.style\.cssText|style=\\?["']""")


def test_no_template_has_an_inline_style_attribute():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "templates").rglob("*.html"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if STYLE_ATTRIBUTE.search(line)]
    assert not offenders, f"inline style= (blocked by the CSP): {offenders}"


def test_no_script_writes_a_style_attribute():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "static" / "js").glob("*.js"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if SCRIPT_STYLE.search(line)]
    assert not offenders, f"style attribute written by a script (blocked by the CSP): {offenders}"



def test_the_error_summary_lists_and_links_each_failing_field(client, make_user, login):
    import re

    operator = make_user()
    login(operator)
    response = client.post("/innovations/new", data={"nama": "", "rules_year": "2026"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = page[page.index('id="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    links = re.findall(r'<a href="#([^"]+)" data-error-for="([^"]+)">([^<]+)</a>', summary)
    assert [(target, name) for target, name, _ in links] == [("nama", "nama")]
    assert links[0][2].startswith("Nama Inovasi: ")
    assert 'id="nama"' in page  # the link lands on the field itself


def test_the_error_summary_names_every_failing_field_of_a_long_form(client, make_user, make_innovation, login):
    import re

    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    login(operator)
    page = client.get(f"/innovations/{innovation.id}/profile").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="version"', page)
    data = {"nama": "", "latitude": "9" * 30, "waktu_uji_coba": "bukan-tanggal",
            "version": (version.group(1) or version.group(2)) if version else ""}
    response = client.post(f"/innovations/{innovation.id}/profile", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    targets = re.findall(r'<a href="#([^"]+)" data-error-for="', page)
    assert targets == ["nama", "latitude", "waktu_uji_coba"]
    for target in targets:
        assert f'id="{target}"' in page
    assert 'data-error-for="version"' not in page and 'data-error-for="csrf_token"' not in page


def test_a_saved_profile_confirms_its_draft_once_and_a_refused_one_does_not(client, make_user, make_innovation, login):
    import re

    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    login(operator)
    meta = f'<meta name="drafts-saved" content="draft:innovation-{innovation.id}-profile">'

    def version() -> str:
        page = client.get(f"/innovations/{innovation.id}/profile").get_data(as_text=True)
        assert "drafts-saved" not in page
        found = re.search(r'<input[^>]*name="version"[^>]*>', page).group(0)
        return re.search(r'value="([^"]*)"', found).group(1)

    refused = client.post(f"/innovations/{innovation.id}/profile", data={"nama": "", "version": version()})
    assert refused.status_code == 200 and "drafts-saved" not in refused.get_data(as_text=True)
    assert "drafts-saved" not in client.get(f"/innovations/{innovation.id}").get_data(as_text=True)

    saved = client.post(f"/innovations/{innovation.id}/profile", data={"nama": "Puskesmas Apung", "version": version()})
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert meta in page and "/static/js/drafts.js" in page
    assert "drafts-saved" not in client.get(f"/innovations/{innovation.id}").get_data(as_text=True)  # once


def test_a_saved_indicator_answer_confirms_its_draft(client, make_user, make_innovation, login):
    operator = make_user()
    innovation = make_innovation(opd=operator.opd)
    login(operator)
    response = client.post(f"/innovations/{innovation.id}/indicators/16",
                           data={"parameter": "2", "informasi": "SK Kepala Daerah.", "version": "0"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<meta name="drafts-saved" content="draft:innovation-{innovation.id}-indicator-16">' in page


def test_draft_keys_are_checked(app):
    import pytest

    from innovation import drafts

    with app.test_request_context():
        drafts.confirm_saved("draft:innovation-1-profile")
        drafts.confirm_saved("judging-draft:judging-4")
        drafts.confirm_saved("draft:innovation-1-profile")  # once, moved to the end
        with pytest.raises(ValueError):
            drafts.confirm_saved('x" onload="alert(1)')
        assert drafts.pop_saved() == ["judging-draft:judging-4", "draft:innovation-1-profile"]
        assert drafts.pop_saved() == []
