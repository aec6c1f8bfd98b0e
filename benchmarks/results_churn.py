"""``python -m benchmarks.results_churn --database URL``: an admin's results page while judges score (issue 17).

With ``--judges`` judges (50) submitting scores continuously to the largest scored round of the
database, an admin requests that round's results page over and over: every submission bumps the
round's results version, so nearly every request finds its figures stale. The app runs as in
production (``gunicorn -w 2``, ``benchmarks.helpers.Server``), with the results shared between the
workers through Redis when ``--redis`` is given. Reported, p50 / p95 in ms:

- the baseline page (``GET /auth/password``, as ``benchmarks.run``), quiet and during the churn;
- the results page, quiet (warm) and during the churn, and its p95 over the quiet baseline's p95
  (the target: ≤ 4);
- the judges' submissions (each reads the sheet's form, then submits new scores; throughput, errors), and the CPU time the server's processes and this
  client spent (``psutil``, ``time.process_time``): the machine may be shared.

The round must accept scores while the judges submit: for the run its window is moved to
(now - 1 day, now + 1 day) and put back afterwards. Seed a round of 3,000 entries with::

    python -m benchmarks.seed --innovations 5200 --blob-innovations 0 --audit-per-innovation 1 \\
        --database "postgresql://postgres@127.0.0.1/bench?options=-csearch_path%3Dbench_r3000"
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks import seed as seeding
from benchmarks.helpers import Server, app_env, percentile
from benchmarks.results_compute import largest_round
from benchmarks.run import Client, score_form


def _summary(latencies: list[float], errors: int = 0) -> dict[str, Any]:
    return {"requests": len(latencies), "errors": errors,
            "p50_ms": None if not latencies else round(percentile(latencies, 50), 1),
            "p95_ms": None if not latencies else round(percentile(latencies, 95), 1)}


def _timed(client: Client, path: str, count: int, out: list[float]) -> int:
    errors = 0
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
    return errors


def prepare(database_url: str, storage: Path, judges: int) -> dict[str, Any]:
    """The round, its judges (most active assignments first) with a few round entries each; the round's
    window opened for the run (the old one returned to put back)."""
    from innovation.auth.models import User
    from innovation.extensions import db, utcnow
    from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry

    from flask_migrate import upgrade

    app = seeding.make_app(database_url, storage)
    with app.app_context():
        upgrade(revision="heads")  # a database seeded by an older version of the app
        round_id = largest_round(db)
        if round_id is None:
            raise SystemExit("no scored round: seed the database first (see the module docstring)")
        round_ = db.session.get(Round, round_id)
        window = (round_.opens_at, round_.closes_at)
        rows = db.session.execute(
            sa.select(User.username, RoundEntry.id)
            .join(Assignment, Assignment.judge_id == User.id)
            .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
            .where(RoundEntry.round_id == round_id, Assignment.status == AssignmentStatus.ACTIVE)
            .order_by(User.id, RoundEntry.id)).all()
        entries = db.session.scalar(sa.select(sa.func.count()).where(RoundEntry.round_id == round_id))
        by_judge: dict[str, list[int]] = {}
        for username, round_entry_id in rows:
            by_judge.setdefault(username, []).append(round_entry_id)
        by_judge.update(extra_judges(db, round_id, judges - len(by_judge)))
        chosen = sorted(by_judge, key=lambda u: -len(by_judge[u]))[:judges]
        now = utcnow()
        round_.opens_at, round_.closes_at = now - timedelta(days=1), now + timedelta(days=1)
        db.session.commit()
        db.session.remove()
    return {"round_id": round_id, "entries": entries, "window": window,
            "judges": {u: by_judge[u][:5] for u in chosen}}


EXTRA_JUDGE = "juri.churn.{}"
EXTRA_ENTRIES = 5


def extra_judges(db, round_id: int, count: int) -> dict[str, list[int]]:
    """``count`` more judges for the round when the seed assigned fewer than asked (it assigns 36 to a
    round of 3,000 entries): accounts ``juri.churn.<n>`` (the benchmark password), each given
    ``EXTRA_ENTRIES`` of the round's entries it did not have, spread over the round. Kept in the
    database (a later run reuses them), so the round is the same on every run after the first."""
    from werkzeug.security import generate_password_hash

    from innovation.auth.models import User
    from innovation.extensions import utcnow
    from innovation.web import Role
    from innovation.judging.models import Assignment, AssignmentStatus, RoundEntry

    if count <= 0:
        return {}
    entry_ids = db.session.scalars(
        sa.select(RoundEntry.id).where(RoundEntry.round_id == round_id).order_by(RoundEntry.id)).all()
    password_hash = None
    found: dict[str, list[int]] = {}
    for n in range(1, count + 1):
        username = EXTRA_JUDGE.format(n)
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            password_hash = password_hash or generate_password_hash(seeding.BENCH_PASSWORD)
            user = User(username=username, full_name=f"Juri Churn {n}", role=Role.JUDGE, opd_id=None,
                        password_hash=password_hash, email=None, active=True, must_change_password=False,
                        session_version=1, created_at=utcnow())
            db.session.add(user)
            db.session.flush()
        have = set(db.session.scalars(
            sa.select(Assignment.round_entry_id).join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
            .where(Assignment.judge_id == user.id, RoundEntry.round_id == round_id,
                   Assignment.status == AssignmentStatus.ACTIVE)))
        step = max(1, len(entry_ids) // (count * EXTRA_ENTRIES + 1))
        wanted = [entry_ids[(n + k * count) * step % len(entry_ids)] for k in range(EXTRA_ENTRIES)]
        for round_entry_id in wanted:
            if round_entry_id not in have:
                exists = db.session.scalar(sa.select(Assignment).where(
                    Assignment.judge_id == user.id, Assignment.round_entry_id == round_entry_id))
                if exists is None:
                    db.session.add(Assignment(round_entry_id=round_entry_id, judge_id=user.id))
                else:
                    exists.status = AssignmentStatus.ACTIVE
                have.add(round_entry_id)
        db.session.flush()
        found[username] = sorted(have)
    return found


def restore(database_url: str, storage: Path, round_id: int, window: tuple) -> None:
    from innovation.extensions import db
    from innovation.judging.models import Round

    app = seeding.make_app(database_url, storage)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        round_.opens_at, round_.closes_at = window
        db.session.commit()
        db.session.remove()


def server_cpu(server: Server) -> float:
    import psutil

    total = 0.0
    for pid in [server.process.pid, *server.worker_pids()]:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def measure(args: argparse.Namespace) -> dict[str, Any]:
    storage = Path(args.storage)
    setup = prepare(args.database, storage, args.judges)
    results_path = f"/judging/rounds/{setup['round_id']}/results"
    out: dict[str, Any] = {"round_id": setup["round_id"], "entries": setup["entries"],
                           "judges": len(setup["judges"]), "seconds": args.seconds, "redis": bool(args.redis),
                           "think_s": args.think}
    extra = {"RESULTS_REDIS_URL": args.redis} if args.redis else {}
    server = Server(app_env(args.database, storage, **extra), workers=2,
                    log_path=Path(args.workdir) / "gunicorn-churn.log")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    try:
        server.start()
        admin = Client(server.base_url)
        admin.login(seeding.ADMIN)
        # quiet: the baseline, and the results page warm (its first, cold view not counted)
        _timed(admin, "/auth/password", 10, [])
        quiet_base: list[float] = []
        base_errors = _timed(admin, "/auth/password", args.quiet, quiet_base)
        _timed(admin, results_path, 2, [])
        quiet_results: list[float] = []
        results_errors = _timed(admin, results_path, max(10, args.quiet // 5), quiet_results)
        out["quiet"] = {"baseline": _summary(quiet_base, base_errors),
                        "results_warm": _summary(quiet_results, results_errors)}

        # the churn
        lock = threading.Lock()
        stop = threading.Event()
        submitted, failed = [0], []
        ready = threading.Barrier(len(setup["judges"]) + 1)

        def judge_loop(username: str, entries: list[int], seed: int) -> None:
            rng = random.Random(seed)
            client = Client(server.base_url)
            forms: dict[int, dict[str, str]] = {}
            try:
                client.login(username)
                for entry in entries:
                    forms[entry] = score_form(client.get(f"/judging/entries/{entry}").text, rng)
            except Exception as error:  # noqa: BLE001
                with lock:
                    failed.append(f"{username}: setup {error}")
            ready.wait()
            i = 0
            while forms and not stop.is_set():
                entry = list(forms)[i % len(forms)]
                try:  # the sheet as the judge sees it now (its version moves with every save)
                    data = score_form(client.get(f"/judging/entries/{entry}").text, rng)
                    status = client.post(f"/judging/entries/{entry}", data=data).status_code
                except Exception as error:  # noqa: BLE001
                    status = repr(error)[:80]
                with lock:
                    submitted[0] += 1
                    if status != 302:
                        failed.append(f"{username}: {status}")
                i += 1
                if args.think:
                    stop.wait(rng.uniform(0.5, 1.5) * args.think)

        threads = [threading.Thread(target=judge_loop, args=(u, e, n), daemon=True)
                   for n, (u, e) in enumerate(setup["judges"].items())]
        for thread in threads:
            thread.start()
        ready.wait()
        cpu_server, cpu_client = server_cpu(server), time.process_time()
        started = time.monotonic()
        churn_results: list[float] = []
        churn_base: list[float] = []
        churn_errors = 0
        while time.monotonic() - started < args.seconds:  # interleaved: results, baseline
            churn_errors += _timed(admin, results_path, 1, churn_results)
            churn_errors += _timed(admin, "/auth/password", 1, churn_base)
        stop.set()
        elapsed = time.monotonic() - started
        for thread in threads:
            thread.join(timeout=120)
        out["churn"] = {
            "results": _summary(churn_results, churn_errors), "baseline": _summary(churn_base),
            "submissions": submitted[0], "submissions_per_s": round(submitted[0] / elapsed, 1),
            "submission_errors": len(failed), "error_samples": sorted(set(failed))[:5],
            "server_cpu_s": round(server_cpu(server) - cpu_server, 1),
            "client_cpu_s": round(time.process_time() - cpu_client, 1), "wall_s": round(elapsed, 1)}
        base_p95 = out["quiet"]["baseline"]["p95_ms"]
        results_p95 = out["churn"]["results"]["p95_ms"]
        out["ratio_p95"] = round(results_p95 / base_p95, 1) if base_p95 and results_p95 else None
        churn_base_p95 = out["churn"]["baseline"]["p95_ms"]
        out["ratio_p95_to_churn_baseline"] = (round(results_p95 / churn_base_p95, 1)
                                              if churn_base_p95 and results_p95 else None)
    finally:
        server.stop()
        restore(args.database, storage, setup["round_id"], setup["window"])
    out["load_average"] = list(os.getloadavg())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.results_churn", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of a seeded database (schema in options)")
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the judges submit")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a judge waits between two submissions (0: none, the server saturated)")
    parser.add_argument("--quiet", type=int, default=100, help="baseline requests before the churn")
    parser.add_argument("--redis", default=None, help="RESULTS_REDIS_URL for the workers (shared figures)")
    parser.add_argument("--storage", default="instance/bench-work/storage-churn")
    parser.add_argument("--workdir", default="instance/bench-work")
    parser.add_argument("--json", default=None, help="write the figures here too")
    args = parser.parse_args(argv)
    result = measure(args)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
