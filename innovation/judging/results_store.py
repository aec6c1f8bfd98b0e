"""A round's live figures, computed by one process and read by every other (issue 17).

During judging every submitted sheet bumps the round's ``results_version`` (``results_cache``), so
the next view of its results is cold in every gunicorn worker. With Redis configured
(``RESULTS_REDIS_URL``, default ``REDIS_URL``), ``shared_figures`` makes that computation happen once
for all of them:

- the figures (``results.RoundFigures``, every view's shared part) are stored under a key made of the
  round and a digest of its cache key (``results_cache.cache_key``: the version and everything else
  the results read), so a process whose key differs never reads them;
- the process that finds nothing takes a lock for that key (``SET NX`` with an expiry, released with
  a compare-and-delete on its own token), computes, stores; the others poll for the stored figures
  meanwhile (``POLL_SECONDS``), so two processes never compute the same version at once. A process
  that waited ``WAIT_SECONDS`` (the computing one died or hangs) computes for itself;
- one version per round is kept (the round's ``current`` key names it; storing a newer one deletes
  the older), with an expiry of ``KEEP_SECONDS`` in any case.

Redis unreachable or failing: the process computes for itself, as without Redis (logged). The blob
is numpy's ``.npz`` without pickle plus JSON (``RoundFigures.to_bytes``), so nothing read from Redis
is executed.
"""
from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

log = logging.getLogger(__name__)

T = TypeVar("T")

LOCK_SECONDS = 120  # a computation holding the lock longer than this has died
WAIT_SECONDS = 30.0  # a waiting process computes for itself after this
POLL_SECONDS = 0.05
KEEP_SECONDS = 6 * 3600
_EXTENSION_KEY = "judging_results_redis"
# Deletes the lock only when it still holds our token (another process may hold it after ours expired).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def digest(round_id: int, key: tuple) -> str:
    return hashlib.sha256(repr((round_id, key)).encode("utf-8")).hexdigest()


def redis_client() -> Any | None:
    """This process's Redis client for the results (None without ``RESULTS_REDIS_URL``)."""
    url = current_app.config.get("RESULTS_REDIS_URL")
    if not url:
        return None
    cached = current_app.extensions.get(_EXTENSION_KEY)
    if cached is None or cached[0] != url:
        from redis import Redis

        cached = current_app.extensions[_EXTENSION_KEY] = (
            url, Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10))
    return cached[1]


def shared_figures(round_id: int, key: tuple, compute: Callable[[], T], load: Callable[[bytes], T]) -> T:
    """The round's figures for ``key``: stored by another process, or computed here (once for all)."""
    client = redis_client()
    if client is None:
        return compute()
    from redis.exceptions import RedisError

    prefix = f"{current_app.config.get('RESULTS_REDIS_PREFIX', 'inovasi:results')}:{round_id}"
    data_key = f"{prefix}:{digest(round_id, key)}"
    lock_key, current_key = f"{data_key}:lock", f"{prefix}:current"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            blob = client.get(data_key)
            if blob is not None:
                return load(blob)
            token = uuid.uuid4().hex
            if client.set(lock_key, token, nx=True, ex=LOCK_SECONDS):
                try:
                    blob = client.get(data_key)  # stored between our read and our lock
                    if blob is not None:
                        return load(blob)
                    figures = compute()
                    try:
                        _store(client, data_key, current_key, figures)
                    except RedisError as error:
                        log.warning("results of round %s: not stored in Redis (%s)", round_id, error)
                    return figures
                finally:
                    client.eval(_RELEASE, 1, lock_key, token)
            if time.monotonic() >= deadline:
                log.warning("results of round %s: waited %.0f s for another process, computing here",
                            round_id, WAIT_SECONDS)
                return compute()
            time.sleep(POLL_SECONDS)
    except RedisError as error:
        log.warning("results of round %s: Redis failed (%s), computing here", round_id, error)
        return compute()


def _store(client: Any, data_key: str, current_key: str, figures: Any) -> None:
    blob = figures.to_bytes()
    pipe = client.pipeline()
    pipe.set(data_key, blob, ex=KEEP_SECONDS)
    pipe.getset(current_key, data_key)
    pipe.expire(current_key, KEEP_SECONDS)
    _stored, previous, _expiry = pipe.execute()
    if previous is not None and previous.decode() != data_key:
        client.delete(previous)  # the round's older version: no process asks for it any more
