"""The district's Indeks Inovasi Daerah (IID), pure: plain values in, every intermediate figure out.

Public entry point::

    compute_index(rules, *, regional_scores: dict[int, Decimal],
                  innovation_lines: list[InnovationLines], top: int = 10) -> IndexResult

and, for callers that aggregate in the database (``reporting.services.district_index``)::

    compute_index_from_totals(rules, *, regional_scores, sum_lines: int, n: int,
                              urusan_present: Iterable[str | None], line_gaps: Iterable[LineGap],
                              top: int = 10) -> IndexResult

``compute_index`` is ``compute_index_from_totals`` over its innovations' totals and ``line_gaps``.
``rules`` is the year's ``Rules`` (``get_rules(year)``); the result names that year. ``regional_scores``
maps a regional indicator number (1-16) to its score within 0..bobot x 3; missing numbers count 0.
``innovation_lines`` holds one ``InnovationLines`` per innovation that counts (claimed or verified
line scores from ``innovations.scoring``, so "claimed" and "verified" are two calls with two sets of
lines). The formula (KEMENDAGRI.md section 4; constants from the rules file's ``index``):

- SPD = sum of the regional lines (at most ``regional_max``, 63).
- n = number of innovations counted; divisor = MAX(k, n) with k = ``divisor_min_k``.
- Skor Jumlah Inovasi = MIN(n, cap) x per_innovation, and 0 unless at least
  ``basic_service_required`` of the urusan options flagged ``basic_service`` (the 6 urusan wajib
  pelayanan dasar) have an innovation. An urusan "has an innovation" when an innovation's
  **Urusan Pemerintahan utama** is that urusan; "urusan lain yang beririsan" does not count (the portal
  files each innovation under its main urusan, and a secondary tag is too easy to add to be evidence).
- SID = (sum of every counted innovation's line scores) / divisor + Skor Jumlah Inovasi.
- IID = (SPD + SID) / total x 100 (total 250), rounded half-up to 2 decimals; the predicate is the
  rules' band containing it (40.00 Kurang Inovatif, 40.01 Inovatif, 65.00 Inovatif, 65.01 Sangat).

``IndexResult.changes`` lists the few changes that would raise the IID most (top 10 by default): a
missing piece of evidence on a line with a chosen parameter (worth bobot x parameter line points), a
mandatory indicator without a parameter or a line the verifier rejected (up to bobot x 3), a regional
value below its maximum, and a missing basic-service urusan when one more would switch on the
innovation-count score. Line points become IID points as ``points / divisor / total x 100``; regional
points as ``points / total x 100``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from innovation.innovations.scoring import LineScore
from innovation.rules import Rules

CENT = Decimal("0.01")


def _d(value: float | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InnovationLines:
    """One counted innovation: who it is, its main urusan and its (claimed or verified) line scores."""

    id: int
    name: str
    urusan_utama: str | None
    lines: Sequence[LineScore]
    rejected: frozenset[int] = frozenset()  # indicator numbers the verifier marked ditolak

    @property
    def total(self) -> int:
        return sum(line.score for line in self.lines)


class ChangeKind(StrEnum):
    EVIDENCE = "evidence"  # a chosen parameter without evidence scores 0
    PARAMETER = "parameter"  # a mandatory indicator without a parameter
    REJECTED = "rejected"  # the verifier rejected the line (no valid evidence)
    REGIONAL = "regional"  # a regional indicator below its maximum
    URUSAN = "urusan"  # one more basic-service urusan would switch on Skor Jumlah Inovasi


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    line_points: Decimal  # points gained on the line (or regional / SID points)
    iid_points: Decimal  # the same gain in IID points, rounded to 0.01
    innovation_id: int | None = None
    innovation_name: str = ""
    indicator_no: int | None = None
    indicator_name: str = ""
    urusan: tuple[str, ...] = ()  # for URUSAN: the missing basic-service urusan codes


@dataclass(frozen=True)
class IndexResult:
    year: int
    spd: Decimal
    regional_max: Decimal
    sum_lines: int
    n: int
    k: int
    divisor: int
    count_score: Decimal
    basic_covered: tuple[str, ...]
    basic_missing: tuple[str, ...]
    basic_required: int
    sid: Decimal
    iid: Decimal
    predicate: str
    total: Decimal
    changes: tuple[Change, ...] = field(default=())

    @property
    def basic_ok(self) -> bool:
        return len(self.basic_covered) >= self.basic_required


def basic_service_codes(rules: Rules) -> tuple[str, ...]:
    return tuple(o.code for o in rules.options["urusan"] if o.basic_service)


def count_score(rules: Rules, n: int, basic_covered: int) -> Decimal:
    """Skor Jumlah Inovasi: MIN(n, cap) x per_innovation, 0 below the basic-service threshold."""
    constants = rules.index
    if basic_covered < constants.basic_service_required:
        return Decimal(0)
    return min(n, constants.innovation_cap) * _d(constants.per_innovation)


def sid(rules: Rules, sum_lines: int | Decimal, n: int, basic_covered: int) -> Decimal:
    divisor = max(rules.index.divisor_min_k, n)
    return _d(sum_lines) / divisor + count_score(rules, n, basic_covered)


def iid(rules: Rules, spd: Decimal, sid_value: Decimal) -> Decimal:
    return _round((spd + sid_value) / _d(rules.index.total) * 100)


@dataclass(frozen=True)
class LineGap:
    """One line of a counted innovation that could gain points: why, how many line points, where."""

    kind: ChangeKind  # EVIDENCE, PARAMETER or REJECTED
    line_points: int
    innovation_id: int
    innovation_name: str
    indicator_no: int
    indicator_name: str


def line_gaps(innovation: InnovationLines) -> list[LineGap]:
    """The lines of one innovation that would gain points, in the rules' order (see module doc)."""
    gaps = []
    for line in innovation.lines:
        indicator = line.indicator
        if line.no in innovation.rejected:
            kind, points = ChangeKind.REJECTED, indicator.max_score - line.score
        elif line.parameter and not line.has_evidence:
            kind, points = ChangeKind.EVIDENCE, indicator.bobot * line.parameter
        elif indicator.mandatory and not line.parameter:
            kind, points = ChangeKind.PARAMETER, indicator.max_score
        else:
            continue
        if points > 0:
            gaps.append(LineGap(kind, points, innovation.id, innovation.name, indicator.no, indicator.name))
    return gaps


