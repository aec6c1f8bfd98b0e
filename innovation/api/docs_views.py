"""The OpenAPI document and its reference page (rendered here from the document: no JavaScript, no CDN),
and the signposts ``/api`` and ``/openapi.json``."""
from __future__ import annotations

import json

from flask import Response, redirect, render_template, url_for

from innovation.api.blueprint import docs_bp
from innovation.api.spec import document
from innovation.api.tokens import SCOPES
from innovation.http_cache import conditional


@docs_bp.route("/api/v1/openapi.json")
def openapi():
    body = json.dumps(document(), ensure_ascii=False, indent=1, sort_keys=False)
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return conditional(response, max_age=300)


def _resolve(doc: dict, schema: dict | None) -> dict:
    if schema and "$ref" in schema:
        return doc["components"]["schemas"].get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema or {}


@docs_bp.route("/api/v1/docs")
def reference():
    doc = document()
    operations = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            operations.append({"path": path, "method": method.upper(), **operation})
    return conditional(Response(render_template("api/reference.html", doc=doc, operations=operations,
                                                scopes=SCOPES, resolve=lambda s: _resolve(doc, s)),
                                mimetype="text/html"), max_age=300)


@docs_bp.route("/api/")
def api_root():
    return redirect(url_for("api.index"))


@docs_bp.route("/openapi.json")
def openapi_root():
    return redirect(url_for("api_docs.openapi"))
