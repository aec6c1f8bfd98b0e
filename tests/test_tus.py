"""The tus 1.0.0 server: creation, offsets, resume, permissions, expiry, completion, memory."""
from __future__ import annotations

import base64
import hashlib
import io
import re
import tracemalloc
from datetime import timedelta

import pytest
from sqlalchemy import select

import evidence_files as files
from innovation.extensions import utcnow
from innovation.innovations.models import Evidence
from innovation.storage import get_storage
from innovation.uploads import services
from innovation.uploads.models import PendingUpload
from innovation.web import Role

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


def metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


def create(client, innovation, length, filename="bukti.pdf", **target):
    target = target or {"indicator_no": 16}
    return client.post("/uploads/tus", headers={
        **TUS, "Upload-Length": str(length),
        "Upload-Metadata": metadata(filename=filename, innovation_id=innovation.id, **target),
    })


def patch(client, location, offset, data, **kwargs):
    return client.patch(location, data=data, content_type=OCTETS,
                        headers={**TUS, "Upload-Offset": str(offset)}, **kwargs)


def upload_id(location):
    return location.rsplit("/", 1)[-1]


@pytest.fixture
def operator(make_user):
    return make_user(role=Role.OPERATOR)


@pytest.fixture
def innovation(db, make_innovation, operator):
    innovation = make_innovation(opd=operator.opd)
    db.session.commit()  # a view's rollback after a refused request must not take the fixture with it
    return innovation


@pytest.fixture
def logged_in(client, login, operator):
    login(operator)
    return client


def test_options_discovery(logged_in, app):
    response = logged_in.options("/uploads/tus")
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "expiration", "termination"}
    assert response.headers["Tus-Max-Size"] == str(app.config["MAX_VIDEO_BYTES"])
    assert response.headers["Tus-Resumable"] == "1.0.0"


def test_full_upload_in_chunks_becomes_evidence(logged_in, db, innovation, app):
    data = files.pdf() + b"%" + bytes(range(256)) * 40
    created = create(logged_in, innovation, len(data), filename="SK Inovasi.pdf")
    assert created.status_code == 201, created.json
    location = created.headers["Location"]
    assert location.startswith("/uploads/tus/") and "Upload-Expires" in created.headers
    assert created.headers["Tus-Resumable"] == "1.0.0"

    head = logged_in.head(location, headers=TUS)
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == "0" and head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Cache-Control"] == "no-store"

    offset = 0
    for size in (1000, 3000, len(data)):
        piece = data[offset:offset + size]
        response = patch(logged_in, location, offset, piece)
        assert response.status_code == 204, response.json
        offset += len(piece)
        assert response.headers["Upload-Offset"] == str(offset)
        if offset == len(data):
            break

    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence is not None and evidence.indicator_no == 16
    assert evidence.file.original_name == "SK Inovasi.pdf"
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(b"".join(get_storage().open_chunks(evidence.file.key))).hexdigest() == evidence.file.sha256
    pending = db.session.get(PendingUpload, upload_id(location))
    assert pending.completed_at is not None and pending.evidence_id == evidence.id
    assert not services.staging_path(pending.id).exists()

    # Idempotent: the client repeating the final PATCH creates nothing new.
    again = patch(logged_in, location, len(data), b"")
    assert again.status_code == 204 and again.headers["Upload-Offset"] == str(len(data))
    count = len(db.session.scalars(select(Evidence).where(Evidence.innovation_id == innovation.id)).all())
    assert count == 1


def test_resume_after_a_broken_patch(logged_in, db, innovation):
    data = files.pdf() + bytes(200_000)
    location = create(logged_in, innovation, len(data)).headers["Location"]

    class DroppedConnection(io.RawIOBase):
        """Delivers 70 000 bytes of a PATCH announced as the whole file, then the line drops."""

        def __init__(self):
            self.inner = io.BytesIO(data[:70_000])

        def readable(self):
            return True

        def seekable(self):
            return True

        def seek(self, position, whence=0):
            return self.inner.seek(position, whence)

        def tell(self):
            return self.inner.tell()

        def readinto(self, buffer):
            chunk = self.inner.read(len(buffer))
            if not chunk:
                raise ConnectionResetError("koneksi terputus")
            buffer[: len(chunk)] = chunk
            return len(chunk)

    logged_in.patch(location, input_stream=DroppedConnection(), content_length=len(data), content_type=OCTETS,
                    headers={**TUS, "Upload-Offset": "0"})
    head = logged_in.head(location, headers=TUS)
    assert head.headers["Upload-Offset"] == "70000"  # what arrived is kept
    # A resumed PATCH from the old offset is refused, from the server's offset accepted.
    assert patch(logged_in, location, 0, data).status_code == 409
    response = patch(logged_in, location, 70_000, data[70_000:])
    assert response.status_code == 204, response.json
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()


