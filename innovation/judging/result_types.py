"""A round's results as a typed value: ``RoundResults`` and its parts, plain dataclasses with no
database and no formatting.

``results.compute`` makes one; the results pages, the XLSX export, the certificates and advancement
read its attributes. ``RoundResults.to_payload()`` is the one way to the frozen snapshot's JSON
(``ResultSnapshot.payload``, checksummed by ``results.checksum``), and ``RoundResults.from_payload``
reads a stored snapshot back. The payload's shape is fixed by the snapshots already published (their
checksums must keep verifying): figures are Decimal strings (four places; alpha three; weights two;
the scale none), times ISO 8601 strings, ids numbers, names copied in, keys in the order below.

Version 2 (issue 11) adds, at the end of their objects: per entry its ``award`` label and whether a
tie is still ``pending`` the chair's decision (overall and in its category); per result its
``edition``, the award settings, the chair's tie decisions and the sheets missing at publication
with the admin's reason. A version-1 payload reads back without them and writes back without them.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

PAYLOAD_VERSION = 2

Figure = Decimal | None  # a figure as shown and stored (already rounded)


def _figure(value: str | None) -> Figure:
    return None if value is None else Decimal(value)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class _SheetSource(Protocol):
    def sheets_of(self, index: int) -> list[SheetResult]: ...


class DeferredSheets(Sequence):
    """An entry's sheets, built when first read (issue 17): a results page reads the sheets of the few
    entries it shows (and of the flagged ones), not the 40,000 of a round of 10,000 entries, so the
    live computation does not build them all up front. Reads like the list it stands for (``source``
    builds and keeps it: ``results.RoundFigures.sheets_of``), and compares equal to it."""

    __slots__ = ("_source", "_index")

    def __init__(self, source: _SheetSource, index: int) -> None:
        self._source, self._index = source, index

    def _list(self) -> list[SheetResult]:
        # not kept here: the source keeps one list per entry (built alone, or with all the others
        # once many are read), so the views sharing an entry never hold two copies of its sheets
        return self._source.sheets_of(self._index)

    def __getitem__(self, index):  # type: ignore[override]
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[SheetResult]:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, DeferredSheets)):
            return self._list() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like the list it stands for

    def __repr__(self) -> str:
        return repr(self._list())


def _plain(value: Any) -> Any:
    """A value as the payload stores it (dataclasses as dicts in field order)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, DeferredSheets)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@dataclass
class EventInfo:
    id: int
    slug: str
    name: str
    year: int


@dataclass
class RoundInfo:
    id: int
    name: str
    kind: str
    position: int


@dataclass
class RubricInfo:
    name: str
    scale_min: Decimal
    scale_max: Decimal


@dataclass
class CriterionResult:
    id: int
    code: str
    title: str
    title_en: str
    weight: Decimal  # percent
    independent: bool  # scored, not counted in the total
    heaviest: bool  # the tie-break's criterion


@dataclass(slots=True)  # tens of thousands per round: no __dict__ each
class JudgeResult:
    id: int
    name: str
    username: str
    label: str  # "Juri 1": what operators see instead of the name
    entries: int  # sheets counted
    mean_deviation: Figure  # signed, from the other judges on the same entries
    compared: int  # entries compared
    flag: str | None  # "lebih keras" / "lebih murah"
    normalisation: str  # "own" z-scores, "panel" (one entry) or "flat" (all totals equal)


@dataclass(slots=True)  # tens of thousands per round: no __dict__ each
class ScoreResult:
    criterion_id: int
    value: Figure
    comment: str
    flag_gap: Figure  # distance from the other judges' mean when flagged


@dataclass(slots=True)  # tens of thousands per round: no __dict__ each
class SheetResult:
    judge_id: int
    label: str
    total: Figure
    z: Figure
    comment: str
    submitted_at: datetime | None
    flag_gap: Figure
    scores: list[ScoreResult]  # one per criterion of the rubric, in the criteria's order


@dataclass(slots=True)  # tens of thousands per round: no __dict__ each
class EntryResult:
    id: int  # the entry's id
    round_entry_id: int
    innovation: str
    innovation_id: int
    opd: str
    opd_id: int
    category_id: int
    category: str
    submitted_at: datetime | None
    judges: int  # submitted sheets counted
    raw: dict[str, Figure]  # aggregate name -> the judges' totals aggregated
    normalised: Figure
    z: Figure
    score: Figure  # the chosen method's figure: what ranks
    sd: Figure
    range: Figure
    heaviest: Figure  # mean score on the heaviest criterion
    flags: int  # flagged single scores
    sheets: Sequence[SheetResult]  # a list, or ``DeferredSheets`` when computed live
    rank: int  # overall, strict (the tie-break always decides)
    tie_step: int | None  # the tie-break rule that put it below the entry above
    category_rank: int
    category_tie_step: int | None
    winner: bool  # awarded a place (``award``); version 1: within its category's top N
    # version 2
    award: str | None = None  # the place's label ("Juara 1"), None for a participant
    pending_tie: bool = False  # overall: equal to a neighbour after every automatic rule, not yet decided
    category_pending_tie: bool = False  # the same within its category

    @property
    def scored(self) -> bool:
        return self.score is not None


