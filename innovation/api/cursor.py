"""Cursor pagination: a list is ordered by id, and the cursor says "after id N" for one set of filters.

The cursor is opaque to callers (url-safe base64 of a small JSON) and names a hash of the filters it was
made for, so a cursor reused with other filters is refused instead of silently skipping rows.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from innovation.api.errors import ApiError


def _digest(filters: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:10]


def encode(after_id: int, filters: dict[str, Any]) -> str:
    raw = json.dumps({"a": after_id, "f": _digest(filters)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, filters: dict[str, Any]) -> int:
    """The id to continue after (0 without a cursor); 400 ``invalid_cursor`` for one that is not ours."""
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after = data["a"]
        valid = isinstance(after, int) and not isinstance(after, bool) and 0 <= after < 2**63 \
            and data["f"] == _digest(filters)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        valid = False
    if not valid:
        raise ApiError(400, "invalid_cursor", details=[{"field": "cursor", "message": "not a cursor of this list"}])
    return after


def page(rows: list, limit: int, filters: dict[str, Any]) -> tuple[list, str | None]:
    """``rows`` fetched with ``limit + 1``: the page and the next cursor (None on the last page)."""
    if len(rows) <= limit:
        return rows, None
    shown = rows[:limit]
    return shown, encode(shown[-1].id, filters)
