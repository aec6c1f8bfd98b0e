"""HTTP caching of pages and documents that anyone may read: an ETag over the body, Cache-Control, and the
conditional GET answered 304 when the client's copy is current. Level 1: the public showcase and the read
API both use it; it knows no area.

Flask-Compress runs after this and extends a strong ETag with the encoding (``"abc:gzip"``), evaluating the
conditional request again on the compressed response, so a client that stored the compressed copy gets its
304 too.
"""
from __future__ import annotations

from flask import Response, request


def conditional(response: Response, *, max_age: int = 300, private: bool = False) -> Response:
    """Give a 200 ``response`` an ETag (sha1 of the body, unless it has one) and Cache-Control, then answer
    the request's If-None-Match / If-Modified-Since (304 without a body when they match)."""
    if response.status_code != 200:
        return response
    response.cache_control.max_age = max_age
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if not response.get_etag()[0]:
        response.add_etag()
    return response.make_conditional(request)


def client_has(etag: str) -> bool:
    """The request's If-None-Match names ``etag`` (also as Flask-Compress's ``etag:gzip`` / ``etag:br``), for a
    streamed response that checks before it is generated."""
    tags = request.if_none_match
    return tags.star_tag or any(tag == etag or tag.startswith(etag + ":") for tag in tags)