def test_wrong_offset_and_content_type(logged_in, db, innovation):
    location = create(logged_in, innovation, 5000).headers["Location"]
    response = patch(logged_in, location, 10, b"x" * 10)
    assert response.status_code == 409 and "error" in response.json
    wrong_type = logged_in.patch(location, data=b"x", content_type="application/octet-stream",
                                 headers={**TUS, "Upload-Offset": "0"})
    assert wrong_type.status_code == 415


def test_more_bytes_than_announced_is_refused(logged_in, db, innovation):
    data = files.pdf()
    location = create(logged_in, innovation, len(data)).headers["Location"]
    response = patch(logged_in, location, 0, data + b"extra")
    assert response.status_code == 413
    assert logged_in.head(location, headers=TUS).headers["Upload-Offset"] == "0"


def test_creation_checks_target_permission_and_size(logged_in, db, innovation, make_innovation, app):
    too_big = create(logged_in, innovation, app.config["MAX_DOCUMENT_BYTES"] + 1)
    assert too_big.status_code == 413 and "20 MB" in too_big.json["error"]
    assert create(logged_in, innovation, 100, indicator_no=99).status_code == 404
    assert create(logged_in, innovation, 100, slot="tidak-ada").status_code == 404
    other_opd = make_innovation()
    refused = create(logged_in, other_opd, 100)
    assert refused.status_code == 403 and "error" in refused.json
    empty = create(logged_in, innovation, 0)
    assert empty.status_code == 400, empty.json
    # A video may be bigger than a document: indicator 35 takes up to the video limit.
    assert create(logged_in, innovation, app.config["MAX_DOCUMENT_BYTES"] + 1, filename="v.mp4", indicator_no=35).status_code == 201
    bad_meta = logged_in.post("/uploads/tus", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": "filename !!!"})
    assert bad_meta.status_code == 400
    no_length = logged_in.post("/uploads/tus", headers={**TUS, "Upload-Metadata": metadata(innovation_id=innovation.id, indicator_no=16)})
    assert no_length.status_code == 400
    for impossible in (2**31, 2**63):  # past the id column's range: not found, not a database error
        far = logged_in.post("/uploads/tus", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": metadata(
            filename="a.pdf", innovation_id=impossible, indicator_no=16)})
        assert far.status_code == 404, far.json


def test_wrong_type_at_the_end_is_refused_and_forgotten(logged_in, db, innovation):
    data = files.png()
    location = create(logged_in, innovation, len(data), filename="foto.pdf").headers["Location"]
    response = patch(logged_in, location, 0, data)
    assert response.status_code == 415
    assert "PNG" in response.json["error"] and "PDF" in response.json["error"]
    assert db.session.get(PendingUpload, upload_id(location)) is None
    assert not services.staging_path(upload_id(location)).exists()
    assert logged_in.head(location, headers=TUS).status_code == 404


def test_replace_through_tus_keeps_history(logged_in, db, innovation):
    first = files.pdf()
    location = create(logged_in, innovation, len(first)).headers["Location"]
    patch(logged_in, location, 0, first)
    old = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    second = files.pdf() + b"%v2"
    location = create(logged_in, innovation, len(second), indicator_no=16, replaces=old.id).headers["Location"]
    assert patch(logged_in, location, 0, second).status_code == 204
    db.session.refresh(old)
    assert old.superseded_at is not None
    new = db.session.scalar(select(Evidence).where(Evidence.replaces_id == old.id))
    assert new.is_current


