"""The OpenAPI 3.1 document, generated from the code by spectree.

Why spectree: it documents the routes of a plain Flask app (APIFlask and flask-openapi3 need their own
app class, flask-smorest emits OpenAPI 3.0 schemas through apispec), it writes 3.1 by default, and its
pydantic v2 models give JSON Schema 2020-12, the dialect 3.1 uses; it also validates each query string
against the same model, so the document and the checks cannot drift. Only routes decorated with
``spec.validate`` are documented (``mode="strict"``); spectree's own UI pages (which load Swagger UI from a
CDN) are not registered: ``docs_views`` serves the document and renders a reference page itself.
"""
from __future__ import annotations

from typing import Any

from spectree import Response as SpecResponse
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from innovation.api.errors import ApiError
from innovation.api.schemas import ErrorBody

TITLE = "Inovasi Daerah API"
VERSION = "1.0.0"
BEARER = "bearerAuth"
PUBLIC = [{}, {BEARER: []}]  # no token needed; a token may widen what is seen
TOKEN = [{BEARER: []}]
DESCRIPTION = (
    "Read API of the regional innovation platform: innovations with their indicator scores, OPDs, Innovation "
    "Week events and their published results, and the district innovation index (IID) per year. Public data "
    "needs no token; the rest needs an API token (Authorization: Bearer ...) with the right scope, created by "
    "an admin. Lists are paged with cursors (next_cursor). Every response carries an ETag: send it back in "
    "If-None-Match to get 304 Not Modified. Every error has one shape (ErrorBody)."
)


def reject_invalid_query(req, resp, req_validation_error, instance, model_adapter) -> None:
    """Spectree's hook before the view: a query that does not fit its model is a 400 in the API's shape."""
    if req_validation_error is None:
        return
    details = [{"field": str(error["loc"][0]) if error.get("loc") else None,
                "message": str(error.get("msg", ""))[:200]}
               for error in model_adapter.validation_errors(req_validation_error)]
    raise ApiError(400, "invalid_parameter", details=details)


spec = SpecTree(
    "flask", mode="strict", title=TITLE, version=VERSION, description=DESCRIPTION, page_templates={},
    before=reject_invalid_query, validation_error_status=400, validation_error_model=ErrorBody,
    security_schemes=[SecurityScheme(name=BEARER, data=SecuritySchemeData(
        type=SecureType.HTTP, scheme="bearer", description="An API token: iid_..."))],
)


def responses(ok: Any, *errors: int) -> SpecResponse:
    """The documented responses of an operation: its 200 model, 304 (ETag), and the error shape for 400, 404,
    429 and the extra ``errors`` (401, 403)."""
    codes = sorted({400, 404, 429, *errors})
    return SpecResponse("HTTP_304", HTTP_200=ok, **{f"HTTP_{code}": ErrorBody for code in codes})


def document() -> dict[str, Any]:
    """The OpenAPI document of the routes registered in the current app."""
    return spec.spec
