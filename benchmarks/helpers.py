"""Small tools for the harness: a gunicorn process group, RSS sampling, HTML form scraping, percentiles."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MB = 1024 * 1024


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0-100) of ``values``; None for an empty list."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def app_env(database_url: str, storage_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like app process (gunicorn or the flask CLI)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        STORAGE_URL=f"file://{Path(storage_dir).resolve()}",
        UPLOAD_STAGING_DIR=str(Path(storage_dir).resolve().parent / "staging"),
        SECRET_KEY=env.get("BENCH_SECRET_KEY", "bench-secret-key-not-for-production"),
        # The benchmark logs in hundreds of times from one address; the limit itself is tested elsewhere.
        LOGIN_LIMITS_ADDRESS="100000 per minute", LOGIN_LIMITS_ACCOUNT="100000 per minute",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.pop("FLASK_DEBUG", None)
    env.update(extra)
    return env


def stop_group(process: subprocess.Popen | None, log: Any = None) -> None:
    """Stop a process started with ``start_new_session=True`` and everything in its group: SIGTERM
    (gunicorn's graceful stop; RQ's warm shutdown, which lets the current job end), SIGKILL after 15 s,
    then SIGKILL to the group for children a killed parent left behind (workers, a work horse)."""
    if process is not None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if log not in (None, subprocess.DEVNULL):
        log.close()


def shared_database_url(backend: str, folder: Path, postgres_url: str | None, prefix: str) -> str:
    """A database several processes share: a SQLite file in ``folder``, or a PostgreSQL schema of its
    own (``<prefix>_<random>``, made by the seed) on ``postgres_url``."""
    import uuid

    if backend == "sqlite":
        return f"sqlite:///{folder / 'shared.sqlite'}"
    if not postgres_url:
        raise ValueError("a PostgreSQL URL is needed")
    joiner = "&" if "?" in postgres_url else "?"
    return f"{postgres_url}{joiner}options=-csearch_path%3D{prefix}_{uuid.uuid4().hex[:10]}"


class Server:
    """``gunicorn -w WORKERS wsgi:app`` on 127.0.0.1 in its own process group; always stopped."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, port: int | None = None, log_path: Path | None = None,
                 extra_args: list[str] | None = None):
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.log_path = log_path
        self.extra_args = extra_args or []
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    cwd: Path = ROOT

    def command(self) -> list[str]:
        """The gunicorn command line (a peer's server, ``benchmarks.peer``, serves its own app)."""
        gunicorn = VENV_BIN / "gunicorn"
        if not gunicorn.exists():
            raise RuntimeError(f"gunicorn not found at {gunicorn}")
        return [str(gunicorn), *self.common_args(), *self.extra_args, "wsgi:app"]

    def common_args(self) -> list[str]:
        return ["-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--timeout", "600", "--graceful-timeout", "5"]

    def start(self, timeout: float = 60.0) -> Server:
        command = self.command()
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(command, cwd=self.cwd, env=self.env, stdout=self._log, stderr=self._log,
                                        start_new_session=True)
        try:
            wait_for_port(self.port, timeout, self.process)
        except BaseException:
            self.stop()
            raise
        return self

    def worker_pids(self) -> list[int]:
        import psutil

        if self.process is None:
            return []
        try:
            return [child.pid for child in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        stop_group(self.process, self._log)
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class JobWorker:
    """``flask --app innovation jobs worker`` (the RQ worker of background jobs) in its own process group;
    always stopped. Needs ``JOBS_REDIS_URL`` (or ``REDIS_URL``) in ``env``."""

    def __init__(self, env: dict[str, str], *, log_path: Path | None = None, burst: bool = False):
        self.env = env
        self.log_path = log_path
        self.burst = burst
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> JobWorker:
        flask = VENV_BIN / "flask"
        if not flask.exists():
            raise RuntimeError(f"flask not found at {flask}")
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [str(flask), "--app", "innovation", "jobs", "worker", *(["--burst"] if self.burst else [])],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=self._log, start_new_session=True,
        )
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return Path(self.log_path).read_text(errors="replace") if self.log_path and Path(self.log_path).exists() else ""

    def stop(self) -> None:
        stop_group(self.process, self._log)
        self.process = None

    def __enter__(self) -> JobWorker:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class RssSampler:
    """Samples the resident set size of some processes (and their children) in a thread."""

    def __init__(self, pids: list[int] | None = None, interval: float = 0.02, children: bool = True):
        self.pids = list(pids or [])
        self.interval = interval
        self.children = children
        self.peak: dict[int, int] = {}
        self.first: dict[int, int] = {}
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        total = 0
        for pid in list(self.pids):
            try:
                process = psutil.Process(pid)
                group = [process, *(process.children(recursive=True) if self.children else [])]
                rss = 0
                for member in group:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        rss += member.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            self.first.setdefault(pid, rss)
            self.peak[pid] = max(self.peak.get(pid, 0), rss)
            total += rss
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def start(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> RssSampler:
        self._stop.set()
        self._thread.join(timeout=5)
        return self

    def growth_mb(self) -> float:
        """The largest growth of one process (peak minus its first sample), in MB."""
        return max((self.peak[p] - self.first.get(p, self.peak[p]) for p in self.peak), default=0) / MB

    def peak_mb(self) -> float:
        return self.peak_total / MB


@contextlib.contextmanager
def sampling(pids: list[int], interval: float = 0.02) -> Iterator[RssSampler]:
    sampler = RssSampler(pids, interval).start()
    try:
        yield sampler
    finally:
        sampler.stop()


def run_sampled(command: list[str], *, env: dict[str, str], cwd: Path = ROOT, timeout: float = 1800,
                log_path: Path | None = None) -> dict[str, Any]:
    """Run ``command`` in its own process group, sampling its RSS (with children); killed on timeout."""
    import psutil

    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True)
    sampler = RssSampler([process.pid], interval=0.02)
    timed_out = False
    try:
        sampler.start()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
    finally:
        sampler.stop()
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if log is not subprocess.DEVNULL:
            log.close()
    del psutil
    return {"seconds": round(time.perf_counter() - started, 2), "peak_rss_mb": round(sampler.peak_mb(), 1),
            "returncode": process.returncode, "timed_out": timed_out}


# --- HTML forms ------------------------------------------------------------------------------------

class _FormParser(HTMLParser):
    """Collects the forms of a page: action, method and named fields (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and a.get("name"):
            self._form["fields"].append({"tag": tag, **a})
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "name": a["name"], "options": [], **a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._form["fields"].append({"tag": "textarea", "name": a["name"], "value": ""})
            self._textarea = a["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def csrf_token(html: str) -> str | None:
    for form in forms_of(html):
        for field in form["fields"]:
            if field.get("name") == "csrf_token" and field.get("value"):
                return field["value"]
    return None
