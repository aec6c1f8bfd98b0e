"""The public showcase: what is public (settings, evidence), search and filters, pages, caching, size, open
data, results and the sitemap."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest
from open_platform import PRIVATE, PUBLIC_AIM, seed

from innovation.public import fields as catalogue
from innovation.web import Role


@pytest.fixture
def world(db, make_opd, make_user, make_innovation, make_event):
    return seed(db, make_opd, make_user, make_innovation, make_event)


def text(response) -> str:
    return response.get_data(as_text=True)


# --- settings -----------------------------------------------------------------------------------------

def test_default_public_fields_are_the_sensible_ones(app, db):
    from innovation.public.settings import public_fields

    with app.test_request_context():
        fields = public_fields()
    assert fields == {"nama", "opd", "tahun", "tahapan", "urusan", "jenis", "waktu", "tujuan"}
    assert set(catalogue.DEFAULT_FIELDS) == {"tahapan", "urusan", "jenis", "waktu", "tujuan"}
    never = {"nama_inisiator", "informasi", "verification_note", "created_by"}
    assert not never & {c for f in catalogue.FIELDS for c in f.columns}


def test_admin_changes_public_fields_and_a_stale_form_is_refused(client, db, admin, login, world):
    from innovation.audit.models import AuditEvent
    from innovation.public.settings import load_settings

    login(admin)
    page = text(client.get("/public/settings"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post("/public/settings", data={"fields": ["tahapan", "manfaat"], "licence": "cc0-1.0",
                                                      "version": version})
    assert response.status_code == 302
    settings = load_settings()
    assert settings.fields == ["tahapan", "manfaat"] and settings.licence == "cc0-1.0"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "public.settings")) is not None
    assert PRIVATE["benefit"] in text(client.get(f"/public/innovations/{world.registered.id}"))
    stale = client.post("/public/settings", data={"fields": ["hasil"], "licence": "cc-by-4.0", "version": version})
    assert stale.status_code == 200 and "sudah diubah" in text(stale)
    assert load_settings().fields == ["tahapan", "manfaat"]
    unknown = client.post("/public/settings", data={"fields": ["nama_inisiator"], "licence": "cc-by-4.0",
                                                    "version": str(settings.version)})
    assert unknown.status_code == 200 and load_settings().fields == ["tahapan", "manfaat"]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VERIFIER, Role.JUDGE])
def test_only_admins_decide_what_is_public(client, db, make_user, login, role, world):
    login(make_user(role=role, opd=world.opd if role == Role.OPERATOR else None))
    assert client.get("/public/settings").status_code == 403
    assert client.get("/public/review").status_code == 403
    assert client.post(f"/public/review/{world.hidden_file.id}", data={"decision": "approve"}).status_code == 403


# --- the showcase ---------------------------------------------------------------------------------------

def test_listing_shows_registered_innovations_with_public_fields_only(client, world):
    page = text(client.get("/public/"))
    assert "Izin Kilat Distrik" in page and "Posyandu Digital Kampung" in page
    assert PUBLIC_AIM in page
    assert PRIVATE["unregistered"] not in page
    for marker in ("initiator", "design", "benefit", "result", "register"):
        assert PRIVATE[marker] not in page


def test_search_looks_only_into_public_text(client, world):
    assert "Izin Kilat Distrik" in text(client.get("/public/?q=layanan+izin"))  # tujuan is public
    assert "Izin Kilat Distrik" in text(client.get("/public/?q=KILAT"))  # the name, any case
    hidden = text(client.get("/public/?q=" + PRIVATE["benefit"]))  # manfaat is not public
    assert "Izin Kilat Distrik" not in hidden and "0 inovasi" in hidden
    assert "0 inovasi" in text(client.get("/public/?q=%25"))  # a LIKE wildcard is a plain character


def test_filters(client, world):
    assert "Posyandu" not in text(client.get("/public/?digital=1"))
    assert "Izin Kilat" not in text(client.get("/public/?digital=0"))
    assert "Izin Kilat" not in text(client.get("/public/?tahapan=uji_coba"))
    assert "Izin Kilat" not in text(client.get(f"/public/?opd={world.second.opd_id}"))
    assert "Izin Kilat" in text(client.get(f"/public/?opd={world.opd.id}&year={world.registered.rules_year}"))
    assert client.get("/public/?opd=99999999999&year=abc&page=-3&digital=x").status_code == 200


def test_a_filter_on_a_field_that_is_not_public_is_ignored(client, db, world):
    """Otherwise which innovations match would tell what the hidden field holds."""
    from innovation.public.settings import load_settings

    settings = load_settings()
    settings.fields = ["urusan", "jenis"]  # tahapan no longer public
    db.session.flush()
    assert "Izin Kilat" in text(client.get("/public/?tahapan=uji_coba"))
    assert 'name="tahapan"' not in text(client.get("/public/"))


def test_innovation_page(client, world):
    response = client.get(f"/public/innovations/{world.registered.id}")
    page = text(response)
    assert response.status_code == 200 and "Izin Kilat Distrik" in page and PUBLIC_AIM in page
    assert "sk-bupati-publik.pdf" in page
    for marker in ("hidden_file", "declined_file", "pending_file", "replaced_file", "initiator", "design", "answer",
                   "note", "coordinate"):
        assert PRIVATE[marker] not in page, marker
    assert '<meta property="og:title" content="Izin Kilat Distrik">' in page
    assert '<meta name="description" content="' + PUBLIC_AIM in page
    assert 'hreflang="en"' in page and "<title>Izin Kilat Distrik" in page


def test_unregistered_or_unknown_innovations_are_not_found(client, world):
    assert client.get(f"/public/innovations/{world.unregistered.id}").status_code == 404
    assert client.get("/public/innovations/99999999999").status_code == 404


def test_public_evidence_file_only_when_offered_and_approved(client, world):
    assert client.get(f"/public/evidence/{world.public_file.id}/file").status_code == 200
    assert client.get(f"/public/evidence/{world.hidden_file.id}/file").status_code == 404


def signed_in(app, user):
    from conftest import TEST_PASSWORD

    client = app.test_client()
    assert client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return client


def test_the_opd_offers_and_withdraws_and_the_admin_decides(app, db, world, make_user):
    from innovation.audit.models import AuditEvent

    item = world.hidden_file
    other = signed_in(app, make_user(role=Role.OPERATOR))  # another OPD's operator
    assert other.post(f"/public/evidence/{item.id}/offer", data={"public": "1"}).status_code == 403
    client = signed_in(app, world.operator)
    widget = text(client.get(f"/innovations/{world.registered.id}/indicators/16"))
    assert f'action="/public/evidence/{item.id}/offer"' in widget and "Ajukan publik" in widget
    assert client.post(f"/public/evidence/{item.id}/offer", data={"public": "1"}).status_code == 302
    assert item.public_requested_at is not None and not item.is_public
    assert "menunggu persetujuan publik" in text(client.get(f"/innovations/{world.registered.id}/indicators/16"))
    assert client.get(f"/public/evidence/{item.id}/file").status_code == 404
    admin = signed_in(app, world.admin)
    review = text(admin.get("/public/review"))
    assert PRIVATE["hidden_file"] in review and PRIVATE["pending_file"] in review
    refused = admin.post(f"/public/review/{item.id}", data={"decision": "decline", "note": ""})
    assert refused.status_code == 302 and item.public_decision is None  # a decline needs a reason
    admin.post(f"/public/review/{item.id}", data={"decision": "approve"})
    assert item.is_public and client.get(f"/public/evidence/{item.id}/file").status_code == 200
    client.post(f"/public/evidence/{item.id}/offer", data={"public": "0"})  # withdrawing ends the approval
    assert not item.is_public and item.public_decision is None
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("evidence.public%"))))
    assert {"evidence.public_offer", "evidence.public_approve", "evidence.public_withdraw"} <= actions


def test_replacing_or_removing_an_approved_file_takes_it_off_the_public_page(client, world):
    from innovation.innovations import evidence

    item = world.public_file
    assert item.is_public
    newer = evidence.attach_file(world.registered, indicator_no=16, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                 filename="sk-baru.pdf", by=world.operator, replaces=item)
    assert not item.is_public and not newer.is_public
    page = text(client.get(f"/public/innovations/{world.registered.id}"))
    assert "sk-bupati-publik.pdf" not in page and "sk-baru.pdf" not in page
    assert client.get(f"/public/evidence/{item.id}/file").status_code == 404


def test_public_pages_are_cached_with_etag_and_answer_304(client, world):
    for path in ("/public/", f"/public/innovations/{world.registered.id}", "/public/events/",
                 f"/public/events/{world.event.slug}/results", "/public/data/", "/public/data/dictionary",
                 "/sitemap.xml", "/robots.txt", f"/public/results/{world.snapshot.id}.json"):
        first = client.get(path)
        assert first.status_code == 200, path
        assert first.headers["ETag"] and "public" in first.headers["Cache-Control"], path
        assert "max-age=" in first.headers["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", path
        assert "Set-Cookie" not in first.headers, path


def test_a_change_changes_the_etag(client, db, world):
    first = client.get("/public/")
    world.second.tujuan = "Tujuan baru yang lain"
    db.session.flush()
    assert client.get("/public/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_pages_stay_under_30_kb_with_everything_they_load(client, db, make_opd, make_innovation, world):
    """The heaviest list page (a full page of innovations with long names and descriptions) and the
    innovation page with every field public: HTML under 30 KB, and with its CSS and icon, as served
    compressed, under 30 KB too."""
    from innovation.public.settings import load_settings
    from innovation.reporting import services as reporting

    opd = make_opd(name="Badan Perencanaan Pembangunan Daerah dan Penelitian Pengembangan Kabupaten")
    for n in range(25):
        innovation = make_innovation(opd=opd, nama=f"Inovasi Pelayanan Terpadu Satu Pintu Berbasis Daring Nomor {n} "
                                                   + "x" * 200, tujuan="Tujuan yang panjang sekali. " * 30,
                                     tahapan="penerapan", jenis="digital")
        reporting.register(innovation, by=world.admin)
    settings = load_settings()
    settings.fields = [f.code for f in catalogue.CHOOSABLE]
    world.registered.rancang_bangun = "Rancang bangun yang panjang. " * 120
    db.session.flush()
    gzip = {"Accept-Encoding": "gzip"}
    for path in ("/public/", f"/public/innovations/{world.registered.id}", "/public/data/dictionary",
                 f"/public/events/{world.event.slug}/results", "/public/?lang=en"):
        html = client.get(path)
        assert len(html.data) <= 30 * 1024, (path, len(html.data))
        total = len(client.get(path, headers=gzip).data)
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', text(html)):
            total += len(client.get(asset, headers=gzip).data)
        assert total <= 30 * 1024, (path, total)


def test_language_comes_from_the_url(client, world):
    page = client.get("/public/?lang=en")
    assert page.headers["Content-Language"] == "en" and '<html lang="en">' in text(page)
    assert 'href="/public/innovations/' in text(page) and "?lang=en" in text(page)
    assert client.get("/public/").headers["Content-Language"] == "id"


def test_english_pages_are_translated(client, world):
    """Needs the catalog with the pending strings (innovation/translations/pending/open.po) merged."""
    page = text(client.get("/public/?lang=en"))
    assert "Regional innovations" in page and "Inovasi daerah" not in page


# --- results --------------------------------------------------------------------------------------------

def test_published_results_and_a_download_whose_sha256_is_shown(client, world):
    listing = text(client.get("/public/events/"))
    assert world.event.name in listing
    page = text(client.get(f"/public/events/{world.event.slug}/results"))
    assert "Izin Kilat Distrik" in page and "Posyandu Digital Kampung" in page
    download = client.get(f"/public/results/{world.snapshot.id}.json")
    digest = hashlib.sha256(download.data).hexdigest()
    assert digest in page and world.snapshot.checksum in page
    data = json.loads(download.data)
    assert data["official_checksum"] == world.snapshot.checksum
    assert [e["innovation"] for e in data["results"]["entries"]] == ["Izin Kilat Distrik", "Posyandu Digital Kampung"]
    assert all(len(s["scores"]) == 5 for e in data["results"]["entries"] for s in e["sheets"])
    raw = download.get_data(as_text=True)
    assert PRIVATE["judge_name"] not in raw and PRIVATE["judge_comment"] not in raw and "username" not in raw


def test_results_can_be_recomputed_from_the_download(client, world):
    """The weighted totals in the file, averaged per entry, give the published scores and their order."""
    from decimal import ROUND_HALF_UP, Decimal

    data = json.loads(client.get(f"/public/results/{world.snapshot.id}.json").data)["results"]
    weights = {c["id"]: Decimal(c["weight"]) for c in data["criteria"] if not c["independent"]}
    means = {}
    for entry in data["entries"]:
        totals = [sum(Decimal(s["value"]) * weights[s["criterion_id"]] for s in sheet["scores"]
                      if s["criterion_id"] in weights) / sum(weights.values()) for sheet in entry["sheets"]]
        means[entry["innovation"]] = (sum(totals) / len(totals)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        assert means[entry["innovation"]] == Decimal(entry["score"])
    assert sorted(means, key=means.get, reverse=True) == [e["innovation"] for e in data["entries"]]


def test_unpublished_results_are_not_public(client, db, world):
    world.round.published_at = None
    db.session.flush()
    assert client.get(f"/public/events/{world.event.slug}/results").status_code == 404
    assert client.get(f"/public/results/{world.snapshot.id}.json").status_code == 404
    assert world.event.name not in text(client.get("/public/events/"))


# --- open data ------------------------------------------------------------------------------------------

def test_csv_download_has_the_public_columns_and_the_licence(client, world):
    response = client.get("/public/data/innovations.csv")
    assert response.mimetype == "text/csv" and 'rel="license"' in response.headers["Link"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["nama"] for r in rows} == {"Izin Kilat Distrik", "Posyandu Digital Kampung"}
    assert list(rows[0]) == ["id", "nama", "opd_kode", "opd_nama", "tahun", "tahapan", "urusan_utama",
                             "urusan_utama_nama", "urusan_lain", "jenis", "digital", "waktu_uji_coba",
                             "waktu_penerapan", "waktu_pengembangan", "tujuan", "url"]
    izin = next(r for r in rows if r["nama"] == "Izin Kilat Distrik")
    assert izin["digital"] == "true" and izin["waktu_penerapan"] == "2024-09-01" and izin["tahapan"] == "Penerapan"
    for marker in PRIVATE.values():
        assert marker not in body
    again = client.get("/public/data/innovations.csv", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_csv_cells_that_look_like_formulas_are_defused(client, db, world):
    world.second.tujuan = "=HYPERLINK(\"http://contoh.test\")"
    db.session.flush()
    body = client.get("/public/data/innovations.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_json_download_and_the_dictionary(client, world):
    data = json.loads(client.get("/public/data/innovations.json").data)
    assert data["licence"]["url"].startswith("https://creativecommons.org/")
    assert {i["nama"] for i in data["innovations"]} == {"Izin Kilat Distrik", "Posyandu Digital Kampung"}
    assert "manfaat" not in data["columns"] and "tujuan" in data["columns"]
    filtered = json.loads(client.get("/public/data/innovations.json?digital=1").data)
    assert [i["nama"] for i in filtered["innovations"]] == ["Izin Kilat Distrik"]
    dictionary = text(client.get("/public/data/dictionary"))
    for column in data["columns"]:
        assert f"<code>{column}</code>" in dictionary
    assert "<code>manfaat</code>" not in dictionary


def test_sitemap_and_robots(client, world):
    sitemap = text(client.get("/sitemap.xml"))
    assert f"/public/innovations/{world.registered.id}</loc>" in sitemap
    assert f"/public/innovations/{world.registered.id}?lang=en" in sitemap and 'hreflang="en"' in sitemap
    assert f"/public/events/{world.event.slug}/results" in sitemap
    assert f"/public/innovations/{world.unregistered.id}<" not in sitemap
    robots = text(client.get("/robots.txt"))
    assert "Sitemap: http://localhost/sitemap.xml" in robots and "Allow: /public/" in robots
