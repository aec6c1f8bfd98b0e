"""Nothing that is not public ever appears: a crawler, anonymous, follows every link from the showcase's
home and the sitemap (pages, downloads, API documents, links inside JSON), and everything it received is
searched for the private values of the same innovations, read from the database."""
from __future__ import annotations

import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from open_platform import PRIVATE, seed

from innovation.public import fields as catalogue

MAX_PAGES = 600
HOST = "localhost"
LINK = re.compile(r'(?:href|src)="([^"]+)"')
LOC = re.compile(r"<loc>([^<]+)</loc>")


def _links(url: str, response) -> list[str]:
    body = response.get_data(as_text=True)
    found = [urljoin(url, link.replace("&amp;", "&")) for link in LINK.findall(body)] + LOC.findall(body)
    if response.mimetype == "application/json":
        def strings(value):
            if isinstance(value, dict):
                for item in value.values():
                    yield from strings(item)
            elif isinstance(value, list):
                for item in value:
                    yield from strings(item)
            elif isinstance(value, str) and value.startswith("http"):
                yield value
        try:
            found += list(strings(json.loads(body)))
        except ValueError:
            pass
    return found


def crawl(client, starts: list[str]) -> dict[str, str]:
    """Every same-site URL reachable with GET from ``starts``: url -> body (text)."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", HOST) or url in seen:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        assert response.status_code < 500, url
        seen[url] = response.get_data(as_text=True) if response.status_code == 200 else ""
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urljoin(url, response.headers["Location"]))
        elif response.status_code == 200 and response.mimetype in ("text/html", "application/json",
                                                                    "application/xml", "text/plain"):
            queue.extend(_links(url, response))
    assert len(seen) < MAX_PAGES, "the crawl did not finish"
    return seen


def private_values(db) -> dict[str, str]:
    """What the public must not see, read from the database: every value of a field that is not public (for
    the registered innovations), everything about unregistered innovations, the OPDs' explanations, the
    verifiers' notes, evidence that is not public, and the accounts (judges' names included)."""
    from innovation.auth.models import User
    from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation
    from innovation.public.settings import load_settings

    shown = {f.code for f in catalogue.FIELDS if f.always} | set(load_settings().fields)
    hidden_columns = {"nama_inisiator": None}
    for code, columns in (("manfaat", ["manfaat"]), ("hasil", ["hasil"]), ("rancang_bangun", ["rancang_bangun"]),
                          ("nomor_register", ["nomor_register"]), ("tujuan", ["tujuan"]),
                          ("koordinat", ["latitude"])):
        if code not in shown:
            hidden_columns.update({column: code for column in columns})
    values: dict[str, str] = {}
    for innovation in db.session.scalars(db.select(Innovation)):
        for column in hidden_columns:
            value = getattr(innovation, column)
            if value not in (None, ""):
                values[f"innovation {innovation.id} {column}"] = str(value)[:40]
        if innovation.registered_at is None:
            values[f"innovation {innovation.id} name"] = innovation.nama
            if innovation.tujuan:
                values[f"innovation {innovation.id} tujuan"] = innovation.tujuan[:40]
    for answer in db.session.scalars(db.select(IndicatorAnswer)):
        for column in ("informasi", "verification_note"):
            if getattr(answer, column):
                values[f"answer {answer.id} {column}"] = getattr(answer, column)[:40]
    for item in db.session.scalars(db.select(Evidence)):
        if not item.is_public:
            values[f"evidence {item.id}"] = item.display_name
    for user in db.session.scalars(db.select(User)):
        values[f"user {user.id} name"] = user.full_name
        values[f"user {user.id} username"] = f'"{user.username}"'
    return values


@pytest.mark.parametrize("everything_public", [False, True], ids=["default-fields", "all-fields-public"])
def test_the_crawler_sees_nothing_private(client, db, make_opd, make_user, make_innovation, make_event,
                                          everything_public):
    from innovation.public.settings import load_settings

    world = seed(db, make_opd, make_user, make_innovation, make_event)
    if everything_public:
        load_settings().fields = [f.code for f in catalogue.CHOOSABLE]
        db.session.flush()
    pages = crawl(client, ["http://localhost/public/", "http://localhost/sitemap.xml",
                           "http://localhost/public/?lang=en"])
    visited = set(pages)
    # it went everywhere a visitor can go
    for expected in (f"/public/innovations/{world.registered.id}", f"/public/evidence/{world.public_file.id}/file",
                     f"/public/events/{world.event.slug}/results", f"/public/results/{world.snapshot.id}.json",
                     "/public/data/innovations.csv", "/public/data/innovations.json", "/public/data/dictionary",
                     f"/api/v1/innovations/{world.registered.id}", "/api/v1/docs", "/api/v1/openapi.json"):
        assert any(urlsplit(url).path == expected for url in visited), expected
    everything = "\n".join(pages.values())
    secrets = private_values(db)
    assert len(secrets) > 15  # the seeded world has private values of every kind
    leaked = {what: value for what, value in secrets.items() if value in everything}
    assert leaked == {}
    for name, marker in PRIVATE.items():
        if everything_public and name in ("design", "benefit", "result", "register", "coordinate"):
            continue  # made public on purpose in this run
        assert marker not in everything, name