def test_other_user_gets_403(client, login, db, innovation, operator, make_user):
    login(operator)
    location = create(client, innovation, 5000).headers["Location"]
    client.post("/auth/logout")
    colleague = make_user(role=Role.OPERATOR, opd=operator.opd)  # even from the same OPD
    login(colleague)
    assert client.head(location, headers=TUS).status_code == 403
    assert patch(client, location, 0, b"x").status_code == 403
    assert client.delete(location, headers=TUS).status_code == 403


def test_anonymous_verifier_and_protocol_version(client, login, db, innovation, make_user):
    response = client.post("/uploads/tus", headers={**TUS, "Upload-Length": "10"})
    assert response.status_code == 401 and "error" in response.json
    login(make_user(role=Role.VERIFIER))
    assert create(client, innovation, 10).status_code == 403
    no_version = client.post("/uploads/tus", headers={"Upload-Length": "10"})
    assert no_version.status_code == 412 and no_version.headers["Tus-Version"] == "1.0.0"


def test_csrf_header_required(client, login, app, db, innovation, operator, monkeypatch):
    login(operator)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/auth/password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    without = create(client, innovation, 100)
    assert without.status_code == 403 and "Token" in without.json["error"]
    headers = {**TUS, "Upload-Length": "100", "X-CSRFToken": token,
               "Upload-Metadata": metadata(filename="a.pdf", innovation_id=innovation.id, indicator_no=16)}
    created = client.post("/uploads/tus", headers=headers)
    assert created.status_code == 201
    assert client.head(created.headers["Location"], headers=TUS).status_code == 200  # HEAD is safe


def test_termination(logged_in, db, innovation):
    location = create(logged_in, innovation, 5000).headers["Location"]
    patch(logged_in, location, 0, b"%PDF-" + bytes(100))
    assert logged_in.delete(location, headers=TUS).status_code == 204
    assert not services.staging_path(upload_id(location)).exists()
    assert logged_in.head(location, headers=TUS).status_code == 404


def test_expiry_cleanup(logged_in, app, db, innovation):
    location = create(logged_in, innovation, 5000).headers["Location"]
    patch(logged_in, location, 0, b"%PDF-" + bytes(100))
    pending = db.session.get(PendingUpload, upload_id(location))
    pending.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert logged_in.head(location, headers=TUS).status_code == 410
    with app.test_request_context():
        removed = services.cleanup_expired()
    assert removed >= 1
    assert db.session.get(PendingUpload, upload_id(location)) is None
    assert not services.staging_path(upload_id(location)).exists()


def test_cleanup_cli_and_opportunistic_cleanup(logged_in, app, db, innovation):
    first = upload_id(create(logged_in, innovation, 5000).headers["Location"])
    db.session.get(PendingUpload, first).expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    create(logged_in, innovation, 5000)  # a new upload sweeps expired ones on the way
    assert db.session.get(PendingUpload, first) is None
    result = app.test_cli_runner().invoke(args=["uploads", "cleanup"])
    assert result.exit_code == 0 and "Removed" in result.output


def test_big_upload_streams_with_flat_memory(logged_in, db, innovation, tmp_path):
    """~50 MB through one PATCH: the server must never hold the file in memory."""
    size = 50 * 1024 * 1024
    path = tmp_path / "video.mp4"
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = files.mp4_header()
        body_size = size - len(head)
        out.write(head)
        digest.update(head)
        mdat = (body_size).to_bytes(4, "big") + b"mdat"
        out.write(mdat)
        digest.update(mdat)
        block = bytes(range(256)) * 4096
        remaining = body_size - len(mdat)
        while remaining:
            piece = block[:remaining]
            out.write(piece)
            digest.update(piece)
            remaining -= len(piece)
    location = create(logged_in, innovation, size, filename="video inovasi.mp4", indicator_no=35).headers["Location"]
    tracemalloc.start()
    try:
        with open(path, "rb") as stream:
            response = logged_in.patch(location, input_stream=stream, content_length=size, content_type=OCTETS,
                                       headers={**TUS, "Upload-Offset": "0"})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 204, response.get_data(as_text=True)
    print(f"tracemalloc peak for a {size // (1024 * 1024)} MB tus upload: {peak / (1024 * 1024):.1f} MB")
    assert peak < 16 * 1024 * 1024
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence.file.extension == "mp4" and evidence.file.size == size
    assert evidence.file.sha256 == digest.hexdigest()


