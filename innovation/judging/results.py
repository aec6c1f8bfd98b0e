"""A round's results: gather its submitted scores in a few queries, compute, publish a frozen snapshot.

The computed result is a plain JSON-able ``payload`` (Decimals as strings, ids as numbers, names
copied in), so the live page, the published snapshot, the XLSX export and the certificates all read
the same structure. Publishing stores the payload in a ``ResultSnapshot`` with the sha256 of its
canonical JSON (keys sorted, no spaces, UTF-8); after publication every page reads the snapshot, so
later score changes never alter what was published. Formulas: ``innovation.judging.statistics``
(computed in float64; the payload's figures are Decimals rounded to four places, as strings).

Until publication the page computes live. The computation is linear in the round's score sheets and
cached in the process (``round_payload``): an LRU keyed by the round, the method and the round's
``results_version`` (bumped in the same transaction as every change that feeds the figures, by
``results_version.py``), so a repeated view reads only the round, and a score change, a recusal or a
new entry invalidates the cached result in every worker on its next view.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only

from innovation.audit.services import record
from innovation.auth.models import User
from innovation.events.models import Category, Entry, Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.judging import statistics as st
from innovation.judging.models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    ResultSnapshot,
    Round,
    RoundEntry,
    RoundKind,
    Score,
    ScoreSheet,
    SheetStatus,
)
from innovation.orgs.models import Opd

PAYLOAD_VERSION = 1
DEFAULT_WINNERS = 3
FOUR_PLACES = Decimal("0.0001")


class ResultsError(Exception):
    """A results rule was broken (shown to the user as it is)."""


def _d(value: Decimal | float | None, places: Decimal = FOUR_PLACES) -> str | None:
    """A figure as shown and stored: a Decimal rounded half-up (floats lose their binary noise first)."""
    return None if value is None else str(st.to_decimal(value).quantize(places, rounding=ROUND_HALF_UP))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- gathering -------------------------------------------------------------------------------

@dataclass
class RoundData:
    round: Round
    criteria: list[Criterion]
    round_entries: list[RoundEntry]
    sheets: list[dict[str, Any]]  # sheet id, entry id, judge id, total, comment, submitted_at
    scores: list[tuple[int, int, Decimal | None, str]]  # sheet id, criterion id, value, comment
    judges: list[User]


def gather(round_: Round) -> RoundData:
    """Everything a round's result needs, in five statements whatever the number of entries."""
    criteria = list(db.session.scalars(
        select(Criterion).where(Criterion.rubric_id == round_.rubric_id).order_by(Criterion.position, Criterion.id)
    )) if round_.rubric_id else []
    # only the columns the payload copies: the default joined chain would also fetch every
    # innovation's long texts and the event twice per row
    round_entries = list(db.session.scalars(
        select(RoundEntry).where(RoundEntry.round_id == round_.id).order_by(RoundEntry.id)
        .options(
            lazyload(RoundEntry.round),  # the round given, from the identity map
            joinedload(RoundEntry.entry, innerjoin=True).options(
                load_only(Entry.id, Entry.innovation_id, Entry.opd_id, Entry.category_id, Entry.submitted_at),
                lazyload(Entry.event),
                joinedload(Entry.innovation, innerjoin=True).options(
                    load_only(Innovation.id, Innovation.nama), lazyload(Innovation.opd)),
                joinedload(Entry.category, innerjoin=True).load_only(Category.id, Category.name),
                joinedload(Entry.opd, innerjoin=True).load_only(Opd.id, Opd.name),
            ),
        )
    ).unique())
    counted = (
        select(ScoreSheet.id, RoundEntry.entry_id, Assignment.judge_id, ScoreSheet.total,
               ScoreSheet.overall_comment, ScoreSheet.submitted_at)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED,
               Assignment.status == AssignmentStatus.ACTIVE, ScoreSheet.total.is_not(None))
        .order_by(ScoreSheet.id)
    )
    sheets = [dict(id=r[0], entry_id=r[1], judge_id=r[2], total=Decimal(r[3]), comment=r[4] or "",
                   submitted_at=r[5]) for r in db.session.execute(counted)]
    sheet_ids = {s["id"] for s in sheets}
    scores = [
        (r[0], r[1], None if r[2] is None else Decimal(r[2]), r[3] or "")
        for r in db.session.execute(
            select(Score.sheet_id, Score.criterion_id, Score.value, Score.comment)
            .join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
            .where(RoundEntry.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED,
                   Assignment.status == AssignmentStatus.ACTIVE)
            .order_by(Score.sheet_id, Score.criterion_id)
        )
        if r[0] in sheet_ids
    ]
    judge_ids = sorted({s["judge_id"] for s in sheets})
    judges = list(db.session.scalars(select(User).where(User.id.in_(judge_ids)).order_by(User.id))) if judge_ids else []
    return RoundData(round_, criteria, round_entries, sheets, scores, judges)


