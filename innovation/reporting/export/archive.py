"""Writing the bundle's ZIP: its entries (``entry_info``, ``copy_into``, ``write_chunks``) and a
``zipfile.ZipFile`` for writing whose memory does not grow with the number of entries.

An entry carries the local time of its file (WIT by default) and is stored as it is when its type is
already compressed. ``write_chunks`` streams a stored blob into an entry chunk by chunk and returns the
sha256 and size it read, for the manifest and for the check against the ``StoredFile`` row.

``zipfile`` keeps a ``ZipInfo`` per entry (about 0.4 kB) until ``close()`` writes the central
directory from them: 40,000 evidence files hold 16 MB, four million (100,000 innovations with all
their evidence) 1.6 GB. ``SpillingZipFile`` pickles each finished entry's ``ZipInfo`` to a temporary
file instead, and ``close()`` reads them back one at a time while it writes the central directory.
Everything else is the standard library's writer (ZIP64, deflate, CRCs).

It relies on the writer using ``filelist`` only through ``append``, iteration and ``len`` and
``NameToInfo`` only through item assignment and ``in`` (true of CPython 3.11-3.13's ``zipfile``;
``tests/test_export_scale.py`` reads a spilled archive back with ``zipfile`` and would fail
otherwise). Names are not checked for duplicates: the bundle makes them unique itself.
"""
from __future__ import annotations

import hashlib
import pickle
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from innovation.extensions import utcnow
from innovation.timeutil import to_local

# Already compressed: stored as they are (deflating them again only costs time).
STORED_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp", "mp4", "m4v", "mov", "webm", "mkv", "mp3",
                               "zip", "gz", "7z", "rar", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
ZIP64_FROM = (1 << 31) - (1 << 24)


def entry_info(name: str, when: datetime | None, extension: str) -> zipfile.ZipInfo:
    """An entry named ``name``, dated ``when`` (now when None) in local time, compressed unless
    ``extension`` is already a compressed type."""
    local = to_local(when or utcnow())
    stamp = (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_STORED if extension.lower() in STORED_EXTENSIONS else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def copy_into(archive: zipfile.ZipFile, name: str, source: IO[bytes], extension: str) -> None:
    """A whole temporary file (the workbook, a CSV) as one entry."""
    source.seek(0)
    with archive.open(entry_info(name, None, extension), "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, 1024 * 1024)


def write_chunks(archive: zipfile.ZipFile, path: str, chunks: Iterable[bytes], *, when: datetime | None,
                 extension: str, expected_size: int) -> tuple[str, int]:
    """Stream ``chunks`` (a stored blob) into the entry ``path``; returns the sha256 and size read.
    ``expected_size`` (the row's) decides ZIP64 before the first byte is written."""
    digest, size = hashlib.sha256(), 0
    with archive.open(entry_info(path, when, extension), "w", force_zip64=expected_size >= ZIP64_FROM) as target:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return digest.hexdigest(), size


class _SpilledInfos:
    """The list-like ``filelist``: entries appended go to a temporary file; iteration reads them back."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()
        self._count = 0

    def append(self, info: zipfile.ZipInfo) -> None:
        pickle.dump(info, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


class _NoNames(dict):
    """``NameToInfo`` that keeps nothing (the bundle's names are unique by construction)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class SpillingZipFile(zipfile.ZipFile):
    """Write-only ``ZipFile`` (mode ``"w"``) with its per-entry records kept on disk, not in memory."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, "w", **kwargs)
        self.filelist = _SpilledInfos()  # type: ignore[assignment]
        self.NameToInfo = _NoNames()

    def close(self) -> None:
        try:
            super().close()
        finally:
            spilled = self.filelist
            if isinstance(spilled, _SpilledInfos):
                spilled.close()
