"""The reporting blueprint. Its routes: ``views.py`` (dashboard, registration, verification),
``regional_views.py`` (regional indicators and their files) and ``export_views.py`` (the Kemendagri
export); ``create_app`` imports all three."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/reporting")
