"""The peer run's pure parts (issue 17): the interleaving of the page pairs, the report's statistics and
table, the pretalx configuration, the seed's arguments. None needs pretalx; the one check that does
(pretalx reads the configuration as meant) is skipped when the peer venv is absent."""
from __future__ import annotations

import configparser
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.peer import pretalx_seed
from benchmarks.peer.config import (
    DATABASE,
    DEFAULT_HOME,
    PRETALX_VERSION,
    PeerPaths,
    pretalx_config,
    pretalx_env,
    write_config,
)
from benchmarks.peer.pairs import COLD, OURS, PAIRS, THEIRS, WARM, PagePair, fill, interleave
from benchmarks.peer.report import compare, json_path, markdown_table, ratio, summary
from benchmarks.peer.seeding import criteria_argument, slug_for
from benchmarks.seed import CRITERIA_SPEC

# --- interleaving ------------------------------------------------------------------------------------


def test_requests_alternate_ours_and_pretalx_within_each_page_and_mode():
    steps = list(interleave(PAIRS, rounds=4, warmup=2))
    groups: dict[tuple[str, str], list] = {}
    for step in steps:
        groups.setdefault((step.pair, step.mode), []).append(step)
    for group in groups.values():
        assert [s.side for s in group] == [OURS, THEIRS] * 6  # A, B, A, B, ...
        assert [s.index for s in group[::2]] == [-2, -1, 0, 1, 2, 3]
        assert [s.timed for s in group[::2]] == [False, False, True, True, True, True]
        assert all(a.index == b.index for a, b in zip(group[::2], group[1::2]))  # pairs of the same request number


def test_pairs_and_modes_run_one_after_another_and_cold_only_where_a_cache_exists():
    steps = list(interleave(PAIRS, rounds=1, warmup=0))
    order = []
    for step in steps:
        if (step.pair, step.mode) not in order:
            order.append((step.pair, step.mode))
    assert order == [("baseline", WARM), ("results", WARM), ("results", COLD), ("list", WARM), ("detail", WARM),
                     ("profile", WARM), ("form", WARM)]
    assert len(steps) == 2 * len(order)


def test_a_pair_without_a_cache_has_no_cold_mode():
    pair = PagePair("x", "/a", "/b", "admin", "orga", False, "")
    assert {s.mode for s in interleave([pair], rounds=3)} == {WARM}


def test_paths_are_filled_from_the_fixtures_and_ask_pretalx_for_as_many_rows_as_ours():
    by_name = {p.name: p for p in PAIRS}
    assert fill(by_name["results"].ours, {"round_id": 7}) == "/judging/rounds/7/results"
    assert fill(by_name["results"].theirs, {"slug": "peer1000"}) == "/orga/event/peer1000/reviews/?page_size=50"
    assert fill(by_name["list"].theirs, {"slug": "peer1000"}).endswith("?page_size=25")
    assert fill(by_name["form"].theirs, {"slug": "p", "review_code": "ABC"}) == "/orga/event/p/submissions/ABC/reviews/"
    with pytest.raises(KeyError):
        fill(by_name["detail"].ours, {"event": "e"})  # a missing fixture is an error, not a wrong URL


# --- statistics and the report -----------------------------------------------------------------------


def test_summary_uses_nearest_rank_percentiles():
    values = [float(v) for v in range(1, 101)]  # 1 .. 100 ms
    s = summary(values, errors=2)
    assert (s["p50_ms"], s["p95_ms"], s["requests"], s["errors"]) == (50.0, 95.0, 100, 2)
    assert summary([12.34])["p95_ms"] == 12.3
    assert summary([]) == {"p50_ms": None, "p95_ms": None, "requests": 0, "errors": 0}


def test_ratio_is_pretalx_over_ours_and_none_without_both_figures():
    assert ratio(300.0, 100.0) == 3.0
    assert ratio(50.0, 100.0) == 0.5
    assert ratio(None, 100.0) is None
    assert ratio(100.0, None) is None
    assert ratio(100.0, 0.0) is None


def test_compare_and_the_markdown_table():
    row = {"pair": "results", "mode": "cold",
           **compare(summary([10.0, 20.0, 30.0]), summary([100.0, 200.0, 3000.0], errors=1))}
    assert (row["ratio_p50"], row["ratio_p95"]) == (10.0, 100.0)
    table = markdown_table({"pages": [row]}).splitlines()
    assert table[0].startswith("| page | mode | ours p50 / p95 ms | pretalx p50 / p95 ms | ratio p50 | ratio p95")
    assert table[2] == "| results | cold | 20.0 / 30.0 | 200.0 / 3,000.0 | 10.0 | 100.0 | 1 |"


