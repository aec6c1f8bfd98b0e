"""Lighthouse (mobile) on the twelve main pages of issue 12: performance, accessibility and best practices.

    cd benchmarks/lighthouse && npm ci && cd ../..      # Lighthouse 12.2.3, pinned (13 needs Node >= 22)
    python -m benchmarks.lighthouse [--only NAME,...] [--runs N] [--json OUT.json] [--keep-reports DIR]

Starts the app on a fresh SQLite database in a temporary folder (``flask --app innovation db upgrade`` and
``flask --app innovation demo``), served by gunicorn (2 sync workers, as in production) on a free port; logs
in with ``requests`` as the demo user each page is for and hands the session cookie to Lighthouse with
``--extra-headers``; runs the Lighthouse CLI with its defaults (mobile form factor, simulated throttling:
a slow 4G link and a 4× slower CPU) in headless Chromium. With ``--runs N`` each page is audited N times
and the median performance score is kept (Lighthouse's own advice for a noisy machine); accessibility and
best practices do not vary between runs. Prints a table and exits 1 when any score is below 95.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from benchmarks.helpers import ROOT, VENV_BIN, Server, app_env, csrf_token

LIGHTHOUSE_DIR = ROOT / "benchmarks" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
DEMO_PASSWORD = "demo-inovasi-2026"
CATEGORIES = ("performance", "accessibility", "best-practices")
THRESHOLD = 95


@dataclass
class Page:
    name: str
    user: str | None  # None: anonymous
    path: str  # may hold {placeholders} filled from discovered ids
    scores: dict[str, list[float]] = field(default_factory=dict)
    failing: dict[str, list[str]] = field(default_factory=dict)
    url: str = ""


# The twelve pages of issue 12, each seen by the user who works on it.
PAGES = [
    Page("login", None, "/auth/login"),
    Page("innovation list", "op.dinkes", "/innovations/"),
    Page("innovation detail", "op.dinkes", "/innovations/{innovation}"),
    Page("profile form", "op.dinkes", "/innovations/{innovation}/profile"),
    Page("indicator page", "op.dinkes", "/innovations/{innovation}/indicators/{indicator}"),
    Page("event page", "admin", "/events/innovation-week-2026"),
    Page("entries", "admin", "/events/innovation-week-2026/entries"),
    # The demo's scored round is Innovation Week 2025's, so the judge's rows are in the queue's archive
    # view (the same template and table as the current queue, which the demo leaves empty).
    Page("judge queue", "juri.lan", "/judging/?arsip=1"),
    Page("scoring page", "juri.lan", "/judging/entries/{round_entry}"),
    Page("results", "admin", "/judging/rounds/{round}/results"),
    Page("dashboard", "admin", "/reporting/"),
    Page("audit log", "admin", "/audit/"),
]


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "innovation", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def login(base: str, username: str) -> requests.Session:
    http = requests.Session()
    token = csrf_token(http.get(base + "/auth/login", timeout=60).text) or ""
    response = http.post(base + "/auth/login", data={"username": username, "password": DEMO_PASSWORD,
                                                    "csrf_token": token}, allow_redirects=False, timeout=60)
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed: HTTP {response.status_code}")
    return http


def first_id(http: requests.Session, url: str, pattern: str) -> str:
    html = http.get(url, timeout=60).text
    match = re.search(pattern, html)
    if match is None:
        raise RuntimeError(f"no link matching {pattern!r} on {url}")
    return match.group(1)


def discover(base: str, sessions: dict[str, requests.Session]) -> dict[str, str]:
    """The ids the page paths need, read from the pages a user would click through."""
    ids = {"innovation": first_id(sessions["op.dinkes"], base + "/innovations/", r'href="/innovations/(\d+)"')}
    ids["indicator"] = first_id(sessions["op.dinkes"], base + f"/innovations/{ids['innovation']}",
                                rf'href="/innovations/{ids["innovation"]}/indicators/(\d+)"')
    ids["round_entry"] = first_id(sessions["juri.lan"], base + "/judging/?arsip=1",
                                 r'href="/judging/entries/(\d+)"')
    ids["round"] = first_id(sessions["admin"], base + "/judging/results", r'href="/judging/rounds/(\d+)/results"')
    return ids


def run_lighthouse(url: str, cookie: str | None, out: Path) -> dict:
    command = [str(LIGHTHOUSE_BIN), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=" + ",".join(CATEGORIES), "--throttling-method=simulate",
               "--chrome-path=" + os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(out.read_text())


def failing_audits(report: dict, category: str) -> list[str]:
    """Audits of a category that cost points: id and score, with the failing elements' selectors."""
    audits = report["audits"]
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref.get("weight", 0) and audit.get("score") is not None and audit["score"] < 1:
            line = f"{ref['id']} ({audit['score']:.2f})"
            items = (audit.get("details") or {}).get("items") or []
            selectors = [str((item.get("node") or {}).get("selector", "")) for item in items[:4]
                         if isinstance(item, dict) and item.get("node")]
            if selectors:
                line += ": " + "; ".join(selectors)
            elif category == "performance" and audit.get("displayValue"):
                line += f": {audit['displayValue']}"
            found.append(line)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated page names (default: all twelve)")
    parser.add_argument("--runs", type=int, default=1, help="audits per page; the median performance is kept")
    parser.add_argument("--json", type=Path, help="write the scores and failing audits to this file")
    parser.add_argument("--keep-reports", type=Path, help="keep each Lighthouse JSON report in this folder")
    args = parser.parse_args(argv)

    if not LIGHTHOUSE_BIN.exists():
        print(f"Lighthouse is not installed: cd {LIGHTHOUSE_DIR.relative_to(ROOT)} && npm ci", file=sys.stderr)
        return 2
    pages = PAGES
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        unknown = wanted - {page.name for page in PAGES}
        if unknown:
            print(f"unknown page(s): {', '.join(sorted(unknown))}; the pages are: "
                  + ", ".join(page.name for page in PAGES), file=sys.stderr)
            return 2
        pages = [page for page in PAGES if page.name in wanted]
    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports = args.keep_reports or work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    env = app_env(f"sqlite:///{work / 'app.db'}", work / "storage")
    started = time.monotonic()
    try:
        flask(env, "db", "upgrade")
        flask(env, "demo")
        with Server(env, log_path=work / "gunicorn.log") as server:
            base = server.base_url
            sessions = {user: login(base, user) for user in {page.user for page in PAGES} if user}
            ids = discover(base, sessions)
            for page in pages:
                page.url = base + page.path.format(**ids)
                cookie = None
                if page.user:
                    cookie = "; ".join(f"{k}={v}" for k, v in sessions[page.user].cookies.items())
                    check = sessions[page.user].get(page.url, allow_redirects=False, timeout=60)
                    if check.status_code != 200:
                        raise RuntimeError(f"{page.name}: {page.url} gives HTTP {check.status_code} to {page.user}")
                for run in range(args.runs):
                    slug = re.sub(r"\W+", "-", page.name)
                    report = run_lighthouse(page.url, cookie, reports / f"{slug}-{run + 1}.json")
                    for category in CATEGORIES:
                        score = report["categories"][category]["score"]
                        page.scores.setdefault(category, []).append(round((score or 0) * 100))
                        page.failing[category] = failing_audits(report, category)
                print(f"  {page.name}: " + ", ".join(f"{c} {page.scores[c]}" for c in CATEGORIES), flush=True)
    finally:
        if args.keep_reports is None:
            shutil.rmtree(work, ignore_errors=True)

    lighthouse_version = subprocess.run([str(LIGHTHOUSE_BIN), "--version"],
                                        capture_output=True, text=True).stdout.strip()
    print(f"\nLighthouse {lighthouse_version}, mobile, simulated throttling, {args.runs} run(s) a page "
          f"(median performance), load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, "
          f"{time.monotonic() - started:.0f} s\n")
    print("| page | user | performance | accessibility | best practices |")
    print("|---|---|---:|---:|---:|")
    below = []
    result = []
    for page in pages:
        figures = {c: int(statistics.median(page.scores[c])) for c in CATEGORIES}
        print(f"| {page.name} | {page.user or '(anonymous)'} | "
              + " | ".join(str(figures[c]) for c in CATEGORIES) + " |")
        result.append({"page": page.name, "user": page.user, "path": page.url.split("/", 3)[-1],
                       "scores": figures, "runs": page.scores, "failing": page.failing})
        for category in CATEGORIES:
            if figures[category] < THRESHOLD:
                below.append((page.name, category, figures[category], page.failing[category]))
    if args.json:
        args.json.write_text(json.dumps({"lighthouse": lighthouse_version, "runs": args.runs,
                                         "load_average": os.getloadavg(), "pages": result}, indent=2))
    if below:
        print(f"\nBelow {THRESHOLD}:")
        for name, category, score, audits in below:
            print(f"  {name} · {category} {score}: " + ("; ".join(audits) or "(no single audit)"))
        return 1
    print(f"\nEvery score is at least {THRESHOLD}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
