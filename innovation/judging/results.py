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

import gc
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import numpy as np
from flask import current_app
from sqlalchemy import Connection, Float, LargeBinary, Select, case, cast, func, literal, literal_column, select, true
from sqlalchemy.orm import joinedload

from innovation.auth.models import User
from innovation.events.models import Category, Entry, Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.judging import result_types as rt
from innovation.judging import results_cache, results_store
from innovation.judging import statistics as st
from innovation.judging import vectorised as vz
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
SHEETS_ONE_BY_ONE = 300  # entries whose sheets are built one by one before all are built at once


def _q(value: Decimal | float | None, places: Decimal = FOUR_PLACES) -> Decimal | None:
    """A figure as shown and stored: a Decimal rounded half-up (floats lose their binary noise first)."""
    return None if value is None else st.to_decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def choose(aggregate: str | None, method: str | None) -> tuple[str, str]:
    """The aggregate and method asked for, or the defaults (mean, raw) for anything unknown."""
    return (aggregate if aggregate in st.AGGREGATES else "mean", method if method in st.METHODS else "raw")


# --- gathering -------------------------------------------------------------------------------
# Plain rows, not ORM objects: a round of 10,000 entries has 200,000 scores, and loading them as
# objects (or even as Decimals) cost more than the whole computation now does.


class EntryRow(NamedTuple):
    round_entry_id: int
    id: int  # the entry's
    innovation_id: int
    innovation: str
    opd_id: int
    opd: str
    category_id: int
    category: str
    submitted_at: datetime | None


NO_TIME = np.iinfo(np.int64).min  # a sheet with no submission time (microseconds since the epoch)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


def moment(microseconds: int) -> datetime | None:
    """A time kept as whole microseconds since the epoch (``NO_TIME``: none) as the UTC datetime it was."""
    return None if microseconds == NO_TIME else EPOCH + timedelta(microseconds=microseconds)


def microseconds(value: datetime | None) -> int:
    return NO_TIME if value is None else (value - EPOCH) // MICROSECOND


@dataclass
class SheetTable:
    """The round's counted sheets as arrays, one row per sheet in id order, and their scores as a
    sheets x criteria table (columns in ``RoundData.criteria`` order, NaN where a score has no value).
    Totals and values are the stored four-decimal figures as the nearest floats (quantised back at the
    edge); submission times are whole microseconds since the epoch (``NO_TIME``: none)."""

    ids: np.ndarray
    entry_ids: np.ndarray
    judge_ids: np.ndarray
    totals: np.ndarray
    submitted: np.ndarray
    comments: dict[int, str]  # sheet row -> its overall comment, where it has one
    values: np.ndarray
    score_comments: dict[tuple[int, int], str]  # (sheet row, criterion column) -> comment

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def score_count(self) -> int:
        return int((~np.isnan(self.values)).sum())

    @classmethod
    def of(cls, ids: np.ndarray, entry_ids: np.ndarray, judge_ids: np.ndarray, totals: np.ndarray,
           submitted: np.ndarray, comments: dict[int, str], scores: tuple[np.ndarray, np.ndarray, np.ndarray],
           score_comments: list[tuple[int, int, str]], criteria: list[Criterion]) -> SheetTable:
        """The table from its columns in any order: ``comments`` by sheet id, ``scores`` as (sheet id,
        criterion id, value) columns, ``score_comments`` as (sheet id, criterion id, text)."""
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        column_of = {c.id: i for i, c in enumerate(criteria)}
        values = np.full((len(ids), len(criteria)), np.nan)
        score_sheet, score_criterion, score_value = scores
        if len(score_sheet):
            rows = np.searchsorted(ids, score_sheet)
            lookup = np.full(max(column_of, default=0) + 1, -1, np.int64)
            for criterion_id, column in column_of.items():
                lookup[criterion_id] = column
            known = score_criterion < len(lookup)
            columns = np.where(known, lookup[np.where(known, score_criterion, 0)], -1)
            keep = columns >= 0
            values[rows[keep], columns[keep]] = score_value[keep]
        row_of = {int(sheet_id): row for row, sheet_id in enumerate(ids.tolist())}
        return cls(
            ids=ids, entry_ids=entry_ids[order], judge_ids=judge_ids[order], totals=totals[order],
            submitted=submitted[order],
            comments={row_of[sheet_id]: text for sheet_id, text in comments.items() if text},
            values=values,
            score_comments={(row_of[sheet_id], column_of[criterion_id]): text
                            for sheet_id, criterion_id, text in score_comments
                            if text and criterion_id in column_of},
        )


class JudgeRow(NamedTuple):
    id: int
    full_name: str
    username: str


@dataclass
class RoundData:
    round: Round
    criteria: list[Criterion]
    round_entries: list[EntryRow]
    sheets: SheetTable  # the counted sheets, by id
    judges: list[JudgeRow]  # by id
    tie_decisions: list[TieDecision] = field(default_factory=list)  # oldest first
    read_at: datetime = field(default_factory=utcnow)


