"""Taking an uploaded file into storage: the one path every upload goes through.

``store_upload(stream, filename, allowed)`` spools a stream that cannot seek (memory up to 1 MB,
then disk, refused past the target's limit), sniffs the type from the bytes and checks it against
``allowed`` and its size limit (``sniffing.check_upload``), saves the blob under a new random key
(hashed by the backend on the way, in 1 MB chunks: memory stays flat) and yields the new
``StoredFile``. The caller adds its own rows and the audit event inside the ``with`` block; if
anything fails there, or before, the blob is deleted again: no file without its row. The view then
commits with ``storage.commit_or_delete([key])``, so a failed commit deletes it too, and
``flask uploads gc`` removes what a crash leaves behind.

Used by innovation evidence (``innovations.evidence.attach_file``, also at the end of a resumable
tus upload) and by regional evidence (``reporting.regional.attach_regional_file``).
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from innovation.storage import CHUNK, get_storage, new_key
from innovation.storage.models import StoredFile
from innovation.storage.sniffing import FileType, SniffError, check_upload, format_mb, max_bytes_for, types_label

MAX_NAME_LENGTH = 255
SPOOL_IN_MEMORY = CHUNK
# C0 controls, DEL, and the bidirectional controls that make a name display reordered ("fdp.exe" shown as
# "exe.pdf"): U+061C, U+200E/F, U+202A-202E, U+2066-2069.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


@contextmanager
def store_upload(stream: BinaryIO, filename: str | None, allowed: Sequence[str]) -> Iterator[StoredFile]:
    """Store an upload as a blob and yield its ``StoredFile`` (not yet in the session).

    Raises ``SniffError`` (with the HTTP ``status``) for a file that may not be stored: too big for
    ``allowed`` (413), empty, of a type not in ``allowed`` (415), or changed while it was saved (400).
    """
    source = stream if is_seekable(stream) else None
    try:
        if source is None:
            limit = max_bytes_for(allowed)
            try:
                source = spool_upload(stream, limit)
            except SniffError as error:
                raise SniffError(_("Berkas terlalu besar. Batas untuk bukti ini %(limit)s MB (%(types)s).",
                                   limit=format_mb(limit), types=types_label(allowed)), 413) from error
        size = source.seek(0, os.SEEK_END)
        source.seek(0)
        file_type = check_upload(source, size, allowed)
        storage = get_storage()
        key = new_key()
        try:
            blob = storage.save(key, source)
            if blob.size != size:
                raise SniffError(_("Berkas berubah saat disimpan. Silakan unggah ulang."), 400)
            yield StoredFile(
                key=key, original_name=clean_filename(filename, file_type), content_type=file_type.content_type,
                extension=file_type.extension, size=blob.size, sha256=blob.sha256,
            )
        except BaseException:
            storage.delete(key)  # no file without its row
            raise
    finally:
        if source is not None and source is not stream:
            source.close()


def spool_upload(stream: BinaryIO, limit: int) -> BinaryIO:
    """Copy a non-seekable stream into a temporary file (memory up to 1 MB, then disk); the caller
    closes it. Raises ``SniffError`` (413) past ``limit``."""
    staging = current_app.config.get("UPLOAD_STAGING_DIR")
    if staging:
        os.makedirs(staging, exist_ok=True)
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, dir=staging or None)
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise SniffError("too large", 413)
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def is_seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def clean_filename(filename: str | None, file_type: FileType | None = None) -> str:
    """A display/download name: no path, no control or bidirectional characters, at most 255 characters, and
    ending in the sniffed type's extension (a PDF called ``scan.png`` is offered as ``scan.pdf``)."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = CONTROL_CHARACTERS.sub("", name)
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if file_type is not None:
        same = ext.lower() == file_type.extension or (file_type.extension == "jpg" and ext.lower() in ("jpeg", "jpe", "jfif"))
        if not same:
            stem = name if ext.lower() not in ("pdf", "jpg", "jpeg", "png", "ppt", "pptx", "mp4") else stem
            ext = file_type.extension
    stem = stem or _("berkas")
    suffix = f".{ext}" if ext else ""
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix
