"""The contract: schemathesis generates requests from /api/v1/openapi.json (valid ones and, negative, invalid
ones; without a token and with a token holding every scope), sends them to the app, and checks every
answer: no server error, a documented status code and content type, a body matching its schema, invalid
input refused. Bounded and derandomised: a fixed set of examples per run, well under a minute on each
database."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from open_platform import seed
from schemathesis import GenerationMode

from innovation.api.tokens import SCOPE_CODES

EXAMPLES = {"positive": 60, "negative": 40}


def without_cursor(case):
    if case.query:
        case.query.pop("cursor", None)
    return case


@pytest.fixture
def world(db, make_opd, make_user, make_innovation, make_event):
    return seed(db, make_opd, make_user, make_innovation, make_event)


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("caller", ["anonymous", "token"])
def test_every_response_matches_the_document(app, db, admin, world, mode, caller):
    from innovation.api import tokens

    headers = {"Accept-Encoding": "identity"}  # the WSGI transport does not decode compressed bodies
    if caller == "token":
        headers["Authorization"] = "Bearer " + tokens.create_token(name="Kontrak", scopes=list(SCOPE_CODES),
                                                                    by=admin)[1]
        db.session.flush()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    strategy = schema.as_strategy(generation, headers=headers)
    if mode == "positive":  # a cursor is a link from the previous page, not data to invent (tests/test_api.py)
        strategy = strategy.map(without_cursor)
    calls = []

    @given(case=strategy)
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call_and_validate(headers=headers)
        calls.append((case.operation.label, response.status_code))

    run()
    assert all(status < 500 for _, status in calls)
    # it reached the operations: all ten with valid data; with invalid data the eight that take parameters
    assert len({label for label, _ in calls}) >= (9 if mode == "positive" else 6)
