"""The read API's routes (``/api/v1``). Each is documented and its query validated by ``spec.validate``;
it reads through ``resources`` and returns a response model. ``after_request`` gives every answer its ETag
(304 for a matching If-None-Match) and Cache-Control: ``public`` for what anyone may read, ``private`` when a
token was sent."""
from __future__ import annotations

from typing import TypeVar

from flask import Response, request, url_for

from innovation.api import access, resources, schemas
from innovation.api.blueprint import bp
from innovation.api.errors import ApiError
from innovation.api.spec import PUBLIC, TOKEN, VERSION, responses, spec
from innovation.http_cache import conditional
from innovation.public.settings import public_fields
from innovation.safe_input import needs_cleaning, quiet_clean, raw_query_pairs
from innovation.rules import available_years

MAX_AGE = 60
INNOVATIONS, INDEX, FOLLOWUP = "innovations:read", "index:read", "followup:read"
T = TypeVar("T")


@bp.before_request
def authenticate():
    access.authenticate()
    # Pages clean a control character out of a search quietly; a program is told its parameter is invalid,
    # as the document's patterns and lengths say (the cleaned value could pass a check the sent one fails).
    refused = sorted({key for key, value in raw_query_pairs(request) if needs_cleaning(key) or needs_cleaning(value)})
    if refused:
        raise ApiError(400, "invalid_parameter", details=[{"field": quiet_clean(key), "message": "control character"}
                                                          for key in refused])


@bp.after_request
def cache(response: Response) -> Response:
    response.vary.add("Authorization")
    response.vary.add("Accept-Language")
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        return conditional(response, max_age=MAX_AGE, private=access.presented_token() is not None)
    return response


def _or_404(found: T | None) -> T:
    """What a route looked up, or the API's 404 answer when there is none."""
    if found is None:
        raise ApiError(404)
    return found


def _innovation_view() -> tuple[bool, frozenset[str]]:
    full = access.allows(INNOVATIONS)
    return full, resources.EVERY_FIELD if full else public_fields()


@bp.route("/")
@spec.validate(resp=responses(schemas.ApiIndex, 401), tags=["meta"], security=PUBLIC)
def index():
    """The API's entry point: where the resources and the document are."""
    return schemas.ApiIndex(
        name="Inovasi Daerah API", version=VERSION, openapi=url_for("api_docs.openapi", _external=True),
        documentation=url_for("api_docs.reference", _external=True),
        resources={"innovations": url_for("api.innovations", _external=True),
                   "opds": url_for("api.opds", _external=True), "events": url_for("api.events", _external=True),
                   "index": url_for("api.index_years", _external=True),
                   "followup": url_for("api.followup", _external=True)})


@bp.route("/innovations")
@spec.validate(query=schemas.InnovationQuery, resp=responses(schemas.InnovationPage, 401), tags=["innovations"],
               security=PUBLIC)
def innovations():
    """Innovations, by id, a page at a time.

    Without a token: the registered innovations with the fields the region made public (searching and
    filtering only on those). With a token that has innovations:read: every innovation, every shareable
    field and the indicator scores."""
    query: schemas.InnovationQuery = request.context.query
    full, fields = _innovation_view()
    return resources.list_innovations(query, full=full, fields=fields,
                                      with_indicators=full or "skor_indikator" in fields)


@bp.route("/innovations/<int:innovation_id>")
@spec.validate(resp=responses(schemas.Innovation, 401), tags=["innovations"], security=PUBLIC)
def innovation(innovation_id: int):
    """One innovation with its indicator scores (when the caller may see them) and public documents."""
    full, fields = _innovation_view()
    found = _or_404(resources.find_innovation(innovation_id, full=full))
    return resources.innovation_model(found, fields, with_indicators=full or "skor_indikator" in fields)


@bp.route("/opds")
@spec.validate(query=schemas.OpdQuery, resp=responses(schemas.OpdPage, 401), tags=["opds"], security=PUBLIC)
def opds():
    """The region's OPDs (perangkat daerah), by id, with their number of registered innovations."""
    return resources.list_opds(request.context.query)


@bp.route("/opds/<int:opd_id>")
@spec.validate(resp=responses(schemas.Opd, 401), tags=["opds"], security=PUBLIC)
def opd(opd_id: int):
    """One OPD."""
    return _or_404(resources.opd(opd_id))


@bp.route("/events")
@spec.validate(query=schemas.EventQuery, resp=responses(schemas.EventPage, 401), tags=["events"], security=PUBLIC)
def events():
    """Innovation Week events, by id, with whether results were published."""
    return resources.list_events(request.context.query)


@bp.route("/events/<string(minlength=1, maxlength=80):slug>")
@spec.validate(resp=responses(schemas.Event, 401), tags=["events"], security=PUBLIC)
def event(slug: str):
    """One event."""
    return resources.event(_or_404(resources.find_event(slug)))


@bp.route("/events/<string(minlength=1, maxlength=80):slug>/results")
@spec.validate(resp=responses(schemas.EventResults, 401), tags=["events"], security=PUBLIC)
def event_results(slug: str):
    """The event's published results: per published round the ranking, the official checksum, and the public
    snapshot file (download_url) whose sha256 is download_sha256. Rounds not yet published are absent."""
    return resources.event_results(_or_404(resources.find_event(slug)))


@bp.route("/index")
@spec.validate(resp=responses(schemas.IndexYears, 401, 403), tags=["index"], security=TOKEN)
def index_years():
    """The years the district index can be computed for (Kemendagri rules exist). Needs index:read."""
    access.require(INDEX)
    return schemas.IndexYears(years=available_years())


@bp.route("/index/<int:year>")
@spec.validate(query=schemas.IndexQuery, resp=responses(schemas.DistrictIndex, 401, 403), tags=["index"],
               security=TOKEN)
def district_index(year: int):
    """The district's innovation index (IID) estimate for a year, from the claims and as verified. Needs
    index:read."""
    access.require(INDEX)
    if year not in available_years():
        raise ApiError(404)
    return resources.district_index(year, registered_only=request.context.query.registered_only)


@bp.route("/followup")
@spec.validate(resp=responses(schemas.Followup, 401, 403), tags=["followup"], security=TOKEN)
def followup():
    """The follow-up status per OPD: every item waiting on it (a line to fix after a verifier's verdict,
    mandatory evidence missing while a deadline is ahead, a changed line waiting for the verifier, a judge's
    overdue sheet) with its age and colour (green, yellow after yellow_after_days, red after red_after_days),
    and the OPD's counts by colour. Needs followup:read."""
    access.require(FOLLOWUP)
    return resources.followup()
