"""Results pages on the ``judging`` blueprint: the admin's results and publishing, the operator's own
results after publication, the XLSX export and the winners' certificates.

Policy: admins see everything; an operator sees nothing of a round before it is published ("belum
diumumkan"), and afterwards their own OPD's entries in full with anonymous judges plus the public
ranking; judges and verifiers have no results pages (judges learn the outcome with everyone else).
"""
from __future__ import annotations

import io
import math
from datetime import datetime
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from innovation.events.models import Event
from innovation.extensions import db
from innovation.judging import results as services
from innovation.judging.certificates import certificate_pdf
from innovation.judging.export import export_filename, write_results_xlsx
from innovation.judging.models import Round, RoundKind
from innovation.judging.statistics import AGGREGATES, METHODS
from innovation.judging.views import bp
from innovation.pagination import ListPage
from innovation.timeutil import format_local
from innovation.web import Role, ensure, role_required

MAX_ID = 2**31 - 1
RANKING_PER_PAGE = 50  # rows of the full ranking per page
PODIUM_SHOWN = 10  # at most this many of each category's winners on the results page
JUDGES_SHOWN = 50  # judges listed on the results page, flagged and furthest from the others first (all: XLSX)
FLAGGED_SHOWN = 50  # the largest flagged gaps listed on the results page (all: entry pages, XLSX)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def _results_helpers():
    def iso_local(value: str | None) -> str:
        return format_local(datetime.fromisoformat(value)) if value else ""

    return {"iso_local": iso_local}


def _round_or_404(round_id: int) -> Round:
    if not (0 < round_id <= MAX_ID):
        abort(404)
    round_ = db.get_or_404(Round, round_id)
    if round_.kind == RoundKind.ADMINISTRASI:
        abort(404)
    return round_


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.values.get(name, default)
    return value if value in allowed else default


def _can_see_entries_of(round_: Round) -> bool:
    return current_user.role == Role.ADMIN or (current_user.role == Role.OPERATOR and round_.published_at is not None)


@bp.route("/results")
@role_required(Role.ADMIN, Role.OPERATOR)
def results_index():
    """The scored rounds: all of them for an admin, the published ones for an operator."""
    query = (select(Round).join(Event, Round.event_id == Event.id).where(Round.kind != RoundKind.ADMINISTRASI)
             .order_by(Event.opens_at.desc(), Round.position))
    if current_user.role != Role.ADMIN:
        query = query.where(Round.published_at.is_not(None))
    rounds = list(db.session.scalars(query))
    return render_template("judging/results_index.html", rounds=rounds)


def paginate_list(rows: list, page: int, per_page: int) -> ListPage:
    page = min(max(page, 1), max(1, math.ceil(len(rows) / per_page)))
    return ListPage(rows[(page - 1) * per_page: page * per_page], page, per_page, len(rows))


def judges_shown(payload: dict) -> list[dict]:
    """The judges the page lists: all of them in the payload's order up to ``JUDGES_SHOWN``; beyond
    that (a panel of hundreds), the flagged ones first, then by distance from the other judges."""
    judges = payload["judges"]
    if len(judges) <= JUDGES_SHOWN:
        return judges

    def distance(judge: dict) -> Decimal:
        try:
            return abs(Decimal(str(judge.get("mean_deviation") or 0)))
        except ArithmeticError:
            return Decimal(0)

    return sorted(judges, key=lambda j: (not j.get("flag"), -distance(j)))[:JUDGES_SHOWN]


def flagged_scores(payload: dict) -> list[tuple[dict, dict, dict | None, str]]:
    """Every flagged score of the payload, the largest gap first: (entry, sheet, criterion or None
    for the total, gap)."""
    criteria = {c["id"]: c for c in payload["criteria"]}
    found = []
    for entry in payload["entries"]:
        if not entry.get("flags"):
            continue
        for sheet in entry["sheets"]:
            if sheet["flag_gap"]:
                found.append((entry, sheet, None, sheet["flag_gap"]))
            found.extend((entry, sheet, criteria[sc["criterion_id"]], sc["flag_gap"])
                         for sc in sheet["scores"] if sc["flag_gap"])
    found.sort(key=lambda item: (-abs(float(item[3])), item[0]["rank"]))
    return found


