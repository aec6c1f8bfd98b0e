"""The judging area's one error type: a broken rule, with a message for the user (Indonesian)."""
from __future__ import annotations


class JudgingError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
