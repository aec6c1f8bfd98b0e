"""``python -m benchmarks.results_memory --database URL``: what a cached round holds in a worker.

Opens every view of the largest scored round's live results the way the pages do
(``results.cached_compute`` for the five aggregate x method combinations the page offers, plus
the figures they are built from), and measures what the process's results cache then holds:

- ``traced_mb``: the Python allocations still alive after a full garbage collection, from
  ``tracemalloc`` (started before the first view; the computation's temporaries are freed and do
  not count), i.e. what the cache keeps;
- ``rss_growth_mb``: the growth of the process's resident set over the same steps (includes the
  allocator's free lists and numpy's buffers, so it is an upper bound);
- per step (figures, then each view) the traced figure after it.

With ``--read-sheets`` every entry's sheets are read in each view, as an export does (a page reads
only a few entries' sheets, which are built when first read). The cache is then cleared and the traced figure read again, to show the memory is the cache's.
Seed a round with ``benchmarks.seed`` (see ``benchmarks/results_compute.py``).
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import psutil

from benchmarks.results_compute import VIEWS, largest_round
from benchmarks.seed import make_app

MB = 1024 * 1024


def measure(database_url: str, storage: str, read_sheets: bool = False) -> dict[str, Any]:
    from innovation.extensions import db
    from innovation.judging import results, results_cache
    from innovation.judging.models import Round

    process = psutil.Process()
    app = make_app(database_url, storage)
    out: dict[str, Any] = {"steps": {}}
    with app.app_context():
        round_id = largest_round(db)
        if round_id is None:
            raise SystemExit("no scored round: seed the database first")
        round_ = results_cache.load_round(round_id)
        _ = round_.rubric, round_.event.categories
        cache = results_cache.results_cache()
        cache.clear()
        gc.collect()
        tracemalloc.start()
        base_traced = tracemalloc.get_traced_memory()[0]
        base_rss = process.memory_info().rss
        results.round_figures(round_)
        gc.collect()
        out["steps"]["figures"] = round((tracemalloc.get_traced_memory()[0] - base_traced) / MB, 1)
        for aggregate, method in VIEWS:
            found = results.cached_compute(round_, aggregate=aggregate, method=method)
            out["entries"] = len(found.entries)
            if read_sheets:  # as an export or a publication does: every entry's sheets built
                sum(len(entry.sheets) for entry in found.entries)
            del found
            gc.collect()
            out["steps"][f"{aggregate}/{method}"] = round((tracemalloc.get_traced_memory()[0] - base_traced) / MB, 1)
        out["traced_mb"] = out["steps"][f"{VIEWS[-1][0]}/{VIEWS[-1][1]}"]
        out["peak_traced_mb"] = round((tracemalloc.get_traced_memory()[1] - base_traced) / MB, 1)
        out["rss_growth_mb"] = round((process.memory_info().rss - base_rss) / MB, 1)
        out["cached_items"] = len(cache)
        cache.clear()
        db.session.remove()
        gc.collect()
        out["after_clear_traced_mb"] = round((tracemalloc.get_traced_memory()[0] - base_traced) / MB, 1)
        tracemalloc.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.results_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--storage", default="instance/bench-work/storage-results")
    parser.add_argument("--json", default=None)
    parser.add_argument("--read-sheets", action="store_true",
                        help="read every entry's sheets of each view (they are built when first read)")
    args = parser.parse_args(argv)
    result = measure(args.database, args.storage, args.read_sheets)
    print(json.dumps(result, indent=2))
    print(f"{result['entries']} entries: the cached round holds {result['traced_mb']} MB "
          f"(traced, every view opened); RSS grew {result['rss_growth_mb']} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
