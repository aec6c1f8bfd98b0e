"""Awards: how many places a round awards, per category or overall, and their labels. Pure.

The settings are the round's (``Round.award_places``, ``award_per_category``, ``award_labels``),
decided before publication and copied into the published snapshot. The rule:

- Places go down the ranking (per category, or overall), one label each: "Juara 1", "Juara 2",
  "Juara 3", "Harapan 1", "Harapan 2", "Harapan 3" by default.
- **A group never awards its last-placed entry.** A category with n scored entries awards at most
  n - 1 places: min(places, n - 1). With 3 entries and 6 places, 2 awards; with one entry, none (an
  award says the entry was better than another). Entries without a submitted score never win.
- Everyone else is a participant: no winner's certificate (a participation certificate says so).

Entries tied after every automatic rule share a rank (``statistics.rank``); until the chair decides,
both get the label of that rank, and publication is refused while such a tie touches an awarded place.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_LABELS = ("Juara 1", "Juara 2", "Juara 3", "Harapan 1", "Harapan 2", "Harapan 3")
DEFAULT_PLACES = len(DEFAULT_LABELS)
MAX_PLACES = 20
LABEL_MAX = 60


@dataclass(frozen=True)
class AwardSettings:
    places: int
    per_category: bool
    labels: tuple[str, ...]  # exactly ``places`` labels

    @classmethod
    def of(cls, places: int | None, per_category: bool, labels_text: str | None) -> AwardSettings:
        """The round's stored settings (labels one a line; None or empty: the defaults)."""
        places = DEFAULT_PLACES if places is None else places
        labels = parse_labels(labels_text) or DEFAULT_LABELS
        labels = tuple(labels[:places]) + tuple(f"Peringkat {n}" for n in range(len(labels) + 1, places + 1))
        return cls(places, bool(per_category), labels)


def parse_labels(text: str | None) -> tuple[str, ...]:
    """One label a line, trimmed; empty lines dropped."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def awarded_places(places: int, scored: int) -> int:
    """How many places a group with ``scored`` scored entries awards: never its last-placed entry."""
    return max(0, min(places, scored - 1))


def award_labels(ranked: Iterable[tuple[int, int, bool]], settings: AwardSettings) -> dict[int, str]:
    """entry id -> label for one group, from its ranking [(entry id, rank, scored)], best first."""
    ranked = list(ranked)
    awarded = awarded_places(settings.places, sum(1 for _e, _r, scored in ranked if scored))
    return {entry_id: settings.labels[rank - 1] for entry_id, rank, scored in ranked if scored and rank <= awarded}
