"""The district index, kept per process while nothing it reads has changed.

``services.district_index`` aggregates over every counted innovation: a few milliseconds at 1,000
innovations, about half a second at 100,000, and the dashboard shows it twice (claimed and verified)
on every view. ``cached_district_index`` returns the result computed earlier in this process when the
fingerprint of its inputs is the same, read in one statement on indexes (``ix_innovation_updated_at``,
``ix_innovation_derived_at``):

- every change that moves the index touches the ``innovation`` row: profile edits and registration
  through ``updated_at``'s onupdate, answers, evidence and verification through
  ``innovations.services.refresh_derived`` (which sets ``derived_at`` even when no figure changed),
  so ``max(updated_at)``, ``max(derived_at)`` or ``max(id)`` changes; innovations are never deleted;
- the year's regional values: their ``max(updated_at)`` and count.

A transaction that commits after another with a later ``updated_at`` could leave a cached result one
change behind, so an entry also expires after ``REPORTING_INDEX_CACHE_SECONDS`` (default 60; 0 turns
the cache off). The figures are an estimate shown on a page; the export computes its own.

The dashboard's list total (``cached_count_listed``) is kept the same way: counting 100,000
innovations is a scan of the table or of its primary key (5-30 ms a view, depending on how recently
it was vacuumed), and every change that could move the count of any filter moves the fingerprint
(the filters read ``opd_id``, ``urusan_utama``, ``tahapan`` and ``registered_at``, all edited through
the row, so ``updated_at`` changes). ``dashboard_figures`` reads the fingerprint once for the three.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.reporting.index import IndexResult
from innovation.reporting.models import RegionalIndicatorValue
from innovation.reporting.services import ListFilters, count_listed, district_index

_KEY = "reporting_index_cache"
SIZE = 32


class IndexCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, max_age: float) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or time.monotonic() - found[0] > max_age:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: tuple, result: Any) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), result)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def index_cache() -> IndexCache:
    return current_app.extensions.setdefault(_KEY, IndexCache())


def fingerprint(year: int) -> tuple:
    regional = select(func.max(RegionalIndicatorValue.updated_at), func.count(RegionalIndicatorValue.id)) \
        .where(RegionalIndicatorValue.year == year).subquery()
    row = db.session.execute(select(
        select(func.max(Innovation.updated_at)).scalar_subquery(),
        select(func.max(Innovation.derived_at)).scalar_subquery(),
        select(func.max(Innovation.id)).scalar_subquery(),
        regional.c[0], regional.c[1],
    ).select_from(regional)).one()
    return tuple(str(value) for value in row)


def _cached(key: tuple, compute, max_age: float):
    cache = index_cache()
    result = cache.get(key, max_age)
    if result is None:
        result = compute()
        cache.put(key, result)
    return result


def _max_age() -> float:
    return float(current_app.config.get("REPORTING_INDEX_CACHE_SECONDS", 60))


def cached_district_index(year: int, *, verified: bool, registered_only: bool = True, top: int = 10,
                          current: tuple | None = None) -> IndexResult:
    """``services.district_index``, or its result from earlier in this process for the same inputs.
    ``current``: the fingerprint when the caller has just read it."""
    max_age = _max_age()
    compute = lambda: district_index(year, verified=verified, registered_only=registered_only, top=top)  # noqa: E731
    if max_age <= 0:
        return compute()
    return _cached((year, verified, registered_only, top, current or fingerprint(year)), compute, max_age)


def cached_count_listed(filters: ListFilters, year: int, *, current: tuple | None = None) -> int:
    """``services.count_listed(filters)``, or its result from earlier in this process while no
    innovation changed (the fingerprint of ``year``'s index, which the dashboard reads anyway)."""
    max_age = _max_age()
    if max_age <= 0:
        return count_listed(filters)
    return _cached(("count_listed", filters, current or fingerprint(year)), lambda: count_listed(filters), max_age)


@dataclass(frozen=True)
class DashboardFigures:
    claimed: IndexResult
    verified: IndexResult
    listed: int  # how many innovations the list's filters select


def dashboard_figures(year: int, filters: ListFilters, *, registered_only: bool) -> DashboardFigures:
    """The dashboard's claimed and verified index and its list total, under one fingerprint read."""
    current = fingerprint(year) if _max_age() > 0 else None
    return DashboardFigures(
        claimed=cached_district_index(year, verified=False, registered_only=registered_only, current=current),
        verified=cached_district_index(year, verified=True, registered_only=registered_only, current=current),
        listed=cached_count_listed(filters, year, current=current),
    )
