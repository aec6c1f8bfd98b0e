"""Resumable (tus 1.0.0) uploads that end as evidence.

A ``PendingUpload`` row holds the target; its bytes sit in ``UPLOAD_STAGING_DIR/<id>`` until the
last byte arrives, then ``finish_upload`` hands the staged file to ``innovations.evidence.attach_file``,
which stores it through ``storage.intake.store_upload`` like a plain form upload.

**The staging file is the truth about what arrived.** A PATCH body is read in small pieces
(``PIECE``, 16 KB: a few seconds at 50 kbit/s) and each piece is written to the file the moment it
arrives, so whatever stops the request (the client's link drops, gunicorn's worker timeout raises
``SystemExit`` in the middle of a read, the worker is killed outright) the bytes received so far are
on disk, and the next HEAD reports them: the file's size is the offset (``sync_offset`` copies it
into the row, which is only a cache of it). Nothing has to run after the interruption for the bytes
to count; an ``fsync`` at least once a second (and on every way out, ``BaseException`` included)
bounds what a power cut could cost. The file only ever holds a prefix of the client's bytes, in
order: a body is read at the offset it announced, and never past the announced length.

A lock on the staging file (``flock``, released by the kernel when a worker dies) serialises PATCHes
of one upload (a phone on a flaky link often retries while the server still receives the old
request: that one gets 423 and retries); a read timeout on the request socket
(``UPLOAD_READ_TIMEOUT``) ends a request whose client vanished without closing the connection, so
the lock is never held by a dead link for long.

Services never commit; the views do.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from innovation.auth.models import User
from innovation.errors import DomainError
from innovation.extensions import db, utcnow
from innovation.innovations import evidence as evidence_services
from innovation.innovations.models import Evidence, Innovation
from innovation.innovations.services import InnovationError
from innovation.safe_input import clean_text
from innovation.storage import CHUNK
from innovation.storage.intake import clean_filename
from innovation.storage.sniffing import SniffError, check_declared_size
from innovation.uploads.models import PendingUpload
from innovation.web import id_in_range

ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
METADATA_MAX = 8192
MAX_OPEN_PER_USER = 20
OPPORTUNISTIC_CLEANUP = 20
PIECE = 16 * 1024  # bytes read (and written) at a time: ~2.6 s at 50 kbit/s, so little is ever in flight
SYNC_EVERY = 1.0  # seconds between fsyncs while a body streams in


class UploadError(DomainError):
    """A refused tus request; ``status`` is the HTTP status, the message is for the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# --- staging files -----------------------------------------------------------------------------

