"""``python -m benchmarks.peer run --size N``: both apps served the same way, the page pairs measured interleaved.

Ours: ``benchmarks.helpers.Server`` (``gunicorn -w 2 wsgi:app`` in the repository, so its
``gunicorn.conf.py``: gthread workers, 8 threads) on the already seeded schema ``bench_r<N>`` of
``bench17``. pretalx: the peer venv's gunicorn, the same worker count, worker class, threads, timeouts and
host, on ``pretalx.wsgi`` (its documented WSGI entry) and the event ``peer<N>``. Both on PostgreSQL on
the same server, without Redis. Each side logs in once per role (ours: ``bench.admin`` and the judge
with the most open assignments, as ``benchmarks.run``; pretalx: the organiser and the reviewer of the
chosen submission, through its login form with its CSRF token) and keeps its session.

Cold: our results page caches a round's computed figures per process until the round's
``results_version`` moves; before each cold request the run calls the app's own
``results_cache.mark_changed`` on the round (what a submitted score does), untimed, so every cold
request recomputes the ranking. pretalx caches no part of its review dashboard (without Redis its
cache is Django's dummy cache; the page aggregates the reviews in SQL on every request); before each of
its cold requests one review's ``updated`` is written, untimed, so both sides pay a fresh write
before the page, and pretalx's cold equals its warm by construction.
"""
from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks import seed as seeding
from benchmarks.helpers import ROOT, Server, app_env, forms_of
from benchmarks.peer.config import DATABASE, PRETALX_PORT, PRETALX_VERSION, PeerPaths, pretalx_env
from benchmarks.peer.pairs import COLD, OURS, PAIRS, THEIRS, fill, interleave, modes_of
from benchmarks.peer.pretalx_seed import ORGA_EMAIL
from benchmarks.peer.report import compare, summary
from benchmarks.peer.seeding import slug_for
from benchmarks.results_compute import largest_round
from benchmarks.run import Client, load_fixtures

OUR_DATABASE = "postgresql://postgres@127.0.0.1/bench17"


def our_database_url(size: int, base: str = OUR_DATABASE) -> str:
    """The schema seeded for issue 17 at this size (``bench_r1000``, ``bench_r10000``)."""
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3Dbench_r{size}"


# --- our side ----------------------------------------------------------------------------------------