# --- computing -------------------------------------------------------------------------------

def compute(round_: Round, *, aggregate: str = "mean", method: str = "raw", data: RoundData | None = None) -> dict:
    """The round's full result as a JSON-able payload (see the module docstring)."""
    if aggregate not in st.AGGREGATES:
        aggregate = "mean"
    if method not in st.METHODS:
        method = "raw"
    data = data or gather(round_)
    rubric = round_.rubric
    scale = (Decimal(rubric.scale_min), Decimal(rubric.scale_max)) if rubric else (Decimal(0), Decimal(100))
    low, high = float(scale[0]), float(scale[1])
    counted = [c for c in data.criteria if not c.independent]
    infos = [st.CriterionInfo(c.id, Decimal(c.weight), c.position) for c in counted]
    heaviest = st.heaviest_criterion(infos)

    values_by_sheet: dict[int, dict[int, Decimal]] = defaultdict(dict)
    comments_by_sheet: dict[int, dict[int, str]] = defaultdict(dict)
    for sheet_id, criterion_id, value, comment in data.scores:
        if value is not None:
            values_by_sheet[sheet_id][criterion_id] = value
        if comment:
            comments_by_sheet[sheet_id][criterion_id] = comment
    sheets = [st.Sheet(s["entry_id"], s["judge_id"], s["total"], values_by_sheet[s["id"]]) for s in data.sheets]
    by_entry: dict[int, list[dict]] = defaultdict(list)
    for s in data.sheets:
        by_entry[s["entry_id"]].append(s)

    norm = st.normalise(sheets, scale)
    deviations = st.judge_deviations(sheets, scale)
    labels = {j.id: f"Juri {n}" for n, j in enumerate(data.judges, start=1)}

    # flagged single scores: per entry, on totals and on each criterion
    total_flags: dict[tuple[int, int], Decimal] = {}
    criterion_flags: dict[tuple[int, int, int], Decimal] = {}
    for entry_id, own in by_entry.items():
        for judge_id, gap in st.outlier_scores({s["judge_id"]: s["total"] for s in own}, scale).items():
            total_flags[(entry_id, judge_id)] = gap
        for criterion in data.criteria:
            values = {s["judge_id"]: values_by_sheet[s["id"]][criterion.id]
                      for s in own if criterion.id in values_by_sheet[s["id"]]}
            for judge_id, gap in st.outlier_scores(values, scale).items():
                criterion_flags[(entry_id, judge_id, criterion.id)] = gap
    # counted once: scanning every flag for every entry made the round quadratic
    flag_count = Counter(k[0] for k in total_flags) + Counter(k[0] for k in criterion_flags)
    sheets_per_judge = Counter(s["judge_id"] for s in data.sheets)
    criterion_ids = [c.id for c in data.criteria]  # plain ints: attribute access per score adds up

    entries_out = []
    keys = []
    for round_entry in data.round_entries:
        entry = round_entry.entry
        own = by_entry.get(entry.id, [])
        totals = [s["total"] for s in own]
        raw = {name: st.aggregate(totals, name) for name in st.AGGREGATES}
        zs = [norm.z[(entry.id, s["judge_id"])] for s in own]
        z_agg = st.aggregate(zs, aggregate)
        normalised = (min(max(norm.panel_mean + norm.panel_sd * z_agg, low), high)
                      if z_agg is not None else None)
        sd, width = st.spread(totals)
        heavy_values = [values_by_sheet[s["id"]][heaviest.id] for s in own
                        if heaviest and heaviest.id in values_by_sheet[s["id"]]]
        heavy = st.aggregate(heavy_values, "mean")
        flags = flag_count[entry.id]
        chosen = raw[aggregate] if method == "raw" else normalised
        other = normalised if method == "raw" else raw[aggregate]
        keys.append(st.RankKey(entry.id, chosen, other, heavy, flags, entry.submitted_at))
        entries_out.append({
            "id": entry.id, "round_entry_id": round_entry.id, "innovation": entry.innovation.nama,
            "innovation_id": entry.innovation_id, "opd": entry.opd.name, "opd_id": entry.opd_id,
            "category_id": entry.category_id, "category": entry.category.name,
            "submitted_at": _iso(entry.submitted_at), "judges": len(own),
            "raw": {name: _d(value) for name, value in raw.items()},
            "normalised": _d(normalised), "z": _d(z_agg), "score": _d(chosen),
            "sd": _d(sd), "range": _d(width), "heaviest": _d(heavy), "flags": flags,
            "sheets": [{
                "judge_id": s["judge_id"], "label": labels[s["judge_id"]], "total": _d(s["total"]),
                "z": _d(norm.z[(entry.id, s["judge_id"])]), "comment": s["comment"],
                "submitted_at": _iso(s["submitted_at"]),
                "flag_gap": _d(total_flags.get((entry.id, s["judge_id"]))),
                "scores": [{
                    "criterion_id": c, "value": _d(values_by_sheet[s["id"]].get(c)),
                    "comment": comments_by_sheet[s["id"]].get(c, ""),
                    "flag_gap": _d(criterion_flags.get((entry.id, s["judge_id"], c))),
                } for c in criterion_ids],
            } for s in sorted(own, key=lambda s: labels[s["judge_id"]])],
        })

    by_id = {e["id"]: e for e in entries_out}
    overall = st.rank(keys)
    for entry_id, position, step in overall:
        by_id[entry_id].update(rank=position, tie_step=step)
    winners_n = round_.advance_top_n or DEFAULT_WINNERS
    categories = []
    category_order = {c.id: c.position for c in round_.event.categories}
    for category_id in sorted({e["category_id"] for e in entries_out}, key=lambda c: (category_order.get(c, 0), c)):
        ranked = st.rank(k for k in keys if by_id[k.entry_id]["category_id"] == category_id)
        for entry_id, position, step in ranked:
            entry_out = by_id[entry_id]
            entry_out.update(category_rank=position, category_tie_step=step,
                             winner=position <= winners_n and entry_out["score"] is not None)
        categories.append({"id": category_id, "name": by_id[ranked[0][0]]["category"],
                           "ranking": [e for e, _p, _s in ranked]})

    def agreement(units: list[list[Decimal]]) -> dict:
        alpha = st.krippendorff_alpha_interval(units)
        return {"alpha": _d(alpha, Decimal("0.001")), "reading": st.alpha_reading(alpha),
                "units": sum(1 for u in units if len(u) >= 2)}

    criteria_agreement = []
    sheet_values = [[values_by_sheet[s["id"]] for s in own] for own in by_entry.values()]
    for c in criterion_ids:
        units = [[values[c] for values in own if c in values] for own in sheet_values]
        criteria_agreement.append({"criterion_id": c, **agreement(units)})

    judges_out = []
    for judge in data.judges:
        deviation = deviations.get(judge.id)
        judges_out.append({
            "id": judge.id, "name": judge.full_name, "username": judge.username, "label": labels[judge.id],
            "entries": sheets_per_judge[judge.id],
            "mean_deviation": _d(deviation.mean_deviation if deviation else None),
            "compared": deviation.compared if deviation else 0,
            "flag": deviation.flag if deviation else None,
            "normalisation": "panel" if judge.id in norm.fallback_judges else
                             "flat" if judge.id in norm.flat_judges else "own",
        })

    event = round_.event
    return {
        "version": PAYLOAD_VERSION,
        "event": {"id": event.id, "slug": event.slug, "name": event.name, "year": event.year},
        "round": {"id": round_.id, "name": round_.name, "kind": round_.kind.value, "position": round_.position},
        "rubric": {"name": rubric.name if rubric else "", "scale_min": _d(scale[0], Decimal(1)),
                   "scale_max": _d(scale[1], Decimal(1))},
        "method": method, "aggregate": aggregate, "computed_at": _iso(utcnow()),
        "criteria": [{"id": c.id, "code": c.code, "title": c.title, "title_en": c.title_en,
                      "weight": _d(Decimal(c.weight), Decimal("0.01")), "independent": c.independent,
                      "heaviest": heaviest is not None and c.id == heaviest.id} for c in data.criteria],
        "judges": judges_out,
        "entries": sorted(entries_out, key=lambda e: e["rank"]),
        "overall": [e for e, _p, _s in overall],
        "categories": categories,
        "winners_per_category": winners_n,
        "agreement": {"overall": agreement([[s["total"] for s in own] for own in by_entry.values()]),
                      "criteria": criteria_agreement},
        "normalisation": {"panel_mean": _d(norm.panel_mean), "panel_sd": _d(norm.panel_sd)},
        "tie_break": list(st.TIE_BREAK_RULES),
        "thresholds": {"judge_flag_share": str(st.JUDGE_FLAG_SHARE), "score_flag_share": str(st.SCORE_FLAG_SHARE),
                       "score_flag_sds": str(st.SCORE_FLAG_SDS), "alpha_good": str(st.ALPHA_GOOD),
                       "alpha_fair": str(st.ALPHA_FAIR)},
    }