def gather(round_: Round) -> RoundData:
    """Everything a round's result needs, in five statements whatever the number of entries."""
    read_at = utcnow()
    criteria = list(db.session.scalars(
        select(Criterion).where(Criterion.rubric_id == round_.rubric_id).order_by(Criterion.position, Criterion.id)
    )) if round_.rubric_id else []
    # the row statements run on the session's connection, as Core: the ORM's row processing of
    # 50,000 plain rows cost more than the statements (the session's pending changes flushed first)
    if db.session.autoflush:
        db.session.flush()
    connection = db.session.connection()
    names: dict[str, str] = {}  # one string per OPD and category name, not one per entry
    round_entries = [EntryRow(r[0], r[1], r[2], r[3], r[4], names.setdefault(r[5], r[5]), r[6],
                              names.setdefault(r[7], r[7]), r[8]) for r in connection.execute(
        select(RoundEntry.id, Entry.id, Entry.innovation_id, Innovation.nama, Entry.opd_id, Opd.name,
               Entry.category_id, Category.name, Entry.submitted_at)
        .join(Entry, RoundEntry.entry_id == Entry.id)
        .join(Innovation, Entry.innovation_id == Innovation.id)
        .join(Opd, Entry.opd_id == Opd.id)
        .join(Category, Entry.category_id == Category.id)
        .where(RoundEntry.round_id == round_.id).order_by(RoundEntry.id)).all()]
    read = packed_sheets if connection.dialect.name == "postgresql" else pivoted_sheets
    sheets = read(connection, counted_sheets(round_), criteria)
    judge_ids = np.unique(sheets.judge_ids).tolist()
    judges = [JudgeRow(*row) for row in db.session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(judge_ids)).order_by(User.id))
    ] if judge_ids else []
    decisions = list(db.session.scalars(
        select(TieDecision).where(TieDecision.round_id == round_.id).order_by(TieDecision.decided_at, TieDecision.id)
        .options(joinedload(TieDecision.decided_by))))
    return RoundData(round_, criteria, round_entries, sheets, judges, decisions, read_at)


def counted_sheets(round_: Round) -> Select:
    """The round's counted sheets (submitted, with a total, by an active assignment): id, entry id, judge
    id, total, submission time and overall comment."""
    return (select(ScoreSheet.id, RoundEntry.entry_id, Assignment.judge_id, ScoreSheet.total,
                   ScoreSheet.submitted_at, ScoreSheet.overall_comment)
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .join(RoundEntry, Assignment.round_entry_id == RoundEntry.id)
            .where(RoundEntry.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED,
                   Assignment.status == AssignmentStatus.ACTIVE, ScoreSheet.total.is_not(None)))


def pivoted_sheets(connection: Connection, counted: Select, criteria: list[Criterion]) -> SheetTable:
    """The sheets in portable SQL: one row per sheet with its scores pivoted into columns (a CASE per
    criterion, grouped by the sheet id alone in a subquery over the round's counted sheets)."""
    sheet_ids = counted.with_only_columns(ScoreSheet.id)
    pivot = (select(Score.sheet_id.label("sheet_id"),
                    *[func.max(case((Score.criterion_id == c.id, cast(Score.value, Float)))).label(f"v{i}")
                      for i, c in enumerate(criteria)],
                    *[func.max(case((Score.criterion_id == c.id, func.nullif(Score.comment, "")))).label(f"c{i}")
                      for i, c in enumerate(criteria)])
             .where(Score.sheet_id.in_(sheet_ids)).group_by(Score.sheet_id).subquery())
    width = len(criteria)
    rows = connection.execute(
        counted.with_only_columns(ScoreSheet.id, RoundEntry.entry_id, Assignment.judge_id,
                                  cast(ScoreSheet.total, Float), ScoreSheet.overall_comment, ScoreSheet.submitted_at,
                                  *[pivot.c[f"v{i}"] for i in range(width)],
                                  *[pivot.c[f"c{i}"] for i in range(width)])
        .outerjoin(pivot, pivot.c.sheet_id == ScoreSheet.id).order_by(ScoreSheet.id)).all()
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), np.int64, n)
    values = np.array([r[6:6 + width] for r in rows], dtype=np.float64).reshape(n, width)  # None becomes NaN
    present = ~np.isnan(values)
    rows_at, columns_at = np.nonzero(present)
    criterion_ids = np.array([c.id for c in criteria], np.int64)
    return SheetTable.of(
        ids, np.fromiter((r[1] for r in rows), np.int64, n), np.fromiter((r[2] for r in rows), np.int64, n),
        np.fromiter((r[3] for r in rows), np.float64, n),
        np.fromiter((microseconds(r[5]) for r in rows), np.int64, n),
        {r[0]: r[4] for r in rows if r[4]},
        (ids[rows_at], criterion_ids[columns_at], values[present]),
        [(r[0], criteria[c].id, text) for r in rows if any(r[6 + width:])
         for c, text in enumerate(r[6 + width:]) if text],
        criteria)


# PostgreSQL sends each column of the round as one bytea of fixed-width big-endian records, which
# numpy reads without a Python object per row: 200,000 scores at 10,000 entries cost 0.3 s of the
# server's time and 0.25 s of ours as rows, 0.15 s and a few milliseconds as these records.
SHEET_RECORD = np.dtype([("id", ">i4"), ("entry", ">i4"), ("judge", ">i4"), ("total", ">f8"), ("at", ">i8")])
SCORE_RECORD = np.dtype([("sheet", ">i4"), ("criterion", ">i4"), ("value", ">f8")])
POSTGRES_EPOCH = (datetime(2000, 1, 1, tzinfo=timezone.utc) - EPOCH) // MICROSECOND  # timestamptz_send counts from 2000