class OurSide:
    """The app in-process (fixtures, the cold bump) on the seeded schema."""

    def __init__(self, database_url: str, storage: Path):
        self.url = database_url
        self.storage = storage
        self.app = seeding.make_app(database_url, storage)

    def fixtures(self) -> dict[str, Any]:
        from innovation.events.models import Entry
        from innovation.extensions import db
        from innovation.judging import models as jm

        fx = load_fixtures(self.app)  # the judge with the most assignments in the open round
        if not fx.judge:
            raise SystemExit("no judge with open assignments: is this a schema seeded by benchmarks.seed?")
        with self.app.app_context():
            round_id = largest_round(db)
            round_ = db.session.get(jm.Round, round_id)
            slug = round_.event.slug
            entry_ids = list(db.session.scalars(sa.select(jm.RoundEntry.entry_id)
                                                .where(jm.RoundEntry.round_id == round_id).order_by(jm.RoundEntry.id)))
            middle = db.session.get(Entry, entry_ids[len(entry_ids) // 2])
            per_entry = db.session.execute(
                sa.select(jm.RoundEntry.id, sa.func.count(jm.ScoreSheet.id))
                .join(jm.Assignment, jm.Assignment.round_entry_id == jm.RoundEntry.id)
                .join(jm.ScoreSheet, jm.ScoreSheet.assignment_id == jm.Assignment.id)
                .where(jm.RoundEntry.round_id == round_id, jm.ScoreSheet.status == jm.SheetStatus.SUBMITTED)
                .group_by(jm.RoundEntry.id)).all()
            judges = db.session.scalar(
                sa.select(sa.func.count(sa.distinct(jm.Assignment.judge_id)))
                .join(jm.RoundEntry, jm.Assignment.round_entry_id == jm.RoundEntry.id)
                .where(jm.RoundEntry.round_id == round_id))
            criteria = [(c.title, float(c.weight)) for c in round_.rubric.criteria]
            scores = db.session.scalar(
                sa.select(sa.func.count(jm.Score.id)).join(jm.ScoreSheet).join(jm.Assignment)
                .where(jm.Assignment.round_id == round_id))
            db.session.remove()
        sheets = [n for _, n in per_entry]
        distribution: dict[str, int] = {}
        for n in sheets:
            distribution[str(n)] = distribution.get(str(n), 0) + 1
        return {
            "paths": {"round_id": round_id, "event": slug, "entry_id": middle.id, "innovation_id": middle.innovation_id,
                      "round_entry_id": fx.judge_entries[fx.judge][0]},
            "users": {"admin": fx.admin, "judge": fx.judge},
            "data": {"schema": seeding.schema_of(self.url), "entries": len(entry_ids), "sheets": sum(sheets),
                     "scores": scores, "sheets_per_entry": dict(sorted(distribution.items())),
                     "judges": judges, "criteria": criteria, "results_round": round_id, "event": slug},
        }

    def bump(self, round_id: int) -> None:
        """What a submitted score does to the results: the app's own ``mark_changed``, committed."""
        from innovation.extensions import db
        from innovation.judging.models import Round
        from innovation.judging.results_cache import mark_changed

        with self.app.app_context():
            mark_changed(db.session.get(Round, round_id))
            db.session.commit()
            db.session.remove()

    def close(self) -> None:
        from innovation.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def our_login(client: Client, username: str) -> None:
    client.login(username)  # benchmarks.run's: the login form, its CSRF token, BENCH_PASSWORD


# --- pretalx's side ----------------------------------------------------------------------------------

class PretalxSide:
    """pretalx's database, read directly for the fixtures (which submission, which reviewer)."""

    def __init__(self, slug: str, host: str = "127.0.0.1"):
        import psycopg

        self.slug = slug
        self.conn = psycopg.connect(host=host, user="postgres", dbname=DATABASE, autocommit=True)

    def one(self, sql: str, *args: Any) -> Any:
        return self.conn.execute(sql, args).fetchone()

    def fixtures(self) -> dict[str, Any]:
        row = self.one("SELECT id FROM event_event WHERE slug = %s", self.slug)
        if row is None:
            raise SystemExit(f"no pretalx event {self.slug}: run `python -m benchmarks.peer seed` first")
        event_id = row[0]
        submissions = self.one("SELECT count(*) FROM submission_submission WHERE event_id = %s", event_id)[0]
        code = self.one("SELECT code FROM submission_submission WHERE event_id = %s ORDER BY id OFFSET %s LIMIT 1",
                        event_id, submissions // 2)[0]
        reviews, reviewers = self.one(
            "SELECT count(*), count(DISTINCT r.user_id) FROM submission_review r "
            "JOIN submission_submission s ON s.id = r.submission_id WHERE s.event_id = %s", event_id)
        review_id, email, review_code = self.one(
            "SELECT r.id, u.email, s.code FROM submission_review r "
            "JOIN submission_submission s ON s.id = r.submission_id JOIN person_user u ON u.id = r.user_id "
            "WHERE s.event_id = %s ORDER BY r.id OFFSET %s LIMIT 1",
            event_id, reviews // 2)
        per = self.conn.execute(
            "SELECT n, count(*) FROM (SELECT count(r.id) n FROM submission_submission s "
            "LEFT JOIN submission_review r ON r.submission_id = s.id WHERE s.event_id = %s GROUP BY s.id) t "
            "GROUP BY n ORDER BY n", (event_id,)).fetchall()
        scores = self.one(
            "SELECT count(*) FROM submission_review_scores x JOIN submission_review r ON r.id = x.review_id "
            "JOIN submission_submission s ON s.id = r.submission_id WHERE s.event_id = %s", event_id)[0]
        criteria = self.conn.execute(
            "SELECT name, weight FROM submission_reviewscorecategory WHERE event_id = %s ORDER BY id",
            (event_id,)).fetchall()
        self.review_id = review_id
        return {
            "paths": {"slug": self.slug, "code": code, "review_code": review_code},
            "users": {"orga": ORGA_EMAIL, "reviewer": email},
            "data": {"database": DATABASE, "event": self.slug, "submissions": submissions, "reviews": reviews,
                     "review_scores": scores, "reviews_per_submission": {str(n): c for n, c in per},
                     "reviewers": reviewers,
                     "criteria": [(_i18n(name), float(weight)) for name, weight in criteria]},
        }

    def touch(self) -> None:
        self.conn.execute("UPDATE submission_review SET updated = now() WHERE id = %s", (self.review_id,))

    def close(self) -> None:
        self.conn.close()


def _i18n(value: Any) -> str:
    """An i18nfield value (a JSON object of languages, or a plain string)."""
    import json

    with contextlib.suppress(ValueError, TypeError, AttributeError):
        parsed = json.loads(value)
        if isinstance(parsed, dict):
            return str(next(iter(parsed.values())))
    return str(value)


def pretalx_login(client: Client, email: str, password: str = seeding.BENCH_PASSWORD) -> None:
    """pretalx's organiser login: its form, its CSRF token (``csrfmiddlewaretoken`` and the cookie)."""
    client.http.cookies.clear()
    page = client.get("/orga/login/")
    token = next((f.get("value") for form in forms_of(page.text) for f in form["fields"]
                  if f.get("name") == "csrfmiddlewaretoken"), None)
    if not token:
        raise RuntimeError(f"no CSRF token on pretalx's login page (HTTP {page.status_code})")
    response = client.post("/orga/login/", data={"csrfmiddlewaretoken": token, "login_email": email,
                                                 "login_password": password})
    if response.status_code != 302:
        raise RuntimeError(f"pretalx login as {email} failed: HTTP {response.status_code}")


class PretalxServer(Server):
    """``gunicorn -w 2 pretalx.wsgi`` from the peer venv, with the worker class, threads and timeouts ours
    runs with (``benchmarks.helpers.Server`` and the repository's ``gunicorn.conf.py``)."""

    def __init__(self, paths: PeerPaths, *, workers: int = 2, port: int = PRETALX_PORT, log_path: Path | None = None):
        super().__init__(pretalx_env(paths), workers=workers, port=port, log_path=log_path)
        self.paths = paths
        self.cwd = paths.home

    def command(self) -> list[str]:
        return [str(self.paths.gunicorn), *self.common_args(),
                "--worker-class", os.environ.get("GUNICORN_WORKER_CLASS", "gthread"),
                "--threads", os.environ.get("GUNICORN_THREADS", "8"), "pretalx.wsgi"]

    def start(self, timeout: float = 90.0) -> PretalxServer:  # pretalx's first start loads more
        super().start(timeout)
        return self


# --- the run -----------------------------------------------------------------------------------------

def timed_get(client: Client, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    try:
        response = client.get(path)
        status, size = response.status_code, len(response.content)
    except Exception:  # noqa: BLE001 - a failed request is a measured error
        status, size = -1, 0
    return (time.perf_counter() - started) * 1000, status, size


def git_commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or None


def measure(paths: PeerPaths, size: int, *, rounds: int, warmup: int, database_url: str | None = None,
            pairs: list[str] | None = None, log=print) -> dict[str, Any]:
    if not paths.installed():
        raise SystemExit(f"no peer venv at {paths.venv}: run `python -m benchmarks.peer setup` first")
    chosen = [p for p in PAIRS if not pairs or p.name in pairs]
    url = database_url or our_database_url(size)
    workdir = paths.home / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    ours_side = OurSide(url, workdir / "storage-ours")
    theirs_side = PretalxSide(slug_for(size))
    result: dict[str, Any] = {
        "size": size, "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ours_commit": git_commit(), "pretalx_version": PRETALX_VERSION, "rounds": rounds, "warmup": warmup,
        "interleaving": "per pair and mode: ours, pretalx, ours, pretalx, ... (warm-up requests untimed)",
        "server": "gunicorn -w 2, worker class and threads as gunicorn.conf.py "
                  f"({os.environ.get('GUNICORN_WORKER_CLASS', 'gthread')}, {os.environ.get('GUNICORN_THREADS', '8')} "
                  "threads), 127.0.0.1, PostgreSQL, no Redis",
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in os.getloadavg()]},
    }
    ours_fx = ours_side.fixtures()
    theirs_fx = theirs_side.fixtures()
    result["data"] = {OURS: ours_fx["data"], THEIRS: theirs_fx["data"]}
    with contextlib.suppress(Exception):
        result["machine"]["postgresql"] = theirs_side.one("SHOW server_version")[0]
    ours_server = Server(app_env(url, workdir / "storage-ours"), workers=2,
                         log_path=workdir / f"gunicorn-ours-{size}.log")
    theirs_server = PretalxServer(paths, workers=2, log_path=workdir / f"gunicorn-pretalx-{size}.log")
    latencies: dict[tuple[str, str, str], list[float]] = {}
    errors: dict[tuple[str, str, str], int] = {}
    sizes: dict[tuple[str, str, str], list[int]] = {}
    try:
        ours_server.start()
        theirs_server.start()
        log(f"ours on {ours_server.base_url} ({url}), pretalx {PRETALX_VERSION} on {theirs_server.base_url} "
            f"(event {slug_for(size)})")
        clients = {(OURS, "admin"): Client(ours_server.base_url), (OURS, "judge"): Client(ours_server.base_url),
                   (THEIRS, "orga"): Client(theirs_server.base_url),
                   (THEIRS, "reviewer"): Client(theirs_server.base_url)}
        our_login(clients[(OURS, "admin")], ours_fx["users"]["admin"])
        our_login(clients[(OURS, "judge")], ours_fx["users"]["judge"])
        pretalx_login(clients[(THEIRS, "orga")], theirs_fx["users"]["orga"])
        pretalx_login(clients[(THEIRS, "reviewer")], theirs_fx["users"]["reviewer"])
        by_name = {p.name: p for p in chosen}
        round_id = ours_fx["paths"]["round_id"]
        for step in interleave(chosen, rounds, warmup):
            pair = by_name[step.pair]
            if step.side == OURS:
                client, path = clients[(OURS, pair.ours_role)], fill(pair.ours, ours_fx["paths"])
                if step.mode == COLD:
                    ours_side.bump(round_id)
            else:
                client, path = clients[(THEIRS, pair.theirs_role)], fill(pair.theirs, theirs_fx["paths"])
                if step.mode == COLD:
                    theirs_side.touch()
            ms, status, length = timed_get(client, path)
            if status != 200 and step.index == -warmup:
                log(f"  {step.side} {path}: HTTP {status}")
            if not step.timed:
                continue
            key = (step.pair, step.mode, step.side)
            latencies.setdefault(key, []).append(ms)
            sizes.setdefault(key, []).append(length)
            errors[key] = errors.get(key, 0) + (status != 200)
        rows = []
        for pair in chosen:
            for mode in modes_of(pair):
                ours = summary(latencies[(pair.name, mode, OURS)], errors[(pair.name, mode, OURS)])
                theirs = summary(latencies[(pair.name, mode, THEIRS)], errors[(pair.name, mode, THEIRS)])
                for side, s in ((OURS, ours), (THEIRS, theirs)):
                    s["bytes"] = sorted(sizes[(pair.name, mode, side)])[len(sizes[(pair.name, mode, side)]) // 2]
                    s["latencies_ms"] = [round(x, 1) for x in latencies[(pair.name, mode, side)]]
                row = {"pair": pair.name, "mode": mode, "why": pair.why,
                       "paths": {OURS: fill(pair.ours, ours_fx["paths"]),
                                 THEIRS: fill(pair.theirs, theirs_fx["paths"])},
                       **compare(ours, theirs)}
                rows.append(row)
                log(f"  {pair.name:<8} {mode:<5} ours {ours['p50_ms']} / {ours['p95_ms']} ms, pretalx "
                    f"{theirs['p50_ms']} / {theirs['p95_ms']} ms: ratio p95 {row['ratio_p95']}")
        result["pages"] = rows
    finally:
        ours_server.stop()
        theirs_server.stop()
        ours_side.close()
        theirs_side.close()
    result["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result
