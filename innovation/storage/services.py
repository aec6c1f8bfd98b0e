"""Storage housekeeping: remove blobs that no ``StoredFile`` row points to.

A blob is written before its row is committed (so the row never points to a missing file); if the
process dies in between, the blob is left behind. ``collect_garbage`` removes such blobs once they
are older than a safety margin (no request takes hours between writing and committing).
"""
from __future__ import annotations

from datetime import timedelta
from itertools import islice

from sqlalchemy import select

from innovation.extensions import db, utcnow
from innovation.storage import get_storage
from innovation.storage.models import StoredFile

BATCH = 500


def orphan_keys(older_than_hours: float = 24) -> list[str]:
    """Keys in the backend, older than the margin, with no ``StoredFile`` row."""
    cutoff = utcnow() - timedelta(hours=older_than_hours)
    candidates = (b.key for b in get_storage().blobs() if b.modified_at < cutoff)
    orphans: list[str] = []
    while batch := list(islice(candidates, BATCH)):
        known = set(db.session.scalars(select(StoredFile.key).where(StoredFile.key.in_(batch))))
        orphans.extend(k for k in batch if k not in known)
    return orphans


def collect_garbage(older_than_hours: float = 24, *, dry_run: bool = False) -> list[str]:
    """Delete orphan blobs older than ``older_than_hours``; returns their keys. Touches no rows."""
    orphans = orphan_keys(older_than_hours)
    if not dry_run:
        storage = get_storage()
        for key in orphans:
            storage.delete(key)
    return orphans
