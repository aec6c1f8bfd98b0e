"""While a round is open for scoring, every submission moves its results' key, so the admin's results
page would compute on every view. With ``RESULTS_LIVE_STALE_SECONDS`` the page shows the last result
computed (at most that old, and saying so, with how many changes it does not hold yet) while the
current one is computed in the background (issue 17). A closed or published round, an export and a
publication always read the current result."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.judging import results as services
from innovation.judging import results_cache
from innovation.web import Role


@pytest.fixture
def live(app, db):
    app.config["RESULTS_LIVE_STALE_SECONDS"] = 15
    results_cache.results_cache().clear()
    yield app
    app.config["RESULTS_LIVE_STALE_SECONDS"] = 0
    results_cache.results_cache().clear()


def submit(db, built, entry_index: int, judge_index: int, value: str) -> None:
    from innovation.judging import sheets

    judge = built.judges[judge_index]
    assignment = built.sheets[(built.entries[entry_index].id, judge.id)].assignment
    sheets.save_sheet(assignment, {c.id: value for c in built.criteria}, {}, "", submit=True, by=judge)
    db.session.commit()


def test_a_live_round_shows_the_last_result_while_the_new_one_is_computed(live, db, scored, make_user, login,  # noqa: F811
                                                                           client):
    built = scored(n_entries=4, n_judges=3, closed=False)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    first = client.get(url).get_data(as_text=True)
    assert "Penilaian sedang berlangsung" not in first  # nothing older to show: computed, current

    before = services.cached_compute(built.round)
    submit(db, built, 0, 0, "1")
    submit(db, built, 1, 0, "1")
    page = client.get(url).get_data(as_text=True)
    assert "Penilaian sedang berlangsung" in page and "sebelum 2 perubahan nilai terbaru" in page
    assert "Muat ulang" in page
    # the background computation (inline in tests) left the current figures and the view shown built
    assert results_cache.results_cache().get(
        ("live", built.round.id, "mean", "raw", results_cache.cache_key(built.round))) is not None
    current = client.get(url).get_data(as_text=True)
    assert "Penilaian sedang berlangsung" not in current
    now = services.cached_compute(built.round)
    assert now.entry(built.entries[0].id).raw["mean"] < before.entry(built.entries[0].id).raw["mean"]


def test_the_notice_is_in_the_readers_language(live, db, scored, make_user, login, client):  # noqa: F811
    built = scored(n_entries=3, n_judges=3, closed=False)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    client.get(url)
    submit(db, built, 0, 1, "2")
    client.post("/auth/language/en", data={"next": "/"})
    page = client.get(url).get_data(as_text=True)
    assert "Judging is under way: these results were computed at" in page
    assert "before the latest 1 score change. While judging is under way, results are computed again every few" \
        " seconds." in page and "Penilaian sedang berlangsung" not in page


def test_a_result_older_than_the_limit_is_not_shown(live, db, scored, make_user, login, client):  # noqa: F811
    built = scored(n_entries=3, n_judges=3, closed=False)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    client.get(url)
    kept = results_cache.results_cache().latest(("figures", built.round.id))[1]
    kept.computed_at -= timedelta(seconds=16)
    submit(db, built, 0, 0, "1")
    page = client.get(url).get_data(as_text=True)
    assert "Penilaian sedang berlangsung" not in page


def test_the_newer_result_is_computed_at_most_once_per_interval(live, db, scored, make_user, login, client,  # noqa: F811
                                                                  monkeypatch):
    built = scored(n_entries=3, n_judges=3, closed=False)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    client.get(url)
    live.config["RESULTS_LIVE_REFRESH_SECONDS"] = 2
    started = []
    real = results_cache.ResultsCache.refresh
    monkeypatch.setattr(results_cache.ResultsCache, "refresh",
                        lambda self, name, work, **kw: started.append(name) or real(self, name, work, **kw))
    submit(db, built, 0, 0, "1")
    assert "sebelum 1 perubahan nilai terbaru" in client.get(url).get_data(as_text=True)
    assert started == []  # the shown result is younger than the interval: no computation yet
    kept = results_cache.results_cache().latest(("figures", built.round.id))[1]
    kept.computed_at -= timedelta(seconds=3)
    assert "sebelum 1 perubahan nilai terbaru" in client.get(url).get_data(as_text=True)
    assert started == [("figures", built.round.id)]  # older than the interval: computed (inline in tests)
    assert "Penilaian sedang berlangsung" not in client.get(url).get_data(as_text=True)


def test_a_closed_round_always_shows_the_current_result(live, db, scored, make_user, login, client):  # noqa: F811
    built = scored(n_entries=3, n_judges=3, closed=False)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    client.get(url)
    submit(db, built, 0, 0, "1")
    built.round.closes_at = built.round.opens_at + timedelta(days=1)  # closed since (still within its dates)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Penilaian sedang berlangsung" not in page


def test_other_readers_never_get_an_older_result(live, db, scored):  # noqa: F811
    built = scored(n_entries=3, n_judges=3, closed=False)
    services.cached_compute(built.round)
    submit(db, built, 0, 0, "1")
    found, snapshot = services.round_results(built.round)  # exports, advancement, ties
    assert snapshot is None
    assert found.entry(built.entries[0].id).raw["mean"] == services.compute(built.round).entry(
        built.entries[0].id).raw["mean"]


def test_one_background_computation_per_round_at_a_time():
    cache = results_cache.ResultsCache()
    started, release, runs = threading.Event(), threading.Event(), []

    def work():
        runs.append(1)
        started.set()
        release.wait(5)

    assert cache.refresh("r1", work)
    started.wait(5)
    assert cache.refreshing("r1")
    assert not cache.refresh("r1", work)  # one is running: not a second
    assert cache.refresh("r2", lambda: None, inline=True)  # another round's is its own
    release.set()
    for _ in range(100):
        if not cache.refreshing("r1"):
            break
        threading.Event().wait(0.01)
    assert not cache.refreshing("r1") and runs == [1]

    def fails():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.refresh("r3", fails, inline=True)
    assert not cache.refreshing("r3")  # a failure does not block the next one
