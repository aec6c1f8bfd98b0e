"""The uploads blueprint (the tus server). Its routes: ``views.py``; ``create_app`` imports it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("uploads", __name__, url_prefix="/uploads")
