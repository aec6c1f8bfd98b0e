"""A round's results: gather its submitted scores in a few queries, compute, read the published snapshot.

``compute`` gives a ``RoundResults`` (``result_types``), which the live page, the published snapshot,
the XLSX export, the certificates and advancement all read. Publishing (``publication``) stores its
payload (``RoundResults.to_payload``) in a ``ResultSnapshot`` with the sha256 of its canonical JSON
(``checksum``: keys sorted, no spaces, UTF-8); while a round is published every page reads the
snapshot, and nothing that feeds it can change (``policy.publication_refusal``). Formulas:
``innovation.judging.statistics`` (computed in float64; the results' figures are Decimals rounded to
four places). The ranking is ``statistics.rank``, and only there: the results' order, the awards
(``awards``) and the entries proposed to advance all come from it, with the chair's decisions on ties
that survive every automatic rule (``ties``).

Until publication the page computes live. The computation is linear in the round's score sheets and
cached in the process (``round_results``, ``results_cache``), so a repeated view reads only the round,
and a score change, a recusal or a new entry recomputes it in every worker on its next view.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only

from innovation.auth.models import User
from innovation.events.models import Category, Entry, Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.judging import result_types as rt
from innovation.judging import results_cache
from innovation.judging import statistics as st
from innovation.judging.awards import AwardSettings, award_labels
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
    TieDecision,
)
from innovation.orgs.models import Opd

FOUR_PLACES = Decimal("0.0001")


def _q(value: Decimal | float | None, places: Decimal = FOUR_PLACES) -> Decimal | None:
    """A figure as shown and stored: a Decimal rounded half-up (floats lose their binary noise first)."""
    return None if value is None else st.to_decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def choose(aggregate: str | None, method: str | None) -> tuple[str, str]:
    """The aggregate and method asked for, or the defaults (mean, raw) for anything unknown."""
    return (aggregate if aggregate in st.AGGREGATES else "mean", method if method in st.METHODS else "raw")


# --- gathering -------------------------------------------------------------------------------


class SheetRow(NamedTuple):
    id: int
    entry_id: int
    judge_id: int
    total: Decimal
    comment: str
    submitted_at: datetime | None


@dataclass
class RoundData:
    round: Round
    criteria: list[Criterion]
    round_entries: list[RoundEntry]
    sheets: list[SheetRow]
    scores: list[tuple[int, int, Decimal | None, str]]  # sheet id, criterion id, value, comment
    judges: list[User]
    tie_decisions: list[TieDecision] = field(default_factory=list)  # oldest first


def gather(round_: Round) -> RoundData:
    """Everything a round's result needs, in six statements whatever the number of entries."""
    criteria = list(db.session.scalars(
        select(Criterion).where(Criterion.rubric_id == round_.rubric_id).order_by(Criterion.position, Criterion.id)
    )) if round_.rubric_id else []
    # only the columns the results copy: the default joined chain would also fetch every
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
    sheets = [SheetRow(r[0], r[1], r[2], Decimal(r[3]), r[4] or "", r[5]) for r in db.session.execute(counted)]
    sheet_ids = {s.id for s in sheets}
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
    judge_ids = sorted({s.judge_id for s in sheets})
    judges = list(db.session.scalars(select(User).where(User.id.in_(judge_ids)).order_by(User.id))) if judge_ids else []
    decisions = list(db.session.scalars(
        select(TieDecision).where(TieDecision.round_id == round_.id).order_by(TieDecision.decided_at, TieDecision.id)
        .options(joinedload(TieDecision.decided_by))))
    return RoundData(round_, criteria, round_entries, sheets, scores, judges, decisions)


# --- computing -------------------------------------------------------------------------------


@dataclass
class _Scores:
    """The round's submitted scores indexed for the computation."""

    values: dict[int, dict[int, Decimal]]  # sheet id -> criterion id -> value
    comments: dict[int, dict[int, str]]  # sheet id -> criterion id -> comment
    by_entry: dict[int, list[SheetRow]]  # entry id -> its sheets


def _index(data: RoundData) -> _Scores:
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    comments: dict[int, dict[int, str]] = defaultdict(dict)
    for sheet_id, criterion_id, value, comment in data.scores:
        if value is not None:
            values[sheet_id][criterion_id] = value
        if comment:
            comments[sheet_id][criterion_id] = comment
    by_entry: dict[int, list[SheetRow]] = defaultdict(list)
    for s in data.sheets:
        by_entry[s.entry_id].append(s)
    return _Scores(values, comments, by_entry)


@dataclass
class _Flags:
    totals: dict[tuple[int, int], float]  # (entry id, judge id) -> gap
    criteria: dict[tuple[int, int, int], float]  # (entry id, judge id, criterion id) -> gap
    per_entry: Counter  # entry id -> flagged scores


