"""Do slow uploads starve everyone else? ``python -m benchmarks.upload_starvation``

A default deployment (``gunicorn -w 2``) serves a page to a signed-in user; its p95 is measured idle,
then while two phones upload evidence at 50 kbit/s each (each through its own
``benchmarks.netem.ThrottledProxy``, 300 ms round trip), for each serving model:

- ``sync``: ``-k sync`` (gunicorn's default worker class): an upload's PATCH holds a whole worker;
- ``gthread``: the repository's ``gunicorn.conf.py`` (threaded workers, 8 threads each).

and each way an upload client can behave: ``pieces`` (as static/js/upload.js: PATCHes of about 6 s
of the link) and ``long`` (one PATCH for the whole file, as the old 5 MB client did, or a client that
ignores ours). Target (issue 12): under load, other users' p95 within 2x idle. Results in
``bench-work/upload_starvation.json``; figures in docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks import seed as seeding
from benchmarks.helpers import ROOT, Server, app_env, percentile, shared_database_url
from benchmarks.netem import ThrottledProxy
from benchmarks.run import Client, load_fixtures

KB = 1024
SERVINGS = {"sync": ["-k", "sync", "--threads", "1"], "gthread": []}


def _b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def upload_loop(base_url: str, operator: str, target: tuple[int, int], *, piece: int | None, stop: threading.Event,
                log: list[str]) -> None:
    """Upload 2 MB PDFs through ``base_url`` (the proxy) until ``stop``: in ``piece``-byte PATCHes, or
    the whole remainder in one PATCH when ``piece`` is None."""
    client = Client(base_url)
    client.login(operator)
    innovation_id, no = target
    token = client.token(f"/innovations/{innovation_id}/indicators/{no}")
    headers = {"Tus-Resumable": "1.0.0", "X-CSRFToken": token}
    data = b"%PDF-1.4\n%" + random.Random(1).randbytes(2 * 1024 * KB)
    while not stop.is_set():
        created = client.post("/uploads/tus", headers={**headers, "Upload-Length": str(len(data)), "Upload-Metadata":
                              f"filename {_b64('beban.pdf')},innovation_id {_b64(str(innovation_id))},"
                              f"indicator_no {_b64(str(no))}"})
        if created.status_code != 201:
            log.append(f"create: HTTP {created.status_code}")
            return
        location, offset = created.headers["Location"], 0
        while offset < len(data) and not stop.is_set():
            end = len(data) if piece is None else min(len(data), offset + piece)
            try:
                response = client.http.patch(base_url + location, data=data[offset:end], timeout=900, headers={
                    **headers, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
            except Exception as error:  # noqa: BLE001 - the proxy is stopped at the end
                log.append(f"patch: {error.__class__.__name__}")
                return
            if response.status_code != 204:
                log.append(f"patch: HTTP {response.status_code}")
                head = client.http.head(base_url + location, headers=headers, timeout=120)
                offset = int(head.headers.get("Upload-Offset", offset))
                continue
            offset = int(response.headers["Upload-Offset"])


PAGE_TIMEOUT = 30.0  # a page not served in 30 s is counted as 30 s (the user has given up)


def page_times(client: Client, path: str, seconds: float, *, minimum: int = 40) -> list[float]:
    import requests

    times: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or len(times) < minimum:
        started = time.perf_counter()
        try:
            response = client.http.get(client.base + path, allow_redirects=False, timeout=PAGE_TIMEOUT)
        except requests.exceptions.Timeout:
            times.append(PAGE_TIMEOUT * 1000)
            continue
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        time.sleep(0.05)
    return times


def run(serving: str, client_kind: str, workdir: Path, *, seconds: float, log=print) -> dict[str, Any]:
    url = shared_database_url("sqlite", workdir, None, "starve")
    storage = workdir / "storage"
    seeding.seed(url, 2, storage, blob_innovations=0, audit_per_innovation=1, log=lambda m: None)
    app = seeding.make_app(url, storage)
    fx = load_fixtures(app)
    env = app_env(url, storage, JOBS_BACKEND="thread")
    path = f"/innovations/{fx.innovation_id}"
    with Server(env, workers=2, log_path=workdir / "gunicorn.log", extra_args=SERVINGS[serving]) as server:
        user = Client(server.base_url)
        user.login(fx.operator)
        page_times(user, path, 3, minimum=10)  # warm-up
        idle = page_times(user, path, seconds)
        stop = threading.Event()
        problems: list[str] = []
        proxies = [ThrottledProxy(("127.0.0.1", server.port), up_kbit=50, down_kbit=1000, rtt_ms=300) for _ in range(2)]
        piece = 36 * KB if client_kind == "pieces" else None  # ~6 s at 50 kbit/s, as upload.js sizes them
        threads = []
        for proxy, target in zip(proxies, fx.upload_targets[:2]):
            proxy.start()
            thread = threading.Thread(target=upload_loop, daemon=True, args=(
                f"http://127.0.0.1:{proxy.port}", fx.operator, target), kwargs={"piece": piece, "stop": stop, "log": problems})
            thread.start()
            threads.append(thread)
        time.sleep(8)  # both uploads are sending
        try:
            loaded = page_times(user, path, seconds, minimum=10)
        finally:
            stop.set()
            for proxy in proxies:
                proxy.stop()
            for thread in threads:
                thread.join(10)
    idle95, loaded95 = percentile(idle, 95), percentile(loaded, 95)
    result = {"serving": serving, "timed_out": sum(1 for t in loaded if t >= PAGE_TIMEOUT * 1000), "upload_client": client_kind, "page": "innovation detail",
              "idle_p95_ms": round(idle95, 1), "loaded_p95_ms": round(loaded95, 1),
              "loaded_max_ms": round(max(loaded), 1), "ratio": round(loaded95 / idle95, 2),
              "requests_idle": len(idle), "requests_loaded": len(loaded), "passed": loaded95 <= 2 * idle95,
              "upload_problems": sorted(set(problems))}
    log(f"  {serving:8s} {client_kind:7s} idle p95 {idle95:7.1f} ms, with two 50 kbit/s uploads {loaded95:8.1f} ms "
        f"(x{result['ratio']}, max {result['loaded_max_ms']} ms)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--serving", nargs="+", choices=sorted(SERVINGS), default=["sync", "gthread"])
    parser.add_argument("--client", nargs="+", choices=["pieces", "long"], default=["pieces", "long"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-work" / "upload_starvation.json")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="starvation-") as tmp:
        for serving in args.serving:
            for kind in args.client:
                results.append(run(serving, kind, Path(tmp) / f"{serving}-{kind}", seconds=args.seconds))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["passed"] for r in results if r["serving"] == "gthread") else 1


if __name__ == "__main__":
    sys.exit(main())
