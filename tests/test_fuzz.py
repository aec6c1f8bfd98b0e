"""No 5xx from anything a client can send: every route of the app, junk from hypothesis, every role.

The test walks ``app.url_map`` (a route added later is fuzzed without a line here), so every
method of every rule gets junk: a query string on every request, a body (urlencoded, multipart with
a file, JSON where a form is expected) on the others, with the field names the app's own pages put
in their forms for that URL (read from the GET pages the role can open) plus random ones, duplicated
fields, and the headers a tus client sends. Paths use the ids of a real ``world`` (tests/
test_authorization.py), so the views run deep, and ids out of the columns' range.

Values: NUL bytes, lone surrogates (as the raw UTF-8-style bytes a client can send), control and
bidirectional characters, NaN, Infinity, 2^31, 2^63, 10^30, over-long strings, dates that do not
exist, wrong choices, plus hypothesis' own text. An exception (TESTING propagates them) or a 5xx
fails the test with the request that caused it.

Bounded for the suite: ``FUZZ_EXAMPLES`` examples per route and role (2 by default, derandomized so a
run is repeatable); ``make fuzz`` runs many more, randomized.
"""
from __future__ import annotations

import base64
import io
import json
import os
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from conftest import TEST_PASSWORD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_authorization import POLICY, world  # noqa: F401  (world: the fixture, with ids for every rule)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"  # make fuzz: a new random run each time
ROLES = ("anon", "owner", "judge", "verifier", "admin")
SKIPPED_ARGS = {"filename"}  # static files: paths, not input

NASTY = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\x07\x1b[2J", "\u202etxt.exe", "\u2066\u200f", "\ufeff",
    "NaN", "nan", "-nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e-400",
    "-1", "0", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775808", str(10**30),
    "99999999999999999999999999.999", "0x1F", "1,5", "1.5", "١٢٣", "true", "on", "null", "[]", "{}",
    "2026-13-45", "2026-02-30", "0000-00-00", "9999-12-31T23:59", "2026-10-01T25:61", "24:00",
    "A" * 300, "é" * 5000, "𝕏" * 70, "<script>alert(1)</script>", "' OR '1'='1", "../../etc/passwd",
    "%00", "%ED%A0%80", "admin", "operator", "pass", "fail", "sesuai", "tidak_sesuai", "register", "up", "down",
]
junk = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
junk_ids = st.sampled_from([0, 2**31 - 1, 2**31, 2**32 + 1, 2**63, 10**30])
header_text = st.one_of(
    st.sampled_from(["", "-1", "0", "1", "2147483648", str(10**30), "NaN", "1.0.0", "abc", "x" * 9000]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40),
)
TUS_META_KEYS = ["filename", "innovation_id", "indicator_no", "slot", "replaces", "kind", "year"]


def _encode(value: str) -> str:
    """A value as a client sends it in a query or an urlencoded body: lone surrogates as raw bytes."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _urlencoded(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


# --- which fields the app's own pages send to each URL -----------------------------------------


class FormFields(HTMLParser):
    """Field names of every form on a page, by the path the form is sent to."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.found: dict[str, set[str]] = {}
        self.action: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = urlsplit(attrs.get("action") or self.page_path).path or self.page_path
            self.found.setdefault(self.action, set())
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            self.found.setdefault(self.action or self.page_path, set()).add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.action = None


def _path(app, endpoint: str, ids: dict, rule) -> str:
    """The rule's path with the world's ids (the authorization table's), else with plain values."""
    policy = POLICY.get(endpoint)
    if policy is not None:
        return policy.path.format(**ids)
    values = {name: 1 if type(rule._converters[name]).__name__.endswith("IntConverter") else "x"
              for name in rule.arguments}
    return app.url_map.bind("localhost").build(endpoint, values)


