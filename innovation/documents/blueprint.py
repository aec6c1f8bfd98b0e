"""The documents blueprint (``/documents``): an event's document settings and logo, and a round's
Berita Acara, recap and draft decree. Routes: ``views``; ``create_app`` imports it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/documents")
