"""The public blueprints: ``bp`` (``/public``: the showcase, results, open data, and the pages where admins
and OPDs decide what is public) and ``site_bp`` (``/sitemap.xml``, ``/robots.txt`` at the site's root).

The public pages take their language from the URL (``?lang=en``; Indonesian without it), never from the
session, so a cached copy always matches its URL and a crawler can index both languages.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import force_locale

from innovation.http_cache import conditional
from innovation.public.settings import licence

bp = Blueprint("public", __name__, url_prefix="/public")
site_bp = Blueprint("site", __name__)

LANGUAGES = ("id", "en")
MAX_AGE = 300  # seconds a browser or proxy may keep a public page


def page_lang() -> str:
    """The public page's language: ``?lang=en`` or Indonesian."""
    return "en" if request.args.get("lang") == "en" else "id"


def in_page_language(view):
    """Run a public view in the language its URL names."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with force_locale(page_lang()):
            return view(*args, **kwargs)

    return wrapped


@bp.app_template_global("public_url")
def public_url(endpoint: str, _lang: str | None = None, _external: bool = False, **values) -> str:
    """``url_for`` that keeps the page's language (or sets ``_lang``)."""
    lang = _lang or page_lang()
    if lang != "id":
        values["lang"] = lang
    return url_for(endpoint, _external=_external, **values)


@bp.app_template_global("same_page_in")
def same_page_in(lang: str, _external: bool = False) -> str:
    """This public page's URL in ``lang`` (its other query arguments kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if lang != "id":
        args.append(("lang", lang))
    base = request.base_url if _external else request.path
    return base + ("?" + urlencode(args) if args else "")


def render_public(template: str, **context) -> Response:
    """A public page: rendered with the licence in force, its language named, cached (ETag, 304)."""
    response = make_response(render_template(template, licence=licence(), **context))
    response.headers["Content-Language"] = page_lang()
    return conditional(response, max_age=MAX_AGE)
