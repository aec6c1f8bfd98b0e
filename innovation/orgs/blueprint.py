"""The OPD admin blueprint (``/orgs``, templates in ``templates/orgs/``); its routes are in ``views.py``."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")
