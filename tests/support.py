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
