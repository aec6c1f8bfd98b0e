"""A PDF uploaded from a real browser over a slow mobile link that drops: the field upload.

``python -m benchmarks.field_upload [--mb 10] [--kbit 50 250] [--serving default production]``

Chromium (Playwright, ``CHROMIUM_PATH`` or /usr/bin/chromium) opens an indicator page of the app
through ``benchmarks.netem.ThrottledProxy`` (the given kbit/s up, 1 Mbit/s down, 300 ms round trip),
picks the PDF, presses "Unggah" and lets the real client (static/js/upload.js with the vendored
tus-js-client) send it to gunicorn. On the way the link resets twice, stalls once, and the page is
reloaded and the same file picked again. At the end the stored evidence's sha256 is compared with the
file's. Recorded: the time, the bytes that crossed the link up, and the **bytes re-sent**: what crossed
the link up minus the file, minus every request's headers and every other request body (Chromium's
own figures through Playwright; a request cut off is charged the mean header size of the PATCHes).

Servings (gunicorn ``wsgi:app`` run from the repository, so ``gunicorn.conf.py`` applies):

- ``default``: ``gunicorn -k sync -w 2`` with gunicorn's default 30 s worker timeout (what a bare
  deployment without our config file gets);
- ``production``: the documented settings of docs/DEPLOY.md (gthread workers, ``--timeout 300``).

``tests/browser/test_field_upload.py`` runs the same drive with a few hundred KB, a worker timeout
shortened so that it fires during the stall, in about a minute. Results: ``bench-work/``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import seed as seeding
from benchmarks.helpers import ROOT, Server, app_env, shared_database_url
from benchmarks.netem import ThrottledProxy

KB = 1024
MB = 1024 * 1024
RTT_MS = 300
DOWN_KBIT = 1000
SERVINGS = {
    "default": ["-k", "sync", "--threads", "1", "--timeout", "30"],
    "production": ["--timeout", "300", "--graceful-timeout", "30"],  # gthread from gunicorn.conf.py
}
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"no Chromium at {path}: set CHROMIUM_PATH")
    return path


def make_pdf(path: Path, size: int) -> str:
    """A real PDF of exactly ``size`` bytes (a one-page document followed by a comment of random,
    incompressible bytes), returning its sha256."""
    import random

    from innovation.demo import demo_pdf

    head = demo_pdf("Laporan Puskesmas Distrik", ["Bukti dukung diunggah lewat jaringan seluler lambat."])
    padding = max(0, size - len(head) - 2)
    path.write_bytes((head + b"\n%" + random.Random(size).randbytes(padding))[:size])
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Target:
    database_url: str
    storage: Path
    operator: str
    innovation_id: int
    indicator_no: int


def prepare(workdir: Path, backend: str = "sqlite", postgres_url: str | None = None) -> Target:
    """A small seeded database (two innovations) and the indicator page an operator uploads to."""
    from benchmarks.run import load_fixtures

    url = shared_database_url(backend, workdir, postgres_url, "field")
    storage = workdir / "storage"
    seeding.seed(url, 2, storage, blob_innovations=0, audit_per_innovation=1, log=lambda m: None)
    app = seeding.make_app(url, storage)
    fixtures = load_fixtures(app)
    innovation_id, no = fixtures.upload_targets[0]
    with app.app_context():
        from innovation.extensions import db
        db.engine.dispose()
    return Target(url, storage, fixtures.operator, innovation_id, no)


@dataclass
class Drive:
    """What the browser and the link did during one upload."""
    seconds: float = 0.0
    bytes_up: int = 0
    resets: int = 0
    stalls_detected: int = 0
    patches: int = 0
    patch_statuses: dict[str, int] = field(default_factory=dict)
    failed_requests: int = 0
    overhead: int = 0
    resent: int = 0
    max_piece: int = 0
    reloaded_at: int | None = None
    sha256_ok: bool = False
    progress_seen: list[int] = field(default_factory=list)
    progress_max_over_confirmed: int = 0
    errors: list[str] = field(default_factory=list)


class _Requests:
    """Chromium's own sizes of every request in the context (headers and bodies)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.finished: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []

    def on_finished(self, request) -> None:
        try:
            sizes = request.sizes()
            response = request.response()
            status = response.status if response else 0
        except Exception:  # noqa: BLE001 - the page went away; count it as cut off
            self.on_failed(request)
            return
        piece = 0
        if request.method == "PATCH" and status == 204:
            try:
                piece = int(response.headers.get("upload-offset", 0)) - int(request.headers.get("upload-offset", 0))
            except (TypeError, ValueError):
                piece = 0
        with self.lock:
            self.finished.append({"method": request.method, "status": status, "headers": sizes["requestHeadersSize"],
                                  "body": sizes["requestBodySize"], "piece": piece})

    def on_failed(self, request) -> None:
        with self.lock:
            self.failed.append({"method": request.method})


