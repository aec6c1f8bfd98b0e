"""``python -m benchmarks.run``: seed, serve under gunicorn, measure, check the targets.

    python -m benchmarks.run --quick                                   # SQLite, sizes 200 and 2000
    python -m benchmarks.run --database postgresql://postgres@127.0.0.1/bench --sizes 1000,10000 \\
        --json bench-work/results.json

Each size is seeded into its own fresh PostgreSQL schema (``bench_<size>`` in the given database)
or SQLite file (``<workdir>/bench-<size>.sqlite``), with its own storage folder; ``--no-seed``
reuses what an earlier run left. The app then runs as in production: ``gunicorn -w 2 wsgi:app``
with ``SECRET_KEY`` and ``STORAGE_URL`` set, on 127.0.0.1 only. Every request loop is bounded in count
and time, and the server's process group is stopped in ``finally`` (also on Ctrl-C).

Pages that the app does not have yet (checked in ``app.url_map``) are reported as "missing".
SQL statements per request are counted in-process (the same requests through ``app.test_client()``
with a ``before_cursor_execute`` listener), because the server's workers cannot be instrumented.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import json
import random
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks import seed as seeding
from benchmarks.helpers import (
    MB,
    VENV_BIN,
    Server,
    app_env,
    csrf_token,
    forms_of,
    percentile,
    run_sampled,
    sampling,
)

LIST_RATIO, AGGREGATE_RATIO, GROWTH_RATIO = 3.0, 10.0, 1.5
MAX_STATEMENTS = 20
EXPORT_RSS_MB, UPLOAD_GROWTH_MB = 300.0, 32.0


@dataclass
class Page:
    name: str
    kind: str  # list, form, write, aggregate, auth
    endpoint: str  # must be in app.url_map, else "missing"
    role: str  # operator, judge, admin
    method: str = "GET"
    note: str = ""


PAGES = [
    Page("login", "auth", "auth.login", "anonymous", "POST",
         "POST /auth/login; the password hash (scrypt) is deliberately slow, so no ratio target"),
    Page("operator_dashboard", "list", "innovations.index", "operator", note="GET /innovations/ as an operator"),
    Page("innovation_edit", "form", "innovations.profile", "operator", note="GET /innovations/<id>/profile"),
    Page("evidence_upload", "write", "innovations.evidence_upload", "operator", "POST",
         "1 MB PDF, POST /innovations/<id>/evidence"),
    Page("judge_queue", "list", "judging.queue", "judge", note="GET /judging/ as a judge"),
    Page("scoring_page", "form", "judging.score", "judge", note="GET /judging/entries/<round entry id>"),
    Page("score_submission", "write", "judging.score", "judge", "POST", "POST the score sheet (action=submit)"),
    Page("results", "aggregate", "judging.results", "admin", note="results of the largest event's scored round"),
    Page("audit_log", "list", "audit.index", "admin", note="GET /audit/ as admin"),
    Page("district_dashboard", "aggregate", "reporting.dashboard", "admin", note="GET /reporting/ as admin"),
]
BASELINE = Page("baseline", "baseline", "auth.password", "operator",
                note="GET /auth/password: a logged-in page whose only query is the user load")


# --- fixtures: who and what the requests use -------------------------------------------------------

@dataclass
class Fixtures:
    operator: str
    innovation_id: int
    upload_targets: list[tuple[int, int]]  # (innovation id, indicator no) for 1 MB PDF uploads
    video_target: tuple[int, int]  # (innovation id, indicator no) for the 200 MB tus upload
    admin: str = seeding.ADMIN
    judge: str | None = None
    judge_entries: dict[str, list[int]] = field(default_factory=dict)  # judge -> round entry ids (open round)
    results_round: int | None = None
    largest_event: str | None = None
    year: int = 2026


def load_fixtures(app) -> Fixtures:
    from innovation.auth.models import User
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.web import Role

    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == seeding.ADMIN))
        first = db.session.scalar(sa.select(Innovation).order_by(Innovation.id).limit(1))
        if admin is None or first is None:
            raise RuntimeError("the database has no benchmark data: run without --no-seed")
        operator = db.session.scalar(sa.select(User).where(User.role == Role.OPERATOR, User.opd_id == first.opd_id))
        rules = first.rules
        pdf_indicators = [i.no for i in rules.indicators if "pdf" in i.evidence_types]
        video = next(i.no for i in rules.indicators if "mp4" in i.evidence_types)
        own = list(db.session.scalars(sa.select(Innovation.id).where(Innovation.opd_id == first.opd_id)
                                      .order_by(Innovation.id)))
        targets = [(inn, no) for no in pdf_indicators for inn in own]
        fixtures = Fixtures(operator=operator.username, innovation_id=first.id, upload_targets=targets,
                            video_target=(first.id, video), year=first.rules_year)
        with contextlib.suppress(ImportError):
            from innovation.events.models import Event
            from innovation.judging import models as jm

            event = db.session.scalar(sa.select(Event).where(Event.slug == seeding.LARGEST_EVENT_SLUG))
            if event is not None:
                fixtures.largest_event = event.slug
                rounds = list(db.session.scalars(sa.select(jm.Round).where(jm.Round.event_id == event.id)
                                                 .order_by(jm.Round.position)))
                if rounds:
                    fixtures.results_round = rounds[0].id
                open_round = rounds[-1] if len(rounds) > 1 else None
                if open_round is not None:
                    rows = db.session.execute(
                        sa.select(User.username, jm.RoundEntry.id)
                        .join(jm.Assignment, jm.Assignment.judge_id == User.id)
                        .join(jm.RoundEntry, jm.Assignment.round_entry_id == jm.RoundEntry.id)
                        .where(jm.RoundEntry.round_id == open_round.id)
                        .order_by(User.id, jm.RoundEntry.id)
                    ).all()
                    for username, round_entry_id in rows:
                        fixtures.judge_entries.setdefault(username, []).append(round_entry_id)
                    if fixtures.judge_entries:
                        fixtures.judge = max(fixtures.judge_entries, key=lambda u: len(fixtures.judge_entries[u]))
        db.session.remove()
    return fixtures


# --- requests ------------------------------------------------------------------------------------

def make_pdf(size: int) -> bytes:
    """A real PDF of about ``size`` bytes (a page plus an incompressible stream)."""
    from innovation.demo import demo_pdf

    head = demo_pdf("Bukti benchmark 1 MB", ["Lampiran data."])
    filler = random.Random(1).randbytes(max(0, size - len(head) - 64))
    # An unreferenced object before the trailer keeps the file a valid PDF for a signature check.
    marker = head.rfind(b"xref")
    return head[:marker] + b"99 0 obj\n<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream\nendobj\n" + head[marker:]


class Client:
    """One user's keep-alive session against the server (``requests.Session``)."""

    def __init__(self, base_url: str):
        import requests

        self.base = base_url
        self.http = requests.Session()

    def get(self, path: str, **kw):
        return self.http.get(self.base + path, allow_redirects=False, timeout=120, **kw)

    def post(self, path: str, **kw):
        return self.http.post(self.base + path, allow_redirects=False, timeout=600, **kw)

    def login(self, username: str) -> None:
        self.http.cookies.clear()
        token = csrf_token(self.get("/auth/login").text)
        response = self.post("/auth/login", data={"username": username, "password": seeding.BENCH_PASSWORD,
                                                  "csrf_token": token or ""})
        if response.status_code != 302:
            raise RuntimeError(f"login as {username} failed: HTTP {response.status_code}")

    def token(self, path: str) -> str:
        token = csrf_token(self.get(path).text)
        if not token:
            raise RuntimeError(f"no CSRF token on {path}")
        return token


