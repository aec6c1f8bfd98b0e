"""``python -m benchmarks.queue_plan --database URL [--assignments 6000]``: the judge queue with many assignments.

Gives one benchmark judge ``--assignments`` active assignments (added on the entries of the largest
round still in the queue's window, the round closing last, where the judge has none yet; nothing is
added when they already have that many), then, in-process:

- times ``queue.queue_page`` for the first, a middle and the last page (``--runs`` each; p50 / p95 ms);
- prints PostgreSQL's ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement the first and a middle page run;
- with ``--http``, serves the app (``gunicorn -w 2``, as ``benchmarks.run``) and times the same pages as
  the judge sees them, each request interleaved with the baseline page, with each page's p95 over the
  baseline's (the list target: at most 3).

``--old PATH`` times another version of ``judging/queue.py`` (e.g. ``git show main:innovation/judging/queue.py``)
against the same data, for the before / after comparison in docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from typing import Any

import sqlalchemy as sa

from benchmarks.helpers import percentile
from benchmarks.seed import make_app


def grow(db, wanted: int) -> int:
    from innovation.auth.models import User
    from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry
    from innovation.web import Role

    judge_id = db.session.scalar(  # the judge holding the most assignments already
        sa.select(Assignment.judge_id).join(User, User.id == Assignment.judge_id).where(User.role == Role.JUDGE)
        .group_by(Assignment.judge_id).order_by(sa.func.count().desc(), Assignment.judge_id).limit(1))
    have = db.session.scalar(sa.select(sa.func.count()).where(Assignment.judge_id == judge_id,
                                                              Assignment.status == AssignmentStatus.ACTIVE))
    if have < wanted:
        taken = sa.select(Assignment.round_entry_id).where(Assignment.judge_id == judge_id)
        window = sa.func.now() - sa.text("interval '30 days'")
        free = list(db.session.execute(
            sa.select(RoundEntry.id, RoundEntry.round_id).join(Round, RoundEntry.round_id == Round.id)
            .where(Round.rubric_id.is_not(None), Round.closes_at >= window, RoundEntry.id.not_in(taken))
            .order_by(Round.closes_at.desc(), RoundEntry.id).limit(wanted - have)))
        if len(free) < wanted - have:
            raise SystemExit(f"only {len(free)} more round entries in the queue's window: seed a larger database")
        stamp = db.session.scalar(sa.select(sa.func.now()))
        db.session.execute(Assignment.__table__.insert(), [
            {"round_entry_id": re_id, "round_id": round_id, "judge_id": judge_id,
             "status": AssignmentStatus.ACTIVE.value, "recusal_reason": "", "needs_reassignment": False,
             "created_at": stamp, "updated_at": stamp}
            for re_id, round_id in free])
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) assignment")
    return judge_id


def load_queue(path: str | None):
    if path is None:
        from innovation.judging import queue
        return queue
    spec = importlib.util.spec_from_file_location("queue_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def measure(database_url: str, wanted: int, runs: int, old: str | None, explain: bool) -> dict[str, Any]:
    from innovation.auth.models import User
    from innovation.extensions import db

    app = make_app(database_url, "instance/bench-work/storage-queue")
    out: dict[str, Any] = {}
    with app.app_context():
        judge_id = grow(db, wanted)
        queue = load_queue(old)
        judge = db.session.get(User, judge_id)
        out["judge"] = judge.username
        first = queue.queue_page(judge, 1, 25)
        out["assignments_listed"] = first.total
        pages = {"first": 1, "middle": max(1, first.pages // 2), "last": first.pages}
        for name, page in pages.items():
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                queue.queue_page(judge, page, 25)
                samples.append((time.perf_counter() - started) * 1000)
                db.session.expire_all()
            out[name] = {"page": page, "p50_ms": round(statistics.median(samples), 1),
                         "p95_ms": round(percentile(samples, 95), 1)}
        if explain and db.engine.dialect.name == "postgresql":
            captured: list[tuple[str, Any]] = []

            def before(conn, cursor, statement, parameters, context, executemany):
                captured.append((statement, parameters))

            sa.event.listen(db.engine, "before_cursor_execute", before)
            for page in (1, pages["middle"]):
                queue.queue_page(judge, page, 25)
            sa.event.remove(db.engine, "before_cursor_execute", before)
            plans = []
            with db.engine.connect() as conn:
                for statement, parameters in captured:
                    rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
                    plans.append("\n".join(r[0] for r in rows))
            out["plans"] = plans
    return out


def measure_http(database_url: str, judge_username: str, pages: dict[str, int], runs: int) -> dict[str, Any]:
    """The queue's pages over HTTP as ``benchmarks.run`` serves the app (``gunicorn -w 2``), each request
    interleaved with one of the baseline page (``GET /auth/password``): p50 / p95 ms, and each page's
    p95 over the baseline's p95 (the list target: at most 3)."""
    from pathlib import Path

    from benchmarks.helpers import Server, app_env
    from benchmarks.run import Client

    storage = Path("instance/bench-work/storage-queue")
    server = Server(app_env(database_url, storage), workers=2,
                    log_path=Path("instance/bench-work") / "gunicorn-queue.log")
    Path("instance/bench-work").mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    try:
        server.start()
        client = Client(server.base_url)
        client.login(judge_username)
        samples: dict[str, list[float]] = {"baseline": [], **{name: [] for name in pages}}
        for name, page in [("baseline", 0), *pages.items()]:  # warm-up, not counted
            client.get("/auth/password" if name == "baseline" else f"/judging/?page={page}")
        for _ in range(runs):
            for name, page in pages.items():
                for what, path in (("baseline", "/auth/password"), (name, f"/judging/?page={page}")):
                    started = time.perf_counter()
                    response = client.get(path)
                    samples[what].append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: HTTP {response.status_code}")
        base_p95 = percentile(samples["baseline"], 95)
        for name, values in samples.items():
            out[name] = {"p50_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 95), 1),
                         "requests": len(values)}
            if name != "baseline":
                out[name]["page"] = pages[name]
                out[name]["ratio_p95"] = round(percentile(values, 95) / base_p95, 2)
    finally:
        server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.queue_plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--assignments", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--old", default=None, help="another queue.py to time instead")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--http", action="store_true",
                        help="also time the pages over HTTP (gunicorn -w 2) against the baseline page")
    args = parser.parse_args(argv)
    result = measure(args.database, args.assignments, args.runs, args.old, not args.no_explain)
    if args.http:
        result["http"] = measure_http(args.database, result["judge"],
                                      {name: result[name]["page"] for name in ("first", "middle", "last")},
                                      args.runs)
    plans = result.pop("plans", [])
    print(json.dumps(result, indent=2))
    for plan in plans:
        print("\n" + plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
