"""Judging: rounds, rubrics, assignments, score sheets and results (see docs/ARCHITECTURE.md)."""

# Registers the after_flush listener that keeps Round.results_version current, whatever imports first.
from innovation.judging import results_version as _results_version  # noqa: F401,E402