def _junk_path(app, rule, value: int) -> str | None:
    """The rule with every integer argument set to an out-of-range id (None: it has none)."""
    ints = [n for n in rule.arguments if "Int" in type(rule._converters[n]).__name__]
    if not ints:
        return None
    values = {name: value if name in ints else "x" for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _sign_in(app, users, role):
    client = app.test_client()
    if role != "anon":
        response = client.post("/auth/login", data={"username": users[role].username, "password": TEST_PASSWORD})
        assert response.status_code == 302, f"{role} could not sign in: {response.status_code}"
    return client


def _targets(app, ids):
    """(endpoint, method, path, rule) for every method of every rule."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static":
            continue
        path = _path(app, rule.endpoint, ids, rule)
        methods = set(rule.methods) - {"HEAD", "OPTIONS"} or set(rule.methods)
        if rule.endpoint.startswith("uploads."):
            methods = set(rule.methods) - ({"OPTIONS"} if len(rule.methods) > 1 else set())
        for method in sorted(methods):
            yield rule.endpoint, method, path, rule


def _fields_by_path(app, users, role, ids) -> dict[str, set[str]]:
    client = _sign_in(app, users, role)
    fields: dict[str, set[str]] = {}
    for endpoint, method, path, _rule in _targets(app, ids):
        if method != "GET":
            continue
        response = client.get(path)
        body = response.get_data()  # every body read to its end (a streamed one too), then closed
        response.close()
        if response.status_code == 200 and response.mimetype == "text/html":
            parser = FormFields(urlsplit(path).path)
            parser.feed(body.decode())
            for action, names in parser.found.items():
                fields.setdefault(action, set()).update(names)
    return fields


@st.composite
def requests(draw, method: str, path: str, rule, names: list[str], app):
    """One hostile request to ``path`` (or to the rule with out-of-range ids)."""
    if draw(st.integers(0, 4)) == 0:
        path = _junk_path(app, rule, draw(junk_ids)) or path
    keys = draw(st.lists(st.one_of(st.sampled_from(names), junk.filter(bool)) if names else junk.filter(bool),
                         max_size=8))
    pairs = [(key, draw(junk)) for key in keys]
    if pairs and draw(st.booleans()):
        pairs.append((pairs[0][0], draw(junk)))  # a duplicated field
    query = [(draw(st.sampled_from(["page", "q", "opd", "status", "per_page", "year", "next", *names[:5]])),
              draw(junk)) for _ in range(draw(st.integers(0, 3)))]
    headers = {}
    if draw(st.booleans()):
        meta = ",".join(
            f"{key} {base64.b64encode(value.encode('utf-8', 'surrogatepass')).decode()}"
            for key, value in zip(draw(st.lists(st.sampled_from(TUS_META_KEYS), max_size=5)),
                                  draw(st.lists(junk, min_size=5, max_size=5)))
        )
        headers = {"Tus-Resumable": draw(st.sampled_from(["1.0.0", "0.2"])), "Upload-Metadata": meta,
                   "Upload-Length": draw(header_text), "Upload-Offset": draw(header_text),
                   "Content-Type": draw(st.sampled_from(["application/offset+octet-stream", "text/plain"]))}
    body_kind = draw(st.sampled_from(["form", "multipart", "json", "raw"])) if method != "GET" else None
    return {"method": method, "path": path, "query": _urlencoded(query), "pairs": pairs, "headers": headers,
            "body_kind": body_kind, "raw": draw(st.binary(max_size=64))}


def _send(client, request: dict):
    url = request["path"] + (("?" + request["query"]) if request["query"] else "")
    kind, pairs, headers = request["body_kind"], request["pairs"], dict(request["headers"])
    if kind is None:
        url += ("&" if "?" in url else "?") + _urlencoded(pairs) if pairs else ""
        return client.open(url, method=request["method"], headers=headers)
    if kind == "form":
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return client.open(url, method=request["method"], data=_urlencoded(pairs), headers=headers)
    if kind == "json":
        headers["Content-Type"] = "application/json"
        body = json.dumps(dict(pairs)).encode("utf-8", "surrogatepass")  # \ud800 escapes stay as JSON escapes
        return client.open(url, method=request["method"], data=body, headers=headers)
    if kind == "multipart":
        headers.pop("Content-Type", None)
        data = {}
        for key, value in pairs:
            data.setdefault(key.encode("utf-8", "surrogatepass").decode("utf-8", "replace"), []).append(
                value.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
        data["file"] = (io.BytesIO(request["raw"]), "\u202eevil\x00.pdf")
        return client.open(url, method=request["method"], data=data, headers=headers,
                           content_type="multipart/form-data")
    return client.open(url, method=request["method"], data=request["raw"], headers=headers)


@pytest.mark.parametrize("role", ROLES)
def test_no_5xx_from_any_input(role, app, db, world, monkeypatch):  # noqa: F811 (the imported fixture)
    monkeypatch.setitem(app.config, "JOBS_SYNC", True)  # a started export runs inline, in the test's transaction
    users, ids = world
    fields = _fields_by_path(app, users, role, ids)
    for endpoint, method, path, rule in _targets(app, ids):
        client = _sign_in(app, users, role)
        names = sorted(fields.get(urlsplit(path).path, set()) | set((POLICY.get(endpoint) and POLICY[endpoint].data)
                                                                    or {}))

        @settings(max_examples=EXAMPLES, derandomize=not RANDOM, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(request=requests(method, path, rule, names, app))
        def no_server_error(request):
            try:
                response = _send(client, request)
            except Exception as error:  # TESTING propagates a view's exception: a 500 in production
                db.session.rollback()  # to the test's savepoint, so the next example runs on a working session
                raise AssertionError(f"{role} {endpoint}: {type(error).__name__}: {error} for {request!r}") from error
            status = response.status_code
            response.get_data()  # run a streamed body to its end, inside this example (as a server would)
            response.close()
            assert status < 500, f"{role} {endpoint}: {status} for {request!r}"

        no_server_error()
