"""Input no database can store, ids out of range, absurd pages, English messages in the Indonesian UI,
bidirectional controls, size refusals that name the limit, and the HTTPS settings (issue 13)."""
from __future__ import annotations

import base64
import io

import pytest
from conftest import TEST_PASSWORD, build_app, drop_schema

from innovation.safe_input import BoundedIntConverter, clean_text
from innovation.web import Role

# --- one central place for every query and form value -------------------------------------------


@pytest.mark.parametrize("raw", ["a\x00b", "\ud800", "x\udfffy"])
def test_nul_and_lone_surrogates_are_refused_with_a_message(raw):
    from werkzeug.exceptions import BadRequest

    with pytest.raises(BadRequest):
        clean_text(raw)


def test_controls_and_bidirectional_characters_are_removed():
    assert clean_text("a\x07b\x1b[2Jc\x7f") == "ab[2Jc"
    assert clean_text("baris 1\nbaris 2\tkolom\r\n") == "baris 1\nbaris 2\tkolom\r\n"
    assert clean_text("laporan\u202efdp.exe\u2066\u200e\u061c") == "laporanfdp.exe"


def test_a_nul_in_the_login_form_is_a_400_in_indonesian(client):
    response = client.post("/auth/login", data="username=a%00b&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "karakter NUL" in response.get_data(as_text=True)


def test_a_nul_in_a_search_is_dropped(client, admin, login):
    login(admin)
    page = client.get(f"/auth/users?q={admin.username[:3]}%00{admin.username[3:]}")
    assert page.status_code == 200 and admin.username in page.get_data(as_text=True)
    assert client.get("/innovations/?q=a%00&opd=%00").status_code == 200


def test_raw_surrogate_bytes_are_not_decoded_into_text(client, admin, login):
    """A client's CESU-style bytes (ED A0 80) are not valid UTF-8: Werkzeug keeps them as the literal %-text."""
    login(admin)
    assert client.get("/auth/users?q=%ED%A0%80").status_code == 200


def test_control_characters_never_reach_the_database(client, db, admin, login, t):
    login(admin)
    response = client.post("/orgs/new", data={"name": f"Dinas\x07 Uji\u202e {t}", "code": f"CTL{t}".upper(),
                                              "kind": "dinas"})
    assert response.status_code in (200, 302)
    from sqlalchemy import select

    from innovation.orgs.models import Opd

    opd = db.session.scalar(select(Opd).where(Opd.code == f"CTL{t}".upper()))
    if opd is not None:
        assert opd.name == f"Dinas Uji {t}"


def test_a_tus_metadata_value_with_a_nul_is_refused_in_json(client, make_user, make_innovation, login):
    user = make_user(role=Role.OPERATOR)
    innovation = make_innovation(opd=user.opd)
    login(user)
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                    for k, v in (("filename", "a\x00.pdf"), ("innovation_id", str(innovation.id)),
                                 ("indicator_no", "16")))
    response = client.post("/uploads/tus", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10",
                                                    "Upload-Metadata": meta})
    assert response.status_code == 400 and "NUL" in response.get_json()["error"]


# --- ids and pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/innovations/2147483648", "/innovations/9223372036854775808/profile",
                                  "/jobs/99999999999999999999", "/auth/users/2147483648/edit",
                                  "/orgs/2147483648/edit", "/reporting/verification/2147483648"])
def test_ids_beyond_the_column_range_are_404(client, admin, login, path):
    login(admin)
    assert client.get(path).status_code == 404


def test_the_int_converter_is_bounded_app_wide(app):
    assert app.url_map.converters["int"] is BoundedIntConverter
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/innovations/2147483647")[1] == {"innovation_id": 2147483647}
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound):
        adapter.match("/innovations/2147483648")


@pytest.mark.parametrize("query", ["page=1000000000000000000000000000000", "page=-5", "page=NaN", "per_page=10**9",
                                   "per_page=0", "page=1e9"])
def test_absurd_pages_are_page_one(client, admin, login, query):
    login(admin)
    for path in ("/auth/users", "/orgs/", "/innovations/", "/reporting/verification"):
        assert client.get(f"{path}?{query}").status_code == 200, path


def test_an_absurd_opd_filter_is_ignored(client, admin, login):
    login(admin)
    for path in ("/auth/users?opd=99999999999999999999", "/innovations/?opd=2147483648",
                 "/reporting/?opd=NaN", "/reporting/verification?opd=-1"):
        assert client.get(path).status_code == 200, path


