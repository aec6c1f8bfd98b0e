"""The notify blueprint (``/notify``, templates in ``templates/notify/``): the inbox, a user's notification
settings, and the admins' delivery log (routes in ``views.py``)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notify")
