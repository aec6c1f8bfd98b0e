"""``python -m benchmarks.peer seed --submissions N``: pretalx at our data's size (the script
``pretalx_seed.py``, run with the peer venv's python), with our rubric's criteria and weights and our
benchmark password."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.peer.config import PeerPaths, pretalx_env
from benchmarks.seed import BENCH_PASSWORD, CRITERIA_SPEC

SCRIPT = Path(__file__).with_name("pretalx_seed.py")


def slug_for(size: int) -> str:
    """One pretalx event per size, in the one database: ``peer1000``, ``peer10000``."""
    return f"peer{size}"


def criteria_argument(spec: list[tuple[str, str, int]] = CRITERIA_SPEC) -> str:
    """Our rubric's criteria as the script's ``name:weight,...`` (the same names, the same weights)."""
    return ",".join(f"{code} {title}:{weight}" for code, title, weight in spec)


def seed(paths: PeerPaths, submissions: int, *, slug: str, reviews: str = "3",
         reviewers: int | None = None) -> dict[str, Any]:
    if not paths.installed():
        raise SystemExit(f"no peer venv at {paths.venv}: run `python -m benchmarks.peer setup` first")
    command = [str(paths.python), str(SCRIPT), "--slug", slug, "--submissions", str(submissions),
               "--reviews", reviews, "--criteria", criteria_argument(), "--password", BENCH_PASSWORD,
               *(["--reviewers", str(reviewers)] if reviewers else [])]
    done = subprocess.run(command, env=pretalx_env(paths), cwd=paths.home, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the pretalx seed failed ({done.returncode}):\n{done.stderr[-4000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("SEEDED "))
    return json.loads(line.removeprefix("SEEDED "))