def packed_sheets(connection: Connection, counted: Select, criteria: list[Criterion]) -> SheetTable:
    """The sheets in one PostgreSQL statement: the counted sheets (a CTE, read once) packed into one
    bytea of ``SHEET_RECORD``s and their scores into one of ``SCORE_RECORD``s, each record built by
    the server's binary send functions; comments, which are few, as JSON arrays beside them."""
    sheet = counted.cte("counted")
    nothing = literal(b"", LargeBinary)
    no_time = literal(NO_TIME.to_bytes(8, "big", signed=True), LargeBinary)

    def packed(*parts):
        record = parts[0]
        for part in parts[1:]:
            record = record.op("||")(part)
        return func.coalesce(func.string_agg(record, nothing), nothing)

    sheets = select(
        packed(func.int4send(sheet.c.id), func.int4send(sheet.c.entry_id), func.int4send(sheet.c.judge_id),
               func.float8send(cast(sheet.c.total, Float)),
               func.coalesce(func.timestamptz_send(sheet.c.submitted_at), no_time)).label("records"),
        func.json_agg(func.json_build_array(sheet.c.id, sheet.c.overall_comment))
        .filter(sheet.c.overall_comment != "").label("comments"),
    ).subquery()
    scores = select(
        packed(func.int4send(Score.sheet_id), func.int4send(Score.criterion_id),
               func.float8send(func.coalesce(cast(Score.value, Float), literal_column("'NaN'::float8")))
               ).label("records"),
        func.json_agg(func.json_build_array(Score.sheet_id, Score.criterion_id, Score.comment))
        .filter(Score.comment != "").label("comments"),
    ).join_from(Score, sheet, Score.sheet_id == sheet.c.id).subquery()
    sheet_bytes, sheet_comments, score_bytes, score_comments = connection.execute(
        select(sheets.c.records, sheets.c.comments, scores.c.records, scores.c.comments)
        .select_from(sheets.join(scores, true()))).one()
    s = np.frombuffer(bytes(sheet_bytes), SHEET_RECORD)
    v = np.frombuffer(bytes(score_bytes), SCORE_RECORD)
    at = s["at"].astype(np.int64)
    at = np.where(at == NO_TIME, NO_TIME, at + POSTGRES_EPOCH)
    return SheetTable.of(
        s["id"].astype(np.int64), s["entry"].astype(np.int64), s["judge"].astype(np.int64),
        s["total"].astype(np.float64), at, {int(i): text for i, text in sheet_comments or []},
        (v["sheet"].astype(np.int64), v["criterion"].astype(np.int64), v["value"].astype(np.float64)),
        [(int(i), int(c), text) for i, c, text in score_comments or []], criteria)


# --- computing -------------------------------------------------------------------------------


class CriterionRow(NamedTuple):
    id: int
    code: str
    title: str
    title_en: str
    weight: Decimal
    independent: bool
    position: int


class DecisionRow(NamedTuple):
    entry_ids: list[int]
    reason: str
    decided_by: str
    decided_at: datetime