def compute_index(
    rules: Rules,
    *,
    regional_scores: Mapping[int, Decimal],
    innovation_lines: Iterable[InnovationLines],
    top: int = 10,
) -> IndexResult:
    """The IID of the district for ``rules.year`` with every intermediate figure (see module doc)."""
    innovations = list(innovation_lines)
    return compute_index_from_totals(
        rules,
        regional_scores=regional_scores,
        sum_lines=sum(i.total for i in innovations),
        n=len(innovations),
        urusan_present={i.urusan_utama for i in innovations},
        line_gaps=[gap for innovation in innovations for gap in line_gaps(innovation)],
        top=top,
    )


def compute_index_from_totals(
    rules: Rules,
    *,
    regional_scores: Mapping[int, Decimal],
    sum_lines: int,
    n: int,
    urusan_present: Iterable[str | None],
    line_gaps: Iterable[LineGap],
    top: int = 10,
) -> IndexResult:
    """``compute_index`` from pre-aggregated figures, for callers that sum in the database.

    ``sum_lines`` is the sum of every counted innovation's line scores, ``n`` their number,
    ``urusan_present`` their main urusan codes (duplicates allowed). ``line_gaps`` holds the lines
    that would gain points: all of them in innovation-id order, or only the ``top`` best ordered by
    (line points descending, innovation name by code point, indicator number, innovation id); both
    give the same ranking, since a line's IID points grow with its line points.
    """
    constants = rules.index
    regional_nos = [r.no for r in rules.regional_indicators]
    spd = sum((_d(regional_scores.get(no) or 0) for no in regional_nos), Decimal(0))
    divisor = max(constants.divisor_min_k, n)
    basic = basic_service_codes(rules)
    present = set(urusan_present)
    covered = tuple(code for code in basic if code in present)
    missing = tuple(code for code in basic if code not in present)
    counted = count_score(rules, n, len(covered))
    sid_value = _d(sum_lines) / divisor + counted
    iid_value = iid(rules, spd, sid_value)
    total = _d(constants.total)

    changes: list[Change] = []

    def to_iid_from_lines(points: Decimal) -> Decimal:
        return points / divisor / total * 100

    for gap in line_gaps:
        points = Decimal(gap.line_points)
        changes.append(Change(gap.kind, points, to_iid_from_lines(points), gap.innovation_id, gap.innovation_name,
                              gap.indicator_no, gap.indicator_name))
    for regional in rules.regional_indicators:
        gap = _d(regional.bobot) * 3 - _d(regional_scores.get(regional.no) or 0)
        if gap > 0:
            changes.append(Change(ChangeKind.REGIONAL, gap, gap / total * 100,
                                  indicator_no=regional.no, indicator_name=regional.name))
    if missing and len(covered) + 1 == constants.basic_service_required:
        # One new innovation (scoring 0 at first) in a missing urusan switches the count score on.
        after = _d(sum_lines) / max(constants.divisor_min_k, n + 1) + count_score(rules, n + 1, len(covered) + 1)
        gain = after - sid_value
        if gain > 0:
            changes.append(Change(ChangeKind.URUSAN, gain, gain / total * 100, urusan=missing))
    changes.sort(key=lambda c: (-c.iid_points, c.innovation_name, c.indicator_no or 0))
    ranked = tuple(
        Change(c.kind, c.line_points, _round(c.iid_points), c.innovation_id, c.innovation_name,
               c.indicator_no, c.indicator_name, c.urusan)
        for c in changes[:top]
    )
    return IndexResult(
        year=rules.year,
        spd=spd,
        regional_max=_d(constants.regional_max),
        sum_lines=sum_lines,
        n=n,
        k=constants.divisor_min_k,
        divisor=divisor,
        count_score=counted,
        basic_covered=covered,
        basic_missing=missing,
        basic_required=constants.basic_service_required,
        sid=sid_value,
        iid=iid_value,
        predicate=rules.predicate(float(iid_value)),
        total=total,
        changes=ranked,
    )