@bp.route("/rounds/<int:round_id>/results")
@role_required(Role.ADMIN)
def results(round_id: int):
    """The round's result. The page stays the same size whatever the round's size: each category
    shows its winners, the full ranking (overall, or one category's with ``?category=ID``) is paged,
    the flagged scores are the largest few, and one entry's sheets and comments are shown with
    ``?entry=ID`` (600 entries in full were 1.8 MB of HTML and most of a 3 s response)."""
    round_ = _round_or_404(round_id)
    aggregate = _choice("aggregate", AGGREGATES, "mean")
    method = _choice("method", METHODS, "raw")
    payload, snapshot = services.round_payload(round_, aggregate=aggregate, method=method)
    keep = {} if snapshot else {"method": payload["method"], "aggregate": payload["aggregate"]}
    base = url_for("judging.results", round_id=round_.id, **keep)
    entry_base = base + ("&" if "?" in base else "?") + "entry="

    def entry_url(entry: dict) -> str:  # url_for per row cost more than the row itself
        return f"{entry_base}{entry['id']}"

    common = {"round": round_, "payload": payload, "snapshot": snapshot, "results_url": base}
    entry_id = request.args.get("entry")
    if entry_id is not None:
        entry = next((e for e in payload["entries"] if str(e["id"]) == entry_id), None)
        if entry is None:
            abort(404)
        return render_template("judging/results_entry.html", entry=entry, **common)
    memo = services.payload_memo(payload)  # derived once per computed payload, not per view
    if "by_id" not in memo:
        memo["by_id"] = {e["id"]: e for e in payload["entries"]}
        memo["flagged"] = flagged_scores(payload)
        memo["judges"] = judges_shown(payload)
    by_id, flagged = memo["by_id"], memo["flagged"]
    categories = {c["id"]: c for c in payload["categories"]}
    category = categories.get(request.args.get("category", type=int) or 0)
    winners_n = payload["winners_per_category"]
    podium_n = min(winners_n, PODIUM_SHOWN)
    podiums = {c["id"]: [by_id[i] for i in c["ranking"][:podium_n]] for c in payload["categories"]}
    rows = [by_id[i] for i in category["ranking"]] if category else payload["entries"]
    page = paginate_list(rows, request.args.get("page", 1, type=int) or 1, RANKING_PER_PAGE)
    return render_template(
        "judging/results.html", **common, verified=services.verify(snapshot) if snapshot else None,
        aggregates=AGGREGATES, methods=METHODS, entry_url=entry_url, podiums=podiums, podium_n=podium_n,
        category=category, ranking=page, flagged=flagged[:FLAGGED_SHOWN], flagged_total=len(flagged),
        judges=memo["judges"], judges_total=len(payload["judges"]),
    )


@bp.route("/rounds/<int:round_id>/results/publish", methods=["POST"])
@role_required(Role.ADMIN)
def publish_results(round_id: int):
    round_ = _round_or_404(round_id)
    aggregate = _choice("aggregate", AGGREGATES, "mean")
    method = _choice("method", METHODS, "raw")
    back = redirect(url_for("judging.results", round_id=round_.id, aggregate=aggregate, method=method))
    if request.form.get("confirm") != "1":
        flash(_("Centang pernyataan konfirmasi sebelum mengumumkan hasil."), "error")
        return back
    try:
        snapshot = services.publish(round_, by=current_user, aggregate=aggregate, method=method)
    except services.ResultsError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(_("Hasil diumumkan dan dibekukan. Checksum: %(sum)s", sum=snapshot.checksum), "success")
    return redirect(url_for("judging.results", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/my-results")
@role_required(Role.OPERATOR, Role.ADMIN)
def my_results(round_id: int):
    """An OPD's own results; an admin previews one OPD's page with ?opd=ID."""
    round_ = _round_or_404(round_id)
    if round_.published_at is None:
        return render_template("judging/results_unpublished.html", round=round_)
    snapshot = services.latest_snapshot(round_)
    if snapshot is None:
        return render_template("judging/results_unpublished.html", round=round_)
    if current_user.role == Role.OPERATOR:
        opd_id = current_user.opd_id
    else:
        opd_id = request.args.get("opd", type=int)
    view = services.operator_view(snapshot.payload, opd_id)
    return render_template("judging/results_operator.html", round=round_, payload=snapshot.payload,
                           snapshot=snapshot, view=view)


@bp.route("/events/<slug>/results.xlsx")
@role_required(Role.ADMIN)
def results_export(slug: str):
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    stream = io.BytesIO()
    write_results_xlsx(event, stream)
    stream.seek(0)
    return send_file(stream, mimetype=XLSX, as_attachment=True, download_name=export_filename(event))


@bp.route("/rounds/<int:round_id>/certificates/<int:entry_id>.pdf")
@role_required(Role.ADMIN, Role.OPERATOR)
def certificate(round_id: int, entry_id: int):
    """A winner's certificate, from the published snapshot (the admin and the winning OPD)."""
    round_ = _round_or_404(round_id)
    ensure(_can_see_entries_of(round_))
    snapshot = services.latest_snapshot(round_) if round_.published_at else None
    if snapshot is None:
        abort(404)
    entry = next((e for e in snapshot.payload["entries"] if e["id"] == entry_id), None)
    if entry is None:
        abort(404)
    ensure(current_user.role == Role.ADMIN or current_user.belongs_to(entry["opd_id"]))
    if not entry.get("winner"):
        abort(404)
    data = certificate_pdf(snapshot.payload, entry, checksum=snapshot.checksum)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=f"sertifikat-{snapshot.payload['event']['slug']}-{entry_id}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
