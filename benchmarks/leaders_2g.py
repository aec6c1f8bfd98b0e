"""The leaders' view over a 2G-like link (issue 15: "at most 30 KB, usable within 3 s on a 2G-like link, at
360 px"): a real Chromium at 360 px loads ``/leaders/`` through ``ThrottledProxy`` (benchmarks/netem.py) at
``--down-kbit`` / ``--up-kbit`` with ``--rtt-ms`` round trips (default 250/50 kbit/s and 300 ms: EDGE as
measured in the field; ``--down-kbit 50`` is GPRS), signed in as the demo ``bupati`` on the demo data.

Two loads are measured each time: cold (an empty browser cache: the page, its CSS and JS) and warm (a second
visit: static files come from the cache, only the page crosses the link). Reported: the time to the
``DOMContentLoaded`` event (the rows are readable), to ``load``, and the bytes that crossed the link.

    python -m benchmarks.leaders_2g [--runs 3] [--down-kbit 250] [--up-kbit 50] [--rtt-ms 300]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.helpers import ROOT, VENV_BIN, Server, app_env
from benchmarks.netem import ThrottledProxy

PASSWORD = "demo-inovasi-2026"


def chromium() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def prepare(workdir: Path) -> dict[str, str]:
    env = app_env(f"sqlite:///{workdir / 'leaders.sqlite'}", workdir / "storage")
    flask = [str(VENV_BIN / "flask"), "--app", "innovation"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#username", "bupati")
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def measure(page, url: str, proxy: ThrottledProxy) -> dict[str, float]:
    before = proxy.stats.bytes_down
    started = time.perf_counter()
    page.goto(url, wait_until="load", timeout=120_000)
    wall = time.perf_counter() - started
    timing = page.evaluate("""() => { const t = performance.getEntriesByType('navigation')[0];
        return {dcl: t.domContentLoadedEventEnd, load: t.loadEventEnd}; }""")
    resources = page.evaluate("""() => performance.getEntriesByType('resource').map(r => r.transferSize)
        .reduce((a, b) => a + b, 0) + performance.getEntriesByType('navigation')[0].transferSize""")
    width = page.evaluate("document.documentElement.scrollWidth")
    down = proxy.stats.bytes_down - before
    return {"dcl_s": timing["dcl"] / 1000, "load_s": timing["load"] / 1000, "wall_s": wall,
            "transfer_bytes": resources, "link_down_bytes": down, "scroll_width": width}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--down-kbit", type=float, default=250)
    parser.add_argument("--up-kbit", type=float, default=50)
    parser.add_argument("--rtt-ms", type=float, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = prepare(workdir)
        server = Server(env, workers=2, log_path=workdir / "gunicorn.log").start()
        try:
            with ThrottledProxy(("127.0.0.1", server.port), up_kbit=args.up_kbit, down_kbit=args.down_kbit,
                                rtt_ms=args.rtt_ms) as proxy, sync_playwright() as playwright:
                base = f"http://127.0.0.1:{proxy.port}"
                browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
                cold, warm = [], []
                for _ in range(args.runs):
                    signed = browser.new_context(viewport={"width": 360, "height": 740})
                    page = signed.new_page()
                    sign_in(page, f"http://127.0.0.1:{server.port}")  # signing in is not the page measured
                    state = signed.storage_state()
                    signed.close()
                    context = browser.new_context(viewport={"width": 360, "height": 740}, storage_state=state)
                    page = context.new_page()
                    cold.append(measure(page, f"{base}/leaders/", proxy))
                    warm.append(measure(page, f"{base}/leaders/", proxy))
                    context.close()
                browser.close()
        finally:
            server.stop()

    def summary(rows: list[dict[str, float]]) -> dict[str, float]:
        return {key: round(statistics.median(r[key] for r in rows), 3) for key in rows[0] if rows[0][key] is not None}

    report = {"link": {"down_kbit": args.down_kbit, "up_kbit": args.up_kbit, "rtt_ms": args.rtt_ms},
              "runs": args.runs, "cold": summary(cold), "warm": summary(warm)}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    ok = report["cold"]["dcl_s"] <= 3 and report["cold"]["transfer_bytes"] <= 30 * 1024
    ok = ok and report["cold"]["scroll_width"] <= 360
    print("OK: within 3 s and 30 KB at 360 px" if ok else "MISSED: over 3 s, over 30 KB or wider than 360 px")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
