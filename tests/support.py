"""Helpers shared by tests/conftest.py and tests/browser/conftest.py (importable as ``support``:
pytest puts tests/ on sys.path because tests/conftest.py has no package)."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("TEST_DATABASE_URL")


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def skip_or_fail(what: str, reason: str, require_env: str) -> None:
    """Skip ``what`` (e.g. "Browser tests") for ``reason``; fail instead when ``require_env`` is set."""
    if env_flag(require_env):
        pytest.fail(f"{what} cannot run and {require_env}=1 forbids skipping them: {reason}", pytrace=False)
    pytest.skip(f"{what} skipped: {reason}")


def postgres_url() -> str:
    """TEST_DATABASE_URL in the psycopg 3 spelling; skips (or fails under REQUIRE_POSTGRES=1) if unset."""
    if not PG_URL:
        skip_or_fail("PostgreSQL tests", "TEST_DATABASE_URL is not set", "REQUIRE_POSTGRES")
    from innovation.config import normalise_database_url

    return normalise_database_url(PG_URL)


def create_schema(url: str) -> tuple[str, dict]:
    """A fresh schema; returns its name and the SQLALCHEMY_ENGINE_OPTIONS that make it the search path."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    return schema, {"connect_args": {"options": f"-csearch_path={schema}"}}


def drop_schema(url: str, schema: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


class FakeGateway:
    """A fake WhatsApp gateway on a free local port: answers each POST with the next of ``statuses`` (then
    200) after ``delay`` seconds, and keeps every body in ``received`` and its headers in ``headers``."""

    def __init__(self, delay: float = 0.0):
        import json
        import threading
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.statuses: list[int] = []
        self.received: list[dict] = []
        self.headers: list[dict] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.received.append(body)
                    gateway.headers.append(dict(self.headers.items()))
                    status = gateway.statuses.pop(0) if gateway.statuses else 200
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"status": status < 300}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
