"""Weighted totals of a score sheet: pure, exact (Decimal), on the rubric's own scale."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

HUNDRED = Decimal(100)
TOTAL_PLACES = Decimal("0.0001")  # ScoreSheet.total is Numeric(8, 4)


def weights_total(weights: Iterable[Decimal]) -> Decimal:
    return sum((Decimal(w) for w in weights), Decimal(0))


def weighted_total(values: Mapping[int, Decimal | None], weights: Mapping[int, Decimal]) -> Decimal | None:
    """sum(value x weight) / 100 over the counted criteria (``weights``: criterion id -> percent).

    None while a counted criterion has no value yet. Values on a 1-5 scale with weights totalling
    100 give a total on the same 1-5 scale.
    """
    total = Decimal(0)
    for criterion_id, weight in weights.items():
        value = values.get(criterion_id)
        if value is None:
            return None
        total += Decimal(value) * Decimal(weight)
    return (total / HUNDRED).quantize(TOTAL_PLACES)
