"""The jobs blueprint (``/jobs``, templates in ``templates/jobs/``): a job's status page and its result
(routes in ``views.py``)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
