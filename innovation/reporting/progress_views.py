"""The admin's progress board with charts (SVG drawn on the server) and their tables."""
from __future__ import annotations

from flask import render_template, request

from innovation.reporting import board, policy, progress
from innovation.reporting.blueprint import bp
from innovation.rules import available_years, latest_year
from innovation.web import role_required


@bp.route("/progress")
@role_required(*policy.ADMINS)
def progress_board():
    year = request.args.get("year", type=int)
    year = year if year in available_years() else latest_year()
    events = progress.events_of(year)
    slug = request.args.get("event")
    slug = slug if slug in {s for s, _name in events} else None
    return render_template("reporting/progress.html", year=year, years=available_years(), events=events,
                           event_slug=slug, charts=board.board(year, slug))
