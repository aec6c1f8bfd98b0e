"""Serving a stored blob over HTTP: the one streaming response every download view returns.

Evidence (innovations), evidence seen by a judge (judging), regional evidence (reporting) and a job's
result (jobs) differ only in who may download and under which name; the view checks the first and
passes the second. The blob is streamed chunk by chunk (never read whole), answered 304 for a
matching ETag (the sha256), typed ``nosniff``, and ``inline`` only for PDFs and images.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, abort, current_app, request

from innovation.storage import StorageError, get_storage
from innovation.storage.models import StoredFile


def content_disposition(kind: str, filename: str) -> str:
    """``attachment``/``inline`` with an ASCII fallback name and RFC 5987 ``filename*`` when needed."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c for c in ascii_name if 32 <= ord(c) < 127 and c not in '"\\;') or "berkas"
    if ascii_name == filename:
        return f'{kind}; filename="{ascii_name}"'
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def stored_file_response(stored: StoredFile, filename: str, *, what: str, inline: bool = False,
                         cacheable: bool = True) -> Response:
    """``stored`` streamed as ``filename``; ``inline`` is honoured for PDFs and images only.
    ``cacheable``: a private one-hour cache with the sha256 as ETag (evidence does not change under its
    id), else ``no-store``. A missing blob is logged (``what`` names the row) and answered 404."""
    headers = {"X-Content-Type-Options": "nosniff"}
    if cacheable:
        headers.update({"Cache-Control": "private, max-age=3600", "ETag": f'"{stored.sha256}"'})
        if stored.sha256 in request.if_none_match:
            return Response(status=304, headers=headers)
    else:
        headers["Cache-Control"] = "private, no-store"
    try:
        chunks = get_storage().open_chunks(stored.key)
    except StorageError:
        current_app.logger.error("%s: blob %s is missing", what, stored.key)
        abort(404)
    response = Response(chunks, mimetype=stored.content_type, direct_passthrough=True, headers=headers)
    response.headers["Content-Length"] = str(stored.size)
    kind = "inline" if inline and stored.is_inline_viewable else "attachment"
    response.headers["Content-Disposition"] = content_disposition(kind, filename)
    return response
