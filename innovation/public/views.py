"""The public showcase (no login): the listing with search and filters, a page per innovation, its public
evidence files, the published Innovation Week results with the snapshot download; the sitemap and
robots.txt. Every page is cached (ETag, Cache-Control, 304) and in the language its URL names."""
from __future__ import annotations

from flask import Response, abort, request, url_for

from innovation.choice import services as choice
from innovation.extensions import db
from innovation.http_cache import conditional
from innovation.innovations.models import Evidence
from innovation.public import results as public_results
from innovation.public import recompute, showcase, sitemap, verification
from innovation.public.blueprint import MAX_AGE, bp, in_page_language, public_url, render_public, site_bp
from innovation.public.settings import public_fields
from innovation.rules import get_rules
from innovation.storage.responses import stored_file_response
from innovation.web import get_or_404

PER_PAGE = 20


def certificate_verification_url() -> str:
    """The certificate verification page (issue 14)."""
    return public_url("public.verify_certificate")


@bp.route("/")
@in_page_language
def index():
    fields = public_fields()
    filters = showcase.filters_from(request.args, fields)
    page = db.paginate(showcase.listing_query(filters, fields), per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    rules = showcase.rules_for_filters()
    return render_public("public/index.html", page=page, filters=filters, fields=fields, rules=rules,
                         opds=showcase.opd_choices(), years=showcase.years(), summary=showcase.summary,
                         rules_of=get_rules)


@bp.route("/innovations/<int:innovation_id>")
@in_page_language
def innovation(innovation_id: int):
    found = showcase.public_innovation(innovation_id)
    if found is None:
        abort(404)
    fields = public_fields()
    return render_public("public/innovation.html", innovation=found, rules=found.rules, fields=fields,
                         evidence=showcase.public_evidence(found),
                         scores=showcase.indicator_scores(found) if "skor_indikator" in fields else None)


@bp.route("/evidence/<int:evidence_id>/file")
def evidence_file(evidence_id: int):
    item = get_or_404(Evidence, evidence_id)
    if not item.is_public or item.innovation.registered_at is None or item.file is None:
        abort(404)
    response = stored_file_response(item.file, item.file.original_name, what=f"public evidence {item.id}",
                                    inline=request.args.get("inline") == "1")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@bp.route("/events/")
@in_page_language
def events():
    return render_public("public/events.html", events=public_results.published_events())


@bp.route("/events/<slug>/results")
@in_page_language
def event_results(slug: str):
    event = public_results.published_event(slug)
    if event is None:
        abort(404)
    rounds = public_results.event_results(event)
    return render_public("public/results.html", event=event, rounds=rounds,
                         checksums={r.snapshot.id: public_results.public_checksum(r.snapshot) for r in rounds},
                         verification_url=certificate_verification_url(),
                         people_choice=choice.published_tally(event))  # its own section, never in the rankings


@bp.route("/results/<int:snapshot_id>.json")
def snapshot_json(snapshot_id: int):
    snapshot = public_results.published_snapshot(snapshot_id)
    if snapshot is None:
        abort(404)
    response = Response(public_results.public_json(snapshot), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="hasil-{snapshot.id}.json"'
    return conditional(response, max_age=MAX_AGE)


@bp.route("/certificates/verify")
@in_page_language
def verify_certificate():
    """A certificate's number (typed, or from its QR code) and what the register says of it."""
    number = (request.args.get("no") or "")[:200]
    found = verification.verify(number) if number.strip() else None
    response = render_public("public/verify.html", number=number, found=found)
    if number.strip() and found is None:
        response.status_code = 404
    return response


@bp.route("/results/recompute_results.py")
def recompute_script():
    """The script that recomputes a published result from its public file (docs/recompute_results.py),
    served so an outsider needs nothing but this site and Python 3."""
    response = Response(recompute.script_source(), mimetype="text/x-python")
    response.headers["Content-Disposition"] = 'attachment; filename="recompute_results.py"'
    return conditional(response, max_age=MAX_AGE)


# --- the site's root: sitemap and robots.txt ---------------------------------------------------------

def _absolute(endpoint: str, lang: str, **values) -> str:
    return public_url(endpoint, _lang=lang, _external=True, **values)


@site_bp.route("/sitemap.xml")
def sitemap_xml():
    return conditional(Response(sitemap.render(_absolute), mimetype="application/xml"), max_age=3600)


@site_bp.route("/robots.txt")
def robots_txt():
    text = ("User-agent: *\nAllow: /public/\nDisallow: /\n"
            f"Sitemap: {url_for('site.sitemap_xml', _external=True)}\n")
    return conditional(Response(text, mimetype="text/plain"), max_age=3600)
