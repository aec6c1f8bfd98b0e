"""A round's figures are computed once per change for every process: the blob other processes read
gives the same results, one thread of a process computes while the others wait, and with Redis one
process computes while the others wait and read what it stored (issue 17)."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from conftest import require_redis
from test_judging_results import scored  # noqa: F401  (the fixture)

from innovation.judging import results as services
from innovation.judging import result_types as rt
from innovation.judging import results_cache, results_store
from innovation.judging import statistics as st


def payload(results):
    found = results.to_payload()
    found.pop("computed_at")
    return found


def test_figures_read_back_from_their_blob_give_the_same_results(scored):  # noqa: F811
    built = scored(n_entries=7, n_judges=5, harsh=1)
    figures = services.RoundFigures.of(services.gather(built.round))
    again = services.RoundFigures.from_bytes(figures.to_bytes())
    for aggregate in st.AGGREGATES:
        for method in st.METHODS:
            assert payload(again.view(built.round, aggregate, method)) == payload(
                figures.view(built.round, aggregate, method))
    assert payload(figures.view(built.round, "mean", "raw")) == payload(services.compute(built.round))


def test_sheets_built_one_entry_at_a_time_equal_those_built_for_all(scored, monkeypatch):  # noqa: F811
    # the live view defers each entry's sheets (issue 17): the page builds only those it reads, an
    # export all of them; whichever way, the same sheets, and the view's payload is unchanged
    built = scored(n_entries=7, n_judges=5, harsh=1)
    one_by_one = services.RoundFigures.of(services.gather(built.round))
    at_once = services.RoundFigures.of(services.gather(built.round))
    all_sheets = at_once.entry_sheets()
    assert any(sheet.flag_gap for sheets in all_sheets for sheet in sheets)  # the flagged path is covered
    view = one_by_one.view(built.round, "median", "normalised")
    assert all(isinstance(entry.sheets, rt.DeferredSheets) for entry in view.entries)
    for i in range(len(one_by_one.entries)):
        assert one_by_one.sheets_of(i) == all_sheets[i]
    monkeypatch.setattr(services, "SHEETS_ONE_BY_ONE", 2)  # past this many entries, all at once
    switching = services.RoundFigures.of(services.gather(built.round))
    assert [switching.sheets_of(i) for i in range(len(switching.entries))] == all_sheets
    assert "sheets" in switching._memo
    assert payload(view) == payload(at_once.view(built.round, "median", "normalised"))


def test_the_largest_flagged_scores_read_from_the_flag_order_equal_the_full_list(scored):  # noqa: F811
    from innovation.judging.results_views import flagged_scores

    built = scored(n_entries=12, n_judges=5, harsh=1)
    live = services.compute(built.round)
    assert live.flag_order is not None and "flag_order" not in live.to_payload()
    everything = flagged_scores(live)
    assert len(everything) == sum(e.flags for e in live.entries) >= 3
    for limit in (1, 2, 3, len(everything), len(everything) + 5):
        assert flagged_scores(services.compute(built.round), limit) == everything[:limit]
    published = rt.RoundResults.from_payload(live.to_payload())  # a snapshot: no flag order, same list
    assert published.flag_order is None
    assert [(e.id, s.judge_id, c.id if c else None, g) for e, s, c, g in flagged_scores(published, 2)] == [
        (e.id, s.judge_id, c.id if c else None, g) for e, s, c, g in everything[:2]]


def test_a_blob_of_another_format_is_refused(scored):  # noqa: F811
    built = scored(n_entries=3, n_judges=3)
    figures = services.RoundFigures.of(services.gather(built.round))
    figures.FORMAT = 99  # as a newer release would write it
    with pytest.raises(ValueError):
        services.RoundFigures.from_bytes(figures.to_bytes())


def test_threads_of_one_process_compute_a_version_once(app):
    cache = results_cache.ResultsCache()
    computed, found = [], []
    key = ("figures", 1, (7,))

    def view():
        with cache.computing(key):
            value = cache.get(key)
            if value is None:
                computed.append(1)
                time.sleep(0.2)  # long enough for the other threads to arrive
                value = object()
                cache.put(key, value)
        found.append(value)

    threads = [threading.Thread(target=view) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(computed) == 1 and len({id(v) for v in found}) == 1
    assert not cache._computing  # noqa: SLF001 (no lock left behind)


@pytest.fixture
def redis_results(app):
    url = require_redis()
    prefix = f"test-results-{uuid.uuid4().hex[:8]}"
    old = app.config.get("RESULTS_REDIS_URL"), app.config.get("RESULTS_REDIS_PREFIX")
    app.config.update(RESULTS_REDIS_URL=url, RESULTS_REDIS_PREFIX=prefix)
    yield prefix
    with app.app_context():
        client = results_store.redis_client()
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    app.config["RESULTS_REDIS_URL"], app.config["RESULTS_REDIS_PREFIX"] = old
    app.extensions.pop("judging_results_redis", None)


class Counted:
    """A computation that takes a while and counts its runs (its figures are a real round's)."""

    def __init__(self, figures):
        self.figures, self.runs = figures, 0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.runs += 1
        time.sleep(0.3)
        return self.figures


def test_processes_sharing_redis_compute_a_version_once(app, scored, redis_results):  # noqa: F811
    built = scored(n_entries=5, n_judges=4)
    figures = services.RoundFigures.of(services.gather(built.round))
    compute, key, found, errors = Counted(figures), (built.round.results_version, "k"), [], []

    def worker():  # as another gunicorn worker would: its own app context, nothing cached in common
        try:
            with app.app_context():
                found.append(results_store.shared_figures(built.round.id, key, compute,
                                                          services.RoundFigures.from_bytes))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and compute.runs == 1 and len(found) == 3
    expected = payload(figures.view(built.round, "median", "normalised"))
    assert all(payload(f.view(built.round, "median", "normalised")) == expected for f in found)

    # a later process reads the stored figures without computing
    assert payload(results_store.shared_figures(built.round.id, key, compute, services.RoundFigures.from_bytes)
                   .view(built.round, "mean", "raw")) == payload(figures.view(built.round, "mean", "raw"))
    assert compute.runs == 1


def test_a_newer_version_replaces_the_older_in_redis(app, scored, redis_results):  # noqa: F811
    built = scored(n_entries=3, n_judges=3)
    figures = services.RoundFigures.of(services.gather(built.round))
    client = results_store.redis_client()
    for version in (1, 2):
        results_store.shared_figures(built.round.id, (version,), lambda: figures, services.RoundFigures.from_bytes)
    stored = [k for k in client.scan_iter(f"{redis_results}:{built.round.id}:*") if not k.endswith(b":current")]
    assert stored == [f"{redis_results}:{built.round.id}:{results_store.digest(built.round.id, (2,))}".encode()]


def test_a_lock_left_by_a_dead_process_delays_but_does_not_block(app, scored, redis_results,  # noqa: F811
                                                                  monkeypatch):
    built = scored(n_entries=3, n_judges=3)
    figures = services.RoundFigures.of(services.gather(built.round))
    client = results_store.redis_client()
    key = (5,)
    data_key = f"{redis_results}:{built.round.id}:{results_store.digest(built.round.id, key)}"
    client.set(f"{data_key}:lock", "a process that died", ex=60)
    monkeypatch.setattr(results_store, "WAIT_SECONDS", 0.3)
    compute = Counted(figures)
    assert results_store.shared_figures(built.round.id, key, compute, services.RoundFigures.from_bytes) is figures
    assert compute.runs == 1


def test_the_page_reads_the_figures_another_process_stored(app, scored, redis_results, make_user, login,  # noqa: F811
                                                           client, monkeypatch):
    from innovation.web import Role

    built = scored(n_entries=4, n_judges=3, closed=False)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    results_cache.results_cache().clear()
    assert client.get(url).status_code == 200  # computes and stores
    results_cache.results_cache().clear()  # another process: nothing of its own
    computed = []
    real = services.RoundFigures.of
    monkeypatch.setattr(services.RoundFigures, "of", classmethod(lambda cls, data: computed.append(1) or real(data)))
    page = client.get(url + "?aggregate=median")
    assert page.status_code == 200 and not computed


def test_a_process_keeps_a_rounds_figures_and_its_latest_views():
    cache = results_cache.ResultsCache()
    cache.put(("figures", 1, (3,)), "figures of round 1")
    cache.put(("live", 2, "mean", "raw", (8,)), "round 2")
    views = [("mean", "raw"), ("median", "raw"), ("mean", "normalised")]
    for aggregate, method in views:
        cache.put(("live", 1, aggregate, method, (3,)), f"{aggregate}/{method}")
    assert cache.get(("live", 1, "mean", "raw", (3,))) is None  # the least recently used view of round 1
    kept = [cache.get(("live", 1, a, m, (3,))) for a, m in views[-results_cache.VIEWS_PER_ROUND:]]
    assert kept == [f"{a}/{m}" for a, m in views[-results_cache.VIEWS_PER_ROUND:]]
    assert cache.get(("figures", 1, (3,))) == "figures of round 1"  # rebuilt views need no recomputation
    assert cache.get(("live", 2, "mean", "raw", (8,))) == "round 2"
