"""The leaders blueprint (``/leaders``, templates in ``templates/leaders/``)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("leaders", __name__, url_prefix="/leaders")
