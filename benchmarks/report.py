"""``python -m benchmarks.report RESULTS.json [MORE.json ...]``: the Markdown tables of docs/PERFORMANCE.md.

Reads what ``benchmarks.run --json`` wrote (a page run and an ``--exports-only`` run can be given
together: their sizes are merged) and prints the pages table, the exports table, the one-off figures
and the targets, so the document is refreshed by pasting, never by retyping figures.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def merge(paths: list[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {"sizes": {}, "targets": []}
    for path in paths:
        data = json.loads(Path(path).read_text())
        for size, run in data.get("sizes", {}).items():
            # an --exports-only run has empty "pages": it must not hide the page run's
            merged["sizes"].setdefault(size, {}).update({k: v for k, v in run.items() if v not in ({}, [], None)})
        for key, value in data.items():
            if key not in ("sizes", "targets"):
                merged.setdefault(key, value)
        merged["targets"] += data.get("targets", [])
    return merged


def _n(size: str) -> str:
    return f"{int(size):,}"


def pages_table(data: dict[str, Any]) -> list[str]:
    sizes = sorted((s for s in data["sizes"] if data["sizes"][s].get("pages")), key=int)
    if not sizes:
        return []
    names: list[str] = []
    for size in sizes:
        for name in data["sizes"][size]["pages"]:
            if name not in names:
                names.append(name)
    head = "| page | kind | " + " | ".join(f"n={_n(s)}: p50 / p95 ms (x baseline), SQL" for s in sizes) + " |"
    lines = [head, "|---|---|" + "---|" * len(sizes)]
    rows = [("baseline", {s: data["sizes"][s].get("baseline") for s in sizes})]
    if any(data["sizes"][s].get("baseline_at_start") for s in sizes):  # the first window alone, for comparison
        rows.append(("baseline at the start", {s: data["sizes"][s].get("baseline_at_start") for s in sizes}))
    rows += [(name, {s: data["sizes"][s]["pages"].get(name) for s in sizes}) for name in names]
    for name, cells in rows:
        kind = next((c.get("kind") for c in cells.values() if c), "")
        out = []
        for size in sizes:
            cell = cells.get(size)
            if not cell or cell.get("p95_ms") is None:
                out.append("—")
                continue
            if name == "baseline at the start":
                out.append(f"{cell['p50_ms']} / {cell['p95_ms']} (not used for the ratios)")
                continue
            ratio = "1.0" if name == "baseline" else cell.get("ratio_p95")
            out.append(f"{cell['p50_ms']} / {cell['p95_ms']} ({ratio}x), {cell.get('sql_statements', '?')}")
        lines.append(f"| {name} | {kind} | " + " | ".join(out) + " |")
    return lines


def exports_table(data: dict[str, Any]) -> list[str]:
    rows = []
    for size in sorted(data["sizes"], key=int):
        run = data["sizes"][size]
        for key, label in (("export", "all innovations, without files"), ("export_evidence", "20 OPDs with all evidence")):
            e = run.get(key)
            if not e or e.get("seconds") is None:
                continue
            files = f", {e['evidence_files']:,} files" if e.get("evidence_files") is not None else ""
            rows.append(f"| {_n(size)} | {label} | {e.get('innovations', 0):,} | {e['seconds']} | "
                        f"{e.get('ms_per_innovation')} | {e.get('peak_rss_mb')} | {e.get('zip_mb')}{files} |")
    if not rows:
        return []
    return ["| database size | export | innovations exported | seconds | ms per innovation | peak RSS MB | ZIP MB |",
            "|---|---|---|---|---|---|---|", *rows]


def other_figures(data: dict[str, Any]) -> list[str]:
    lines = []
    for size in sorted(data["sizes"], key=int):
        r = (data["sizes"][size] or {}).get("results_computation") or {}
        if r.get("seconds") is not None:
            lines.append(f"- Results computation of the largest event's scored round at n={_n(size)}: {r['seconds']} s "
                         f"(gather {r.get('gather_seconds')} s, compute {r.get('compute_seconds')} s; "
                         f"{r.get('entries')} entries, {r.get('sheets')} sheets)")
    upload = data.get("upload_200mb") or {}
    if upload:
        lines.append(f"- 200 MB through tus: {upload.get('seconds')} s, largest growth of a gunicorn worker's RSS "
                     f"{upload.get('rss_growth_mb')} MB, became evidence: {upload.get('complete')}")
    c = data.get("concurrent_scoring") or {}
    if c.get("requests") is not None:
        lines.append(f"- {c.get('judges')} judges submitting score sheets for {c.get('seconds')} s: {c['requests']} requests "
                     f"({c.get('throughput_rps')}/s), {c.get('errors')} errors, {c.get('acknowledged')} sheets acknowledged, "
                     f"{c.get('lost')} lost")
    return lines


def targets(data: dict[str, Any]) -> list[str]:
    lines = []
    for check in data["targets"]:
        mark = {True: "PASS", False: "**FAIL**", None: "info"}[check["pass"]]
        where = f"n={_n(check['size'])}: " if check.get("size") else ""
        lines.append(f"- {mark} {where}{check['target']}: {check['detail']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="+")
    args = parser.parse_args(argv)
    data = merge(args.json)
    for title, lines in (("Pages", pages_table(data)), ("Exports", exports_table(data)),
                         ("Other figures", other_figures(data)), ("Targets", targets(data))):
        if lines:
            print(f"### {title}\n")
            print("\n".join(lines))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
