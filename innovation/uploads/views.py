"""A tus 1.0.0 server (core + creation + expiration + termination) for evidence uploads.

    OPTIONS /uploads/tus          discovery (Tus-Version, Tus-Extension, Tus-Max-Size)
    POST    /uploads/tus          create: Upload-Length + Upload-Metadata (filename, innovation_id,
                                  indicator_no or slot, replaces); checked before any byte
    HEAD    /uploads/tus/<id>     Upload-Offset / Upload-Length (no-store)
    PATCH   /uploads/tus/<id>     append at Upload-Offset (409 on mismatch; 423 while another PATCH
                                  of it runs); bytes are kept as they arrive, even when the request
                                  is cut off; the last byte turns the staged file into evidence
    DELETE  /uploads/tus/<id>     termination

Called by ``static/js/upload.js`` (tus-js-client) with the session cookie. Flask-WTF's form CSRF
check is replaced by a header check: every request except OPTIONS/HEAD must carry the page's CSRF
token in ``X-CSRFToken``. Only the user who created an upload can touch it. Errors are JSON
``{"error": "<pesan>"}``.
"""
from __future__ import annotations

from email.utils import format_datetime

from flask import Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from innovation import web
from innovation.extensions import csrf, db
from innovation.innovations.policy import EDITORS
from innovation.storage import commit_or_delete
from innovation.storage.sniffing import format_mb
from innovation.uploads import services
from innovation.uploads.blueprint import bp
from innovation.uploads.models import PendingUpload
from innovation.uploads.services import UploadError
from innovation.web import require_csrf, role_required

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,expiration,termination"
UPLOAD_ROLES = EDITORS  # who may add evidence (innovations.policy)


def _error(message: str, status: int) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    if status == 412:
        response.headers["Tus-Version"] = TUS_VERSION
    return response


@bp.errorhandler(UploadError)
def upload_error(error: UploadError):
    db.session.rollback()
    return _error(str(error), error.status)


@bp.before_request
def api_guard():
    """JSON answers instead of the login redirect / HTML CSRF page; tus version; CSRF header."""
    if not current_user.is_authenticated:
        return _error(_("Sesi Anda berakhir. Masuk lagi, lalu lanjutkan unggahan."), 401)
    if request.method == "OPTIONS":
        return None
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _error(_("Versi protokol unggah tidak didukung (perlu tus %(v)s).", v=TUS_VERSION), 412)
    if request.method not in ("HEAD", "GET"):
        try:
            require_csrf(request.headers.get("X-CSRFToken"))
        except CSRFError:
            return _error(_("Token keamanan tidak sah atau kedaluwarsa. Muat ulang halaman lalu coba lagi."), 403)
    return None


@bp.after_request
def tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


def _expires(upload: PendingUpload) -> str:
    return format_datetime(upload.expires_at, usegmt=True)


