"""The pages compared, and the order they are requested in (pure: no I/O).

Each pair is one page of ours and pretalx's page that does the same job for the same person, at equal
data. The two are requested interleaved (ours, pretalx, ours, pretalx, ...), so a change in the
machine's load during the run (it is shared) falls on both sides alike instead of on whichever was
measured second.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

OURS, THEIRS = "ours", "pretalx"
WARM, COLD = "warm", "cold"
# Rows per page: ours show 50 ranked rows on the results page (RANKING_PER_PAGE) and 25 entries on the
# entries list (PER_PAGE); pretalx is asked for as many (its ?page_size=, kept in the session).
RESULTS_ROWS = 50
LIST_ROWS = 25


@dataclass(frozen=True)
class PagePair:
    name: str
    ours: str  # a path template, filled from the fixtures (``{round_id}``, ``{event}``, ...)
    theirs: str
    ours_role: str  # admin or judge
    theirs_role: str  # orga or reviewer
    cold: bool  # a cached result that a new score makes stale: measured warm and cold
    why: str  # why the two are the same page


PAIRS = [
    PagePair("baseline", "/auth/password", "/orga/me", "admin", "orga", False,
             "a logged-in page that reads no competition data (ours: change password; pretalx: the account "
             "settings): what each framework costs per request before any work, to read the other ratios by"),
    PagePair("results", "/judging/rounds/{round_id}/results",
             "/orga/event/{slug}/reviews/?page_size=" + str(RESULTS_ROWS), "admin", "orga", True,
             "the live ranking of every entry by its judges' weighted scores, first page of "
             f"{RESULTS_ROWS} rows: our results page vs pretalx's review dashboard (submissions ranked by "
             "their reviews' median total, with the reviews' counts)"),
    PagePair("list", "/events/{event}/entries", "/orga/event/{slug}/submissions/?page_size=" + str(LIST_ROWS),
             "admin", "orga", False,
             f"the organiser's list of all entries/submissions, first page of {LIST_ROWS}"),
    PagePair("detail", "/events/{event}/entries/{entry_id}", "/orga/event/{slug}/submissions/{code}/",
             "admin", "orga", False,
             "one entry/submission as the organiser sees it: our entry page (status, category, deadline; "
             "about 3 KB) vs pretalx's submission page (its texts, speakers, state; about 31 KB)"),
    PagePair("profile", "/innovations/{innovation_id}", "/orga/event/{slug}/submissions/{code}/",
             "admin", "orga", False,
             "the same entry's content: our innovation page (profile texts, indicators, score; about 20 KB) vs "
             "the same pretalx submission page, which holds both halves"),
    PagePair("form", "/judging/entries/{round_entry_id}", "/orga/event/{slug}/submissions/{review_code}/reviews/",
             "judge", "reviewer", False,
             "the score form of one assigned entry: a judge's sheet (5 weighted criteria) vs a reviewer's "
             "review form (5 weighted score categories)"),
]


@dataclass(frozen=True)
class Step:
    pair: str
    mode: str  # warm or cold
    side: str  # ours or pretalx
    index: int  # the request's number on its side; negative for warm-up requests (not timed)

    @property
    def timed(self) -> bool:
        return self.index >= 0


def modes_of(pair: PagePair) -> list[str]:
    return [WARM, COLD] if pair.cold else [WARM]


def interleave(pairs: list[PagePair], rounds: int, warmup: int = 2) -> Iterator[Step]:
    """Every pair and mode in turn; within one, ``warmup`` untimed then ``rounds`` timed requests per
    side, alternating ours, pretalx, ours, pretalx, ..."""
    for pair in pairs:
        for mode in modes_of(pair):
            for index in range(-warmup, rounds):
                for side in (OURS, THEIRS):
                    yield Step(pair.name, mode, side, index)


def fill(template: str, values: dict[str, object]) -> str:
    return template.format(**values)
