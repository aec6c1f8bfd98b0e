"""The read API: resources, what a token widens, cursors, filters, ETags, the error shape, tokens and their
rate limit, the OpenAPI document and its reference page."""
from __future__ import annotations

import json

import pytest
from open_platform import PRIVATE, seed

from innovation.web import Role


@pytest.fixture
def world(db, make_opd, make_user, make_innovation, make_event):
    return seed(db, make_opd, make_user, make_innovation, make_event)


@pytest.fixture
def token_for(db, admin):
    from innovation.api import tokens

    def make(*scopes):
        row, token = tokens.create_token(name="Command Center", scopes=list(scopes), by=admin)
        db.session.flush()
        return token

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def error_of(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --- innovations ----------------------------------------------------------------------------------------

def test_public_innovations_without_a_token(client, world):
    body = client.get("/api/v1/innovations").get_json()
    names = [i["nama"] for i in body["data"]]
    assert names == ["Izin Kilat Distrik", "Posyandu Digital Kampung"] and body["next_cursor"] is None
    izin = body["data"][0]
    assert izin["tujuan"] and izin["digital"] is True and izin["tahapan"] == "Penerapan"
    assert izin["manfaat"] is None and izin["rancang_bangun"] is None and izin["nomor_register"] is None
    assert izin["indikator"] is None and izin["skor_klaim"] is None
    assert [f["name"] for f in izin["dokumen_publik"]] == ["sk-bupati-publik.pdf"]
    assert izin["links"]["html"].endswith(f"/public/innovations/{world.registered.id}")
    raw = client.get("/api/v1/innovations").get_data(as_text=True)
    for marker in PRIVATE.values():
        assert marker not in raw
    assert client.get(f"/api/v1/innovations/{world.unregistered.id}").status_code == 404


def test_a_token_with_innovations_read_sees_every_innovation_and_the_indicator_scores(client, world, token_for):
    headers = bearer(token_for("innovations:read"))
    body = client.get("/api/v1/innovations", headers=headers).get_json()
    assert PRIVATE["unregistered"] in [i["nama"] for i in body["data"]]
    izin = client.get(f"/api/v1/innovations/{world.registered.id}", headers=headers).get_json()
    assert izin["manfaat"] == PRIVATE["benefit"] and izin["nomor_register"] == PRIVATE["register"]
    line = next(i for i in izin["indikator"] if i["no"] == 16)
    assert line["parameter"] == 2 and line["verified_parameter"] == 1 and line["verification"] == "diperbaiki"
    assert line["score"] == 6 and line["verified_score"] == 3  # bobot 3 × 2 claimed, × 1 verified
    raw = client.get(f"/api/v1/innovations/{world.registered.id}", headers=headers).get_data(as_text=True)
    for never in ("initiator", "answer", "note"):  # never shared, even with a token
        assert PRIVATE[never] not in raw
    registered_only = client.get("/api/v1/innovations?registered=false", headers=headers).get_json()
    assert [i["nama"] for i in registered_only["data"]] == [PRIVATE["unregistered"]]


def test_a_token_without_the_scope_sees_only_public_data(client, world, token_for):
    headers = bearer(token_for("index:read"))
    body = client.get("/api/v1/innovations", headers=headers).get_json()
    assert PRIVATE["unregistered"] not in [i["nama"] for i in body["data"]]


def test_cursor_pagination_walks_every_item_once(client, db, world, make_innovation):
    from innovation.reporting import services as reporting

    for n in range(5):
        reporting.register(make_innovation(nama=f"Inovasi Halaman {n}"), by=world.admin)
    db.session.flush()
    seen, url = [], "/api/v1/innovations?limit=2"
    while url:
        body = client.get(url).get_json()
        assert len(body["data"]) <= 2
        seen += [i["id"] for i in body["data"]]
        url = f"/api/v1/innovations?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert len(seen) == 7 and seen == sorted(seen) and len(set(seen)) == 7
    first = client.get("/api/v1/innovations?limit=2").get_json()
    error_of(client.get(f"/api/v1/innovations?limit=2&digital=true&cursor={first['next_cursor']}"), 400,
             "invalid_cursor")  # a cursor belongs to its filters
    for bad in ("x", "eyJhIjoiMSJ9", "e30"):
        error_of(client.get(f"/api/v1/innovations?cursor={bad}"), 400, "invalid_cursor")
    # A control character is refused, not cleaned away (the cleaned value could pass a check the sent one fails).
    for bad in ("%00", "%00x", "a%02b"):
        detail = error_of(client.get(f"/api/v1/innovations?cursor={bad}"), 400, "invalid_parameter")["details"]
        assert detail == [{"field": "cursor", "message": "control character"}]


def test_filters(client, world):
    def names(query):
        return [i["nama"] for i in client.get("/api/v1/innovations?" + query).get_json()["data"]]

    assert names("digital=true") == ["Izin Kilat Distrik"]
    assert names("digital=false") == ["Posyandu Digital Kampung"]
    assert names(f"opd={world.second.opd_id}") == ["Posyandu Digital Kampung"]
    assert names("tahapan=penerapan") == ["Izin Kilat Distrik"]
    assert names("q=balita") == ["Posyandu Digital Kampung"]
    assert names("q=" + PRIVATE["benefit"]) == []  # manfaat is not public
    error_of(client.get("/api/v1/innovations?limit=500"), 400, "invalid_parameter")
    detail = error_of(client.get("/api/v1/innovations?year=abc"), 400, "invalid_parameter")["details"]
    assert detail[0]["field"] == "year"


# --- OPDs, events, results, index -----------------------------------------------------------------------

def test_opds(client, world):
    body = client.get("/api/v1/opds?limit=100").get_json()
    mine = next(o for o in body["data"] if o["id"] == world.opd.id)
    assert mine["registered_innovations"] == 1 and mine["code"] == world.opd.code
    assert client.get(f"/api/v1/opds/{world.opd.id}").get_json()["name"] == world.opd.name
    error_of(client.get("/api/v1/opds/99999999999"), 404, "not_found")


def test_events_and_published_results(client, db, world):
    events = client.get("/api/v1/events").get_json()["data"]
    mine = next(e for e in events if e["slug"] == world.event.slug)
    assert mine["results_published"] is True
    results = client.get(f"/api/v1/events/{world.event.slug}/results").get_json()
    (round_,) = results["rounds"]
    assert round_["checksum"] == world.snapshot.checksum
    assert [r["innovation"] for r in round_["ranking"]] == ["Izin Kilat Distrik", "Posyandu Digital Kampung"]
    download = client.get(round_["download_url"].replace("http://localhost", ""))
    import hashlib

    assert hashlib.sha256(download.data).hexdigest() == round_["download_sha256"]
    world.round.published_at = None
    db.session.flush()
    assert client.get(f"/api/v1/events/{world.event.slug}/results").get_json()["rounds"] == []
    error_of(client.get("/api/v1/events/no-such-event/results"), 404)


def test_the_district_index_needs_a_token_with_index_read(client, world, token_for):
    error_of(client.get("/api/v1/index/2026"), 401, "unauthorized")
    error_of(client.get("/api/v1/index/2026", headers=bearer(token_for("innovations:read"))), 403, "forbidden")
    headers = bearer(token_for("index:read"))
    years = client.get("/api/v1/index", headers=headers).get_json()["years"]
    body = client.get(f"/api/v1/index/{years[-1]}", headers=headers).get_json()
    assert body["claimed"]["innovations"] == 2 and 0 <= body["verified"]["iid"] <= 100
    assert body["claimed"]["predicate"]
    error_of(client.get("/api/v1/index/1999", headers=headers), 404)


# --- tokens ---------------------------------------------------------------------------------------------

def test_a_bad_or_revoked_token_is_refused_even_for_public_data(client, db, world, admin, token_for):
    from innovation.api import tokens
    from innovation.api.models import ApiToken

    token = token_for("innovations:read")
    assert client.get("/api/v1/innovations", headers=bearer(token)).status_code == 200
    error = error_of(client.get("/api/v1/innovations", headers=bearer(token + "x")), 401, "unauthorized")
    assert error["message"]
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.prefix == token.split("_")[1]))
    tokens.revoke_token(row, by=admin)
    db.session.flush()
    response = client.get("/api/v1/innovations", headers=bearer(token))
    error_of(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_stored_hashed_and_note_their_last_use(client, db, world, token_for):
    from innovation.api.models import ApiToken

    token = token_for("innovations:read")
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.prefix == token.split("_")[1]))
    assert token not in json.dumps([row.token_hash, row.prefix, row.name]) and len(row.token_hash) == 64
    assert row.last_used_at is None
    client.get("/api/v1/opds", headers=bearer(token))
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_the_admin_creates_a_token_shown_once_and_revokes_it(app, db, world, make_user):
    from conftest import TEST_PASSWORD

    from innovation.api.models import ApiToken
    from innovation.audit.models import AuditEvent

    for role in (Role.OPERATOR, Role.VERIFIER, Role.JUDGE):
        client = app.test_client()
        user = make_user(role=role)
        client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
        assert client.get("/api/tokens").status_code == 403
    client = app.test_client()
    client.post("/auth/login", data={"username": world.admin.username, "password": TEST_PASSWORD})
    refused = client.post("/api/tokens", data={"name": "Tanpa cakupan", "scopes": []})
    assert refused.status_code == 200 and db.session.scalar(db.select(ApiToken)) is None
    created = client.post("/api/tokens", data={"name": "Command Center", "scopes": ["innovations:read"]})
    token = created.get_data(as_text=True).split('id="token-value">', 1)[1].split("<", 1)[0]
    assert token.startswith("iid_")
    assert client.get("/api/v1/innovations", headers=bearer(token)).status_code == 200
    listing = client.get("/api/tokens").get_data(as_text=True)
    assert "Command Center" in listing and token not in listing
    row = db.session.scalar(db.select(ApiToken))
    client.post(f"/api/tokens/{row.id}/revoke")
    assert client.get("/api/v1/innovations", headers=bearer(token)).status_code == 401
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("api.%"))))
    assert {"api.token_create", "api.token_revoke"} <= actions