def score_form(html: str, rng: random.Random) -> dict[str, str]:
    """The scoring form's fields, filled: every score-* with a value in its range, action=submit."""
    best = None
    for form in forms_of(html):
        if form["method"] == "post" and any(f.get("name", "").startswith("score-") for f in form["fields"]):
            best = form
            break
    if best is None:
        raise RuntimeError("no scoring form on the page")
    data: dict[str, str] = {}
    for f in best["fields"]:
        name = f.get("name", "")
        if name.startswith("score-"):
            if f["tag"] == "select":
                options = [o for o in f["options"] if o]
                data[name] = rng.choice(options)
            elif f.get("type") == "radio":
                data.setdefault(name, f.get("value", "3"))
                if rng.random() < 0.3:
                    data[name] = f.get("value", "3")
            else:
                low, high = float(f.get("min") or 1), float(f.get("max") or 5)
                data[name] = str(int(rng.uniform(low, high) * 2) / 2)
        elif name == "action":
            if f.get("value") == "submit":
                data["action"] = "submit"
        elif f["tag"] != "button" and f.get("type") not in ("submit", "checkbox", "radio"):
            data.setdefault(name, f.get("value", ""))
    data["action"] = "submit"
    return data


@dataclass
class Sample:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"p50_ms": _r(percentile(self.latencies_ms, 50)), "p95_ms": _r(percentile(self.latencies_ms, 95)),
                "requests": len(self.latencies_ms), "errors": self.errors,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())}}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def timed_loop(do: Callable[[int], Any], ok: Callable[[Any], bool], *, count: int, seconds: float, warmup: int,
               prepare: Callable[[int], Any] | None = None) -> Sample:
    """``warmup`` untimed calls, then up to ``count`` timed calls or ``seconds``, whichever ends first.
    ``prepare(i)`` runs untimed before each call (e.g. fetching a fresh login form)."""
    warm_deadline = time.monotonic() + min(seconds / 3, 10)
    for i in range(warmup):  # slow pages (seconds per request) warm up once or twice, not five times
        if prepare:
            prepare(-1 - i)
        do(-1 - i)
        if time.monotonic() > warm_deadline:
            break
    sample = Sample()
    deadline = time.monotonic() + seconds
    for i in range(count):
        if prepare:
            prepare(i)
        started = time.perf_counter()
        try:
            response = do(i)
            good = ok(response)
            status = getattr(response, "status_code", 0)
        except Exception:  # noqa: BLE001 - a failed request is a measured error
            good, status = False, -1
        sample.latencies_ms.append((time.perf_counter() - started) * 1000)
        sample.statuses[status] = sample.statuses.get(status, 0) + 1
        if not good:
            sample.errors += 1
        if time.monotonic() > deadline:
            break
    return sample


# --- one size ------------------------------------------------------------------------------------

@dataclass
class Options:
    requests: int = 300  # a p95 over 100 requests was decided by its five slowest: one run in three missed by its tail
    seconds_per_page: float = 30.0
    warmup: int = 5
    concurrent_judges: int = 50
    concurrent_seconds: float = 60.0
    upload_mb: int = 200
    export_timeout: float = 7200.0
    export_max_size: int = 100_000
    skip: set[str] = field(default_factory=set)
    exports_only: bool = False


