"""The auth blueprint (``/auth``, templates in ``templates/auth/``): signing in, passwords and the
language switch (``views.py``), account administration (``admin_views.py``)."""
from __future__ import annotations

from flask import Blueprint

from innovation.web import may_open

bp = Blueprint("auth", __name__, url_prefix="/auth")
# The navigation (templates/_nav.html) shows a link exactly to the users its page's role_required admits.
bp.add_app_template_global(may_open, "may_open")