def confirmed_offset(page) -> int:
    """The server-confirmed bytes the widget shows (the form's data-confirmed, set from Upload-Offset)."""
    try:
        value = page.locator("form.evidence-upload").last.get_attribute("data-confirmed", timeout=500)
    except Exception:  # noqa: BLE001 - between pages
        return -1
    return int(value) if value and value.isdigit() else -1


def stored_sha256(target: Target, filename: str) -> str | None:
    """The sha256 of the stored blob of the evidence named ``filename`` (read back from storage)."""
    import sqlalchemy as sa

    app = seeding.make_app(target.database_url, target.storage)
    with app.app_context():
        from innovation.extensions import db
        from innovation.innovations.models import Evidence
        from innovation.storage import get_storage
        from innovation.storage.models import StoredFile

        try:
            row = db.session.scalar(sa.select(StoredFile).join(Evidence, Evidence.file_id == StoredFile.id)
                                    .where(StoredFile.original_name == filename))
            if row is None:
                return None
            digest = hashlib.sha256()
            for chunk in get_storage().open_chunks(row.key):
                digest.update(chunk)
            return digest.hexdigest() if digest.hexdigest() == row.sha256 else f"row {row.sha256} != blob"
        finally:
            db.session.remove()
            db.engine.dispose()


def drive(browser, target: Target, server_url: str, proxy: ThrottledProxy, pdf: Path, sha256: str, *,
          resets_at: tuple[float, ...] = (0.3, 0.65), stall_at: float | None = 0.45, stall_seconds: float = 14,
          reload_at: float | None = 0.5, deadline: float = 3600, log=print) -> Drive:
    """Log in (directly), then upload ``pdf`` through the proxy with the given disturbances, each at a
    fraction of the file confirmed by the server. Resets are armed as byte counts of the link."""
    from playwright.sync_api import expect

    size = pdf.stat().st_size
    result = Drive()
    requests = _Requests()
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    context.set_default_timeout(60_000)
    context.set_default_navigation_timeout(120_000)
    context.on("requestfinished", requests.on_finished)
    context.on("requestfailed", requests.on_failed)
    page = context.new_page()
    proxy_url = f"http://127.0.0.1:{proxy.port}"
    try:
        # Sign in straight at the server (cookies are per host, not per port); the upload goes through the link.
        page.goto(server_url + "/auth/login")
        page.get_by_role("textbox", name="Nama pengguna", exact=True).fill(target.operator)
        page.get_by_label("Kata sandi").fill(seeding.BENCH_PASSWORD)
        page.get_by_role("button", name="Masuk", exact=True).click()
        expect(page.locator("details.menu summary")).to_be_visible()
        indicator_url = f"{proxy_url}/innovations/{target.innovation_id}/indicators/{target.indicator_no}"
        base_up = proxy.stats.bytes_up
        # Resets at byte counts of the link: the page itself and request headers come first, so aim a bit past.
        proxy.reset_points = sorted(base_up + int(size * f) + 40 * KB for f in resets_at)
        started = time.monotonic()

        def pick_and_send() -> None:
            page.goto(indicator_url)
            widget = page.locator("#bukti form.evidence-upload").last
            widget.get_by_label("Unggah berkas").set_input_files(str(pdf))
            widget.get_by_role("button", name="Unggah", exact=True).click()

        pick_and_send()
        reloaded = stalled = False
        last = -1
        while time.monotonic() - started < deadline:
            if f"/indicators/{target.indicator_no}" in page.url and page.locator(".evidence-list").filter(
                    has_text=pdf.name).count():
                break
            confirmed = confirmed_offset(page)
            if confirmed != last and confirmed >= 0:
                result.progress_seen.append(confirmed)
                last = confirmed
            if stall_at is not None and not stalled and confirmed >= size * stall_at:
                log(f"    stall {stall_seconds:.0f} s at {confirmed} bytes")
                proxy.stall(stall_seconds)
                stalled = True
            if reload_at is not None and not reloaded and confirmed >= size * reload_at:
                log(f"    reload at {confirmed} bytes, file picked again")
                result.reloaded_at = confirmed
                result.stalls_detected += int(page.locator("form.evidence-upload").last.get_attribute("data-stalls") or 0)
                page.reload()
                pick_and_send()
                reloaded = True
            page.wait_for_timeout(500)
        else:
            result.errors.append(f"not finished after {deadline:.0f} s")
        result.seconds = round(time.monotonic() - started, 1)
        result.bytes_up = proxy.stats.bytes_up - base_up
        result.resets = proxy.stats.resets
    finally:
        context.close()
    with requests.lock:
        finished, failed = list(requests.finished), list(requests.failed)
    patch_headers = [r["headers"] for r in finished if r["method"] == "PATCH" and r["headers"] > 0]
    mean_header = sum(patch_headers) // len(patch_headers) if patch_headers else 700
    result.patches = sum(1 for r in finished if r["method"] == "PATCH") + sum(1 for r in failed if r["method"] == "PATCH")
    for r in finished:
        if r["method"] == "PATCH":
            result.patch_statuses[str(r["status"])] = result.patch_statuses.get(str(r["status"]), 0) + 1
    result.failed_requests = len(failed)
    # Chromium reports no body size for a File slice: a piece is what the server confirmed for it.
    result.max_piece = max((r["piece"] for r in finished if r["method"] == "PATCH"), default=0)
    result.overhead = sum(max(r["headers"], 0) for r in finished) + len(failed) * mean_header + sum(
        max(r["body"], 0) for r in finished if r["method"] != "PATCH")
    # Only what went up during the upload counts (the sign-in went straight to the server).
    result.resent = max(0, result.bytes_up - size - result.overhead)
    result.sha256_ok = stored_sha256(target, pdf.name) == sha256
    increases = [b - a for a, b in zip(result.progress_seen, result.progress_seen[1:])]
    result.progress_max_over_confirmed = max(increases, default=0)
    return result