@dataclass
class CategoryRanking:
    id: int
    name: str
    ranking: list[int]  # entry ids, best first


@dataclass
class Agreement:
    alpha: Figure  # Krippendorff's alpha, interval metric
    reading: str | None  # "baik" / "cukup" / "lemah"
    units: int  # entries with two or more values


@dataclass
class CriterionAgreement:
    criterion_id: int
    alpha: Figure
    reading: str | None
    units: int


@dataclass
class AgreementResults:
    overall: Agreement
    criteria: list[CriterionAgreement]


@dataclass
class NormalisationResults:
    panel_mean: Figure
    panel_sd: Figure


@dataclass
class AwardsInfo:
    places: int  # the round's setting; a group awards at most (its scored entries - 1)
    per_category: bool
    labels: list[str]  # one per place


@dataclass
class TieDecisionInfo:
    entry_ids: list[int]  # the decided order, best first
    reason: str
    decided_by: str
    decided_at: datetime


@dataclass
class MissingSheet:
    """An assigned judge's sheet not submitted when the result was published."""

    entry_id: int
    innovation: str
    judge: str
    state: str  # "todo" or "draft"


@dataclass
class RoundResults:
    version: int
    event: EventInfo
    round: RoundInfo
    rubric: RubricInfo
    method: str  # "raw" or "normalised"
    aggregate: str  # "mean", "median" or "trimmed"
    computed_at: datetime
    criteria: list[CriterionResult]
    judges: list[JudgeResult]
    entries: list[EntryResult]  # by overall rank
    overall: list[int]  # entry ids by overall rank
    categories: list[CategoryRanking]  # in the event's order of categories
    winners_per_category: int
    agreement: AgreementResults
    normalisation: NormalisationResults
    tie_break: list[str]
    thresholds: dict[str, Decimal]
    published_at: datetime | None = None  # set in a published snapshot only
    # version 2
    edition: int | None = None  # the snapshot's edition (1, 2, ...); None for a live result
    awards: AwardsInfo | None = None
    tie_decisions: list[TieDecisionInfo] = field(default_factory=list)  # those ordering a tie of this result
    missing_sheets: list[MissingSheet] = field(default_factory=list)  # published without them ...
    incomplete_reason: str | None = None  # ... for this reason
    # live results only, not in the payload: the entries with flagged scores by their largest flagged
    # gap (whole ten-thousandths), largest first, as (entry ids, gaps), numpy arrays: the page lists the largest
    # few without building every flagged entry's sheets
    flag_order: tuple[Sequence[int], Sequence[int]] | None = field(
        default=None, repr=False, compare=False, metadata={"payload": False})
    _index: dict[str, dict[int, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    # --- reading ---------------------------------------------------------------------------------

    def entry(self, entry_id: int) -> EntryResult | None:
        return self._lookup("entries", self.entries).get(entry_id)

    def criterion(self, criterion_id: int) -> CriterionResult:
        return self._lookup("criteria", self.criteria)[criterion_id]

    def judge(self, judge_id: int) -> JudgeResult | None:
        return self._lookup("judges", self.judges).get(judge_id)

    def _lookup(self, name: str, items: list) -> dict[int, Any]:
        found = self._index.get(name)
        if found is None:
            found = self._index[name] = {item.id: item for item in items}
        return found

    @property
    def any_sheets(self) -> bool:
        return any(entry.judges for entry in self.entries)

    @property
    def stamped_at(self) -> datetime:
        """When these figures were fixed: the publication, else the computation."""
        return self.published_at or self.computed_at

    # --- the snapshot's payload ----------------------------------------------------------------------

    def to_payload(self) -> dict[str, Any]:
        """The JSON stored in a ``ResultSnapshot`` (and checksummed): the one way to it."""
        payload = {f.name: _plain(getattr(self, f.name)) for f in fields(self)
                   if not f.name.startswith("_") and f.metadata.get("payload", True)}
        if payload["published_at"] is None:
            del payload["published_at"]  # a live result has no such key
        if self.version < 2:  # as it was stored: without what version 2 added
            for key in V2_RESULT_KEYS:
                del payload[key]
            for entry in payload["entries"]:
                for key in V2_ENTRY_KEYS:
                    del entry[key]
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> RoundResults:
        """A stored snapshot's payload, read back."""
        agreement = payload["agreement"]
        return cls(
            version=payload["version"],
            event=EventInfo(**payload["event"]),
            round=RoundInfo(**payload["round"]),
            rubric=RubricInfo(payload["rubric"]["name"], Decimal(payload["rubric"]["scale_min"]),
                              Decimal(payload["rubric"]["scale_max"])),
            method=payload["method"],
            aggregate=payload["aggregate"],
            computed_at=_time(payload["computed_at"]),
            criteria=[CriterionResult(c["id"], c["code"], c["title"], c["title_en"], Decimal(c["weight"]),
                                      c["independent"], c["heaviest"]) for c in payload["criteria"]],
            judges=[JudgeResult(j["id"], j["name"], j["username"], j["label"], j["entries"],
                                _figure(j["mean_deviation"]), j["compared"], j["flag"], j["normalisation"])
                    for j in payload["judges"]],
            entries=[_entry_from(e) for e in payload["entries"]],
            overall=list(payload["overall"]),
            categories=[CategoryRanking(c["id"], c["name"], list(c["ranking"])) for c in payload["categories"]],
            winners_per_category=payload["winners_per_category"],
            agreement=AgreementResults(
                overall=Agreement(_figure(agreement["overall"]["alpha"]), agreement["overall"]["reading"],
                                  agreement["overall"]["units"]),
                criteria=[CriterionAgreement(a["criterion_id"], _figure(a["alpha"]), a["reading"], a["units"])
                          for a in agreement["criteria"]],
            ),
            normalisation=NormalisationResults(_figure(payload["normalisation"]["panel_mean"]),
                                               _figure(payload["normalisation"]["panel_sd"])),
            tie_break=list(payload["tie_break"]),
            thresholds={k: Decimal(v) for k, v in payload["thresholds"].items()},
            published_at=_time(payload.get("published_at")),
            edition=payload.get("edition"),
            awards=AwardsInfo(**payload["awards"]) if payload.get("awards") else None,
            tie_decisions=[TieDecisionInfo(list(d["entry_ids"]), d["reason"], d["decided_by"], _time(d["decided_at"]))
                           for d in payload.get("tie_decisions", [])],
            missing_sheets=[MissingSheet(**m) for m in payload.get("missing_sheets", [])],
            incomplete_reason=payload.get("incomplete_reason"),
        )


V2_RESULT_KEYS = ("edition", "awards", "tie_decisions", "missing_sheets", "incomplete_reason")
V2_ENTRY_KEYS = ("award", "pending_tie", "category_pending_tie")


def _entry_from(e: dict[str, Any]) -> EntryResult:
    return EntryResult(
        id=e["id"], round_entry_id=e["round_entry_id"], innovation=e["innovation"], innovation_id=e["innovation_id"],
        opd=e["opd"], opd_id=e["opd_id"], category_id=e["category_id"], category=e["category"],
        submitted_at=_time(e["submitted_at"]), judges=e["judges"],
        raw={name: _figure(value) for name, value in e["raw"].items()},
        normalised=_figure(e["normalised"]), z=_figure(e["z"]), score=_figure(e["score"]), sd=_figure(e["sd"]),
        range=_figure(e["range"]), heaviest=_figure(e["heaviest"]), flags=e["flags"],
        sheets=[SheetResult(
            judge_id=s["judge_id"], label=s["label"], total=_figure(s["total"]), z=_figure(s["z"]),
            comment=s["comment"], submitted_at=_time(s["submitted_at"]), flag_gap=_figure(s["flag_gap"]),
            scores=[ScoreResult(sc["criterion_id"], _figure(sc["value"]), sc["comment"], _figure(sc["flag_gap"]))
                    for sc in s["scores"]],
        ) for s in e["sheets"]],
        rank=e["rank"], tie_step=e.get("tie_step"), category_rank=e["category_rank"],
        category_tie_step=e.get("category_tie_step"), winner=bool(e.get("winner")),
        award=e.get("award"), pending_tie=bool(e.get("pending_tie")),
        category_pending_tie=bool(e.get("category_pending_tie")),
    )


# --- what an operator sees -------------------------------------------------------------------------


@dataclass
class OwnScore:
    criterion: CriterionResult
    value: Figure
    comment: str


@dataclass
class OwnSheet:
    label: str  # the judge, anonymised
    total: Figure
    comment: str
    scores: list[OwnScore]


@dataclass
class OwnEntry:
    id: int
    innovation: str
    category: str
    category_rank: int
    score: Figure
    winner: bool
    sheets: list[OwnSheet]
    award: str | None = None
    raw: Figure = None  # the judges' totals aggregated (the result's aggregate), before normalisation
    normalised: Figure = None


@dataclass
class PublicRow:
    id: int
    innovation: str
    opd: str
    category_id: int
    category: str
    score: Figure
    rank: int
    category_rank: int
    winner: bool
    award: str | None = None


@dataclass
class OperatorView:
    """The published result as an OPD sees it: its own entries in full with anonymous judges, everyone
    else only in the public ranking."""

    own: list[OwnEntry]
    public: list[PublicRow]