def _int_header(name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise UploadError(_("Header %(name)s harus bilangan bulat tidak negatif.", name=name), 400)
    return int(value)


@bp.route("/tus", methods=["OPTIONS"], provide_automatic_options=False)
@csrf.exempt
@role_required(*UPLOAD_ROLES)
def tus_options():
    response = Response(status=204)
    response.headers["Tus-Version"] = TUS_VERSION
    response.headers["Tus-Extension"] = TUS_EXTENSIONS
    response.headers["Tus-Max-Size"] = str(current_app.config["MAX_VIDEO_BYTES"])
    return response


@bp.route("/tus", methods=["POST"])
@csrf.exempt
@role_required(*UPLOAD_ROLES)
def tus_create():
    if request.headers.get("Upload-Defer-Length"):
        raise UploadError(_("Ukuran berkas harus diketahui sejak awal."), 400)
    length = _int_header("Upload-Length")
    if length is not None and length > current_app.config["MAX_VIDEO_BYTES"]:
        raise UploadError(_("Berkas terlalu besar: batas unggahan %(limit)s MB.",
                            limit=format_mb(current_app.config["MAX_VIDEO_BYTES"])), 413)
    metadata = services.parse_metadata(request.headers.get("Upload-Metadata"))
    upload = services.create_upload(user=web.current(), length=length, metadata=metadata)
    db.session.commit()
    response = Response(status=201)
    response.headers["Location"] = url_for("uploads.tus_upload", upload_id=upload.id)
    response.headers["Upload-Expires"] = _expires(upload)
    response.headers["Upload-Offset"] = "0"
    return response


@bp.route("/tus/<upload_id>", methods=["HEAD"])
@csrf.exempt
@role_required(*UPLOAD_ROLES)
def tus_upload(upload_id: str):
    """The offset is what the staging file holds (a request cut off mid-way still counts); 423 while
    a PATCH of it is still running (the client waits instead of sending a piece to be refused). A file
    that is complete but was never turned into evidence (its worker was stopped after the last
    byte) is finished here: a client seeing offset == length sends nothing more."""
    user = web.current()
    upload = services.get_upload(upload_id, user)
    services.check_not_busy(upload)
    if upload.completed_at is None and services.staged_size(upload) >= upload.length:
        with services.locked(upload) as fd:
            _finish_if_complete(upload, fd, user, upload_id)
    elif services.sync_offset(upload):
        db.session.commit()
    response = Response(status=200)
    response.headers["Upload-Offset"] = str(upload.offset)
    response.headers["Upload-Length"] = str(upload.length)
    if upload.completed_at is None:
        response.headers["Upload-Expires"] = _expires(upload)
    return response


def _finish_if_complete(upload: PendingUpload, fd: int, user, upload_id: str) -> None:
    """Commit the request's work; when the last byte is in, turn the file into evidence first (a
    file that will never be accepted, e.g. the wrong type, is forgotten and the refusal raised)."""
    new_key = None
    if fd >= 0 and services.is_complete(upload) and upload.completed_at is None:
        try:
            evidence = services.finish_upload(upload, user=user)
        except UploadError:
            db.session.rollback()
            services.terminate_upload(db.session.get(PendingUpload, upload_id))
            db.session.commit()
            raise
        new_key = evidence.file.key
    if new_key:
        commit_or_delete([new_key])
    else:
        db.session.commit()
    if upload.completed_at is not None:
        services.discard_after_commit(upload.id)


def _limit_body_wait():
    """A client that vanished without closing its connection (a phone leaving coverage) must not hold
    a worker thread and the upload's lock until TCP gives up hours later: reads of the body wait at
    most ``UPLOAD_READ_TIMEOUT`` seconds for the next bytes (gunicorn; the dev server has its own)."""
    sock = request.environ.get("gunicorn.socket")
    timeout = current_app.config.get("UPLOAD_READ_TIMEOUT")
    if sock is None or not timeout:
        return None, None
    previous = sock.gettimeout()
    sock.settimeout(float(timeout))
    return sock, previous


@bp.route("/tus/<upload_id>", methods=["PATCH"])
@csrf.exempt
@role_required(*UPLOAD_ROLES)
def tus_patch(upload_id: str):
    if request.mimetype != "application/offset+octet-stream":
        raise UploadError(_("Content-Type harus application/offset+octet-stream."), 415)
    offset = _int_header("Upload-Offset")
    if offset is None:
        raise UploadError(_("Header Upload-Offset wajib dikirim."), 400)
    user = web.current()
    upload = services.get_upload(upload_id, user)
    with services.locked(upload) as fd:  # brings the offset up to the staging file
        # Each PATCH may carry at most what is still missing (the browser client sends small pieces).
        request.max_content_length = max(upload.length - upload.offset, 0)
        too_long = request.content_length is not None and request.content_length > request.max_content_length
        if offset == upload.offset and upload.completed_at is None and too_long:  # a wrong offset answers 409 first
            raise UploadError(_("Data yang dikirim melebihi ukuran berkas yang diumumkan (%(n)d byte).",
                                n=upload.length), 413)
        sock, previous = _limit_body_wait()
        try:
            result = services.append_chunk(upload, fd, offset=offset, open_body=lambda: request.stream)
        finally:
            if sock is not None:
                sock.settimeout(previous)  # the worker manages the connection as before
        if result.broken:
            db.session.commit()
        else:
            _finish_if_complete(upload, fd, user, upload_id)
    response = Response(status=204)
    response.headers["Upload-Offset"] = str(upload.offset)
    if upload.completed_at is None:
        response.headers["Upload-Expires"] = _expires(upload)
    elif upload.evidence_id:
        response.headers["Upload-Evidence-Id"] = str(upload.evidence_id)
    return response


@bp.route("/tus/<upload_id>", methods=["DELETE"])
@csrf.exempt
@role_required(*UPLOAD_ROLES)
def tus_delete(upload_id: str):
    upload = services.get_upload(upload_id, current_user)
    with services.locked(upload):
        services.terminate_upload(upload)
        db.session.commit()
    return Response(status=204)
