"""Open data: the page that states the licence and offers the files, the data dictionary, and the CSV and
JSON downloads of the public listing (the showcase's filters apply to them too)."""
from __future__ import annotations

from flask import Response, current_app, request, stream_with_context

from innovation.http_cache import client_has
from innovation.public import opendata, showcase
from innovation.public.blueprint import bp, in_page_language, public_url, render_public
from innovation.public.settings import licence, public_fields

MAX_AGE = 300


@bp.route("/data/")
@in_page_language
def open_data():
    fields = public_fields()
    query = request.query_string.decode("latin-1")
    return render_public("public/data.html", columns=opendata.columns(fields), query=query)


@bp.route("/data/dictionary")
@in_page_language
def dictionary():
    return render_public("public/dictionary.html", columns=opendata.columns(public_fields()))


def _download(kind: str) -> Response:
    fields = public_fields()
    filters = showcase.filters_from(request.args, fields)
    etag = opendata.fingerprint(filters, fields) + "-" + kind
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "ETag": f'"{etag}"',
               "Link": f'<{licence().url}>; rel="license"'}
    if client_has(etag):
        return Response(status=304, headers=headers)
    if request.method == "HEAD":  # no body to stream (an unread stream would outlive its request)
        return Response(status=200, headers=headers, mimetype="text/csv" if kind == "csv" else "application/json")
    url_of = lambda innovation_id: public_url("public.innovation", _external=True, innovation_id=innovation_id)  # noqa: E731
    if kind == "csv":
        chunks = opendata.csv_chunks(filters, fields, url_of)
        mimetype, name = "text/csv", "inovasi-daerah.csv"
    else:
        chunks = opendata.json_chunks(filters, fields, url_of, licence=licence(),
                                      dictionary_url=public_url("public.dictionary", _external=True),
                                      region=current_app.config["REGION_NAME"])
        mimetype, name = "application/json", "inovasi-daerah.json"
    response = Response(stream_with_context(chunks), mimetype=mimetype, headers=headers)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/data/innovations.csv")
def data_csv():
    return _download("csv")


@bp.route("/data/innovations.json")
def data_json():
    return _download("json")
