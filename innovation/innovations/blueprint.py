"""The innovations blueprint. Its routes: ``views.py`` (list, profile, indicators) and
``evidence_views.py`` (evidence files and links); ``create_app`` imports both."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("innovations", __name__, url_prefix="/innovations")
