"""The follow-up blueprint (``/followup``, templates in ``templates/followup/``): the OPDs' waiting items."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/followup")
