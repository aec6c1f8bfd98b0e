#!/usr/bin/env python3
"""Recompute a published Innovation Week result from its public results file, with nothing but Python 3.

Usage:
    python3 recompute_results.py hasil-12.json [--checksum SHA256_SHOWN_ON_THE_RESULTS_PAGE]

The file is the "Unduh data hasil (JSON)" download of the public results page (/public/events/<event>/results,
also linked from every certificate's verification page). The script

1. prints the file's SHA-256 and, given ``--checksum``, compares it with the one the page (and the
   certificate's verification page) shows: equal means this is the file the region published;
2. recomputes, from every judge's score on every criterion and the criteria's weights, each judge's
   weighted total, each entry's aggregates (mean, median, trimmed mean), the normalised score, the
   score on the heaviest criterion, the ranking overall and per category (with the published tie-break
   order and the chair's recorded decisions) and the award labels;
3. compares each figure with the published one, and exits 0 when everything matches, 1 otherwise,
   listing every difference.

The recipe (docs/VERIFYING_RESULTS.md has it in prose) is the one in innovation/judging/statistics.py
and results.py:

- weighted total of a sheet = sum(value x weight%) / 100 over the counted (not "independent") criteria,
  rounded half-up to 4 decimals;
- aggregate per entry over its judges' totals: mean; median; trimmed = mean without the single lowest
  and highest when there are 3 or more totals;
- normalised: each judge's totals become z-scores against that judge's own mean and population SD (a
  judge with one sheet: against the whole panel; a judge whose totals are all equal: z = 0); an entry's
  z is the chosen aggregate of its judges' z; the score is M + S x z, clamped to the rubric's scale, with
  M and S the mean and population SD of every total in the round;
- the ranking key, best first: the chosen method's score, the other method's score, the mean score on
  the heaviest criterion (these three rounded half-up to 2 decimals), fewer flagged scores (the file's
  ``flags``), earlier submission; entries still equal are ordered by the chair's recorded decision;
- awards: per group (category, or overall), the first min(places, scored entries - 1) places get the
  labels in order.

Figures are computed in binary floating point as the server does, and compared after rounding half-up to
the 4 decimals the file stores.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


def q(value, places=FOUR):
    """A float or Decimal rounded half-up (floats first lose their binary noise, to 9 places)."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(f"{value:.9f}")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def dec(text):
    return None if text is None else Decimal(text)


def mean(values):
    return math.fsum(values) / len(values)


def aggregate(values, method):
    values = sorted(float(v) for v in values)
    if not values:
        return None
    if method == "mean":
        return mean(values)
    if method == "median":
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    if method == "trimmed":
        return mean(values[1:-1] if len(values) >= 3 else values)
    raise ValueError(method)


def pstdev(values, centre):
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / len(values))


