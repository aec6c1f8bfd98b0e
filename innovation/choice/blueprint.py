"""The people's choice blueprint (``/choice``): the public voting page reached from the venue's QR code, and
the admin's settings, tally and printable poster. Routes in ``views.py``, templates in ``templates/choice/``."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("choice", __name__, url_prefix="/choice")