def test_rate_limit_per_token(tmp_path_factory):
    """Each token has its own budget; over it the answer is 429 in the error shape, with Retry-After."""
    from conftest import build_app

    from innovation.api import tokens
    from innovation.auth.models import User
    from innovation.extensions import db

    app = build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True, API_TOKEN_RATE_LIMIT="3 per minute",
                    API_RATE_LIMIT="5 per minute")
    with app.app_context():
        admin = User(username="admin-limit", full_name="Admin", role=Role.ADMIN, password_hash="x")
        db.session.add(admin)
        db.session.flush()
        first = tokens.create_token(name="A", scopes=["innovations:read"], by=admin)[1]
        second = tokens.create_token(name="B", scopes=["innovations:read"], by=admin)[1]
        db.session.commit()
    client = app.test_client()
    statuses = [client.get("/api/v1/opds", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/opds", headers=bearer(first))
    error_of(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/api/v1/opds", headers=bearer(second)).status_code == 200  # its own budget
    anonymous = [client.get("/api/v1/opds").status_code for _ in range(6)]
    assert anonymous == [200] * 5 + [429]


# --- HTTP: ETag, errors ---------------------------------------------------------------------------------

def test_etag_and_if_none_match(client, world, token_for):
    first = client.get("/api/v1/innovations")
    assert "public" in first.headers["Cache-Control"] and first.headers["ETag"]
    assert "Authorization" in first.headers["Vary"]
    again = client.get("/api/v1/innovations", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    private = client.get("/api/v1/innovations", headers=bearer(token_for("innovations:read")))
    assert "private" in private.headers["Cache-Control"]


def test_every_error_has_one_shape(client, world):
    error_of(client.get("/api/v1/no-such-thing"), 404, "not_found")
    error_of(client.get("/api/v1/innovations/abc"), 404)
    error_of(client.get("/api/v1/innovations/99999999999"), 404)
    response = client.post("/api/v1/innovations")
    error_of(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    error_of(client.delete(f"/api/v1/innovations/{world.registered.id}"), 405)
    error_of(client.get("/api/v1/innovations?limit=0"), 400, "invalid_parameter")
    error_of(client.get("/api/v1/index"), 401)
    english = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"}).get_json()
    assert english["error"]["code"] == "not_found"


def test_signposts(client):
    assert client.get("/api/").headers["Location"].endswith("/api/v1/")
    assert client.get("/openapi.json").headers["Location"].endswith("/api/v1/openapi.json")
    index = client.get("/api/v1/").get_json()
    assert index["openapi"].endswith("/api/v1/openapi.json") and "innovations" in index["resources"]


# --- the document -------------------------------------------------------------------------------------

def test_the_openapi_document_is_3_1_and_generated_from_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    api_rules = {rule.rule.replace("<int:", "{").replace("<string(minlength=1, maxlength=80):", "{").replace(">", "}")
                 for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert set(document["paths"]) == api_rules
    for path, methods in document["paths"].items():
        for operation in methods.values():
            assert {"200", "304", "400", "401", "404", "429"} <= set(operation["responses"]), path
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/index"]["get"]["security"] == [{"bearerAuth": []}]


def test_the_reference_page_is_rendered_here_without_scripts(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "GET /api/v1/innovations" in page and "<script" not in page and "cdn" not in page.lower()
    assert "innovations:read" in page and "X-Inovasi-Signature" in page
