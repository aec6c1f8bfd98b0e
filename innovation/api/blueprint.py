"""The API's blueprints: ``bp`` (``/api/v1``: the JSON read API, every error in one shape), ``docs_bp``
(the OpenAPI document, the reference page, and the ``/api`` and ``/openapi.json`` signposts) and
``admin_bp`` (``/api``: the admin's pages for tokens and webhooks)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
docs_bp = Blueprint("api_docs", __name__)
admin_bp = Blueprint("api_admin", __name__, url_prefix="/api")

PREFIX = "/api/v1"
