"""A ``zipfile.ZipFile`` for writing whose memory does not grow with the number of entries.

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

import pickle
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any


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