# --- received bytes are never lost (issue 12) ----------------------------------------------------


class _CutBody(io.RawIOBase):
    """A PATCH body announced as all of ``data`` that delivers ``data[:cut]`` and then ends the way
    ``error`` says: a worker timeout (gunicorn raises SystemExit in the middle of the read), a reset
    link (ConnectionResetError). Seeking only tells werkzeug's test client the announced length."""

    def __init__(self, data: bytes, cut: int, error: BaseException):
        self.inner = io.BytesIO(data[:cut])
        self.length = len(data)
        self.error = error
        self.position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, position, whence=0):
        self.position = self.length if whence == 2 else position
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        chunk = self.inner.read(len(buffer))
        if not chunk:
            raise self.error
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _cut_patch(client, location, offset, data, cut, error):
    return client.patch(location, input_stream=_CutBody(data, cut, error), content_length=len(data),
                        content_type=OCTETS, headers={**TUS, "Upload-Offset": str(offset)})


def test_worker_timeout_mid_patch_keeps_every_byte_received(logged_in, db, innovation):
    """gunicorn's worker timeout raises SystemExit inside the body read: what arrived before it
    (here 50 000 bytes, three small pieces and a part) is kept, and the upload goes on from there."""
    data = files.pdf() + bytes(range(256)) * 800
    location = create(logged_in, innovation, len(data)).headers["Location"]
    with pytest.raises(SystemExit):
        _cut_patch(logged_in, location, 0, data, 50_000, SystemExit(1))
    db.session.rollback()
    head = logged_in.head(location, headers=TUS)
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == "50000"
    assert db.session.get(PendingUpload, upload_id(location)).offset == 50_000  # the row caught up
    # The lock died with the request: the next PATCH is accepted, not 423, not 500.
    response = patch(logged_in, location, 50_000, data[50_000:])
    assert response.status_code == 204, response.json
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()


def test_two_resets_and_a_timeout_resend_nothing(logged_in, db, innovation):
    data = files.pdf() + bytes(range(256)) * 600
    location = create(logged_in, innovation, len(data)).headers["Location"]
    offset = 0
    for cut, error in ((30_001, ConnectionResetError("reset")), (20_000, SystemExit(1)),
                       (17, ConnectionResetError("reset"))):
        if isinstance(error, SystemExit):
            with pytest.raises(SystemExit):
                _cut_patch(logged_in, location, offset, data[offset:], cut, error)
            db.session.rollback()
        else:
            assert _cut_patch(logged_in, location, offset, data[offset:], cut, error).status_code == 204
        confirmed = int(logged_in.head(location, headers=TUS).headers["Upload-Offset"])
        assert confirmed == offset + cut  # every received byte counts: nothing is sent twice
        offset = confirmed
    assert patch(logged_in, location, offset, data[offset:]).status_code == 204
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()


def test_bytes_of_a_killed_worker_count(logged_in, db, innovation):
    """A worker killed outright (SIGKILL) runs no code at all: the bytes it wrote before are still
    the offset, and an old offset from the client is answered 409 with the server's one."""
    data = files.pdf() + bytes(40_000)
    location = create(logged_in, innovation, len(data)).headers["Location"]
    staged = services.staging_path(upload_id(location))
    staged.write_bytes(data[:12_345])  # what the killed worker had written; the row still says 0
    stale = patch(logged_in, location, 0, data)
    assert stale.status_code == 409 and "12345" in stale.json["error"]
    assert logged_in.head(location, headers=TUS).headers["Upload-Offset"] == "12345"
    assert patch(logged_in, location, 12_345, data[12_345:]).status_code == 204
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()