def staging_dir() -> Path:
    path = Path(current_app.config["UPLOAD_STAGING_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def staging_path(upload_id: str) -> Path:
    if not ID_PATTERN.match(upload_id or ""):
        raise UploadError(_("Unggahan tidak ditemukan."), 404)
    return staging_dir() / upload_id


def _remove_staging(upload_id: str) -> None:
    with contextlib.suppress(FileNotFoundError, UploadError):
        staging_path(upload_id).unlink()


# --- metadata ----------------------------------------------------------------------------------

def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs (the value may be absent)."""
    result: dict[str, str] = {}
    if not header:
        return result
    if len(header) > METADATA_MAX:
        raise UploadError(_("Metadata unggahan terlalu panjang (batas %(n)d karakter).", n=METADATA_MAX), 400)
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        if not parts[0] or len(parts) > 2 or not parts[0].isascii():
            raise UploadError(_("Metadata unggahan tidak sah."), 400)
        value = ""
        if len(parts) == 2:
            try:
                value = base64.b64decode(parts[1], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise UploadError(_("Metadata unggahan tidak sah."), 400)
            value = clean_text(value)  # NUL refused, controls dropped: as every form value (safe_input)
        result[parts[0]] = value
    return result


@dataclass(frozen=True)
class Destination:
    innovation: Innovation
    target: evidence_services.Target
    replaces: Evidence | None


def _destination(target: dict[str, Any], user: User) -> Destination:
    """Load and check where an upload goes; raises UploadError (403/404/409/400)."""
    try:
        innovation_id = int(target.get("innovation_id") or 0)
    except (TypeError, ValueError):
        innovation_id = 0
    innovation = db.session.get(Innovation, innovation_id) if id_in_range(Innovation, innovation_id) else None
    if innovation is None:
        raise UploadError(_("Inovasi tujuan tidak ditemukan."), 404)
    if not innovation.can_edit(user):
        raise UploadError(_("Anda tidak berhak menambah bukti pada inovasi ini."), 403)
    try:
        resolved = evidence_services.resolve_target(
            innovation, indicator_no=target.get("indicator_no"), slot=target.get("slot")
        )
        replaces = evidence_services.evidence_for_update(innovation, target.get("replaces"))
        evidence_services.check_replaces(innovation, resolved, replaces)
    except evidence_services.EvidenceError as error:
        raise UploadError(str(error), error.status) from error
    return Destination(innovation, resolved, replaces)


# --- the protocol ------------------------------------------------------------------------------

def expiry_delta() -> timedelta:
    return timedelta(hours=current_app.config["UPLOAD_EXPIRY_HOURS"])


def create_upload(*, user: User, length: int | None, metadata: dict[str, str]) -> PendingUpload:
    """Check the target, permission and size before a single byte is accepted."""
    cleanup_expired(limit=OPPORTUNISTIC_CLEANUP)
    if length is None or length < 0:
        raise UploadError(_("Ukuran berkas (Upload-Length) wajib dikirim."), 400)
    target = {
        "innovation_id": metadata.get("innovation_id"),
        "indicator_no": metadata.get("indicator_no") or None,
        "slot": metadata.get("slot") or None,
        "replaces": metadata.get("replaces") or None,
    }
    destination = _destination(target, user)
    try:
        check_declared_size(length, destination.target.types)
    except SniffError as error:
        raise UploadError(str(error), error.status) from error
    open_count = db.session.scalar(
        select(func.count()).select_from(PendingUpload)
        .where(PendingUpload.user_id == user.id, PendingUpload.completed_at.is_(None))
    )
    if open_count >= MAX_OPEN_PER_USER:
        raise UploadError(_("Terlalu banyak unggahan yang belum selesai. Selesaikan atau tunggu yang lama kedaluwarsa."), 429)
    upload = PendingUpload(
        id=secrets.token_hex(16), user_id=user.id, length=length, offset=0,
        filename=clean_filename(metadata.get("filename")),
        target={
            "innovation_id": destination.innovation.id,
            "indicator_no": destination.target.indicator_no,
            "slot": destination.target.slot,
            "replaces": destination.replaces.id if destination.replaces is not None else None,
        },
        expires_at=utcnow() + expiry_delta(),
    )
    staging_path(upload.id).touch(exist_ok=False)
    db.session.add(upload)
    db.session.flush()
    return upload


def get_upload(upload_id: str, user: User) -> PendingUpload:
    """The caller's own upload (403 for someone else's, 404 unknown, 410 expired)."""
    if not ID_PATTERN.match(upload_id or ""):
        raise UploadError(_("Unggahan tidak ditemukan."), 404)
    upload = db.session.get(PendingUpload, upload_id)
    if upload is None:
        raise UploadError(_("Unggahan tidak ditemukan. Mulai unggah ulang."), 404)
    if upload.user_id != user.id:
        raise UploadError(_("Unggahan ini milik pengguna lain."), 403)
    if upload.completed_at is None and upload.expires_at <= utcnow():
        raise UploadError(_("Unggahan sudah kedaluwarsa. Mulai unggah ulang."), 410)
    return upload


@contextlib.contextmanager
def locked(upload: PendingUpload) -> Iterator[int]:
    """Hold an exclusive lock on the staging file (a file descriptor opened for writing).
    A second PATCH of the same upload while one is running gets 423 (tus clients retry)."""
    path = staging_path(upload.id)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        if upload.completed_at is not None:
            fd = None
        else:
            raise UploadError(_("Berkas sementara unggahan hilang. Mulai unggah ulang."), 410)
    if fd is None:
        yield -1
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadError(_("Unggahan ini sedang diproses. Coba lagi sebentar."), 423)
        # The row may have moved on while we waited for the lock; the file may hold more than it says
        # (a request cut off by a worker timeout or kill never got to update the row).
        db.session.refresh(upload)
        sync_offset(upload, fd)
        yield fd
    finally:
        os.close(fd)


def staged_size(upload: PendingUpload, fd: int | None = None) -> int:
    """How many bytes of the upload have arrived: the staging file's size (never past the length)."""
    if upload.completed_at is not None:
        return upload.length
    try:
        size = os.fstat(fd).st_size if fd is not None and fd >= 0 else staging_path(upload.id).stat().st_size
    except FileNotFoundError:
        raise UploadError(_("Berkas sementara unggahan hilang. Mulai unggah ulang."), 410)
    return min(size, upload.length)


def sync_offset(upload: PendingUpload, fd: int | None = None) -> bool:
    """Bring the row's offset up to what the staging file holds; True when it moved (commit it)."""
    size = staged_size(upload, fd)
    if size == upload.offset:
        return False
    upload.offset = size
    upload.expires_at = utcnow() + expiry_delta()  # it was receiving bytes: not abandoned
    return True


def check_not_busy(upload: PendingUpload) -> None:
    """423 while another request holds the upload's lock (an old PATCH still receiving). Asked by
    HEAD, which a resuming client sends first: it then waits and retries instead of sending a whole
    piece that a locked PATCH would refuse (and a kept-alive connection would carry to the end)."""
    if upload.completed_at is not None:
        return
    try:
        fd = os.open(staging_path(upload.id), os.O_RDONLY)
    except FileNotFoundError:
        return  # staged_size says what is wrong
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadError(_("Unggahan ini sedang diproses. Coba lagi sebentar."), 423)
    finally:
        os.close(fd)  # closing drops the shared lock at once


@dataclass
class AppendResult:
    written: int
    broken: bool  # the body ended early (a dropped connection): keep what arrived


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        done = os.write(fd, view)
        view = view[done:]


def append_chunk(
    upload: PendingUpload, fd: int, *, offset: int, open_body: Callable[[], BinaryIO]
) -> AppendResult:
    """Append the body of a PATCH at ``offset`` (must equal the confirmed offset), ``PIECE`` bytes at
    a time, each written as soon as it is read: what arrived stays in the staging file whatever ends
    the request (a dropped connection, a read timeout, the worker's ``SystemExit``), and tus resumes
    from there. ``open_body`` is called only once the offset is known to be right (opening a request
    body that is too big raises 413, which must not hide a 409)."""
    if upload.completed_at is not None:
        return AppendResult(0, False)
    if offset != upload.offset:
        raise UploadError(_("Posisi unggahan tidak cocok (server: %(server)d, dikirim: %(sent)d). "
                            "Unggahan dilanjutkan dari posisi server.", server=upload.offset, sent=offset), 409)
    start = upload.offset
    os.lseek(fd, start, os.SEEK_SET)
    remaining = upload.length - start
    written, broken = 0, False
    synced_at = time.monotonic()
    try:
        stream = open_body()
        # Read exactly what is still missing and no further: under gunicorn the body stream is
        # capped at request.max_content_length, and a read past it is itself an oversized request.
        while written < remaining:
            chunk = stream.read(min(PIECE, remaining - written))
            if not chunk:
                break
            _write_all(fd, chunk)
            written += len(chunk)
            if time.monotonic() - synced_at >= SYNC_EVERY:
                os.fsync(fd)
                synced_at = time.monotonic()
    except RequestEntityTooLarge:
        os.ftruncate(fd, start)  # a client that sends too much is not trusted with any of it
        raise UploadError(_("Data yang dikirim melebihi ukuran berkas yang diumumkan."), 413)
    except UploadError:
        os.ftruncate(fd, start)  # a client that sends too much is not trusted with any of it
        raise
    except Exception:  # noqa: BLE001 - a dropped or broken request body, a read timeout
        current_app.logger.info("tus upload %s: body ended early after %d bytes", upload.id, written)
        broken = True
    except BaseException:
        # SystemExit from gunicorn's worker timeout (or KeyboardInterrupt): the bytes written so far
        # are already in the file, which is what the next HEAD reports; make them durable and go.
        with contextlib.suppress(OSError):
            os.fsync(fd)
        raise
    os.fsync(fd)
    sync_offset(upload, fd)
    return AppendResult(written, broken)


def is_complete(upload: PendingUpload) -> bool:
    return upload.offset >= upload.length


def finish_upload(upload: PendingUpload, *, user: User) -> Evidence:
    """Turn a complete staged file into evidence (idempotent: a finished upload returns its row)."""
    if upload.completed_at is not None:
        evidence = db.session.get(Evidence, upload.evidence_id) if upload.evidence_id else None
        if evidence is None:
            raise UploadError(_("Unggahan sudah selesai sebelumnya."), 409)
        return evidence
    destination = _destination(upload.target, user)
    try:
        with open(staging_path(upload.id), "rb") as staged:
            evidence = evidence_services.attach_file(
                destination.innovation, indicator_no=destination.target.indicator_no, slot=destination.target.slot,
                stream=staged, filename=upload.filename, by=user, replaces=destination.replaces,
            )
    except evidence_services.EvidenceError as error:
        raise UploadError(str(error), error.status) from error
    except InnovationError as error:
        raise UploadError(str(error), 400) from error
    upload.completed_at = utcnow()
    upload.evidence_id = evidence.id
    db.session.flush()
    return evidence


def terminate_upload(upload: PendingUpload) -> None:
    """tus termination: forget the upload and its staged bytes (a finished one keeps its evidence)."""
    db.session.delete(upload)
    db.session.flush()
    _remove_staging(upload.id)


def discard_after_commit(upload_id: str) -> None:
    """The staged bytes are not needed once the evidence is committed."""
    _remove_staging(upload_id)


def cleanup_expired(*, limit: int | None = None, now=None) -> int:
    """Delete expired unfinished uploads (rows and staging files) and expired finished rows.
    ``limit`` keeps the opportunistic run (on each new upload) cheap; the CLI runs it all, and
    also removes staging files that have no row any more."""
    now = now or utcnow()
    query = select(PendingUpload).where(PendingUpload.expires_at < now).order_by(PendingUpload.expires_at)
    if limit is not None:
        query = query.limit(limit)
    count = 0
    for upload in db.session.scalars(query).all():
        db.session.delete(upload)
        _remove_staging(upload.id)
        count += 1
    db.session.flush()
    if limit is None:
        known = set(db.session.scalars(select(PendingUpload.id)))
        cutoff = (now - expiry_delta()).timestamp()
        for path in staging_dir().iterdir():
            if path.is_file() and ID_PATTERN.match(path.name) and path.name not in known \
                    and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                count += 1
    return count
