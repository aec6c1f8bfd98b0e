"""Decide what an uploaded file really is from its bytes, never from its name.

``sniff(stream)`` returns a ``FileType`` (canonical extension + content type) or ``None``.
``check_upload(...)`` applies a target's rules (allowed types, size limit) and raises
``SniffError`` with an Indonesian message naming the allowed types and the limit in MB.

``puremagic`` recognises PDF, JPEG and PNG by their signatures. What it cannot tell is written
here: an MP4 is an ``ftyp`` box whose brands include an MP4/ISO brand (QuickTime ``qt`` alone is
not enough); a PPTX is a ZIP whose central directory lists ``ppt/presentation.xml`` (read through
``zipfile``, which seeks to the directory and never reads the whole file); a PPT is an OLE2
compound file whose root holds a ``PowerPoint Document`` stream (a Word or Excel file has the same
outer signature), read through ``olefile``.

The stream must be seekable (a staging file, or Werkzeug's spooled upload). It is left at 0.
"""
from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import olefile
import puremagic
from flask import current_app
from flask_babel import gettext as _

from innovation.config import MB
from innovation.errors import DomainError

HEADER_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    extension: str  # canonical, without the dot: pdf, jpg, png, ppt, pptx, mp4
    content_type: str
    label: str

    @property
    def is_video(self) -> bool:
        return self.extension in VIDEO_TYPES


TYPES: dict[str, FileType] = {
    "pdf": FileType("pdf", "application/pdf", "PDF"),
    "jpg": FileType("jpg", "image/jpeg", "JPG"),
    "png": FileType("png", "image/png", "PNG"),
    "ppt": FileType("ppt", "application/vnd.ms-powerpoint", "PPT"),
    "pptx": FileType(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"
    ),
    "mp4": FileType("mp4", "video/mp4", "MP4"),
}
VIDEO_TYPES = frozenset({"mp4"})

# puremagic's extensions for the types it recognises well enough on its own.
_PUREMAGIC = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".jfif": "jpg", ".jpe": "jpg", ".png": "png"}

MP4_BRANDS = frozenset({
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash",
    b"mmp4", b"msnv", b"3gp4", b"3gp5", b"3gp6", b"3g2a",
})
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


class SniffError(DomainError):
    """An upload that may not be stored; the message is for the user, ``status`` the HTTP status."""

    def __init__(self, message: str, status: int = 415):
        super().__init__(message, "file")
        self.status = status


# --- detection ---------------------------------------------------------------------------------

def sniff(stream: BinaryIO) -> FileType | None:
    """The real type of a seekable stream, or ``None`` if it is none of the types we accept."""
    stream.seek(0)
    header = stream.read(HEADER_BYTES)
    stream.seek(0)
    if not header:
        return None
    try:
        if header.startswith(OLE2_SIGNATURE):
            return TYPES["ppt"] if _ole_has_stream(stream, "PowerPoint Document") else None
        if header.startswith(ZIP_SIGNATURE):
            return TYPES["pptx"] if _zip_is_pptx(stream) else None
        if _is_mp4(header):
            return TYPES["mp4"]
        return _puremagic_type(header)
    finally:
        stream.seek(0)


def _puremagic_type(header: bytes) -> FileType | None:
    try:
        matches = puremagic.magic_string(header)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        kind = _PUREMAGIC.get(match.extension)
        if kind is not None and match.offset == 0:
            return TYPES[kind]
    return None


def _is_mp4(header: bytes) -> bool:
    """An ISO base media file starting with an ``ftyp`` box naming an MP4/ISO brand."""
    if len(header) < 16 or header[4:8] != b"ftyp":
        return False
    box_size = struct.unpack(">I", header[0:4])[0]
    if box_size < 16 or box_size > min(len(header), 4096):
        return False
    brands = [header[8:12]] + [header[i:i + 4] for i in range(16, box_size - 3, 4)]
    return any(brand in MP4_BRANDS for brand in brands)


def _zip_is_pptx(stream: BinaryIO) -> bool:
    """A ZIP (Office Open XML) package holding a presentation. Reads only the central directory."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return "ppt/presentation.xml" in names and "[Content_Types].xml" in names


def _ole_has_stream(stream: BinaryIO, wanted: str) -> bool:
    """An OLE2 compound file whose root storage holds a stream named ``wanted``, read by ``olefile``
    (header, FAT and directory only: it seeks, and never reads the streams themselves)."""
    try:
        stream.seek(0)
        ole = olefile.OleFileIO(stream)
    except Exception:  # noqa: BLE001 - whatever a hostile or broken file makes the parser raise: not a PPT
        return False
    try:
        return ole.get_type(wanted) == olefile.STGTY_STREAM
    except Exception:  # noqa: BLE001
        return False
    finally:
        ole.close()  # leaves ``stream`` open (olefile closes only files it opened itself)


# --- rules -------------------------------------------------------------------------------------

def limit_bytes(extension: str) -> int:
    config = current_app.config
    return config["MAX_VIDEO_BYTES"] if extension in VIDEO_TYPES else config["MAX_DOCUMENT_BYTES"]


def max_bytes_for(allowed: tuple[str, ...] | list[str]) -> int:
    """The biggest file a target may receive (its largest type's limit)."""
    return max((limit_bytes(ext) for ext in allowed), default=current_app.config["MAX_DOCUMENT_BYTES"])


def format_mb(size: int) -> str:
    value = size / MB
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")


def types_label(allowed: tuple[str, ...] | list[str]) -> str:
    return ", ".join(TYPES[ext].label if ext in TYPES else ext.upper() for ext in allowed)


def check_declared_size(size: int, allowed: tuple[str, ...] | list[str]) -> None:
    """Before any byte is accepted (tus creation): the announced size against the target's limit."""
    if size <= 0:
        raise SniffError(_("Berkas kosong tidak dapat diunggah."), 400)
    limit = max_bytes_for(allowed)
    if size > limit:
        raise SniffError(_(
            "Berkas terlalu besar (%(size)s MB). Batas untuk bukti ini %(limit)s MB (%(types)s).",
            size=format_mb(size), limit=format_mb(limit), types=types_label(allowed),
        ), 413)


def check_upload(stream: BinaryIO, size: int, allowed: tuple[str, ...] | list[str]) -> FileType:
    """Sniff ``stream`` and check it against the target; returns the type or raises ``SniffError``."""
    if size <= 0:
        raise SniffError(_("Berkas kosong tidak dapat diunggah."), 400)
    # Cheapest refusal first: above every limit of the target, no need to look inside.
    check_declared_size(size, allowed)
    found = sniff(stream)
    if found is None:
        raise SniffError(_(
            "Jenis berkas tidak dikenali atau tidak diterima. Jenis yang diterima: %(types)s.",
            types=types_label(allowed),
        ))
    if found.extension not in allowed:
        raise SniffError(_(
            "Berkas ini adalah %(found)s, sedangkan bukti ini hanya menerima %(types)s.",
            found=found.label, types=types_label(allowed),
        ))
    limit = limit_bytes(found.extension)
    if size > limit:
        raise SniffError(_(
            "Berkas %(type)s terlalu besar (%(size)s MB). Batas untuk %(type)s adalah %(limit)s MB.",
            type=found.label, size=format_mb(size), limit=format_mb(limit),
        ), 413)
    return found
