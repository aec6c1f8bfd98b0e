"""Evidence services and routes: attach, replace (history), remove, links, scores, downloads."""
from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import evidence_files as files
from innovation.audit.models import AuditEvent
from innovation.extensions import db as _db
from innovation.innovations import evidence as ev
from innovation.innovations.models import Evidence, IndicatorAnswer
from innovation.innovations.services import InnovationError
from innovation.storage import get_storage
from innovation.storage import services as storage_services
from innovation.web import Role


@pytest.fixture(autouse=True)
def request_ctx(app, db):
    """Services speak Indonesian through flask_babel, whose locale lives in the session."""
    with app.test_request_context():
        yield


@pytest.fixture
def operator(make_user):
    return make_user(role=Role.OPERATOR)


@pytest.fixture
def innovation(make_innovation, operator):
    return make_innovation(opd=operator.opd)


def count_evidence(innovation):
    return _db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.innovation_id == innovation.id))


def stored_keys(app):
    return set(get_storage().keys())


def attach_pdf(innovation, user, indicator_no=16, **kwargs):
    data = kwargs.pop("data", files.pdf())
    return ev.attach_file(innovation, indicator_no=indicator_no, stream=io.BytesIO(data),
                          filename=kwargs.pop("filename", "SK Bupati.pdf"), by=user, **kwargs)


# --- services ----------------------------------------------------------------------------------

def test_attach_file_stores_blob_and_rows(db, app, innovation, operator):
    data = files.pdf()
    item = attach_pdf(innovation, operator, data=data)
    assert item.indicator_no == 16 and item.is_current and item.uploaded_by_id == operator.id
    stored = item.file
    assert (stored.extension, stored.content_type, stored.size) == ("pdf", "application/pdf", len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.original_name == "SK Bupati.pdf"
    assert b"".join(get_storage().open_chunks(stored.key)) == data
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "evidence.attach", AuditEvent.object_id == innovation.id)) == 1


def test_attach_to_profile_slot(db, innovation, operator):
    item = ev.attach_file(innovation, slot="profil_bisnis", stream=io.BytesIO(files.pptx()), filename="profil.pptx", by=operator)
    assert item.profile_slot == "profil_bisnis" and item.file.extension == "pptx"
    with pytest.raises(InnovationError):
        ev.attach_file(innovation, slot="anggaran", stream=io.BytesIO(files.pptx()), filename="x.pptx", by=operator)


def test_pdf_named_png_is_stored_as_pdf(db, innovation, operator):
    item = attach_pdf(innovation, operator, indicator_no=19, filename="foto alat.png")
    assert item.file.extension == "pdf"
    assert item.file.original_name == "foto alat.pdf"


def test_unknown_indicator_or_slot_is_refused(db, innovation, operator):
    for kwargs in ({"indicator_no": 99}, {"indicator_no": 3}, {"slot": "rahasia"}, {}, {"indicator_no": 16, "slot": "haki"}):
        with pytest.raises(InnovationError):
            ev.attach_file(innovation, stream=io.BytesIO(files.pdf()), filename="a.pdf", by=operator, **kwargs)


def test_wrong_type_or_empty_leaves_no_blob_and_no_row(db, app, innovation, operator):
    before = stored_keys(app)
    for data, indicator in ((files.exe(), 16), (b"", 16), (files.pdf(), 25), (files.png(), 35)):
        with pytest.raises(InnovationError):
            attach_pdf(innovation, operator, indicator_no=indicator, data=data)
    assert stored_keys(app) == before
    assert count_evidence(innovation) == 0


def test_non_seekable_stream_is_spooled(db, innovation, operator):
    class OneWay(io.RawIOBase):
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self.inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = files.png()
    item = ev.attach_file(innovation, indicator_no=25, stream=OneWay(data), filename="spanduk.png", by=operator)
    assert item.file.size == len(data) and item.file.extension == "png"


def test_replace_keeps_history(db, innovation, operator):
    first = attach_pdf(innovation, operator, filename="lama.pdf")
    second = attach_pdf(innovation, operator, filename="baru.pdf", replaces=first)
    assert first.superseded_at is not None and not first.is_current
    assert second.replaces_id == first.id and second.is_current
    assert ev.current_for(innovation, indicator_no=16) == [second]
    assert ev.history(innovation, indicator_no=16) == [first]
    assert get_storage().exists(first.file.key)  # the old file stays for the history
    with pytest.raises(InnovationError):  # an already replaced row cannot be replaced again
        attach_pdf(innovation, operator, replaces=first)


def test_replace_must_name_the_same_target(db, innovation, operator):
    first = attach_pdf(innovation, operator, indicator_no=16)
    with pytest.raises(InnovationError):
        attach_pdf(innovation, operator, indicator_no=17, replaces=first)


@pytest.mark.parametrize("replaces", ["0", "-3", "x", str(2**31), str(2**63)])
def test_replacing_an_unknown_or_impossible_id_is_refused(db, innovation, operator, replaces):
    with pytest.raises(ev.EvidenceError) as error:  # not a database error for ids past the column's range
        ev.evidence_for_update(innovation, replaces)
    assert error.value.status == 409


def test_remove_keeps_the_file(db, innovation, operator):
    item = attach_pdf(innovation, operator)
    ev.remove_evidence(item, by=operator)
    assert item.removed_at is not None
    assert ev.current_for(innovation, indicator_no=16) == []
    assert ev.history(innovation, indicator_no=16) == [item]
    assert get_storage().exists(item.file.key)
    with pytest.raises(InnovationError):
        ev.remove_evidence(item, by=operator)


def test_link_only_where_allowed(db, innovation, operator):
    item = ev.attach_link(innovation, indicator_no=35, url="https://www.youtube.com/watch?v=abc", title="Video", by=operator)
    assert item.url.startswith("https://") and item.file_id is None
    with pytest.raises(InnovationError, match="tidak menerima tautan"):
        ev.attach_link(innovation, indicator_no=16, url="https://example.org/sk.pdf", title="", by=operator)
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "https://", "http://a b.org", "https://x.org/" + "a" * 1000, ""):
        with pytest.raises(InnovationError):
            ev.attach_link(innovation, indicator_no=35, url=bad, title="", by=operator)


def test_score_follows_evidence(db, innovation, operator):
    """Mandatory indicator 16 (bobot 3) with parameter 2: 0 without evidence, 3 x 2 with it."""
    db.session.add(IndicatorAnswer(innovation=innovation, indicator_no=16, parameter=2))
    db.session.flush()
    from innovation.innovations.services import refresh_derived

    refresh_derived(innovation)
    assert innovation.claimed_score == Decimal("0")
    item = attach_pdf(innovation, operator)
    assert innovation.claimed_score == Decimal("6")
    ev.remove_evidence(item, by=operator)
    assert innovation.claimed_score == Decimal("0")


def test_failed_db_write_leaves_no_blob(db, app, innovation, operator, monkeypatch):
    before = stored_keys(app)

    def broken_refresh(innovation):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ev, "refresh_derived", broken_refresh)
    with pytest.raises(RuntimeError):
        attach_pdf(innovation, operator)
    assert stored_keys(app) == before


