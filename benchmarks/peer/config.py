"""Where the peer run keeps pretalx, and the configuration it gives it (pure: text and paths, no I/O
except ``write_config``).

pretalx reads an INI file (``PRETALX_CONFIG_FILE``) and Django settings (``DJANGO_SETTINGS_MODULE``).
The settings module here is pretalx's own with ONE change: ``CSRF_COOKIE_SECURE = False``. pretalx's
production settings mark the CSRF cookie ``Secure`` (it expects HTTPS in front); the peer run speaks
plain HTTP to 127.0.0.1, where a client never sends a ``Secure`` cookie back, so without the change no
form could be posted. It changes no work a request does.
"""
from __future__ import annotations

import configparser
import io
import os
from dataclasses import dataclass
from pathlib import Path

from benchmarks.helpers import ROOT

# The pretalx release the peer run installs (``pip index versions pretalx``: current at issue 17, and it
# installs on Python 3.11). Change it here, re-run ``setup``, and the JSON records the new version.
PRETALX_VERSION = "2025.2.2"
# What else the peer venv needs: PostgreSQL's driver (pretalx names none) and the WSGI server ours runs
# under, at the same version.
PEER_PACKAGES = (f"pretalx=={PRETALX_VERSION}", "psycopg2-binary==2.9.13", "gunicorn==27.0.1")
DATABASE = "peer_pretalx"
DEFAULT_HOME = ROOT / "instance" / "peer"
PRETALX_PORT = 8717  # pretalx's site URL names its port: its CSRF check trusts that origin only
SETTINGS_MODULE = "peer_settings"
SETTINGS_TEXT = '''"""pretalx's settings for the peer run (written by ``python -m benchmarks.peer setup``)."""
from pretalx.settings import *  # noqa: F401,F403

# Plain HTTP on 127.0.0.1: a Secure cookie would never come back (see benchmarks/peer/config.py).
CSRF_COOKIE_SECURE = False
'''


@dataclass(frozen=True)
class PeerPaths:
    """The peer run's folder (default ``instance/peer``, git-ignored)."""

    home: Path

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def gunicorn(self) -> Path:
        return self.venv / "bin" / "gunicorn"

    @property
    def config_file(self) -> Path:
        return self.home / "pretalx.cfg"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def static(self) -> Path:
        return self.home / "static"

    @property
    def settings_dir(self) -> Path:  # holds peer_settings.py; on the PYTHONPATH of every pretalx process
        return self.home / "settings"

    def installed(self) -> bool:
        return self.python.exists() and self.config_file.exists()


def pretalx_config(paths: PeerPaths, *, host: str = "127.0.0.1", port: int = PRETALX_PORT, user: str = "postgres",
                   database: str = DATABASE, secret: str = "peer-run-secret-not-for-production") -> str:
    """The ``pretalx.cfg`` text: PostgreSQL on ``host`` (trust auth: no password), DEBUG off, no mail
    server (the seed sends nothing), no Celery broker (pretalx then runs its tasks inline) and no Redis
    (pretalx's cache is then Django's dummy cache, sessions in the database)."""
    config = configparser.ConfigParser()
    config["filesystem"] = {"data": str(paths.data), "logs": str(paths.data / "logs"),
                            "media": str(paths.data / "media"), "static": str(paths.static)}
    config["site"] = {"debug": "False", "url": f"http://{host}:{port}", "secret": secret}
    config["database"] = {"backend": "postgresql", "name": database, "user": user, "password": "",
                          "host": host, "port": "5432"}
    config["mail"] = {"from": "peer@localhost", "host": "127.0.0.1", "port": "25"}
    config["celery"] = {"broker": "", "backend": ""}
    config["redis"] = {"location": "False"}
    config["locale"] = {"language_code": "en", "time_zone": "UTC"}
    out = io.StringIO()
    out.write("# Written by `python -m benchmarks.peer setup`: pretalx for the peer run (issue 17).\n")
    config.write(out)
    return out.getvalue()


def write_config(paths: PeerPaths, **kw: str | int) -> None:
    """Write ``pretalx.cfg`` and the settings module, and make pretalx's data folders."""
    for folder in (paths.home, paths.data / "logs", paths.data / "media", paths.static, paths.settings_dir):
        folder.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(pretalx_config(paths, **kw))
    (paths.settings_dir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_TEXT)


def pretalx_env(paths: PeerPaths, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every pretalx process (its CLI, the seed script, gunicorn)."""
    env = dict(os.environ if base is None else base)
    for name in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "DATABASE_URL"):
        env.pop(name, None)
    env.update(PRETALX_CONFIG_FILE=str(paths.config_file), DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
               PYTHONPATH=str(paths.settings_dir), PRETALX_DATA_DIR=str(paths.data))
    return env
