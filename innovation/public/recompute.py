"""The results recomputation script (``recompute_results.py`` beside this module), served as a download.

The script uses the standard library only, so anyone can run it with Python 3 on the public results file;
docs/VERIFYING_RESULTS.md gives the recipe in prose. It is never imported by the app: it is a file to hand
out, kept in the package so an installed app serves it.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

SCRIPT = Path(__file__).with_name("recompute_results.py")


@cache
def script_source() -> bytes:
    return SCRIPT.read_bytes()