def _flags(data: RoundData, scores: _Scores, scale: tuple[Decimal, Decimal]) -> _Flags:
    """Flagged single scores: per entry, on totals and on each criterion."""
    totals: dict[tuple[int, int], float] = {}
    criteria: dict[tuple[int, int, int], float] = {}
    for entry_id, own in scores.by_entry.items():
        for judge_id, gap in st.outlier_scores({s.judge_id: s.total for s in own}, scale).items():
            totals[(entry_id, judge_id)] = gap
        for criterion in data.criteria:
            values = {s.judge_id: scores.values[s.id][criterion.id] for s in own if criterion.id in scores.values[s.id]}
            for judge_id, gap in st.outlier_scores(values, scale).items():
                criteria[(entry_id, judge_id, criterion.id)] = gap
    # counted once: scanning every flag for every entry made the round quadratic
    return _Flags(totals, criteria, Counter(k[0] for k in totals) + Counter(k[0] for k in criteria))


def _agreement(units: list[list[Decimal]]) -> rt.Agreement:
    alpha = st.krippendorff_alpha_interval(units)
    return rt.Agreement(_q(alpha, Decimal("0.001")), st.alpha_reading(alpha), sum(1 for u in units if len(u) >= 2))


def compute(round_: Round, *, aggregate: str = "mean", method: str = "raw", data: RoundData | None = None
            ) -> rt.RoundResults:
    """The round's full result (see the module docstring)."""
    aggregate, method = choose(aggregate, method)
    data = data or gather(round_)
    rubric = round_.rubric
    scale = (Decimal(rubric.scale_min), Decimal(rubric.scale_max)) if rubric else (Decimal(0), Decimal(100))
    low, high = float(scale[0]), float(scale[1])
    counted = [c for c in data.criteria if not c.independent]
    heaviest = st.heaviest_criterion([st.CriterionInfo(c.id, Decimal(c.weight), c.position) for c in counted])

    scores = _index(data)
    sheets = [st.Sheet(s.entry_id, s.judge_id, s.total, scores.values[s.id]) for s in data.sheets]
    norm = st.normalise(sheets, scale)
    deviations = st.judge_deviations(sheets, scale)
    labels = {j.id: f"Juri {n}" for n, j in enumerate(data.judges, start=1)}  # stored; labels.judge_label shows it
    flags = _flags(data, scores, scale)
    criterion_ids = [c.id for c in data.criteria]  # plain ints: attribute access per score adds up

    # every entry's figures, and the key it is ranked by
    figures: dict[int, dict[str, Any]] = {}
    keys = []
    for round_entry in data.round_entries:
        entry = round_entry.entry
        own = scores.by_entry.get(entry.id, [])
        totals = [s.total for s in own]
        raw = {name: st.aggregate(totals, name) for name in st.AGGREGATES}
        z_agg = st.aggregate([norm.z[(entry.id, s.judge_id)] for s in own], aggregate)
        normalised = min(max(norm.panel_mean + norm.panel_sd * z_agg, low), high) if z_agg is not None else None
        sd, width = st.spread(totals)
        heavy = st.aggregate([scores.values[s.id][heaviest.id] for s in own
                              if heaviest and heaviest.id in scores.values[s.id]], "mean")
        chosen = raw[aggregate] if method == "raw" else normalised
        other = normalised if method == "raw" else raw[aggregate]
        keys.append(st.RankKey(entry.id, chosen, other, heavy, flags.per_entry[entry.id], entry.submitted_at))
        figures[entry.id] = dict(raw=raw, z=z_agg, normalised=normalised, chosen=chosen, sd=sd, range=width,
                                 heavy=heavy)

    # the ranking: overall, and within each category (the event's order of categories), with the
    # chair's decisions on ties that survive every automatic rule
    decisions = [list(d.entry_ids) for d in data.tie_decisions]
    overall = st.rank(keys, decisions)
    ranks = {r.entry_id: r for r in overall}
    category_of = {re.entry.id: re.entry.category_id for re in data.round_entries}
    category_order = {c.id: c.position for c in round_.event.categories}
    settings = AwardSettings.of(round_.award_places, round_.award_per_category, round_.award_labels)
    category_ranks: dict[int, st.Ranked] = {}
    category_rankings: list[tuple[int, list[int]]] = []
    awards: dict[int, str] = {}
    for category_id in sorted(set(category_of.values()), key=lambda c: (category_order.get(c, 0), c)):
        ranked = st.rank((k for k in keys if category_of[k.entry_id] == category_id), decisions)
        category_ranks.update({r.entry_id: r for r in ranked})
        category_rankings.append((category_id, [r.entry_id for r in ranked]))
        if settings.per_category:
            awards.update(award_labels(((r.entry_id, r.rank, figures[r.entry_id]["chosen"] is not None)
                                        for r in ranked), settings))
    if not settings.per_category:
        awards = award_labels(((r.entry_id, r.rank, figures[r.entry_id]["chosen"] is not None) for r in overall),
                              settings)

    entries = []
    for round_entry in data.round_entries:
        entry = round_entry.entry
        own = scores.by_entry.get(entry.id, [])
        f = figures[entry.id]
        ranked, in_category = ranks[entry.id], category_ranks[entry.id]
        entries.append(rt.EntryResult(
            id=entry.id, round_entry_id=round_entry.id, innovation=entry.innovation.nama,
            innovation_id=entry.innovation_id, opd=entry.opd.name, opd_id=entry.opd_id,
            category_id=entry.category_id, category=entry.category.name, submitted_at=entry.submitted_at,
            judges=len(own), raw={name: _q(value) for name, value in f["raw"].items()},
            normalised=_q(f["normalised"]), z=_q(f["z"]), score=_q(f["chosen"]), sd=_q(f["sd"]),
            range=_q(f["range"]), heaviest=_q(f["heavy"]), flags=flags.per_entry[entry.id],
            sheets=[rt.SheetResult(
                judge_id=s.judge_id, label=labels[s.judge_id], total=_q(s.total),
                z=_q(norm.z[(entry.id, s.judge_id)]), comment=s.comment, submitted_at=s.submitted_at,
                flag_gap=_q(flags.totals.get((entry.id, s.judge_id))),
                scores=[rt.ScoreResult(c, _q(scores.values[s.id].get(c)), scores.comments[s.id].get(c, ""),
                                       _q(flags.criteria.get((entry.id, s.judge_id, c))))
                        for c in criterion_ids],
            ) for s in sorted(own, key=lambda s: labels[s.judge_id])],
            rank=ranked.rank, tie_step=ranked.step, category_rank=in_category.rank,
            category_tie_step=in_category.step, winner=entry.id in awards, award=awards.get(entry.id),
            pending_tie=ranked.pending, category_pending_tie=in_category.pending,
        ))
    by_id = {e.id: e for e in entries}

    # agreement: on the totals, and on each criterion
    sheet_values = [[scores.values[s.id] for s in own] for own in scores.by_entry.values()]
    criteria_agreement = []
    for c in criterion_ids:
        units = [[values[c] for values in own if c in values] for own in sheet_values]
        criteria_agreement.append(rt.CriterionAgreement(c, **vars(_agreement(units))))

    sheets_per_judge = Counter(s.judge_id for s in data.sheets)
    judges = []
    for judge in data.judges:
        deviation = deviations.get(judge.id)
        judges.append(rt.JudgeResult(
            id=judge.id, name=judge.full_name, username=judge.username, label=labels[judge.id],
            entries=sheets_per_judge[judge.id], mean_deviation=_q(deviation.mean_deviation if deviation else None),
            compared=deviation.compared if deviation else 0, flag=deviation.flag if deviation else None,
            normalisation="panel" if judge.id in norm.fallback_judges else
                          "flat" if judge.id in norm.flat_judges else "own",
        ))

    event = round_.event
    return rt.RoundResults(
        version=rt.PAYLOAD_VERSION,
        event=rt.EventInfo(event.id, event.slug, event.name, event.year),
        round=rt.RoundInfo(round_.id, round_.name, round_.kind.value, round_.position),
        rubric=rt.RubricInfo(rubric.name if rubric else "", _q(scale[0], Decimal(1)), _q(scale[1], Decimal(1))),
        method=method, aggregate=aggregate, computed_at=utcnow(),
        criteria=[rt.CriterionResult(c.id, c.code, c.title, c.title_en, _q(Decimal(c.weight), Decimal("0.01")),
                                     c.independent, heaviest is not None and c.id == heaviest.id)
                  for c in data.criteria],
        judges=judges,
        entries=[by_id[r.entry_id] for r in overall],
        overall=[r.entry_id for r in overall],
        categories=[rt.CategoryRanking(category_id, by_id[ranking[0]].category, ranking)
                    for category_id, ranking in category_rankings],
        winners_per_category=settings.places,
        agreement=rt.AgreementResults(_agreement([[s.total for s in own] for own in scores.by_entry.values()]),
                                      criteria_agreement),
        normalisation=rt.NormalisationResults(_q(norm.panel_mean), _q(norm.panel_sd)),
        tie_break=list(st.TIE_BREAK_RULES),
        thresholds={"judge_flag_share": st.JUDGE_FLAG_SHARE, "score_flag_points": st.SCORE_FLAG_POINTS,
                    "score_flag_share": st.SCORE_FLAG_SHARE, "score_flag_mads": st.SCORE_FLAG_MADS,
                    "alpha_good": st.ALPHA_GOOD, "alpha_fair": st.ALPHA_FAIR},
        awards=rt.AwardsInfo(settings.places, settings.per_category, list(settings.labels)),
        tie_decisions=_decisions_used(data.tie_decisions, entries),
    )