def test_complete_file_of_a_stopped_worker_is_finished_on_head(logged_in, db, innovation):
    """The worker stopped after the last byte but before the evidence was made: a client seeing
    offset == length sends no PATCH, so HEAD finishes it."""
    data = files.pdf()
    location = create(logged_in, innovation, len(data)).headers["Location"]
    services.staging_path(upload_id(location)).write_bytes(data)
    head = logged_in.head(location, headers=TUS)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(len(data))
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence is not None and evidence.file.sha256 == hashlib.sha256(data).hexdigest()
    pending = db.session.get(PendingUpload, upload_id(location))
    assert pending.completed_at is not None and pending.evidence_id == evidence.id
    assert logged_in.head(location, headers=TUS).status_code == 200  # and again: nothing new
    assert len(db.session.scalars(select(Evidence).where(Evidence.innovation_id == innovation.id)).all()) == 1


def test_patch_while_another_holds_the_lock_is_423_then_accepted(logged_in, db, innovation):
    """The reloaded page resumes while the old request is still being received: 423 (the client
    retries), and once the old request is gone the PATCH goes through from the server's offset."""
    import fcntl
    import os

    data = files.pdf() + bytes(30_000)
    location = create(logged_in, innovation, len(data)).headers["Location"]
    staged = services.staging_path(upload_id(location))
    fd = os.open(staged, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, data[:5000])  # the old request is still writing
        busy = patch(logged_in, location, 0, data)
        assert busy.status_code == 423 and "error" in busy.json
        # The resuming client asks HEAD first: 423 too, so it waits instead of sending a piece.
        assert logged_in.head(location, headers=TUS).status_code == 423
    finally:
        os.close(fd)
    assert logged_in.head(location, headers=TUS).headers["Upload-Offset"] == "5000"
    response = patch(logged_in, location, 5000, data[5000:])
    assert response.status_code == 204, response.json
    evidence = db.session.scalar(select(Evidence).where(Evidence.innovation_id == innovation.id))
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()


def test_body_is_read_in_small_pieces(logged_in, db, innovation, monkeypatch):
    """Each piece is written before the next is read, so a cut-off loses nothing that was read."""
    data = files.pdf() + bytes(100_000)
    location = create(logged_in, innovation, len(data)).headers["Location"]
    reads = []

    class Recording(io.RawIOBase):
        def __init__(self):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return True

        def seek(self, position, whence=0):
            return self.inner.seek(position, whence)

        def tell(self):
            return self.inner.tell()

        def readinto(self, buffer):
            staged_now = services.staging_path(upload_id(location)).stat().st_size
            reads.append((len(buffer), staged_now))
            chunk = self.inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    response = logged_in.patch(location, input_stream=Recording(), content_length=len(data), content_type=OCTETS,
                               headers={**TUS, "Upload-Offset": "0"})
    assert response.status_code == 204
    assert len(reads) >= len(data) // services.PIECE
    assert max(size for size, _staged in reads) <= max(services.PIECE, 65536)
    # by the time a read happens, everything read before it is in the staging file
    assert [staged for _size, staged in reads] == sorted(staged for _size, staged in reads)
    assert reads[-1][1] >= len(data) - max(services.PIECE, 65536)


def test_body_reads_wait_at_most_the_read_timeout(logged_in, db, innovation, app):
    """Under gunicorn the PATCH's socket gets UPLOAD_READ_TIMEOUT while the body is read (a vanished
    phone must not hold the thread and the lock for hours), and its own timeout back afterwards."""
    calls = []

    class Socket:
        timeout = None

        def gettimeout(self):
            return self.timeout

        def settimeout(self, value):
            calls.append(value)
            self.timeout = value

    data = files.pdf()
    location = create(logged_in, innovation, len(data)).headers["Location"]
    response = logged_in.patch(location, data=data, content_type=OCTETS, environ_overrides={"gunicorn.socket": Socket()},
                               headers={**TUS, "Upload-Offset": "0"})
    assert response.status_code == 204
    assert calls == [app.config["UPLOAD_READ_TIMEOUT"], None]
    # A read that times out ends the request like a dropped link: what came is kept.
    location = create(logged_in, innovation, 50_000).headers["Location"]
    assert _cut_patch(logged_in, location, 0, data + bytes(50_000 - len(data)), 20_000,
                      TimeoutError("timed out")).status_code == 204
    assert logged_in.head(location, headers=TUS).headers["Upload-Offset"] == "20000"
