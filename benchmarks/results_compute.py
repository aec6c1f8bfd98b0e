"""``python -m benchmarks.results_compute --database URL [--repeat N] [--json OUT]``: a round's results, cold.

Times what an admin's first view of the results costs after a change (issue 17): ``results.gather``
(the round's rows) and ``results.compute`` (aggregates, normalisation, Krippendorff's alpha per
criterion, flags, ranking), in-process, for the largest scored round of the database (the most round
entries with submitted sheets), with a fresh session each time and nothing cached. Each of the five
views (aggregate x method) is timed; the figure is the median of ``--repeat`` runs, and the slowest is
reported too, with the CPU time of this process (``time.process_time``: without the database
server's share, and much less moved than the wall clock when other jobs share the machine).

Seed a round of 10,000 entries (3-5 judges each, 5 weighted criteria) with::

    python -m benchmarks.seed --innovations 17000 --event-max-entries 10000 --blob-innovations 0 \\
        --audit-per-innovation 1 --database "postgresql://postgres@127.0.0.1/bench?options=-csearch_path%3Dbench_r10000"

and one of about 1,000 entries with ``--innovations 1700`` (the default events of 3,000 entries).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.seed import make_app

VIEWS = [("mean", "raw"), ("median", "raw"), ("trimmed", "raw"), ("mean", "normalised"), ("median", "normalised")]


def largest_round(db) -> int:
    from innovation.judging.models import Assignment, RoundEntry, ScoreSheet, SheetStatus

    return db.session.scalar(
        sa.select(RoundEntry.round_id)
        .join(Assignment, Assignment.round_entry_id == RoundEntry.id)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(ScoreSheet.status == SheetStatus.SUBMITTED)
        .group_by(RoundEntry.round_id).order_by(sa.func.count().desc()).limit(1))


def measure(database_url: str, repeat: int, storage: str) -> dict[str, Any]:
    from innovation.extensions import db
    from innovation.judging import results
    from innovation.judging.models import Round

    app = make_app(database_url, storage)
    out: dict[str, Any] = {"views": {}}
    with app.app_context():
        round_id = largest_round(db)
        if round_id is None:
            raise SystemExit("no scored round: seed the database first (see the module docstring)")
        round_ = db.session.get(Round, round_id)
        data = results.gather(round_)
        out.update(round_id=round_id, entries=len(data.round_entries), sheets=len(data.sheets),
                   scores=data.sheets.score_count, criteria=len(data.criteria), judges=len(data.judges))
        db.session.remove()
        for aggregate, method in VIEWS:
            gathers, computes, totals, cpus = [], [], [], []
            for _ in range(repeat):
                gc.collect()
                round_ = db.session.get(Round, round_id)
                _ = round_.rubric, round_.event.categories  # what the page has loaded already
                started, cpu = time.perf_counter(), time.process_time()
                data = results.gather(round_)
                gathered = time.perf_counter()
                found = results.compute(round_, aggregate=aggregate, method=method, data=data)
                done = time.perf_counter()
                assert len(found.entries) == out["entries"]
                gathers.append(gathered - started)
                computes.append(done - gathered)
                totals.append(done - started)
                cpus.append(time.process_time() - cpu)
                del found, data
                db.session.remove()
            out["views"][f"{aggregate}/{method}"] = {
                "seconds": round(statistics.median(totals), 4), "slowest": round(max(totals), 4),
                "gather": round(statistics.median(gathers), 4), "compute": round(statistics.median(computes), 4),
                "cpu": round(statistics.median(cpus), 4)}
    out["seconds"] = max(v["seconds"] for v in out["views"].values())
    out["cpu"] = max(v["cpu"] for v in out["views"].values())
    out["load_average"] = list(os.getloadavg())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.results_compute", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of a seeded database (schema in options)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--storage", default="instance/bench-work/storage-results")
    parser.add_argument("--json", default=None, help="write the figures here too")
    args = parser.parse_args(argv)
    result = measure(args.database, args.repeat, args.storage)
    print(json.dumps(result, indent=2))
    print(f"{result['entries']} entries, {result['sheets']} sheets, {result['scores']} scores: "
          f"cold gather + compute {result['seconds']} s (median of {args.repeat}, slowest view; "
          f"this process's CPU {result['cpu']} s; load average {result['load_average'][0]:.1f})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