def _decisions_used(decisions: list[TieDecision], entries: list[rt.EntryResult]) -> list[rt.TieDecisionInfo]:
    """The chair's decisions that ordered a tie of this result (overall or in a category), latest first."""
    decided = {e.id for e in entries if e.tie_step == len(st.TIE_BREAK_RULES)
               or e.category_tie_step == len(st.TIE_BREAK_RULES)}
    used, covered = [], set()
    for decision in reversed(decisions):
        ids = set(decision.entry_ids)
        if ids & (decided - covered):
            used.append(rt.TieDecisionInfo(list(decision.entry_ids), decision.reason,
                                           decision.decided_by.full_name if decision.decided_by else "",
                                           decision.decided_at))
            covered |= ids
    return used


# --- the snapshot --------------------------------------------------------------------------

def canonical_json(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def checksum(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def verify(snapshot: ResultSnapshot) -> bool:
    """The stored payload still hashes to the stored checksum."""
    return checksum(snapshot.payload) == snapshot.checksum


def latest_snapshot(round_: Round) -> ResultSnapshot | None:
    """The round's latest edition (the current one while the round is published)."""
    return db.session.scalar(
        select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id)
        .order_by(ResultSnapshot.edition.desc(), ResultSnapshot.id.desc()).limit(1)
    )


# --- what the pages read ----------------------------------------------------------------------


def cached_compute(round_: Round, *, aggregate: str = "mean", method: str = "raw") -> rt.RoundResults:
    """``compute``, or the results computed earlier in this process for the same cache key.

    The results are shared: callers read them and never change them (``publish`` computes afresh)."""
    aggregate, method = choose(aggregate, method)
    cache = results_cache.results_cache()
    key = ("live", round_.id, aggregate, method, results_cache.cache_key(round_))
    results = cache.get(key)
    if results is None:
        results = compute(round_, aggregate=aggregate, method=method)
        cache.put(key, results)
    return results


def published_results(snapshot: ResultSnapshot) -> rt.RoundResults:
    """A snapshot's results, read from its payload once per process (a snapshot never changes)."""
    cache = results_cache.results_cache()
    key = ("snapshot", snapshot.id, snapshot.checksum)
    results = cache.get(key)
    if results is None:
        results = rt.RoundResults.from_payload(snapshot.payload)
        cache.put(key, results)
    return results


def round_results(round_: Round, *, aggregate: str = "mean", method: str = "raw"
                  ) -> tuple[rt.RoundResults, ResultSnapshot | None]:
    """What a page shows: the published snapshot once there is one, otherwise a live computation
    (cached while nothing it reads changes, see ``results_cache``)."""
    snapshot = latest_snapshot(round_) if round_.published_at is not None else None
    if snapshot is not None:
        return published_results(snapshot), snapshot
    return cached_compute(round_, aggregate=aggregate, method=method), None


def scored_rounds(event: Event) -> list[Round]:
    """The event's scored rounds, in order, each with its results' cache key facts."""
    return list(db.session.scalars(
        select(Round).where(Round.event_id == event.id, Round.kind != RoundKind.ADMINISTRASI).order_by(Round.position)
        .options(results_cache.WITH_KEY)
    ))


# --- what an operator may see ----------------------------------------------------------------

def operator_view(results: rt.RoundResults, opd_id: int | None) -> rt.OperatorView:
    """The published result as an OPD sees it: its own entries in full with anonymous judges,
    everyone else only in the public ranking (rank, innovation, OPD, category, score)."""
    own = [
        rt.OwnEntry(e.id, e.innovation, e.category, e.category_rank, e.score, e.winner, [
            rt.OwnSheet(s.label, s.total, s.comment,
                        [rt.OwnScore(results.criterion(sc.criterion_id), sc.value, sc.comment) for sc in s.scores])
            for s in e.sheets], award=e.award, raw=e.raw.get(results.aggregate), normalised=e.normalised)
        for e in results.entries if opd_id is not None and e.opd_id == opd_id
    ]
    public = [rt.PublicRow(e.id, e.innovation, e.opd, e.category_id, e.category, e.score, e.rank, e.category_rank,
                           e.winner, e.award) for e in results.entries]
    return rt.OperatorView(own, public)
