"""Pure scoring: line score = bobot x parameter, 0 without evidence; maturity = total / max.

Takes plain values (the year's ``Rules`` and dicts), so it is tested without a database and used by
the views, the derived-figure refresh, the export and the district index alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from innovation.rules import Indicator, Rules


@dataclass(frozen=True)
class Claim:
    parameter: int | None
    basis: str | None = None
    verified_status: str | None = None  # sesuai / diperbaiki / ditolak
    verified_parameter: int | None = None
    verification_note: str | None = None  # the verifier's note (shown with a rejected or corrected line)


@dataclass(frozen=True)
class LineScore:
    indicator: Indicator
    parameter: int | None
    has_evidence: bool
    score: int

    @property
    def no(self) -> int:
        return self.indicator.no

    @property
    def max_score(self) -> int:
        return self.indicator.max_score

    @property
    def lost(self) -> int:
        """Points this line would gain with its current parameter if evidence were attached."""
        return 0 if self.has_evidence or not self.parameter else self.indicator.bobot * self.parameter


def line_score(indicator: Indicator, parameter: int | None, has_evidence: bool) -> int:
    if parameter not in (1, 2, 3) or not has_evidence:
        return 0
    return indicator.bobot * parameter


def score_lines(rules: Rules, claims: dict[int, Claim], evidence_nos: set[int]) -> list[LineScore]:
    """The claimed score of every indicator of the year, in the portal's order."""
    lines = []
    for indicator in rules.indicators:
        claim = claims.get(indicator.no)
        parameter = claim.parameter if claim else None
        has_evidence = indicator.no in evidence_nos
        lines.append(LineScore(indicator, parameter, has_evidence, line_score(indicator, parameter, has_evidence)))
    return lines


def verified_parameter(claim: Claim | None) -> int | None:
    """The parameter after the planning office's check: corrected, rejected (None) or as claimed."""
    if claim is None:
        return None
    if claim.verified_status == "ditolak":
        return None
    if claim.verified_status == "diperbaiki":
        return claim.verified_parameter
    return claim.parameter


def score_verified_lines(rules: Rules, claims: dict[int, Claim], evidence_nos: set[int]) -> list[LineScore]:
    lines = []
    for indicator in rules.indicators:
        parameter = verified_parameter(claims.get(indicator.no))
        has_evidence = indicator.no in evidence_nos
        lines.append(LineScore(indicator, parameter, has_evidence, line_score(indicator, parameter, has_evidence)))
    return lines


def total(lines: list[LineScore]) -> int:
    return sum(line.score for line in lines)


def maturity_percent(total_score: int | Decimal, rules: Rules) -> Decimal:
    value = Decimal(total_score) * 100 / Decimal(rules.max_innovation_score)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
