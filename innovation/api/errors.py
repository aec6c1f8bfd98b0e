"""One error shape for every error of ``/api/v1``::

    {"error": {"status": 404, "code": "not_found", "message": "...", "details": []}}

``code`` is stable for programs; ``message`` is for people, in the request's language (``Accept-Language``:
Indonesian or English). The handlers cover what the views raise, what Flask and the rate limiter raise
inside the blueprint, and (``handle_routing_error``, an app-level hook) the 404 and 405 that routing
decides before any blueprint is chosen.
"""
from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect

from innovation.api.blueprint import PREFIX, bp
from innovation.extensions import db

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         406: "not_acceptable", 413: "too_large", 415: "unsupported_media_type", 429: "rate_limited",
         500: "internal_error"}


def _messages() -> dict[int, str]:
    return {
        400: _("Permintaan tidak valid."),
        401: _("Token API tidak ada, salah, atau sudah dicabut."),
        403: _("Token API ini tidak memiliki cakupan (scope) untuk data ini."),
        404: _("Data atau alamat tidak ditemukan."),
        405: _("Metode HTTP ini tidak diizinkan di alamat ini."),
        429: _("Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."),
        500: _("Terjadi kesalahan di server."),
    }


class ApiError(Exception):
    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 details: list[dict] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message or code or str(status))
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details or []
        self.headers = headers or {}


def api_language() -> str:
    return request.accept_languages.best_match(["id", "en"], default="id") if request else "id"


def error_response(status: int, code: str | None = None, message: str | None = None,
                   details: list[dict] | None = None, headers: dict[str, str] | None = None) -> Response:
    with force_locale(api_language()):
        text = message if message is not None else _messages().get(status, _messages()[500])
        response = jsonify({"error": {"status": status, "code": code or CODES.get(status, "error"),
                                      "message": str(text), "details": details or []}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_http(error: HTTPException) -> Response:
    headers = {}
    if error.code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if error.code == 429:
        retry = getattr(getattr(error, "limit", None), "limit", None)
        headers["Retry-After"] = str(int(retry.get_expiry())) if retry is not None else "60"
    if error.code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return error_response(error.code or 500, headers=headers)


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.details, error.headers)


def handle_http_error(error: HTTPException):
    if isinstance(error, RequestRedirect):
        return error
    if isinstance(error, InternalServerError):
        return handle_server_error(error)
    return _from_http(error)


def handle_server_error(error: Exception):
    db.session.rollback()
    current_app.logger.error("API error on %s: %s", request.path, getattr(error, "original_exception", error))
    return error_response(500)


# By code: Flask looks for a handler of the status code (blueprint first, then the app) before it looks for
# one of an exception class, so the app's HTML pages for 404, 429, ... would otherwise answer for the API.
for _code in CODES:
    bp.register_error_handler(_code, handle_server_error if _code == 500 else handle_http_error)
bp.register_error_handler(HTTPException, handle_http_error)


def in_api(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def handle_routing_error():
    """App-level ``before_request``: a path under ``/api/v1`` that no rule matched (404), or matched with
    another method (405), gets the API's error shape instead of the HTML error page."""
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect) or not in_api(request.path):
        return None
    if isinstance(error, HTTPException):
        return _from_http(error)
    return None