def recompute(data: dict) -> tuple[list[str], dict]:
    """(differences, what was recomputed) for a public results file already parsed from JSON."""
    results = data["results"] if "results" in data else data
    problems: list[str] = []
    criteria = results["criteria"]
    counted = {c["id"]: Decimal(c["weight"]) for c in criteria if not c["independent"]}
    heaviest = next((c["id"] for c in criteria if c["heaviest"]), None)
    low, high = float(results["rubric"]["scale_min"]), float(results["rubric"]["scale_max"])
    method, chosen_aggregate = results["method"], results["aggregate"]

    # 1. every sheet's weighted total
    sheets = []  # (entry id, judge id, total as float)
    for entry in results["entries"]:
        for sheet in entry["sheets"]:
            values = {s["criterion_id"]: dec(s["value"]) for s in sheet["scores"]}
            if any(values.get(c) is None for c in counted):
                problems.append(f"entry {entry['id']} {sheet['label']}: a counted criterion has no score")
                continue
            total = (sum(values[c] * w for c, w in counted.items()) / 100).quantize(FOUR, rounding=ROUND_HALF_UP)
            if total != dec(sheet["total"]):
                problems.append(f"entry {entry['id']} {sheet['label']}: total {total} != published {sheet['total']}")
            sheets.append((entry["id"], sheet["judge_id"], float(total)))

    # 2. normalisation
    totals = [t for _e, _j, t in sheets]
    panel_mean = mean(totals) if totals else None
    panel_sd = pstdev(totals, panel_mean) if totals else None
    by_judge = defaultdict(list)
    for entry_id, judge_id, total in sheets:
        by_judge[judge_id].append((entry_id, total))
    z = {}
    for judge_id, own in by_judge.items():
        if len(own) < 2:
            for entry_id, total in own:
                z[(entry_id, judge_id)] = (total - panel_mean) / panel_sd if panel_sd else 0.0
            continue
        values = [t for _e, t in own]
        centre = mean(values)
        sd = pstdev(values, centre)
        for entry_id, total in own:
            z[(entry_id, judge_id)] = (total - centre) / sd if sd else 0.0

    # 3. each entry's figures
    figures = {}
    for entry in results["entries"]:
        own = [(j, t) for e, j, t in sheets if e == entry["id"]]
        raw = {name: aggregate([t for _j, t in own], name) for name in ("mean", "median", "trimmed")}
        z_agg = aggregate([z[(entry["id"], j)] for j, _t in own], chosen_aggregate) if own else None
        normalised = min(max(panel_mean + panel_sd * z_agg, low), high) if z_agg is not None else None
        heavy_values = [dec(s["value"]) for sheet in entry["sheets"] for s in sheet["scores"]
                        if s["criterion_id"] == heaviest and s["value"] is not None]
        heavy = aggregate(heavy_values, "mean") if heavy_values else None
        chosen = raw[chosen_aggregate] if method == "raw" else normalised
        other = normalised if method == "raw" else raw[chosen_aggregate]
        figures[entry["id"]] = {"chosen": chosen, "other": other, "heavy": heavy, "raw": raw, "normalised": normalised}
        for name in raw:
            if q(raw[name]) != dec(entry["raw"][name]):
                problems.append(f"entry {entry['id']}: {name} {q(raw[name])} != published {entry['raw'][name]}")
        for label, mine in (("normalised", normalised), ("score", chosen), ("heaviest", heavy)):
            if q(mine) != dec(entry[label]):
                problems.append(f"entry {entry['id']}: {label} {q(mine)} != published {entry[label]}")

    # 4. ranking, overall and per category
    decisions = [list(d["entry_ids"]) for d in results.get("tie_decisions", [])]
    by_id = {e["id"]: e for e in results["entries"]}

    def key(entry_id):
        f, e = figures[entry_id], by_id[entry_id]

        def desc(value):
            return (1, 0) if value is None else (0, -q(value, TWO))

        submitted = datetime.fromisoformat(e["submitted_at"]).timestamp() if e["submitted_at"] else float("inf")
        return (*desc(f["chosen"]), *desc(f["other"]), *desc(f["heavy"]), e["flags"], submitted)

    def ranking(entry_ids):
        """[(entry id, rank)] best first; ties after every rule ordered by the chair's decision."""
        ordered = sorted(entry_ids, key=lambda i: (key(i), i))
        out, position, index = [], 1, 0
        while index < len(ordered):
            group = [i for i in ordered[index:] if key(i) == key(ordered[index])]
            decided = next((sorted(group, key=d.index) for d in reversed(decisions) if set(group) <= set(d)), None)
            if len(group) == 1 or decided:
                out.extend((entry_id, position + n) for n, entry_id in enumerate(decided or group))
            else:
                out.extend((entry_id, position) for entry_id in group)
            position += len(group)
            index += len(group)
        return out

    overall = ranking(list(by_id))
    for entry_id, rank in overall:
        if by_id[entry_id]["rank"] != rank:
            problems.append(f"entry {entry_id}: overall rank {rank} != published {by_id[entry_id]['rank']}")
    if [i for i, _r in overall] != results["overall"]:
        problems.append("the overall order differs from the published one")
    awards_settings = results.get("awards")
    awards = {}
    groups = []
    for category in results["categories"]:
        members = [e["id"] for e in results["entries"] if e["category_id"] == category["id"]]
        ranked = ranking(members)
        groups.append(ranked)
        if [i for i, _r in ranked] != category["ranking"]:
            problems.append(f"category {category['name']}: order differs from the published one")
        for entry_id, rank in ranked:
            if by_id[entry_id]["category_rank"] != rank:
                problems.append(f"entry {entry_id}: category rank {rank} != published {by_id[entry_id]['category_rank']}")

    # 5. awards
    if awards_settings:
        labels, places = awards_settings["labels"], awards_settings["places"]
        for ranked in (groups if awards_settings["per_category"] else [overall]):
            scored = sum(1 for entry_id, _r in ranked if figures[entry_id]["chosen"] is not None)
            awarded = max(0, min(places, scored - 1))
            for entry_id, rank in ranked:
                if figures[entry_id]["chosen"] is not None and rank <= awarded:
                    awards[entry_id] = labels[rank - 1]
        for entry_id, entry in by_id.items():
            if awards.get(entry_id) != entry.get("award"):
                problems.append(f"entry {entry_id}: award {awards.get(entry_id)} != published {entry.get('award')}")
    return problems, {"overall": overall, "awards": awards,
                      "scores": {i: str(q(f["chosen"])) if f["chosen"] is not None else None
                                 for i, f in figures.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the downloaded results file (hasil-N.json)")
    parser.add_argument("--checksum", help="the SHA-256 the results page shows for this file")
    args = parser.parse_args(argv)
    with open(args.file, "rb") as handle:
        raw = handle.read()
    digest = hashlib.sha256(raw).hexdigest()
    print(f"SHA-256 of the file: {digest}")
    ok = True
    if args.checksum:
        same = digest == args.checksum.strip().lower()
        print("checksum: " + ("matches the published one" if same else "DOES NOT match the published one"))
        ok = ok and same
    problems, found = recompute(json.loads(raw))
    by_id = {e["id"]: e for e in (json.loads(raw).get("results") or {}).get("entries", [])}
    for entry_id, rank in found["overall"]:
        entry = by_id.get(entry_id, {})
        print(f"{rank:>4}  {found['scores'][entry_id] or '-':>8}  {found['awards'].get(entry_id, ''):<12} "
              f"{entry.get('innovation', entry_id)} ({entry.get('opd', '')})")
    for problem in problems:
        print("DIFFERENCE: " + problem)
    print("recomputed result: " + ("matches the published result" if not problems else f"{len(problems)} differences"))
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
