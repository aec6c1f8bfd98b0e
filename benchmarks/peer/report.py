"""The peer run's figures: p50/p95 per page and side, the ratio pretalx / ours, the Markdown table and
where the JSON goes (pure: no I/O but ``write_json``)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.helpers import percentile
from benchmarks.peer.pairs import OURS, THEIRS

RESULTS_DIR = Path(__file__).with_name("results")


def summary(latencies_ms: list[float], errors: int = 0) -> dict[str, Any]:
    """p50 and p95 (nearest rank, as ``benchmarks.run``), the count and the errors of one side."""
    def r(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {"p50_ms": r(percentile(latencies_ms, 50)), "p95_ms": r(percentile(latencies_ms, 95)),
            "requests": len(latencies_ms), "errors": errors}


def ratio(theirs: float | None, ours: float | None) -> float | None:
    """pretalx's time over ours: above 1, ours is faster. None when either is missing or ours is 0."""
    if theirs is None or not ours:
        return None
    return round(theirs / ours, 2)


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    return {OURS: ours, THEIRS: theirs, "ratio_p50": ratio(theirs["p50_ms"], ours["p50_ms"]),
            "ratio_p95": ratio(theirs["p95_ms"], ours["p95_ms"])}


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def markdown_table(result: dict[str, Any]) -> str:
    """One row per page and mode: our p50 / p95, pretalx's, and the ratios (pretalx / ours)."""
    lines = ["| page | mode | ours p50 / p95 ms | pretalx p50 / p95 ms | ratio p50 | ratio p95 | errors |",
             "|---|---|---|---|---|---|---|"]
    for row in result["pages"]:
        ours, theirs = row[OURS], row[THEIRS]
        lines.append(
            f"| {row['pair']} | {row['mode']} | {_cell(ours['p50_ms'])} / {_cell(ours['p95_ms'])} "
            f"| {_cell(theirs['p50_ms'])} / {_cell(theirs['p95_ms'])} | {_cell(row['ratio_p50'])} "
            f"| {_cell(row['ratio_p95'])} | {ours['errors'] + theirs['errors']} |")
    return "\n".join(lines)


def json_path(size: int, on: date, folder: Path = RESULTS_DIR) -> Path:
    """``results/<date>-<size>.json``; a second run the same day gets ``-2``, ``-3``, ... (kept, not replaced)."""
    path = folder / f"{on.isoformat()}-{size}.json"
    n = 2
    while path.exists():
        path = folder / f"{on.isoformat()}-{size}-{n}.json"
        n += 1
    return path


def write_json(result: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path