# --- publishing ------------------------------------------------------------------------------

def canonical_json(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def checksum(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def verify(snapshot: ResultSnapshot) -> bool:
    """The stored payload still hashes to the stored checksum."""
    return checksum(snapshot.payload) == snapshot.checksum


def latest_snapshot(round_: Round) -> ResultSnapshot | None:
    return db.session.scalar(
        select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id)
        .order_by(ResultSnapshot.created_at.desc(), ResultSnapshot.id.desc()).limit(1)
    )


def publish(round_: Round, *, by: User, aggregate: str = "mean", method: str = "raw",
            now: datetime | None = None) -> ResultSnapshot:
    """Freeze the round's result as computed now and mark the round published (once)."""
    now = now or utcnow()
    if round_.kind == RoundKind.ADMINISTRASI:
        raise ResultsError(_("Babak seleksi administrasi tidak memiliki nilai untuk diumumkan."))
    if round_.published_at is not None:
        raise ResultsError(_("Hasil babak ini sudah diumumkan dan dibekukan."))
    if not round_.is_closed(now):
        raise ResultsError(_("Babak masih berlangsung: hasil dapat diumumkan setelah babak ditutup."))
    payload = compute(round_, aggregate=aggregate, method=method)
    if not any(e["judges"] for e in payload["entries"]):
        raise ResultsError(_("Belum ada lembar nilai yang dikirim juri."))
    payload["published_at"] = _iso(now)
    snapshot = ResultSnapshot(round_id=round_.id, created_at=now, created_by_id=by.id, method=f"{method}/{aggregate}",
                              payload=payload, checksum=checksum(payload))
    db.session.add(snapshot)
    round_.published_at = now
    db.session.flush()
    record("judging.results_published", actor=by, obj=round_,
           summary=f"Hasil {round_.name} ({round_.event.name}) diumumkan; checksum {snapshot.checksum[:12]}",
           changes={"method": snapshot.method, "checksum": snapshot.checksum})
    return snapshot


# --- the live result, cached per process ------------------------------------------------------

CACHE_SIZE = 16  # payloads kept per process (a round with 6,000 entries is a few MB)
_CACHE_KEY = "judging_results_cache"


class PayloadCache:
    """A small thread-safe LRU of computed payloads (one per app, in ``app.extensions``)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple, dict] = OrderedDict()
        self._memos: dict[int, dict] = {}  # id(payload) -> what pages derived from it
        self._lock = threading.Lock()

    def memo(self, payload: dict) -> dict:
        """A scratch dict living as long as the cached payload (a fresh one for any other payload)."""
        with self._lock:
            return self._memos.get(id(payload), {})

    def get(self, key: tuple) -> dict | None:
        with self._lock:
            payload = self._items.get(key)
            if payload is not None:
                self._items.move_to_end(key)
            return payload

    def put(self, key: tuple, payload: dict) -> None:
        with self._lock:
            # older fingerprints of the same round and method are stale for good
            for old in [k for k in self._items if k[:3] == key[:3]]:
                self._memos.pop(id(self._items.pop(old)), None)
            self._items[key] = payload
            self._memos[id(payload)] = {}
            while len(self._items) > self.size:
                _key, evicted = self._items.popitem(last=False)
                self._memos.pop(id(evicted), None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._memos.clear()

    def __len__(self) -> int:
        return len(self._items)


def payload_cache() -> PayloadCache:
    return current_app.extensions.setdefault(_CACHE_KEY, PayloadCache())


def payload_memo(payload: dict) -> dict:
    """Where a page keeps what it derives from a cached payload (e.g. the sorted flagged scores),
    so a repeated view does not redo it; empty for a payload that is not cached (a snapshot)."""
    return payload_cache().memo(payload)


def fingerprint(round_: Round) -> tuple:
    """What the live result depends on: the round's ``results_version`` (bumped in the same transaction
    as every score sheet, assignment, entry or criterion change that feeds it, see ``results_version``)
    and the round's own settings. Read with the round: no statement of its own."""
    # created_at: a round deleted and another created with the same id (SQLite reuses the highest
    # rowid) must not find the first one's cached result.
    return (round_.results_version, str(round_.created_at), round_.name, round_.kind.value, round_.position,
            round_.rubric_id, round_.advance_top_n)


