"""``/sitemap.xml``: every public page, each in Indonesian and English (``hreflang`` alternates)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select

from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.public.results import published_events

MAX_URLS = 50_000 // 2  # the protocol's limit per file; each page is listed in both languages


@dataclass(frozen=True)
class Page:
    endpoint: str
    values: dict
    lastmod: datetime | None = None


def pages() -> Iterator[Page]:
    yield Page("public.index", {})
    yield Page("public.events", {})
    yield Page("public.open_data", {})
    yield Page("public.dictionary", {})
    for event in published_events():
        yield Page("public.event_results", {"slug": event.slug})
    rows = db.session.execute(select(Innovation.id, Innovation.updated_at)
                              .where(Innovation.registered_at.is_not(None)).order_by(Innovation.id).limit(MAX_URLS))
    for innovation_id, updated_at in rows:
        yield Page("public.innovation", {"innovation_id": innovation_id}, updated_at)


def render(url: Callable[..., str]) -> str:
    """The sitemap's XML; ``url(endpoint, lang, **values)`` makes an absolute URL."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in pages():
        links = {lang: url(page.endpoint, lang, **page.values) for lang in ("id", "en")}
        alternates = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(href)}/>'
                             for lang, href in links.items())
        lastmod = f"<lastmod>{page.lastmod.date().isoformat()}</lastmod>" if page.lastmod else ""
        for href in links.values():
            lines.append(f"<url><loc>{escape(href)}</loc>{lastmod}{alternates}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
