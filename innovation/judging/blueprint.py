"""The judging blueprint and what every judging template gets.

Its routes: ``views`` (the judge's queue, score sheet, evidence and recusal), ``admin_views`` (an
event's rounds; a round's entries, selection, panel, assignments, progress and advancement),
``rubric_views`` (a round's rubric and criteria) and ``results_views`` (results, publication, the
OPD's results, the XLSX export, certificates). ``create_app`` imports each of them.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint
from flask_babel import get_locale

from innovation.extensions import utcnow
from innovation.judging import labels
from innovation.judging.sheets import sheet_state
from innovation.timeutil import humanize_delta

bp = Blueprint("judging", __name__, url_prefix="/judging")
bp.add_app_template_filter(labels.judge_label, "judge_label")


@bp.context_processor
def judging_helpers() -> dict:
    def time_left(until: datetime) -> str:
        return humanize_delta(until - utcnow(), str(get_locale()))

    return {
        "time_left": time_left, "sheet_labels": labels.SHEET_LABELS, "sheet_badges": labels.SHEET_BADGES,
        "round_entry_labels": labels.ROUND_ENTRY_LABELS, "round_entry_badges": labels.ROUND_ENTRY_BADGES,
        "kind_labels": labels.KIND_LABELS, "sheet_state": sheet_state, "now": utcnow(),
    }
