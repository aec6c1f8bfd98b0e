"""What raises the index most: the planning office's ranked actions for this reporting window."""
from __future__ import annotations

from flask import render_template, request

from innovation.reporting import advice, policy
from innovation.reporting.blueprint import bp
from innovation.rules import available_years, get_rules, latest_year
from innovation.web import role_required


@bp.route("/advice")
@role_required(*policy.OFFICE)
def index_advice():
    year = request.args.get("year", type=int)
    year = year if year in available_years() else latest_year()
    verified = request.args.get("basis") != "claimed"
    rules = get_rules(year)
    return render_template("reporting/advice.html", advice=advice.advice_for(year, verified=verified), year=year,
                           years=available_years(), verified=verified,
                           urusan_label={o.code: o.label for o in rules.options["urusan"]})