# --- messages in the user's language --------------------------------------------------------------


def test_wtforms_messages_are_indonesian(client, make_user, login):
    login(make_user())
    html = client.post("/auth/password", data={"current": "", "new": "x", "confirm": ""}).get_data(as_text=True)
    assert "Wajib diisi." in html and "This field is required" not in html


def test_the_reset_page_refuses_in_indonesian(app, client, db, admin, make_user):
    from innovation.auth.services import issue_reset_token

    user = make_user()
    token = issue_reset_token(user, by=admin)
    db.session.commit()
    html = client.post(f"/auth/reset/{token}", data={"new": "pendek", "confirm": "pendek"}).get_data(as_text=True)
    assert "Kata sandi minimal 10 karakter." in html
    assert "Field must" not in html and "characters long" not in html


def test_wtforms_messages_stay_english_in_english(client, make_user, login):
    login(make_user())
    client.post("/auth/language/en", data={"next": "/"})
    html = client.post("/auth/password", data={"current": "", "new": "x", "confirm": ""}).get_data(as_text=True)
    assert "This field is required." in html


# --- stored names and size refusals -----------------------------------------------------------------


def test_file_names_drop_bidirectional_controls():
    from innovation.storage.intake import clean_filename
    from innovation.storage.sniffing import TYPES

    assert clean_filename("laporan\u202efdp.exe") == "laporanfdp.exe"
    assert clean_filename("\u2066scan\u2069\u200f.pdf", TYPES["pdf"]) == "scan.pdf"


def test_the_tus_size_refusal_names_the_limit(app, client, make_user, make_innovation, login):
    user = make_user(role=Role.OPERATOR)
    login(user)
    too_big = app.config["MAX_VIDEO_BYTES"] + 1
    response = client.post("/uploads/tus", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(too_big)})
    assert response.status_code == 413
    assert f"{app.config['MAX_VIDEO_BYTES'] // (1024 * 1024)} MB" in response.get_json()["error"]


def test_a_body_over_the_request_limit_names_the_limit(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory, MAX_CONTENT_LENGTH=1024 * 1024)
    try:
        response = app.test_client().post("/auth/login", data={"username": "a", "file": (io.BytesIO(b"x" * (2 << 20)),
                                                                                        "a.pdf")})
        assert response.status_code == 413 and "batas satu kiriman 1 MB" in response.get_data(as_text=True)
    finally:
        drop_schema(app)


# --- HTTPS behind a proxy --------------------------------------------------------------------------


def _https_app(tmp_path_factory, proxies):
    return build_app("sqlite", tmp_path_factory, PROXY_COUNT=proxies)


def test_behind_a_trusted_proxy_https_gives_secure_cookies_and_hsts(tmp_path_factory):
    app = _https_app(tmp_path_factory, 1)
    try:
        from innovation.auth import services
        from innovation.extensions import db

        with app.app_context():
            services.create_user(username="https.user", full_name="H", role=Role.JUDGE, password=TEST_PASSWORD)
            db.session.commit()
        client = app.test_client()
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        response = client.post("/auth/login", data={"username": "https.user", "password": TEST_PASSWORD,
                                                    "remember": "y"}, headers=forwarded)
        assert response.status_code == 302 and response.headers["Location"].startswith("/")
        cookies = response.headers.getlist("Set-Cookie")
        assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token", "perangkat"}
        assert all("; Secure" in c for c in cookies), cookies
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        with app.app_context():
            from sqlalchemy import select

            from innovation.auth.models import UserSession

            assert db.session.scalar(select(UserSession.ip_address)) == "203.0.113.9"  # the client, not the proxy
            db.session.remove()
    finally:
        drop_schema(app)


def test_without_proxy_trust_forwarded_headers_are_ignored(tmp_path_factory):
    app = _https_app(tmp_path_factory, 0)
    try:
        response = app.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in response.headers
        assert all("Secure" not in c for c in response.headers.getlist("Set-Cookie"))
    finally:
        drop_schema(app)


def test_csp_allows_framing_only_by_the_app_itself(client):
    csp = client.get("/auth/login").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp


def test_the_nginx_example_matches_the_settings():
    from pathlib import Path

    deploy = (Path(__file__).resolve().parents[1] / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    nginx = deploy.split("```nginx", 1)[1].split("```", 1)[0]
    assert "Strict-Transport-Security" in nginx and "X-Forwarded-Proto $scheme" in nginx
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in nginx
    assert "PROXY_COUNT=1" in deploy