def run_case(browser, workdir: Path, *, mb: float, kbit: float, serving: str, backend: str = "sqlite",
             postgres_url: str | None = None, log=print) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    target = prepare(workdir, backend, postgres_url)
    pdf = workdir / f"laporan-{serving}-{kbit:g}kbit.pdf"
    sha256 = make_pdf(pdf, int(mb * MB))
    env = app_env(target.database_url, target.storage, JOBS_BACKEND="thread")
    server = Server(env, workers=2, log_path=workdir / "gunicorn.log", extra_args=SERVINGS[serving])
    # Server.start puts --timeout 600 first; the serving's own --timeout comes later and wins.
    with server, ThrottledProxy(("127.0.0.1", server.port), up_kbit=kbit, down_kbit=DOWN_KBIT, rtt_ms=RTT_MS) as proxy:
        log(f"  {mb:g} MB at {kbit:g} kbit/s up, {RTT_MS} ms RTT, serving {serving}")
        result = drive(browser, target, server.base_url, proxy, pdf, sha256,
                       deadline=max(600, mb * MB * 8 / (kbit * 1000) * 3), log=log)
    timeouts = (workdir / "gunicorn.log").read_text(errors="replace").count("WORKER TIMEOUT")
    out = {"mb": mb, "kbit_up": kbit, "rtt_ms": RTT_MS, "serving": serving, "backend": backend,
           "worker_timeouts": timeouts, **result.__dict__}
    out.pop("progress_seen")
    log(f"  -> {result.seconds:.0f} s, re-sent {result.resent} bytes, sha256 {'ok' if result.sha256_ok else 'WRONG'}, "
        f"{result.resets} resets, {timeouts} worker timeouts, largest piece {result.max_piece} bytes")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--kbit", type=float, nargs="+", default=[50, 250])
    parser.add_argument("--serving", nargs="+", choices=sorted(SERVINGS), default=["default", "production"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-work" / "field_upload.json")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results = []
    workroot = Path(tempfile.mkdtemp(prefix="field-upload-"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), headless=True, args=LAUNCH_ARGS)
            for serving in args.serving:
                for kbit in args.kbit:
                    results.append(run_case(browser, workroot / f"{serving}-{kbit:g}", mb=args.mb, kbit=kbit,
                                            serving=serving))
            browser.close()
    finally:
        shutil.rmtree(workroot, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0 if all(r["sha256_ok"] and not r["errors"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