def cached_compute(round_: Round, *, aggregate: str = "mean", method: str = "raw") -> dict:
    """``compute``, or the payload computed earlier in this process for the same fingerprint.

    The payload is shared: callers read it and never change it (``publish`` computes afresh)."""
    if aggregate not in st.AGGREGATES:
        aggregate = "mean"
    if method not in st.METHODS:
        method = "raw"
    cache = payload_cache()
    key = (round_.id, aggregate, method, fingerprint(round_))
    payload = cache.get(key)
    if payload is None:
        payload = compute(round_, aggregate=aggregate, method=method)
        cache.put(key, payload)
    return payload


def round_payload(round_: Round, *, aggregate: str = "mean", method: str = "raw") -> tuple[dict, ResultSnapshot | None]:
    """What a page shows: the published snapshot once there is one, otherwise a live computation
    (cached while the round's scores stay the same, see ``cached_compute``)."""
    snapshot = latest_snapshot(round_) if round_.published_at is not None else None
    if snapshot is not None:
        return snapshot.payload, snapshot
    return cached_compute(round_, aggregate=aggregate, method=method), None


def scored_rounds(event: Event) -> list[Round]:
    return list(db.session.scalars(
        select(Round).where(Round.event_id == event.id, Round.kind != RoundKind.ADMINISTRASI).order_by(Round.position)
    ))


# --- what an operator may see ----------------------------------------------------------------

def operator_view(payload: dict, opd_id: int | None) -> dict:
    """The published result as an OPD sees it: its own entries in full with anonymous judges,
    everyone else only in the public ranking (rank, innovation, OPD, category, score)."""
    public_fields = ("id", "innovation", "opd", "category_id", "category", "score", "rank", "category_rank", "winner")
    criteria = {c["id"]: c for c in payload["criteria"]}
    own = []
    for entry in payload["entries"]:
        if opd_id is not None and entry["opd_id"] == opd_id:
            own.append({**entry, "sheets": [
                {"label": s["label"], "total": s["total"], "comment": s["comment"],
                 "scores": [{**sc, "criterion": criteria[sc["criterion_id"]]} for sc in s["scores"]]}
                for s in entry["sheets"]]})
    public = [{k: e.get(k) for k in public_fields} for e in payload["entries"]]
    return {"own": own, "public": public}
