"""``python -m benchmarks.peer setup``: pretalx in a venv of its own, configured, migrated, static files collected.

pretalx never goes into the app's venv: it pins its own Django and friends. The venv is made with the
Python that runs this command (3.11 here), and pip installs ``config.PEER_PACKAGES`` (pinned) from PyPI.
Each step is skipped when already done, so ``setup`` can be run again (``--force`` reinstalls).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.peer.config import DATABASE, PEER_PACKAGES, PeerPaths, pretalx_env, write_config


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    print("$ " + " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], env=env, cwd=cwd, check=True)


def ensure_database(name: str = DATABASE, host: str = "127.0.0.1", user: str = "postgres") -> bool:
    """Create the PostgreSQL database if it does not exist (True when it was made)."""
    import psycopg

    with psycopg.connect(host=host, user=user, dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def installed_version(paths: PeerPaths) -> str | None:
    if not paths.python.exists():
        return None
    done = subprocess.run([str(paths.python), "-c", "import importlib.metadata as m; print(m.version('pretalx'))"],
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def setup(paths: PeerPaths, *, force: bool = False) -> None:
    wanted = PEER_PACKAGES[0].split("==", 1)[1]
    if force or not paths.python.exists():
        run([sys.executable, "-m", "venv", *(["--clear"] if force else []), paths.venv])
    if force or installed_version(paths) != wanted:
        run([paths.python, "-m", "pip", "install", "--disable-pip-version-check", *PEER_PACKAGES])
    write_config(paths)
    print(f"pretalx {installed_version(paths)} in {paths.venv}; config {paths.config_file}")
    if ensure_database():
        print(f"created database {DATABASE}")
    env = pretalx_env(paths)
    run([paths.python, "-m", "pretalx", "migrate", "--noinput"], env=env, cwd=paths.home)
    # pretalx's own `rebuild` also builds the schedule editor with npm; the orga pages measured here do not
    # use it, so only the translations and the static files (whitenoise serves them, DEBUG being off).
    run([paths.python, "-m", "pretalx", "compilemessages", "--verbosity", "0"], env=env, cwd=paths.home)
    run([paths.python, "-m", "pretalx", "collectstatic", "--noinput", "--verbosity", "0"], env=env, cwd=paths.home)
    print("pretalx is ready: `python -m benchmarks.peer seed --submissions N`")