def test_failed_commit_deletes_the_blob(db, app, innovation, operator, monkeypatch):
    from innovation.storage import commit_or_delete

    item = attach_pdf(innovation, operator)
    key = item.file.key
    assert get_storage().exists(key)

    def failing_commit():
        raise RuntimeError("commit failed")

    monkeypatch.setattr(_db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        commit_or_delete([key])
    assert not get_storage().exists(key)


def test_gc_removes_only_old_orphans(db, app, innovation, operator):
    kept = attach_pdf(innovation, operator).file.key
    storage = get_storage()
    orphan = "zz/zz/" + "f" * 32
    storage.save(orphan, io.BytesIO(b"sisa"))
    assert storage_services.collect_garbage(older_than_hours=1) == []  # too young
    found = storage_services.orphan_keys(older_than_hours=-1)
    assert orphan in found and kept not in found
    assert storage_services.collect_garbage(older_than_hours=-1, dry_run=True) == found
    assert storage.exists(orphan)
    storage_services.collect_garbage(older_than_hours=-1)
    assert not storage.exists(orphan) and storage.exists(kept)


def test_gc_cli(db, app, innovation, operator):
    storage = get_storage()
    orphan = "zz/zy/" + "e" * 32
    storage.save(orphan, io.BytesIO(b"sisa"))
    import os
    import time

    old = time.time() - 48 * 3600
    os.utime(storage._path(orphan), (old, old))
    result = app.test_cli_runner().invoke(args=["uploads", "gc", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert orphan in result.output
    assert not storage.exists(orphan)


# --- views -------------------------------------------------------------------------------------

def form_upload(client, innovation, data, filename="bukti.pdf", **fields):
    payload = {"file": (io.BytesIO(data), filename), "next": "/innovations/", **fields}
    if "slot" not in fields and "indicator_no" not in fields:
        payload["indicator_no"] = "16"
    return client.post(f"/innovations/{innovation.id}/evidence", data=payload, content_type="multipart/form-data")


def test_form_upload(client, login, db, innovation, operator):
    login(operator)
    response = form_upload(client, innovation, files.pdf(), filename="Surat Keputusan.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/innovations/")
    item = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert item.file.original_name == "Surat Keputusan.pdf"


def test_form_upload_error_is_flashed(client, login, db, innovation, operator):
    login(operator)
    response = form_upload(client, innovation, files.exe(), filename="virus.pdf")
    assert response.status_code == 302
    with client.session_transaction() as session:
        messages = [m for _c, m in session.get("_flashes", [])]
    assert any("tidak dikenali" in m for m in messages)
    assert count_evidence(innovation) == 0


def test_form_upload_too_large_is_flashed_not_413(client, login, app, db, innovation, operator, monkeypatch):
    login(operator)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post(
        f"/innovations/{innovation.id}/evidence?next=/innovations/",
        data={"file": (io.BytesIO(files.pdf() + bytes(4096)), "besar.pdf"), "indicator_no": "16"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/innovations/")
    with client.session_transaction() as session:
        messages = [m for _c, m in session.get("_flashes", [])]
    assert any("terlalu besar" in m for m in messages)


def test_form_upload_rejects_unsafe_next(client, login, db, innovation, operator):
    login(operator)
    response = form_upload(client, innovation, files.pdf(), next="https://evil.example/")
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_form_upload_requires_csrf_when_enabled(client, login, app, db, innovation, operator, monkeypatch):
    login(operator)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = form_upload(client, innovation, files.pdf())
    assert response.status_code == 400
    assert count_evidence(innovation) == 0


def test_other_opd_operator_gets_403(client, login, db, make_user, innovation, operator):
    item = attach_pdf(innovation, operator)
    other = make_user(role=Role.OPERATOR)
    login(other)
    assert form_upload(client, innovation, files.pdf()).status_code == 403
    assert client.get(f"/innovations/evidence/{item.id}/file").status_code == 403
    assert client.post(f"/innovations/evidence/{item.id}/remove").status_code == 403
    assert client.post(f"/innovations/{innovation.id}/evidence/link", data={"indicator_no": 35, "url": "https://x.org"}).status_code == 403


def test_verifier_can_download_but_not_upload(client, login, db, make_user, innovation, operator):
    item = attach_pdf(innovation, operator)
    login(make_user(role=Role.VERIFIER))
    assert client.get(f"/innovations/evidence/{item.id}/file").status_code == 200
    assert form_upload(client, innovation, files.pdf()).status_code == 403


def test_judge_cannot_download_yet(client, login, db, make_user, innovation, operator):
    item = attach_pdf(innovation, operator)
    login(make_user(role=Role.JUDGE))
    assert client.get(f"/innovations/evidence/{item.id}/file").status_code == 403


def test_anonymous_is_redirected_to_login(client, db, innovation, operator):
    item = attach_pdf(innovation, operator)
    response = client.get(f"/innovations/evidence/{item.id}/file")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = form_upload(client, innovation, files.pdf())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_download_headers(client, login, db, innovation, operator):
    data = files.pdf()
    item = attach_pdf(innovation, operator, data=data, filename="Laporan Ringkas.pdf")
    login(operator)
    response = client.get(f"/innovations/evidence/{item.id}/file")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Laporan Ringkas.pdf"'
    assert response.headers["Content-Length"] == str(len(data))
    assert "private" in response.headers["Cache-Control"]
    inline = client.get(f"/innovations/evidence/{item.id}/file?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline;")
    etag = response.headers["ETag"]
    assert client.get(f"/innovations/evidence/{item.id}/file", headers={"If-None-Match": etag}).status_code == 304


def test_download_non_ascii_name_and_no_inline_for_pptx(client, login, db, innovation, operator):
    item = ev.attach_file(innovation, slot="profil_bisnis", stream=io.BytesIO(files.pptx()),
                          filename="Profil Bisnis – Papua “2025”.pptx", by=operator)
    login(operator)
    response = client.get(f"/innovations/evidence/{item.id}/file?inline=1")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")  # never inline for an Office file
    assert "filename*=UTF-8''Profil%20Bisnis%20%E2%80%93%20Papua%20%E2%80%9C2025%E2%80%9D.pptx" in disposition
    assert re.search(r'filename="[ -~]+"', disposition)


def test_superseded_version_is_downloadable(client, login, db, innovation, operator):
    old_data = files.pdf()
    first = attach_pdf(innovation, operator, data=old_data)
    attach_pdf(innovation, operator, replaces=first)
    login(operator)
    response = client.get(f"/innovations/evidence/{first.id}/file")
    assert response.status_code == 200 and response.data == old_data


def test_link_and_remove_views(client, login, db, innovation, operator):
    login(operator)
    response = client.post(f"/innovations/{innovation.id}/evidence/link",
                           data={"indicator_no": "35", "url": "https://youtu.be/xyz", "title": "Video", "next": "/innovations/"})
    assert response.status_code == 302
    item = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert item.url == "https://youtu.be/xyz"
    bad = client.post(f"/innovations/{innovation.id}/evidence/link", data={"indicator_no": "16", "url": "https://x.org"})
    assert bad.status_code == 302
    assert count_evidence(innovation) == 1
    assert client.post(f"/innovations/evidence/{item.id}/remove", data={"next": "/innovations/"}).status_code == 302
    db.session.refresh(item)
    assert item.removed_at is not None
    assert client.get(f"/innovations/evidence/{item.id}/file").status_code == 404  # a link has no file


def test_widget_renders(app, db, innovation, operator):
    from flask import render_template_string
    from flask_login import login_user

    first = attach_pdf(innovation, operator, filename="lama.pdf")
    attach_pdf(innovation, operator, filename="baru.pdf", replaces=first)
    ev.attach_link(innovation, indicator_no=35, url="https://youtu.be/abc", title="Video kami", by=operator)
    template = (
        '{% from "innovations/_evidence.html" import evidence_widget, evidence_scripts %}'
        "{{ evidence_widget(innovation, items, indicator=indicator, can_edit=True, next_url='/innovations/') }}"
        "{{ evidence_widget(innovation, videos, indicator=35, can_edit=True) }}"
        "{{ evidence_widget(innovation, [], slot='anggaran') }}"
        "{{ evidence_scripts() }}"
    )
    with app.test_request_context():
        from innovation.auth.sessions import sign_in

        sign_in(operator, remember=False, ip_address=None, user_agent=None)  # what login_user keeps: its token
        login_user(operator)
        html = render_template_string(
            template, innovation=innovation, items=ev.current_for(innovation, indicator_no=16),
            videos=ev.current_for(innovation, indicator_no=35), indicator=innovation.rules.indicator(16),
        )
    assert "baru.pdf" in html and "Riwayat" in html and "lama.pdf" in html
    assert "Ganti" in html and "Hapus" in html
    assert 'rel="noopener noreferrer"' in html and "Video kami" in html
    assert 'name="url"' in html  # 35 allows links
    assert "Maksimal 20 MB" in html and "Maksimal 200 MB" in html
    assert "vendor/tus-js-client/tus.min.js" in html and "js/upload.js" in html
    assert "<script>" not in html
