"""The audit log browser's blueprint (``/audit``, templates in ``templates/audit/``; routes in ``views.py``).

Level 4 with ``browse.py`` and ``views.py``: the browser joins accounts and uses the OPD picker, while the
log itself (``models.py``, ``services.record``) stays at level 2 for every area to write to.
"""
from __future__ import annotations

from flask import Blueprint

from innovation.audit.browse import change_rows, shown_summary

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_filter(change_rows, "audit_changes")
bp.add_app_template_filter(shown_summary, "audit_summary")
