"""The one base of every area's error type: a broken rule, with a message for the user.

Services raise their area's subclass (``JudgingError``, ``OrgError``, ...); views catch
``DomainError`` through ``innovation.web.attempt`` and show the message, under the form field that
``field`` names when there is one. Level 1: every area may import it, and it imports nothing.
"""
from __future__ import annotations


class DomainError(Exception):
    """A rule the user broke. ``str(error)`` is the message (already in the user's language)."""

    def __init__(self, message: object, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