def test_json_path_is_dated_by_size_and_never_overwrites(tmp_path):
    first = json_path(1000, date(2026, 12, 6), tmp_path)
    assert first.name == "2026-12-06-1000.json"
    first.write_text("{}")
    assert json_path(1000, date(2026, 12, 6), tmp_path).name == "2026-12-06-1000-2.json"
    assert json_path(10000, date(2026, 12, 6), tmp_path).name == "2026-12-06-10000.json"


# --- pretalx's configuration -------------------------------------------------------------------------


def test_the_config_names_postgresql_without_debug_mail_celery_or_redis(tmp_path):
    paths = PeerPaths(tmp_path)
    config = configparser.ConfigParser()
    config.read_string(pretalx_config(paths))
    assert config.getboolean("site", "debug") is False
    assert config["site"]["url"] == "http://127.0.0.1:8717"
    assert dict(config["database"]) == {"backend": "postgresql", "name": DATABASE, "user": "postgres",
                                        "password": "", "host": "127.0.0.1", "port": "5432"}
    assert config["celery"]["broker"] == ""  # pretalx then runs its tasks inline
    assert config["redis"]["location"] == "False"
    assert config["filesystem"]["data"] == str(tmp_path / "data")


def test_write_config_makes_the_folders_and_the_settings_module(tmp_path):
    paths = PeerPaths(tmp_path / "peer")
    write_config(paths)
    assert paths.config_file.read_text().startswith("# Written by")
    settings = (paths.settings_dir / "peer_settings.py").read_text()
    assert "from pretalx.settings import *" in settings and "CSRF_COOKIE_SECURE = False" in settings
    assert (paths.data / "logs").is_dir() and paths.static.is_dir()
    assert not paths.installed()  # no venv yet


def test_pretalx_processes_get_their_config_and_none_of_ours(tmp_path):
    paths = PeerPaths(tmp_path)
    env = pretalx_env(paths, {"PATH": "/usr/bin", "PYTHONPATH": "/work/app", "DATABASE_URL": "postgresql://x",
                              "DJANGO_SETTINGS_MODULE": "other"})
    assert env["PRETALX_CONFIG_FILE"] == str(tmp_path / "pretalx.cfg")
    assert env["DJANGO_SETTINGS_MODULE"] == "peer_settings"
    assert env["PYTHONPATH"] == str(tmp_path / "settings")
    assert "DATABASE_URL" not in env and env["PATH"] == "/usr/bin"


# --- the seed's arguments ----------------------------------------------------------------------------


def test_pretalx_gets_our_rubrics_criteria_and_weights():
    parsed = pretalx_seed.parse_criteria(criteria_argument())
    assert [w for _, w in parsed] == [Decimal(w) for _, _, w in CRITERIA_SPEC]
    assert [n for n, _ in parsed] == [f"{code} {title}" for code, title, _ in CRITERIA_SPEC]
    assert len(parsed) == 5


def test_reviews_per_submission_fixed_or_in_turn_as_our_seed():
    assert [pretalx_seed.reviews_for(i, "3") for i in range(4)] == [3, 3, 3, 3]
    assert [pretalx_seed.reviews_for(i, "3-5") for i in range(6)] == [3, 4, 5, 3, 4, 5]


def test_one_event_per_size():
    assert (slug_for(1000), slug_for(10000)) == ("peer1000", "peer10000")


# --- with pretalx installed (python -m benchmarks.peer setup) -----------------------------------------


def test_pretalx_reads_the_peer_configuration():
    paths = PeerPaths(DEFAULT_HOME)
    if not paths.installed():
        pytest.skip(f"no peer venv at {paths.venv}: `python -m benchmarks.peer setup` installs pretalx there")
    done = subprocess.run(
        [str(paths.python), "-c", "import django; django.setup(); from django.conf import settings as s; "
         "import importlib.metadata as m; print(s.DEBUG, s.CSRF_COOKIE_SECURE, s.DATABASES['default']['NAME'], "
         "s.CELERY_TASK_ALWAYS_EAGER, m.version('pretalx'))"],
        env=pretalx_env(paths), cwd=paths.home, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-5:] == ["False", "False", DATABASE, "True", PRETALX_VERSION]


def test_the_seed_script_imports_nothing_of_ours():
    source = Path(pretalx_seed.__file__).read_text()
    assert "from innovation" not in source and "import innovation" not in source
    assert "from benchmarks" not in source
