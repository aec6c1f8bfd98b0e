"""The Innovation Week blueprint (``/events``, templates in ``templates/events/``; routes in ``views.py``),
with what its templates share: the time left, and the entry status labels and badges."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import get_locale

from innovation.events.forms import ENTRY_STATUS_BADGES, ENTRY_STATUS_LABELS
from innovation.timeutil import humanize_delta

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.context_processor
def _helpers():
    def time_left(delta):
        return humanize_delta(delta, str(get_locale())) if delta is not None else ""

    return {
        "time_left": time_left,
        "entry_status_labels": ENTRY_STATUS_LABELS,
        "entry_status_badges": ENTRY_STATUS_BADGES,
    }
