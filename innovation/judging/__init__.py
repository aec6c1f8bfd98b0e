"""Judging: rounds, rubrics, panels, assignments, score sheets and results (see docs/ARCHITECTURE.md)."""
