"""The judging area's error types: a broken rule, with a message for the user (Indonesian).

Both are ``DomainError``s, so ``innovation.web.attempt`` rolls back and shows them.
"""
from __future__ import annotations

from innovation.errors import DomainError


class JudgingError(DomainError):
    """A judging rule was broken (rounds, rubrics, panels, assignments, score sheets, advancement)."""


class ResultsError(JudgingError):
    """A results rule was broken (publishing an open round, a round without sheets, twice)."""