class SizeRun:
    def __init__(self, size: int, database_url: str, storage: Path, workdir: Path, options: Options, log=print):
        self.size = size
        self.url = database_url
        self.storage = storage
        self.workdir = workdir
        self.options = options
        self.log = log
        self.rng = random.Random(size)
        self.result: dict[str, Any] = {"pages": {}, "missing": []}

    # in-process app (route list, fixtures, SQL counts, results computation)
    def app(self, **extra):
        return seeding.make_app(self.url, self.storage, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, **extra)

    def run(self) -> dict[str, Any]:
        app = self.app()
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
        self.fx = load_fixtures(app)
        if self.options.exports_only:
            return self.run_exports(app_env(self.url, self.storage))
        self.available = {p.name: p.endpoint in endpoints for p in PAGES}
        if not self.fx.judge:
            for name in ("judge_queue", "scoring_page", "score_submission"):
                self.available[name] = False
        if not self.fx.results_round:
            self.available["results"] = False
        self.result["missing"] = [name for name, ok in self.available.items() if not ok]
        self.result["skipped"] = [p.name for p in PAGES if p.name in self.options.skip and self.available[p.name]]
        for name in self.result["skipped"]:  # --skip results: a page too slow to measure at this size
            self.available[name] = False
        self.result["sql_statements"] = self.count_statements(app)
        self.result["results_computation"] = self.time_results(app)
        env = app_env(self.url, self.storage)
        server = Server(env, workers=2, log_path=self.workdir / f"gunicorn-{self.size}.log")
        try:
            server.start()
            self.log(f"  gunicorn (2 workers) on {server.base_url}")
            self.measure_pages(server)
            if "upload" not in self.options.skip:
                self.result["upload_rss"] = self.upload_big(server)
            if "concurrent" not in self.options.skip:
                self.result["concurrent_scoring"] = self.concurrent_scoring(server)
        finally:
            server.stop()
        return self.run_exports(env)

    def run_exports(self, env: dict[str, str]) -> dict[str, Any]:
        if "export" not in self.options.skip:
            self.result["export"] = self.export(env)
        if "export_evidence" not in self.options.skip:
            self.result["export_evidence"] = self.export(env, with_evidence=True)
        return self.result

    # --- pages -------------------------------------------------------------------------------
    def _request_for(self, page: Page, client: Client) -> tuple[Callable[[int], Any], Callable[[Any], bool]]:
        fx = self.fx
        ok200 = lambda r: r.status_code == 200  # noqa: E731
        ok302 = lambda r: r.status_code == 302  # noqa: E731
        if page.name == "baseline":
            return (lambda i: client.get("/auth/password")), ok200
        if page.name == "login":
            def do_login(i):  # after prepare_login: a fresh session with its own CSRF token
                return client.post("/auth/login", data={"username": fx.operator, "password": seeding.BENCH_PASSWORD,
                                                         "csrf_token": self._login_token})
            return do_login, ok302
        if page.name == "operator_dashboard":
            return (lambda i: client.get("/innovations/")), ok200
        if page.name == "innovation_edit":
            return (lambda i: client.get(f"/innovations/{fx.innovation_id}/profile")), ok200
        if page.name == "evidence_upload":
            pdf = make_pdf(MB)
            token = client.token(f"/innovations/{fx.innovation_id}/profile")
            targets = iter(fx.upload_targets)

            def upload(i):
                innovation_id, no = next(targets)
                return client.post(f"/innovations/{innovation_id}/evidence",
                                   data={"csrf_token": token, "indicator_no": str(no), "next": "/innovations/"},
                                   files={"file": ("bukti-benchmark.pdf", pdf, "application/pdf")})

            def uploaded(r):  # a redirect whose flash is a success (the session cookie carries it)
                return r.status_code == 302
            return upload, uploaded
        if page.name == "judge_queue":
            return (lambda i: client.get("/judging/")), ok200
        entries = fx.judge_entries.get(fx.judge or "", [])
        if page.name == "scoring_page":
            return (lambda i: client.get(f"/judging/entries/{entries[i % len(entries)]}")), ok200
        if page.name == "score_submission":
            forms = {}

            def submit(i):
                entry = entries[i % len(entries)]
                if entry not in forms:
                    forms[entry] = score_form(client.get(f"/judging/entries/{entry}").text, self.rng)
                return client.post(f"/judging/entries/{entry}", data=forms[entry])
            # the untimed GET of a new entry's form is only for the first pass; warm it up
            for entry in entries[: self.options.requests + self.options.warmup]:
                forms[entry] = score_form(client.get(f"/judging/entries/{entry}").text, self.rng)
            return submit, ok302
        if page.name == "results":
            return (lambda i: client.get(f"/judging/rounds/{fx.results_round}/results")), ok200
        if page.name == "audit_log":
            return (lambda i: client.get("/audit/")), ok200
        if page.name == "district_dashboard":
            return (lambda i: client.get("/reporting/")), ok200
        raise KeyError(page.name)

    def measure_pages(self, server: Server) -> None:
        fx, opts = self.fx, self.options
        clients = {"operator": Client(server.base_url), "admin": Client(server.base_url),
                   "judge": Client(server.base_url), "anonymous": Client(server.base_url)}
        clients["operator"].login(fx.operator)
        clients["admin"].login(fx.admin)
        if fx.judge:
            clients["judge"].login(fx.judge)
        anonymous = clients["anonymous"]

        def prepare_login(i):
            anonymous.http.cookies.clear()
            self._login_token = csrf_token(anonymous.get("/auth/login").text) or ""
        # The baseline is measured at the start and again (a fifth as many requests) after every page that
        # only reads (a window right after uploads or score writes would catch their disk write-back),
        # and its samples pooled: each ratio then compares with the machine's floor over the whole run,
        # not over the first three seconds of it (one run's baseline p95 at the start ranged from 8.6
        # to 11.4 ms on the same machine, and every ratio moved with it).
        base_do, base_ok = self._request_for(BASELINE, clients[BASELINE.role])
        baseline = Sample()

        def measure_baseline(count: int) -> None:
            part = timed_loop(base_do, base_ok, count=count, seconds=opts.seconds_per_page, warmup=opts.warmup)
            baseline.latencies_ms += part.latencies_ms
            baseline.errors += part.errors
            for status, n in part.statuses.items():
                baseline.statuses[status] = baseline.statuses.get(status, 0) + n

        measure_baseline(opts.requests)
        self.result["baseline_at_start"] = baseline.summary()
        self.log(f"  {'baseline':<20} p50 {_r(percentile(baseline.latencies_ms, 50)):>8} ms"
                 f"  p95 {_r(percentile(baseline.latencies_ms, 95)):>8} ms  (at the start)")
        for page in PAGES:
            if not self.available[page.name]:
                self.log(f"  {page.name:<20} {'skipped' if page.name in self.result['skipped'] else 'missing'}")
                continue
            # Slow pages (login: scrypt; upload: 1 MB hashed and fsynced) take as many requests as the
            # others, within the page's time budget: with a third as many, the p95 of 33 requests was the
            # second slowest of them, and one outlier moved it by 60 %.
            do, ok = self._request_for(page, clients[page.role])
            sample = timed_loop(do, ok, count=opts.requests, seconds=opts.seconds_per_page, warmup=opts.warmup,
                                prepare=prepare_login if page.name == "login" else None)
            summary = sample.summary()
            summary["kind"] = page.kind
            summary["note"] = page.note
            self.result["pages"][page.name] = summary
            self.log(f"  {page.name:<20} p50 {summary['p50_ms']:>8} ms  p95 {summary['p95_ms']:>8} ms"
                     f"  ({summary['requests']} requests, {summary['errors']} errors)")
            if page.kind != "write" and page.name != "login":  # not in the wake of writes (fsync, WAL)
                measure_baseline(max(5, opts.requests // 5))
        summary = baseline.summary()
        summary["kind"], summary["note"] = BASELINE.kind, BASELINE.note + "; pooled: at the start and after each page"
        self.result["baseline"] = summary
        self.log(f"  {'baseline':<20} p50 {summary['p50_ms']:>8} ms  p95 {summary['p95_ms']:>8} ms"
                 f"  ({summary['requests']} requests pooled over the run)")
        base = self.result["baseline"]["p95_ms"] or 1
        for name, summary in self.result["pages"].items():
            summary["ratio_p95"] = round(summary["p95_ms"] / base, 2) if summary["p95_ms"] else None
            summary["sql_statements"] = self.result["sql_statements"].get(name)
        self.result["baseline"]["sql_statements"] = self.result["sql_statements"].get("baseline")

    # --- SQL statements per request (in-process) ---------------------------------------------
    def count_statements(self, app) -> dict[str, int | None]:
        from innovation.extensions import db

        fx = self.fx
        counts: dict[str, int | None] = {}
        with app.app_context():
            engine = db.engine
        seen: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        def client_for(username: str | None):
            c = app.test_client()
            if username:
                r = c.post("/auth/login", data={"username": username, "password": seeding.BENCH_PASSWORD})
                if r.status_code != 302:
                    raise RuntimeError(f"in-process login as {username}: HTTP {r.status_code}")
            return c

        def count(name: str, call: Callable[[], Any], expect: tuple[int, ...] = (200,)) -> None:
            call()  # the first request fills per-process caches (rules, templates)
            seen.clear()
            sa.event.listen(engine, "before_cursor_execute", before)
            try:
                response = call()
            finally:
                sa.event.remove(engine, "before_cursor_execute", before)
            counts[name] = len(seen) if response.status_code in expect else None
            if response.status_code not in expect:
                self.log(f"  (statement count of {name}: unexpected HTTP {response.status_code})")

        operator, admin = client_for(fx.operator), client_for(fx.admin)
        anonymous = app.test_client()
        count("baseline", lambda: operator.get("/auth/password"))
        count("login", lambda: anonymous.post("/auth/login", data={"username": fx.operator,
                                                                   "password": seeding.BENCH_PASSWORD}), (302,))
        anonymous_logout = anonymous  # noqa: F841 - (logged in now; not used again)
        if self.available["operator_dashboard"]:
            count("operator_dashboard", lambda: operator.get("/innovations/"))
        if self.available["innovation_edit"]:
            count("innovation_edit", lambda: operator.get(f"/innovations/{fx.innovation_id}/profile"))
        if self.available["evidence_upload"]:
            pdf = make_pdf(MB)
            targets = iter(fx.upload_targets[::-1])

            def upload():
                innovation_id, no = next(targets)
                import io
                return operator.post(f"/innovations/{innovation_id}/evidence",
                                     data={"indicator_no": str(no), "file": (io.BytesIO(pdf), "bukti.pdf")},
                                     content_type="multipart/form-data")
            count("evidence_upload", upload, (302,))
        if fx.judge and self.available["judge_queue"]:
            judge = client_for(fx.judge)
            count("judge_queue", lambda: judge.get("/judging/"))
            entries = fx.judge_entries[fx.judge]
            if self.available["scoring_page"]:
                count("scoring_page", lambda: judge.get(f"/judging/entries/{entries[-1]}"))
            if self.available["score_submission"]:
                form = score_form(judge.get(f"/judging/entries/{entries[-1]}").get_data(as_text=True), self.rng)
                count("score_submission", lambda: judge.post(f"/judging/entries/{entries[-1]}", data=form), (302,))
        if self.available["results"]:
            count("results", lambda: admin.get(f"/judging/rounds/{fx.results_round}/results"))
        if self.available["audit_log"]:
            count("audit_log", lambda: admin.get("/audit/"))
        if self.available["district_dashboard"]:
            count("district_dashboard", lambda: admin.get("/reporting/"))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return counts

    # --- results computation -----------------------------------------------------------------
    def time_results(self, app) -> dict[str, Any] | None:
        if not self.fx.results_round:
            return None
        if "results" in self.options.skip:
            return {"status": "skipped (--skip results)"}
        try:
            from innovation.judging import results
            from innovation.judging.models import Round
        except ImportError:
            return {"status": "missing"}
        if not hasattr(results, "compute"):
            return {"status": "missing"}
        from innovation.extensions import db

        with app.app_context():
            round_ = db.session.get(Round, self.fx.results_round)
            started = time.perf_counter()
            data = results.gather(round_) if hasattr(results, "gather") else None
            gathered = time.perf_counter()
            payload = results.compute(round_, data=data) if data is not None else results.compute(round_)
            done = time.perf_counter()
            entries = (len(payload.get("entries", payload.get("rows", []))) if isinstance(payload, dict)
                       else len(getattr(payload, "entries", [])))
            db.session.remove()
        return {"seconds": round(done - started, 3), "gather_seconds": round(gathered - started, 3),
                "compute_seconds": round(done - gathered, 3), "entries": entries,
                "sheets": len(data.sheets) if data is not None else None}

    # --- 200 MB through tus ------------------------------------------------------------------
    def upload_big(self, server: Server) -> dict[str, Any]:
        client = Client(server.base_url)
        client.login(self.fx.operator)
        innovation_id, no = self.fx.video_target
        token = client.token(f"/innovations/{innovation_id}/indicators/{no}")
        length = self.options.upload_mb * MB

        def b64(value: str) -> str:
            return base64.b64encode(value.encode()).decode()

        headers = {"Tus-Resumable": "1.0.0", "X-CSRFToken": token}
        created = client.post("/uploads/tus", headers={
            **headers, "Upload-Length": str(length),
            "Upload-Metadata": f"filename {b64('video-benchmark.mp4')},innovation_id {b64(str(innovation_id))},"
                               f"indicator_no {b64(str(no))}"})
        if created.status_code != 201:
            return {"error": f"tus create: HTTP {created.status_code} {created.text[:200]}"}
        location = created.headers["Location"]
        chunk = 5 * MB  # what static/js/upload.js (tus-js-client) sends
        header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free"
        body = random.Random(7).randbytes(chunk)
        offset, statuses = 0, []
        started = time.perf_counter()
        with sampling(server.worker_pids(), interval=0.02) as sampler:
            while offset < length:
                size = min(chunk, length - offset)
                data = body[:size] if offset else header + body[len(header):size]
                response = client.http.patch(server.base_url + location, data=data, timeout=600, headers={
                    **headers, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
                statuses.append(response.status_code)
                if response.status_code != 204:
                    break
                offset = int(response.headers["Upload-Offset"])
        seconds = time.perf_counter() - started
        growth = sampler.growth_mb()
        evidence_id = response.headers.get("Upload-Evidence-Id")
        self.log(f"  tus {self.options.upload_mb} MB: {seconds:.1f} s, worker RSS growth {growth:.1f} MB, "
                 f"evidence {evidence_id}")
        return {"mb": self.options.upload_mb, "seconds": round(seconds, 2), "rss_growth_mb": round(growth, 1),
                "evidence_id": evidence_id, "complete": offset == length and evidence_id is not None,
                "bad_statuses": sorted({s for s in statuses if s != 204})}

    # --- 50 judges at once -------------------------------------------------------------------
    def concurrent_scoring(self, server: Server) -> dict[str, Any] | None:
        fx = self.fx
        if not (self.available.get("score_submission") and fx.judge_entries):
            return {"status": "missing"}
        judges = sorted(fx.judge_entries, key=lambda u: -len(fx.judge_entries[u]))[: self.options.concurrent_judges]
        acknowledged: dict[tuple[str, int], dict[str, str]] = {}
        errors: list[str] = []
        requests_done = [0]
        lock = threading.Lock()
        stop_at = [0.0]
        started_at = [0.0]

        def start_clock() -> None:  # the barrier's action: runs once, before any thread is released
            started_at[0] = time.monotonic()
            stop_at[0] = started_at[0] + self.options.concurrent_seconds

        ready = threading.Barrier(len(judges) + 1, action=start_clock)

        def judge_loop(username: str, seed: int) -> None:
            rng = random.Random(seed)
            client = Client(server.base_url)
            forms: dict[int, dict[str, str]] = {}
            try:
                client.login(username)
                for entry in fx.judge_entries[username][:5]:
                    forms[entry] = score_form(client.get(f"/judging/entries/{entry}").text, rng)
            except Exception as error:  # noqa: BLE001
                with lock:
                    errors.append(f"{username}: setup {error}")
            ready.wait()
            if not forms:
                return
            i = 0
            while time.monotonic() < stop_at[0] and i < 10_000:
                entry = list(forms)[i % len(forms)]
                data = dict(forms[entry])
                for name in data:
                    if name.startswith("score-"):
                        data[name] = str(rng.randrange(2, 11) / 2)
                try:
                    response = client.post(f"/judging/entries/{entry}", data=data)
                    good = response.status_code == 302
                    status = response.status_code
                except Exception as error:  # noqa: BLE001
                    good, status = False, repr(error)[:80]
                with lock:
                    requests_done[0] += 1
                    if good:
                        acknowledged[(username, entry)] = data
                    else:
                        errors.append(f"{username}: {status}")
                i += 1

        threads = [threading.Thread(target=judge_loop, args=(u, n), daemon=True) for n, u in enumerate(judges)]
        for t in threads:
            t.start()
        ready.wait()
        started = started_at[0]
        for t in threads:
            t.join(timeout=self.options.concurrent_seconds + 300)
        seconds = time.monotonic() - started
        lost = self._lost_scores(acknowledged)
        result = {"judges": len(judges), "seconds": round(seconds, 1), "requests": requests_done[0],
                  "throughput_rps": round(requests_done[0] / seconds, 1) if seconds else None,
                  "errors": len(errors), "error_samples": sorted(set(errors))[:5], "acknowledged": len(acknowledged),
                  "lost": lost}
        self.log(f"  concurrent scoring: {result['requests']} requests in {seconds:.0f} s "
                 f"({result['throughput_rps']}/s), {result['errors']} errors, {lost} lost")
        return result

    def _lost_scores(self, acknowledged: dict[tuple[str, int], dict[str, str]]) -> int:
        """Acknowledged sheets whose stored scores differ from the last acknowledged values."""
        from decimal import Decimal

        from innovation.auth.models import User
        from innovation.extensions import db
        from innovation.judging import models as jm

        app = self.app()
        lost = 0
        with app.app_context():
            for (username, entry), data in acknowledged.items():
                sheet = db.session.scalar(
                    sa.select(jm.ScoreSheet).join(jm.Assignment, jm.ScoreSheet.assignment_id == jm.Assignment.id).join(User, jm.Assignment.judge_id == User.id)
                    .where(User.username == username, jm.Assignment.round_entry_id == entry))
                stored = {s.criterion_id: s.value for s in sheet.scores} if sheet else {}
                wanted = {int(k.split("-", 1)[1]): Decimal(v) for k, v in data.items() if k.startswith("score-")}
                if sheet is None or sheet.status != jm.SheetStatus.SUBMITTED or any(
                        stored.get(cid) is None or Decimal(stored[cid]) != value for cid, value in wanted.items()):
                    lost += 1
            db.session.remove()
            db.engine.dispose()
        return lost

    # --- the Kemendagri export ---------------------------------------------------------------
    def export(self, env: dict[str, str], *, with_evidence: bool = False) -> dict[str, Any]:
        """The export CLI as a subprocess, RSS sampled. Without evidence: every innovation's workbook
        rows and proposal (``--without-files``). With evidence: the OPDs whose evidence has blobs
        (``seed.blob_opds_for``: 20 OPDs, about 1,000 innovations, 40,000 files) with all their files."""
        app = self.app()
        if "export" not in app.cli.commands:
            return {"status": "missing"}
        if not with_evidence and self.size > self.options.export_max_size:
            return {"status": f"skipped: size above --export-max-size {self.options.export_max_size}"}
        kind = "export-evidence" if with_evidence else "export"
        out = self.workdir / f"{kind}-{self.size}.zip"
        out.unlink(missing_ok=True)
        command = [str(VENV_BIN / "flask"), "--app", "innovation", "export", "kemendagri", "--year",
                   str(self.fx.year), "--out", str(out), "--all", "--include-failing"]
        innovations = self.size
        if with_evidence:
            codes, innovations = self.blob_opds(app)
            for code in codes:
                command += ["--opd", code]
        else:
            command.append("--without-files")
        self.log(f"  {kind}: {' '.join(command[1:8])} ... ({innovations} innovations)")
        result = run_sampled(command, env=env, timeout=self.options.export_timeout,
                             log_path=self.workdir / f"{kind}-{self.size}.log")
        result["zip_mb"] = round(out.stat().st_size / MB, 1) if out.exists() else None
        result["innovations"] = innovations
        result["ms_per_innovation"] = round(result["seconds"] * 1000 / max(innovations, 1), 2)
        if with_evidence and out.exists():
            import zipfile

            with zipfile.ZipFile(out) as archive:
                result["evidence_files"] = sum(1 for name in archive.namelist() if name.startswith("bukti/"))
        self.log(f"  {kind}: {result['seconds']} s, peak RSS {result['peak_rss_mb']} MB, zip {result['zip_mb']} MB")
        out.unlink(missing_ok=True)  # up to gigabytes; the figures are what we keep
        return result

    def blob_opds(self, app) -> tuple[list[str], int]:
        from innovation.extensions import db
        from innovation.innovations.models import Innovation
        from innovation.orgs.models import Opd

        with app.app_context():
            ids = list(db.session.scalars(sa.select(Opd.id).order_by(Opd.id).limit(seeding.blob_opds_for(1000))))
            codes = list(db.session.scalars(sa.select(Opd.code).where(Opd.id.in_(ids)).order_by(Opd.id)))
            count = db.session.scalar(sa.select(sa.func.count(Innovation.id)).where(
                Innovation.opd_id.in_(ids), Innovation.rules_year == self.fx.year))
        return codes, count or 0


# --- targets -------------------------------------------------------------------------------------

def check_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of issue 5, pass/fail with the figures behind it."""
    checks: list[dict[str, Any]] = []

    def add(target: str, size: str | None, passed: bool | None, detail: str) -> None:
        checks.append({"target": target, "size": size, "pass": passed, "detail": detail})

    sizes = sorted(results["sizes"], key=int)
    smallest = results["sizes"][sizes[0]] if sizes else None
    for size in sizes:
        run = results["sizes"][size]
        for name, page in run.get("pages", {}).items():
            kind, ratio = page["kind"], page.get("ratio_p95")
            if kind in ("list", "form") and ratio is not None:
                add(f"{name}: p95 <= {LIST_RATIO:g}x baseline", size, ratio <= LIST_RATIO, f"{ratio}x")
            elif kind == "write" and ratio is not None:  # the issue sets no ratio for writes: reported only
                add(f"{name}: p95 as a multiple of the baseline (a write: no ratio target)", size, None, f"{ratio}x")
            elif kind == "aggregate" and ratio is not None:
                add(f"{name}: p95 <= {AGGREGATE_RATIO:g}x baseline", size, ratio <= AGGREGATE_RATIO, f"{ratio}x")
            first = smallest["pages"].get(name) if smallest else None
            if size != sizes[0] and first and first.get("p95_ms") and page.get("p95_ms"):
                growth = page["p95_ms"] / first["p95_ms"]
                add(f"{name}: p95 <= {GROWTH_RATIO:g}x its figure at {sizes[0]}", size, growth <= GROWTH_RATIO,
                    f"{page['p95_ms']} ms vs {first['p95_ms']} ms ({growth:.2f}x)")
        for key, label in (("export", "export of all innovations"), ("export_evidence", "export with evidence")):
            export = run.get(key) or {}
            if export.get("peak_rss_mb") is not None:
                add(f"{label}: peak RSS < {EXPORT_RSS_MB:g} MB", size,
                    export["peak_rss_mb"] < EXPORT_RSS_MB and export.get("returncode") == 0,
                    f"{export['peak_rss_mb']} MB, {export['seconds']} s for {export.get('innovations')} innovations,"
                    f" exit {export.get('returncode')}")
    names = {n for s in sizes for n in results["sizes"][s].get("pages", {})} | {"baseline"}
    for name in sorted(names):
        counts = {}
        for s in sizes:
            source = results["sizes"][s]
            measured = source.get("baseline") if name == "baseline" else source.get("pages", {}).get(name)
            counts[s] = (measured or {}).get("sql_statements")
        known = [c for c in counts.values() if c is not None]
        if known:
            add(f"{name}: SQL statements constant and <= {MAX_STATEMENTS}", None,
                len(set(known)) == 1 and max(known) <= MAX_STATEMENTS and len(known) == len(counts),
                ", ".join(f"{s}: {c}" for s, c in counts.items()))
    exports = [(int(s), results["sizes"][s]["export"]) for s in sizes
               if (results["sizes"][s].get("export") or {}).get("seconds") is not None]
    if len(exports) >= 2:
        per = [e["seconds"] / n for n, e in exports]
        add("export: time linear (per-innovation time within 1.5x of the smallest size's)", None,
            max(per) <= 1.5 * per[0], ", ".join(f"{n}: {e['seconds']} s ({e['ms_per_innovation']} ms each)"
                                                for n, e in exports))
    upload = results.get("upload_200mb_rss_growth_mb")
    if upload is not None:
        add(f"tus upload: worker RSS growth < {UPLOAD_GROWTH_MB:g} MB", None, upload < UPLOAD_GROWTH_MB, f"{upload} MB")
    big = results.get("upload_200mb") or {}
    if "complete" in big:
        add("tus upload: the file becomes evidence", None, bool(big["complete"]),
            f"evidence id {big.get('evidence_id')}, {big.get('seconds')} s")
    concurrent = results.get("concurrent_scoring") or {}
    if concurrent.get("requests") is not None:
        add("concurrent scoring: zero errors, zero lost", None,
            concurrent["errors"] == 0 and concurrent["lost"] == 0 and concurrent["requests"] > 0,
            f"{concurrent['requests']} requests, {concurrent['errors']} errors, {concurrent['lost']} lost")
    return checks


def print_table(results: dict[str, Any]) -> None:
    sizes = sorted(results["sizes"], key=int)
    names = ["baseline"] + [p.name for p in PAGES]
    print()
    print(f"{'page':<20}" + "".join(f"{'n=' + s:>34}" for s in sizes))
    print(f"{'':<20}" + "".join(f"{'p50 / p95 ms   x base  SQL':>34}" for _ in sizes))
    for name in names:
        cells = []
        for s in sizes:
            run = results["sizes"][s]
            page = run.get("baseline") if name == "baseline" else run["pages"].get(name)
            if page is None:
                cells.append(f"{'missing':>34}")
                continue
            ratio = page.get("ratio_p95", 1.0 if name == "baseline" else None)
            cells.append(f"{page['p50_ms']:>9} / {page['p95_ms']:>8}  {ratio if ratio is not None else '-':>6}x"
                         f"  {page.get('sql_statements') if page.get('sql_statements') is not None else '-':>3}")
        print(f"{name:<20}" + "".join(cells))
    for s in sizes:
        run = results["sizes"][s]
        extra = []
        if run.get("seed"):
            extra.append(f"seed {run['seed']['timings']['total']} s")
        for key in ("export", "export_evidence"):
            if run.get(key):
                e = run[key]
                extra.append(f"{key} ({e.get('innovations')} innovations) {e.get('seconds', e.get('status'))} s, "
                             f"peak RSS {e.get('peak_rss_mb')} MB")
        if run.get("results_computation"):
            extra.append(f"results computation {run['results_computation'].get('seconds')} s")
        print(f"n={s}: " + "; ".join(extra))
    if results.get("upload_200mb_rss_growth_mb") is not None:
        print(f"tus 200 MB upload: worker RSS growth {results['upload_200mb_rss_growth_mb']} MB")
    if results.get("concurrent_scoring"):
        print(f"concurrent scoring: {results['concurrent_scoring']}")
    print()
    print("targets:")
    for check in results["targets"]:
        mark = "PASS" if check["pass"] else ("FAIL" if check["pass"] is False else "n/a ")
        where = f"[n={check['size']}] " if check["size"] else ""
        print(f"  {mark}  {where}{check['target']}: {check['detail']}")


# --- main ----------------------------------------------------------------------------------------

def database_for(base_url: str | None, size: int, workdir: Path) -> str:
    if base_url is None or base_url.startswith("sqlite"):
        return f"sqlite:///{(workdir / f'bench-{size}.sqlite').resolve()}"
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3Dbench_{size}"


def drop_existing(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    from innovation.config import normalise_database_url

    schema = seeding.schema_of(url)
    engine = sa.create_engine(normalise_database_url(url))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="PostgreSQL URL (a schema per size is made in it); default SQLite files")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated innovation counts")
    parser.add_argument("--quick", action="store_true", help="sizes 200,2000, fewer requests, SQLite unless --database")
    parser.add_argument("--no-seed", action="store_true", help="reuse the data an earlier run seeded")
    parser.add_argument("--json", dest="json_out", help="write the results here")
    parser.add_argument("--workdir", default="instance/bench-work",
                        help="databases, storage, logs (default instance/bench-work, git-ignored)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page (default 300)")
    parser.add_argument("--concurrent-seconds", type=float, default=60)
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--export-max-size", type=int, default=100_000,
                        help="run the export of all innovations only at sizes up to this (default 100000)")
    parser.add_argument("--exports-only", action="store_true",
                        help="only the two Kemendagri exports (no pages, results, upload or concurrent scoring)")
    parser.add_argument("--skip", default="",
                        help="comma-separated: upload, concurrent, export, export_evidence, or page names (e.g. results)")
    args = parser.parse_args(argv)
    # Ctrl-C, and SIGTERM too (a background run ignores SIGINT), end the run through the finally
    # blocks that stop the servers.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    options = Options(requests=args.requests, concurrent_seconds=args.concurrent_seconds, upload_mb=args.upload_mb,
                      export_max_size=args.export_max_size, exports_only=args.exports_only,
                      skip={s for s in args.skip.split(",") if s})
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.quick:
        sizes = [200, 2000]
        options.requests = min(options.requests, 60)
        options.seconds_per_page = 15
        options.concurrent_seconds = min(options.concurrent_seconds, 20)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"sizes": {}, "started_at": time.strftime("%Y-%m-%d %H:%M:%S"),
                               "database": "postgresql" if args.database and not args.database.startswith("sqlite")
                               else "sqlite", "command": " ".join(["python -m benchmarks.run", *(argv or sys.argv[1:])])}
    results["machine"] = machine_info(args.database)
    try:
        for size in sizes:
            url = database_for(args.database, size, workdir)
            storage = workdir / f"storage-{size}"
            print(f"== {size} innovations ({url})")
            run: dict[str, Any] = {}
            if not args.no_seed:
                drop_existing(url)
                shutil.rmtree(storage, ignore_errors=True)
                run["seed"] = seeding.seed(url, size, storage, log=lambda m: print(m, flush=True))
                print(f"  seeded in {run['seed']['timings']['total']} s")
            is_largest = size == max(sizes)
            size_options = Options(**{**options.__dict__, "skip": set(options.skip)})
            if not is_largest:  # the one-off measurements run once, on the largest size
                size_options.skip |= {"upload", "concurrent"}
            run.update(SizeRun(size, url, storage, workdir, size_options).run())
            results["sizes"][str(size)] = run
            if "upload_rss" in run:
                results["upload_200mb"] = run["upload_rss"]
                results["upload_200mb_rss_growth_mb"] = run["upload_rss"].get("rss_growth_mb")
            if "concurrent_scoring" in run:
                results["concurrent_scoring"] = run["concurrent_scoring"]
    except KeyboardInterrupt:
        print("interrupted: servers stopped; partial results follow")
        results["interrupted"] = True
    finally:
        try:
            results["targets"] = check_targets(results)
        except Exception as error:  # noqa: BLE001 -- the figures must still be written
            results["targets"], results["targets_error"] = [], repr(error)
        if args.json_out:
            Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json_out).write_text(json.dumps(results, indent=2, default=str))
    print_table(results)
    if args.json_out:
        print(f"results written to {args.json_out}")
    return 0


def machine_info(database_url: str | None) -> dict[str, Any]:
    import os
    import platform

    import psutil

    info = {"nproc": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
            "python": platform.python_version(), "platform": platform.platform()}
    if database_url and not database_url.startswith("sqlite"):
        from innovation.config import normalise_database_url

        with contextlib.suppress(Exception):
            engine = sa.create_engine(normalise_database_url(database_url))
            with engine.connect() as conn:
                info["postgresql"] = conn.exec_driver_sql("SHOW server_version").scalar()
            engine.dispose()
    else:
        import sqlite3

        info["sqlite"] = sqlite3.sqlite_version
    return info


if __name__ == "__main__":
    sys.exit(main())