@dataclass
class RoundFigures:
    """A round's figures that do not depend on the aggregate or method shown, as arrays (``vectorised``):
    computed once per change of the round and shared by its five views (``view``).

    Sheets are rows in id order; ``sheet_entry`` / ``sheet_judge`` are positions in ``entries`` /
    ``judges``; criterion columns follow ``criteria``. NaN stands for "no value"."""

    entries: list[EntryRow]
    criteria: list[CriterionRow]
    heaviest_id: int | None
    judges: list[JudgeRow]
    scale: tuple[Decimal, Decimal]
    decisions: list[DecisionRow]
    sheet_ids: np.ndarray
    sheet_entry: np.ndarray
    sheet_judge: np.ndarray
    sheet_total: np.ndarray
    sheet_z: np.ndarray
    sheet_gap: np.ndarray  # the total's flag gap
    sheet_comments: dict[int, str]  # sheet row -> its overall comment, where it has one
    sheet_submitted: np.ndarray  # whole microseconds since the epoch (``NO_TIME``: none)
    values: np.ndarray  # sheets x criteria
    value_gaps: np.ndarray  # sheets x criteria
    score_comments: dict[tuple[int, int], str]  # (sheet row, criterion column) -> comment
    raw: dict[str, np.ndarray]  # aggregate -> per entry
    z: dict[str, np.ndarray]  # aggregate -> per entry: the aggregate of its judges' z-scores
    sd: np.ndarray
    range: np.ndarray
    heavy: np.ndarray
    flags: np.ndarray  # per entry
    panel_mean: float | None
    panel_sd: float | None
    judge_deviation: np.ndarray
    judge_compared: np.ndarray
    judge_flags: list[str | None]
    judge_normalisation: list[str]
    judge_sheets: np.ndarray
    agreement: tuple[Decimal | None, int]
    criteria_agreement: list[tuple[int, Decimal | None, int]]
    computed_at: datetime = field(default_factory=utcnow)  # when the rows were read
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, data: RoundData) -> RoundFigures:
        rubric = data.round.rubric
        scale = (Decimal(rubric.scale_min), Decimal(rubric.scale_max)) if rubric else (Decimal(0), Decimal(100))
        criteria = [CriterionRow(c.id, c.code, c.title, c.title_en, Decimal(c.weight), c.independent, c.position)
                    for c in data.criteria]
        heaviest = st.heaviest_criterion([st.CriterionInfo(c.id, c.weight, c.position)
                                          for c in criteria if not c.independent])
        entries, judges = data.round_entries, data.judges
        n_entries, n_judges, n_criteria = len(entries), len(judges), len(criteria)
        entry_pos = {e.id: i for i, e in enumerate(entries)}
        judge_pos = {j.id: i for i, j in enumerate(judges)}
        sheets = data.sheets
        sheet_ids = sheets.ids
        entry_ids = np.array([e.id for e in entries], np.int64)
        entry_order = np.argsort(entry_ids)
        sheet_entry = entry_order[np.searchsorted(entry_ids, sheets.entry_ids, sorter=entry_order)] \
            if len(sheets) else np.zeros(0, np.int64)
        judge_id_array = np.array([j.id for j in judges], np.int64)  # judges are by id
        sheet_judge = np.searchsorted(judge_id_array, sheets.judge_ids) if len(sheets) else np.zeros(0, np.int64)
        totals = sheets.totals
        values = sheets.values
        score_comments = sheets.score_comments
        by_entry = vz.groups(totals, sheet_entry, n_entries)
        norm = vz.normalise(totals, sheet_judge, n_judges)
        z_by_entry = vz.groups(norm.z, sheet_entry, n_entries)
        column = next((i for i, c in enumerate(criteria) if heaviest and c.id == heaviest.id), None)
        heavy = (vz.groups(values[:, column], sheet_entry, n_entries).mean if column is not None
                 else np.full(n_entries, np.nan))
        deviation, compared, judge_flags = vz.judge_deviations(totals, sheet_entry, n_entries, sheet_judge, n_judges,
                                                                scale)
        slot, width = vz.slots(sheet_entry, n_entries)
        sheet_gap = vz.outlier_gaps(vz.by_slot(totals, sheet_entry, slot, n_entries, width), scale)[sheet_entry, slot] \
            if len(sheets) else np.zeros(0)
        value_gaps = np.full(values.shape, np.nan)
        for i in range(n_criteria):
            if len(sheets):
                table = vz.by_slot(values[:, i], sheet_entry, slot, n_entries, width)
                value_gaps[:, i] = vz.outlier_gaps(table, scale)[sheet_entry, slot]
        flagged = (~np.isnan(sheet_gap)).astype(np.int64) + (~np.isnan(value_gaps)).sum(axis=1)
        flags = np.bincount(sheet_entry, weights=flagged, minlength=n_entries).astype(np.int64)

        scored = by_entry.count > 0
        with np.errstate(invalid="ignore"):
            spread = np.where(scored, by_entry.high - by_entry.low, np.nan)
        unit = sheet_entry
        criteria_agreement = [(c.id, *vz.krippendorff_alpha_interval(values[:, i], unit, n_entries))
                              for i, c in enumerate(criteria)]
        return cls(
            entries=entries, criteria=criteria, heaviest_id=heaviest.id if heaviest else None, judges=judges,
            scale=scale,
            decisions=[DecisionRow(list(d.entry_ids), d.reason, d.decided_by.full_name if d.decided_by else "",
                                   d.decided_at) for d in data.tie_decisions],
            sheet_ids=sheet_ids, sheet_entry=sheet_entry, sheet_judge=sheet_judge, sheet_total=totals,
            sheet_z=norm.z, sheet_gap=sheet_gap, sheet_comments=sheets.comments,
            sheet_submitted=sheets.submitted, values=values, value_gaps=value_gaps,
            score_comments=score_comments,
            raw={name: by_entry.aggregate(name) for name in st.AGGREGATES},
            z={name: z_by_entry.aggregate(name) for name in st.AGGREGATES},
            sd=by_entry.sample_sd, range=spread, heavy=heavy, flags=flags,
            panel_mean=norm.panel_mean, panel_sd=norm.panel_sd,
            judge_deviation=deviation, judge_compared=compared, judge_flags=judge_flags,
            judge_normalisation=["panel" if f else "flat" if fl else "own"
                                 for f, fl in zip(norm.fallback.tolist(), norm.flat.tolist())],
            judge_sheets=np.bincount(sheet_judge, minlength=n_judges),
            agreement=vz.krippendorff_alpha_interval(totals, unit, n_entries),
            criteria_agreement=criteria_agreement, computed_at=data.read_at,
        )

    # --- stored for the other processes (``results_store``) ------------------------------------------

    _ARRAYS = ("sheet_ids", "sheet_entry", "sheet_judge", "sheet_total", "sheet_z", "sheet_gap", "sheet_submitted",
               "values", "value_gaps", "sd", "range", "heavy", "flags", "judge_deviation", "judge_compared", "judge_sheets")
    FORMAT = 2

    def to_bytes(self) -> bytes:
        """The figures as one blob: numpy's .npz of the arrays (no pickle) and the rest as JSON in it."""
        if self._memo.get("released"):
            raise RuntimeError("the figures' sheet arrays were released when their views were built")
        def when(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        def figure(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        meta = {
            "format": self.FORMAT,
            "entries": [[*e[:8], when(e.submitted_at)] for e in self.entries],
            "criteria": [[c.id, c.code, c.title, c.title_en, str(c.weight), c.independent, c.position]
                         for c in self.criteria],
            "heaviest_id": self.heaviest_id, "judges": [list(j) for j in self.judges],
            "scale": [str(self.scale[0]), str(self.scale[1])],
            "decisions": [[d.entry_ids, d.reason, d.decided_by, when(d.decided_at)] for d in self.decisions],
            "sheet_comments": [[row, text] for row, text in self.sheet_comments.items()],
            "score_comments": [[row, column, text] for (row, column), text in self.score_comments.items()],
            "panel_mean": self.panel_mean, "panel_sd": self.panel_sd, "judge_flags": self.judge_flags,
            "judge_normalisation": self.judge_normalisation,
            "agreement": [figure(self.agreement[0]), self.agreement[1]],
            "criteria_agreement": [[c, figure(a), n] for c, a, n in self.criteria_agreement],
            "computed_at": when(self.computed_at),
        }
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        arrays.update({f"raw_{name}": self.raw[name] for name in st.AGGREGATES})
        arrays.update({f"z_{name}": self.z[name] for name in st.AGGREGATES})
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8)
        out = io.BytesIO()
        np.savez(out, allow_pickle=False, **arrays)
        return out.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> RoundFigures:
        with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        if meta["format"] != cls.FORMAT:
            raise ValueError(f"stored figures of format {meta['format']}, expected {cls.FORMAT}")

        def when(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value)

        def figure(value: str | None) -> Decimal | None:
            return None if value is None else Decimal(value)

        return cls(
            entries=[EntryRow(*e[:8], when(e[8])) for e in meta["entries"]],
            criteria=[CriterionRow(c[0], c[1], c[2], c[3], Decimal(c[4]), c[5], c[6]) for c in meta["criteria"]],
            heaviest_id=meta["heaviest_id"], judges=[JudgeRow(*j) for j in meta["judges"]],
            scale=(Decimal(meta["scale"][0]), Decimal(meta["scale"][1])),
            decisions=[DecisionRow(d[0], d[1], d[2], when(d[3])) for d in meta["decisions"]],
            sheet_comments={row: text for row, text in meta["sheet_comments"]},
            score_comments={(row, column): text for row, column, text in meta["score_comments"]},
            raw={name: arrays.pop(f"raw_{name}") for name in st.AGGREGATES},
            z={name: arrays.pop(f"z_{name}") for name in st.AGGREGATES},
            panel_mean=meta["panel_mean"], panel_sd=meta["panel_sd"], judge_flags=meta["judge_flags"],
            judge_normalisation=meta["judge_normalisation"],
            agreement=(figure(meta["agreement"][0]), meta["agreement"][1]),
            criteria_agreement=[(c, figure(a), n) for c, a, n in meta["criteria_agreement"]],
            computed_at=when(meta["computed_at"]),
            **arrays,
        )

    # --- what the views share, built once (lazily) -------------------------------------------------

    def _decimals(self, name: str, values: np.ndarray) -> list[Decimal | None]:
        found = self._memo.get(name)
        if found is None:
            found = self._memo[name] = self._quantiser().decimals(values)
        return found

    def _quantiser(self) -> vz.Quantiser:
        found = self._memo.get("quantiser")
        if found is None:
            found = self._memo["quantiser"] = vz.Quantiser(4)
        return found

    def _ranking_facts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per entry: its id, its submission time as ``statistics.sort_tuple`` compares it, its category
        (a few milliseconds per view; not kept, as a cached round's memory is counted)."""
        return (np.array([e.id for e in self.entries], np.int64),
                np.array([e.submitted_at.timestamp() if e.submitted_at else float("inf") for e in self.entries],
                         np.float64),
                np.array([e.category_id for e in self.entries], np.int64))

    def _lock(self) -> threading.RLock:
        """Held while sheets are built or arrays read that building all sheets releases."""
        return self._memo.setdefault("lock", threading.RLock())

    def flag_order(self) -> tuple[np.ndarray, np.ndarray]:
        """The entries with a flagged score by their largest flagged gap as shown (whole ten-thousandths,
        half up like every figure), largest first, then by id: (entry ids, gaps). Kept: the views share it."""
        found = self._memo.get("flag_order")
        if found is not None:
            return found
        with self._lock():
            found = self._memo.get("flag_order")
            if found is not None:
                return found
            gaps = np.column_stack([self.sheet_gap, self.value_gaps]) if len(self.sheet_ids) else np.zeros((0, 1))
            units, valid = vz.Quantiser(4).units(gaps.ravel())
            largest = np.where(valid, np.abs(units), -1).reshape(gaps.shape).max(axis=1, initial=-1)
            per_entry = np.full(len(self.entries), -1, np.int64)
            np.maximum.at(per_entry, self.sheet_entry, largest)
            ids = np.array([e.id for e in self.entries], np.int64)
            flagged = np.flatnonzero(per_entry >= 0)
            order = flagged[np.lexsort((ids[flagged], -per_entry[flagged]))]
            found = self._memo["flag_order"] = (ids[order], per_entry[order])  # arrays: 70 kB, not 0.3 MB
        return found

    def labels(self) -> dict[int, str]:
        return {j.id: f"Juri {n}" for n, j in enumerate(self.judges, start=1)}

    def _sheet_index(self) -> tuple[np.ndarray, np.ndarray, dict[int, str], list[int]]:
        """The sheet rows by entry then judge label (``order``), where each entry's run starts in it,
        the labels and the judges' ids."""
        found = self._memo.get("sheet_index")
        if found is None:
            labels = self.labels()
            judge_ids = [j.id for j in self.judges]
            label_order = np.argsort(np.argsort(np.array([labels[j] for j in judge_ids], dtype=object)))
            n = len(self.sheet_ids)
            order = np.lexsort((label_order[self.sheet_judge], self.sheet_entry)) if n else np.zeros(0, np.int64)
            count = np.bincount(self.sheet_entry, minlength=len(self.entries))
            start = np.concatenate(([0], np.cumsum(count)))
            found = self._memo["sheet_index"] = (order, start, labels, judge_ids)
        return found

    def sheets_of(self, index: int) -> list[rt.SheetResult]:
        """The sheets of the entry at ``index`` (of ``entries``) as results, by label: built for that
        entry alone while few have been read (a page shows a few dozen), for all at once
        (``entry_sheets``) once many are (an export reads every one)."""
        with self._lock():
            bulk = self._memo.get("sheets")
            if bulk is not None:
                return bulk[index]
            built = self._memo.setdefault("sheets_of", {})
            found = built.get(index)
            if found is not None:
                return found
            if len(built) >= SHEETS_ONE_BY_ONE:
                return self._entry_sheets()[index]
            order, start, labels, judge_ids = self._sheet_index()
            rows = order[int(start[index]):int(start[index + 1])]
            width = len(self.criteria)
            quantiser = self._quantiser()
            totals = quantiser.decimals(self.sheet_total[rows])
            zs = quantiser.decimals(self.sheet_z[rows])
            gaps = quantiser.decimals(self.sheet_gap[rows])
            values = quantiser.decimals(self.values[rows].ravel())
            value_gaps = quantiser.decimals(self.value_gaps[rows].ravel())
            criterion_ids = [c.id for c in self.criteria]
            found = built[index] = []
            for k, row in enumerate(rows.tolist()):
                judge_id = judge_ids[int(self.sheet_judge[row])]
                base = k * width
                scores = [rt.ScoreResult(criterion_ids[c], values[base + c], self.score_comments.get((row, c), ""),
                                         value_gaps[base + c]) for c in range(width)]
                found.append(rt.SheetResult(judge_id, labels[judge_id], totals[k], zs[k],
                                            self.sheet_comments.get(row, ""), moment(int(self.sheet_submitted[row])),
                                            gaps[k], scores))
            return found

    def entry_sheets(self) -> list[list[rt.SheetResult]]:
        """Per entry (in ``entries`` order) its sheets as results, by label; shared by every view."""
        with self._lock():
            return self._entry_sheets()

    def _entry_sheets(self) -> list[list[rt.SheetResult]]:
        found = self._memo.get("sheets")
        if found is not None:
            return found
        order_, _start, labels, judge_ids = self._sheet_index()
        n, width = len(self.sheet_ids), len(self.criteria)
        quantiser = self._quantiser()
        totals = quantiser.decimals(self.sheet_total)
        zs = quantiser.decimals(self.sheet_z)
        gaps = quantiser.decimals(self.sheet_gap)
        criterion_ids = [c.id for c in self.criteria]
        # a sheet with a flagged or commented score gets its own list; the others share one list per
        # distinct row of values (a round's 40,000 sheets have a few thousand)
        own = np.zeros(n, bool)
        if width:
            own |= ~np.isnan(self.value_gaps).all(axis=1)
        for row, _column in self.score_comments:
            own[row] = True
        score_lists: list[list[rt.ScoreResult] | None] = [None] * n
        own_rows = np.flatnonzero(own)
        own_values = quantiser.decimals(self.values[own_rows].ravel())
        own_gaps = quantiser.decimals(self.value_gaps[own_rows].ravel())
        for k, row in enumerate(own_rows.tolist()):
            base = k * width
            score_lists[row] = [rt.ScoreResult(criterion_ids[c], own_values[base + c],
                                               self.score_comments.get((row, c), ""), own_gaps[base + c])
                                for c in range(width)]
        plain_rows = np.flatnonzero(~own)
        if len(plain_rows) and width:
            units, _valid = quantiser.units(self.values[plain_rows])
            units = np.where(np.isnan(self.values[plain_rows]), np.iinfo(np.int64).min, units)
            distinct, which = np.unique(units, axis=0, return_inverse=True)
            first = np.zeros(len(distinct), np.int64)
            first[which[::-1]] = plain_rows[::-1]  # a row holding each distinct combination
            shared_values = quantiser.decimals(self.values[first].ravel())
            shared = [[rt.ScoreResult(criterion_ids[c], shared_values[d * width + c], "", None) for c in range(width)]
                      for d in range(len(distinct))]
            for row, d in zip(plain_rows.tolist(), np.ravel(which).tolist()):
                score_lists[row] = shared[d]
        else:
            for row in plain_rows.tolist():
                score_lists[row] = []
        result: list[list[rt.SheetResult]] = [[] for _ in self.entries]
        order = order_.tolist()
        sheet_entry, sheet_judge = self.sheet_entry.tolist(), self.sheet_judge.tolist()
        comments, submitted = self.sheet_comments, self.sheet_submitted.tolist()
        SheetResult = rt.SheetResult
        for row in order:
            judge_id = judge_ids[sheet_judge[row]]
            result[sheet_entry[row]].append(SheetResult(
                judge_id, labels[judge_id], totals[row], zs[row], comments.get(row, ""), moment(submitted[row]),
                gaps[row], score_lists[row]))
        self._memo["sheets"] = result
        for name in ("sheets_of", "sheet_index", "deferred"):  # what only built the sheets one by one
            self._memo.pop(name, None)
        self.flag_order()  # read from the arrays released below
        # what only the sheets read is in them now: a cached round keeps the objects, not both (the
        # figures were stored for the other processes, if at all, before any view was built)
        self._memo["released"] = True
        quantiser.forget()  # its table of 27,000 figures at 10,000 entries would cost 3 MB more
        self.sheet_total = self.sheet_z = self.sheet_gap = self.values = self.value_gaps = None
        self.sheet_comments = self.sheet_submitted = None
        self.score_comments = {}
        return result

    # --- one view ------------------------------------------------------------------------------------

    def view(self, round_: Round, aggregate: str, method: str) -> rt.RoundResults:
        """The result shown with ``aggregate`` and ``method``: the ranking, the awards, the entries."""
        aggregate, method = choose(aggregate, method)
        low, high = float(self.scale[0]), float(self.scale[1])
        scored = ~np.isnan(self.raw["mean"])
        z_agg = self.z[aggregate]
        normalised = np.where(scored, np.clip(self.panel_mean + self.panel_sd * z_agg, low, high)
                              if self.panel_mean is not None else np.nan, np.nan)
        raw = self.raw[aggregate]
        chosen, other = (raw, normalised) if method == "raw" else (normalised, raw)

        # the ranking: overall, and within each category (the event's order of categories), with the
        # chair's decisions on ties that survive every automatic rule
        flags = self.flags.tolist()
        ids, submitted, categories = self._ranking_facts()
        keys = vz.rank_keys(chosen, other, self.heavy, self.flags, submitted)
        decisions = [d.entry_ids for d in self.decisions]
        overall = st.rank_groups(vz.ranked_groups(keys, ids), decisions)
        ranks = {r.entry_id: r for r in overall}
        category_order = {c.id: c.position for c in round_.event.categories}
        settings = AwardSettings.of(round_.award_places, round_.award_per_category, round_.award_labels)
        has_score = dict(zip(ids.tolist(), (~np.isnan(chosen)).tolist()))
        category_ranks: dict[int, st.Ranked] = {}
        category_rankings: list[tuple[int, list[int]]] = []
        awards: dict[int, str] = {}
        for category_id in sorted(set(categories.tolist()), key=lambda c: (category_order.get(c, 0), c)):
            ranked = st.rank_groups(vz.ranked_groups(keys, ids, np.flatnonzero(categories == category_id)),
                                    decisions)
            category_ranks.update({r.entry_id: r for r in ranked})
            category_rankings.append((category_id, [r.entry_id for r in ranked]))
            if settings.per_category:
                awards.update(award_labels(((r.entry_id, r.rank, has_score[r.entry_id]) for r in ranked), settings))
        if not settings.per_category:
            awards = award_labels(((r.entry_id, r.rank, has_score[r.entry_id]) for r in overall), settings)

        quantiser = self._quantiser()
        raw_figures = {name: self._decimals(f"raw:{name}", self.raw[name]) for name in st.AGGREGATES}
        raw_dicts = self._memo.get("raw")  # the raw aggregates do not depend on the view: one dict per entry
        if raw_dicts is None:
            raw_dicts = self._memo["raw"] = [{name: raw_figures[name][i] for name in st.AGGREGATES}
                                             for i in range(len(self.entries))]
        normalised_q = quantiser.decimals(normalised)  # held by this view's entries only
        z_q = quantiser.decimals(z_agg)
        score_q = normalised_q if method == "normalised" else raw_figures[aggregate]
        sd_q, range_q = self._decimals("sd", self.sd), self._decimals("range", self.range)
        heavy_q = self._decimals("heavy", self.heavy)
        counts = np.bincount(self.sheet_entry, minlength=len(self.entries)).tolist()
        sheets = self._memo.get("sheets")  # built already (an export read them all), else deferred
        if sheets is None:
            sheets = self._memo.get("deferred")
            if sheets is None:  # one deferred list per entry, shared by the views
                sheets = self._memo["deferred"] = [rt.DeferredSheets(self, i) for i in range(len(self.entries))]
        by_id: dict[int, rt.EntryResult] = {}
        for i, entry in enumerate(self.entries):
            ranked, in_category = ranks[entry.id], category_ranks[entry.id]
            by_id[entry.id] = rt.EntryResult(
                id=entry.id, round_entry_id=entry.round_entry_id, innovation=entry.innovation,
                innovation_id=entry.innovation_id, opd=entry.opd, opd_id=entry.opd_id,
                category_id=entry.category_id, category=entry.category, submitted_at=entry.submitted_at,
                judges=counts[i], raw=raw_dicts[i],
                normalised=normalised_q[i], z=z_q[i], score=score_q[i], sd=sd_q[i], range=range_q[i],
                heaviest=heavy_q[i], flags=flags[i], sheets=sheets[i],
                rank=ranked.rank, tie_step=ranked.step, category_rank=in_category.rank,
                category_tie_step=in_category.step, winner=entry.id in awards, award=awards.get(entry.id),
                pending_tie=ranked.pending, category_pending_tie=in_category.pending,
            )
        entries = [by_id[r.entry_id] for r in overall]
        quantiser.forget()

        deviations = quantiser.decimals(self.judge_deviation)
        compared = self.judge_compared.tolist()
        sheet_counts = self.judge_sheets.tolist()
        labels = self.labels()
        judges = [rt.JudgeResult(
            id=judge.id, name=judge.full_name, username=judge.username, label=labels[judge.id],
            entries=sheet_counts[j], mean_deviation=deviations[j], compared=compared[j], flag=self.judge_flags[j],
            normalisation=self.judge_normalisation[j]) for j, judge in enumerate(self.judges)]

        event, rubric = round_.event, round_.rubric
        return rt.RoundResults(
            version=rt.PAYLOAD_VERSION,
            event=rt.EventInfo(event.id, event.slug, event.name, event.year),
            round=rt.RoundInfo(round_.id, round_.name, round_.kind.value, round_.position),
            rubric=rt.RubricInfo(rubric.name if rubric else "", _q(self.scale[0], Decimal(1)),
                                 _q(self.scale[1], Decimal(1))),
            method=method, aggregate=aggregate, computed_at=self.computed_at,
            criteria=[rt.CriterionResult(c.id, c.code, c.title, c.title_en, _q(c.weight, Decimal("0.01")),
                                         c.independent, c.id == self.heaviest_id) for c in self.criteria],
            judges=judges,
            entries=entries,
            overall=[r.entry_id for r in overall],
            categories=[rt.CategoryRanking(category_id, by_id[ranking[0]].category, ranking)
                        for category_id, ranking in category_rankings],
            winners_per_category=settings.places,
            agreement=rt.AgreementResults(
                _agreement(*self.agreement),
                [rt.CriterionAgreement(c, **vars(_agreement(alpha, units)))
                 for c, alpha, units in self.criteria_agreement]),
            normalisation=rt.NormalisationResults(_q(self.panel_mean), _q(self.panel_sd)),
            tie_break=list(st.TIE_BREAK_RULES),
            thresholds={"judge_flag_share": st.JUDGE_FLAG_SHARE, "score_flag_points": st.SCORE_FLAG_POINTS,
                        "score_flag_share": st.SCORE_FLAG_SHARE, "score_flag_mads": st.SCORE_FLAG_MADS,
                        "alpha_good": st.ALPHA_GOOD, "alpha_fair": st.ALPHA_FAIR},
            awards=rt.AwardsInfo(settings.places, settings.per_category, list(settings.labels)),
            tie_decisions=_decisions_used(self.decisions, entries),
            flag_order=self.flag_order(),
        )


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a round's results are built.

    The computation makes a few hundred thousand objects, none in a reference cycle (refcounting frees
    them all); each time the collector's thresholds trip it traversed every tracked object of the
    process, which cost 40 % of the cold computation at 10,000 entries (1.26 s -> 0.77 s CPU). The
    collector is the process's: it is re-enabled by the caller that found it enabled, so another
    thread computing at the same time never leaves it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _agreement(alpha: Decimal | None, units: int) -> rt.Agreement:
    return rt.Agreement(_q(alpha, Decimal("0.001")), st.alpha_reading(alpha), units)


def compute(round_: Round, *, aggregate: str = "mean", method: str = "raw", data: RoundData | None = None
            ) -> rt.RoundResults:
    """The round's full result (see the module docstring)."""
    with without_cycle_collection():
        return RoundFigures.of(data or gather(round_)).view(round_, aggregate, method)


def _decisions_used(decisions: list[DecisionRow], entries: list[rt.EntryResult]) -> list[rt.TieDecisionInfo]:
    """The chair's decisions that ordered a tie of this result (overall or in a category), latest first."""
    decided = {e.id for e in entries if e.tie_step == len(st.TIE_BREAK_RULES)
               or e.category_tie_step == len(st.TIE_BREAK_RULES)}
    used, covered = [], set()
    for decision in reversed(decisions):
        ids = set(decision.entry_ids)
        if ids & (decided - covered):
            used.append(rt.TieDecisionInfo(list(decision.entry_ids), decision.reason, decision.decided_by,
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


@dataclass(frozen=True)
class Behind:
    """A live result shown while the newer one is computed (``page_results``)."""

    computed_at: datetime  # when the shown result's rows were read
    changes: int  # how often the round's scores or assignments changed since (0: something else did)


def cached_compute(round_: Round, *, aggregate: str = "mean", method: str = "raw") -> rt.RoundResults:
    """``compute``, or the results computed earlier for the same cache key.

    The round's figures (``RoundFigures``, whatever the view) are computed once per change for every
    process: one thread of a process at a time (``results_cache.computing``), and one process of all
    when Redis is configured (``results_store.shared_figures``); each view is then built from them
    and kept in the process. The results are shared: callers read them and never change them
    (``publish`` computes afresh)."""
    return _cached_view(round_, aggregate, method, None)[0]


def live_staleness(round_: Round, now: datetime | None = None) -> timedelta | None:
    """How old a live result the admin's results page may show while judging is live: the round open
    for scoring and ``RESULTS_LIVE_STALE_SECONDS`` set; None otherwise (the result is always current)."""
    seconds = current_app.config.get("RESULTS_LIVE_STALE_SECONDS") or 0
    if seconds <= 0 or round_.published_at is not None or not round_.is_open(now):
        return None
    return timedelta(seconds=seconds)


def _cached_view(round_: Round, aggregate: str, method: str, stale_for: timedelta | None
                 ) -> tuple[rt.RoundResults, Behind | None]:
    aggregate, method = choose(aggregate, method)
    cache = results_cache.results_cache()
    key = results_cache.cache_key(round_)
    figures, basis = _figures_to_show(round_, key, stale_for)
    view_key = ("live", round_.id, aggregate, method, basis)
    results = cache.get(view_key)
    if results is None:
        with without_cycle_collection():
            results = figures.view(round_, aggregate, method)
        cache.put(view_key, results)
    if basis == key:
        return results, None
    # the current figures and this view of them, computed after this view was kept (a newer one kept
    # first would be dropped by the older one's ``put``), at most once per ``RESULTS_LIVE_REFRESH_SECONDS``:
    # under a stream of submissions a computation per view would keep a core busy for a page that
    # moves with every score anyway
    app = current_app._get_current_object()  # noqa: SLF001 (Flask's documented way to the app)
    every = timedelta(seconds=app.config.get("RESULTS_LIVE_REFRESH_SECONDS") or 0)
    if utcnow() - figures.computed_at >= every:
        cache.refresh(("figures", round_.id), lambda: _refresh(app, round_.id),
                      inline=bool(app.config.get("RESULTS_REFRESH_INLINE")))
    return results, Behind(figures.computed_at, max(0, key[0] - basis[0]))


def _figures_to_show(round_: Round, key: tuple, stale_for: timedelta | None) -> tuple[RoundFigures, tuple]:
    """The figures for ``key``; or, while judging is live (``stale_for``), the round's figures of an
    earlier key kept in this process if they are at most ``stale_for`` old (the caller then starts the
    computation of the current ones in the background): under a stream of submissions the page costs
    a cached view, not a computation per request, and the figures lag by about one computation."""
    cache = results_cache.results_cache()
    figures = cache.get(("figures", round_.id, key))
    if figures is not None:
        return figures, key
    if stale_for is not None:
        older = cache.latest(("figures", round_.id))
        if older is not None and utcnow() - older[1].computed_at <= stale_for:
            return older[1], older[0][-1]
    return round_figures(round_, key), key


def _refresh(app, round_id: int) -> None:
    """Compute a round's figures for its current key, in a thread of its own (``_figures_to_show``), and
    the views of them this process was showing, so the page's next request finds everything built."""
    with app.app_context():
        try:
            round_ = results_cache.load_round(round_id)
            if round_ is not None:
                cache = results_cache.results_cache()
                key = results_cache.cache_key(round_)
                figures = round_figures(round_, key)
                for aggregate, method in cache.views_of(round_id):
                    view_key = ("live", round_id, aggregate, method, key)
                    if cache.get(view_key) is None:
                        with without_cycle_collection():
                            cache.put(view_key, figures.view(round_, aggregate, method))
        except Exception:  # noqa: BLE001 (the page computes for itself next time; nothing is lost)
            app.logger.exception("results: background computation of round %s failed", round_id)
        finally:
            db.session.remove()


def round_figures(round_: Round, key: tuple | None = None) -> RoundFigures:
    """The round's figures for its current cache key: from this process, from the shared store, or computed."""
    cache = results_cache.results_cache()
    key = key if key is not None else results_cache.cache_key(round_)
    figures_key = ("figures", round_.id, key)
    figures = cache.get(figures_key)
    if figures is None:
        with cache.computing(figures_key):  # the other threads of this process wait for this one
            figures = cache.get(figures_key)
            if figures is None:
                with without_cycle_collection():
                    figures = results_store.shared_figures(
                        round_.id, key, lambda: RoundFigures.of(gather(round_)), RoundFigures.from_bytes)
                cache.put(figures_key, figures)
    return figures


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
    found, snapshot, _behind = page_results(round_, aggregate=aggregate, method=method, live=False)
    return found, snapshot


def page_results(round_: Round, *, aggregate: str = "mean", method: str = "raw", live: bool = True
                 ) -> tuple[rt.RoundResults, ResultSnapshot | None, Behind | None]:
    """``round_results`` for the admin's results page: while judging is live (``live_staleness``) it
    may show the result of a few seconds ago, said so by ``Behind``, while the current one is computed."""
    snapshot = latest_snapshot(round_) if round_.published_at is not None else None
    if snapshot is not None:
        return published_results(snapshot), snapshot, None
    found, behind = _cached_view(round_, aggregate, method, live_staleness(round_) if live else None)
    return found, None, behind


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
