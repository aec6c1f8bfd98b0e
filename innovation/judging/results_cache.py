"""The live results' cache, and what keeps it fresh.

A round's live results (``results.compute``) cost time linear in its score sheets, so each process
keeps the last few in a small LRU (``ResultsCache``), keyed by the round, the aggregate and method,
and ``cache_key(round_)``: everything the results read, as values read with the round itself, so a
repeated view of the results reads the round and nothing else.

What moves the key, explicitly:

- **Judging's own changes** (submitted score sheets and their scores, assignments and recusals, the
  round's entries, its rubric's criteria and weights): the operation that makes them calls
  ``mark_changed(round_)`` (or ``mark_rubric_changed(rubric)``), which bumps
  ``Round.results_version`` with one ``UPDATE ... SET results_version = results_version + 1``.
  It is called last, after the operation's other writes and its audit record (it flushes them first),
  so in PostgreSQL the round's row is locked only from then until the commit that follows: two judges
  submitting in the same round queue there for a moment, each adding one (the database adds, so no
  bump is lost), and no transaction holds the round while it waits for another's rows (no deadlock).
  A judge's draft saves do not bump (the results read submitted sheets only).
- **The round's own settings** (name, kind, position, rubric, its awards, and its creation time, so a
  round deleted and another created with the same id never finds the first one's result) are in the key.
- **What the events area changes** (an entry's category or submission, the event's categories), which
  cannot call judging (events sits below it): the key holds the event's categories (id, position, name:
  ``Round.categories_signature``, a subquery loaded with the round) and, while entries may still change,
  the count and latest ``updated_at`` of the event's entries. Entries change only while the event's
  submission is open for some OPD (``events.services.require_open`` guards every change to an entry), so
  once the event's close and every extension (``Round.extensions_close``) lie ``ENTRY_CHANGE_GRACE`` in
  the past, that part is a constant and costs no statement; until then it costs one.

Innovation, OPD, event and judge names are copied into the results but not tracked: the live page
shows them as they were at the last change (a published round shows its snapshot anyway).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import undefer_group

from innovation.events.models import Entry
from innovation.extensions import db, utcnow
from innovation.judging.models import Round, Rubric

# Values kept per process: per round its figures and up to VIEWS_PER_ROUND views built from them.
# Measured (benchmarks/results_memory.py, docs/PERFORMANCE.md): a round of 10,000 entries holds about
# 27 MB once every view has been opened and every sheet read (an export), the figures with the sheets'
# result objects about 22 MB and the view kept about 5 MB; a second view kept would make it 32 MB.
# Before issue 17 each view held 100-120 MB, not "a few MB at 6,000 entries" as this said.
CACHE_SIZE = 16
VIEWS_PER_ROUND = 1  # another view of the same figures is rebuilt from them (0.1 s at 10,000 entries)
_EXTENSION_KEY = "judging_results_cache"
# A change to an entry checked against the deadline just before it may commit just after it.
ENTRY_CHANGE_GRACE = timedelta(minutes=5)
# The loader option that reads the key's event facts with the round (one statement, not two).
WITH_KEY = undefer_group("results_key")


# --- marking a round changed ----------------------------------------------------------------------


def mark_changed(*rounds: Round) -> None:
    """The results of ``rounds`` changed: bump their ``results_version`` (the operation's last statement)."""
    ids = sorted({round_.id for round_ in rounds})
    if ids:
        _bump(Round.id.in_(ids), lambda round_: round_.id in ids)


def mark_rubric_changed(rubric: Rubric) -> None:
    """The rubric's criteria or weights changed: every round scoring with it changed."""
    _bump(Round.rubric_id == rubric.id, lambda round_: round_.__dict__.get("rubric_id") == rubric.id)


def _bump(condition, held: Callable[[Round], bool]) -> None:
    db.session.flush()  # the operation's writes (and its audit record) first: the round is locked last
    db.session.execute(
        update(Round).where(condition).values(results_version=Round.results_version + 1)
        .execution_options(synchronize_session=False))
    for obj in list(db.session.identity_map.values()):  # the rounds held read their new version when next asked
        if isinstance(obj, Round) and held(obj):
            db.session.expire(obj, ["results_version"])


# --- the key --------------------------------------------------------------------------------------


def entries_state(round_: Round, now: datetime | None = None) -> tuple[Any, ...]:
    """The event's entries as the key sees them: a constant once they can no longer change, else their
    count and latest change (one statement)."""
    event = round_.event
    deadline = max(event.closes_at, round_.extensions_close or event.closes_at)
    if (now or utcnow()) >= deadline + ENTRY_CHANGE_GRACE:
        return ("closed",)
    count, latest = db.session.execute(
        select(func.count(Entry.id), func.max(Entry.updated_at)).where(Entry.event_id == round_.event_id)).one()
    return (count, str(latest))


def cache_key(round_: Round, now: datetime | None = None) -> tuple[Any, ...]:
    """Everything the round's live results depend on (see the module docstring)."""
    return (round_.results_version, str(round_.created_at), round_.name, round_.kind.value, round_.position,
            round_.rubric_id, round_.award_places, round_.award_per_category, round_.award_labels,
            round_.categories_signature, *entries_state(round_, now))


def load_round(round_id: int) -> Round | None:
    """The round with the event facts of its cache key, read afresh, in one statement."""
    return db.session.scalar(select(Round).where(Round.id == round_id).options(WITH_KEY)
                             .execution_options(populate_existing=True))


# --- the cache ------------------------------------------------------------------------------------


class ResultsCache:
    """A small thread-safe LRU of computed results (one per app, in ``app.extensions``), with a scratch
    dict per cached value for what pages derive from it."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._memos: dict[int, dict] = {}  # id(value) -> what pages derived from it
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}  # key -> held while one thread computes it
        self._refreshing: set[Any] = set()  # what a background refresh is computing now

    @contextmanager
    def computing(self, key: tuple) -> Iterator[None]:
        """Held while this process computes ``key``: a second thread asking for it waits for the first
        and then finds it cached, instead of computing it again."""
        with self._lock:
            lock = self._computing.setdefault(key, threading.Lock())
        try:
            with lock:
                yield
        finally:
            with self._lock:
                if not lock.locked():
                    self._computing.pop(key, None)

    def refresh(self, name: Any, work: Callable[[], None], *, inline: bool = False) -> bool:
        """Run ``work`` in a background thread unless a refresh of ``name`` is running already (then
        False): a page that may show a slightly older result starts the computation of the newer one
        and returns at once. ``inline`` runs it in the caller's thread (tests: one connection each)."""
        with self._lock:
            if name in self._refreshing:
                return False
            self._refreshing.add(name)

        def run() -> None:
            try:
                work()
            finally:
                with self._lock:
                    self._refreshing.discard(name)

        if inline:
            run()
        else:
            threading.Thread(target=run, name=f"results-refresh-{name}", daemon=True).start()
        return True

    def refreshing(self, name: Any) -> bool:
        with self._lock:
            return name in self._refreshing

    def latest(self, prefix: tuple) -> tuple[tuple, Any] | None:
        """The value kept under a key starting with ``prefix`` and one more item (the older version of
        a thing whose newer one is not computed yet), with its key; None if there is none."""
        with self._lock:
            for key, value in self._items.items():
                if key[:-1] == prefix:
                    return key, value
        return None

    def views_of(self, round_id: int) -> list[tuple[str, str]]:
        """The (aggregate, method) of the live views kept for the round, least recently used first."""
        with self._lock:
            return [(key[2], key[3]) for key in self._items if key[0] == "live" and key[1] == round_id]

    def memo(self, value: Any) -> dict:
        """A scratch dict living as long as the cached value (a fresh one for any other value)."""
        with self._lock:
            return self._memos.get(id(value), {})

    def get(self, key: tuple) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        """Keep ``value``; a value under an older key of the same thing (all but the key's last item:
        an older fingerprint of the same round and method) is stale for good and goes."""
        with self._lock:
            for old in [k for k in self._items if k[:-1] == key[:-1]]:
                self._memos.pop(id(self._items.pop(old)), None)
            self._items[key] = value
            self._memos[id(value)] = {}
            if key[0] == "live":  # the round's least recently used views beyond VIEWS_PER_ROUND
                views = [k for k in self._items if k[0] == "live" and k[1] == key[1]]
                for old in views[:-VIEWS_PER_ROUND]:
                    self._memos.pop(id(self._items.pop(old)), None)
            while len(self._items) > self.size:
                _key, evicted = self._items.popitem(last=False)
                self._memos.pop(id(evicted), None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._memos.clear()

    def __len__(self) -> int:
        return len(self._items)


def results_cache() -> ResultsCache:
    return current_app.extensions.setdefault(_EXTENSION_KEY, ResultsCache())


def memo(value: Any) -> dict:
    """Where a page keeps what it derives from cached results (e.g. the sorted flagged scores), so a
    repeated view does not redo it; empty for results that are not cached."""
    return results_cache().memo(value)
