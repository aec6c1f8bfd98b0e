"""Results pages on the ``judging`` blueprint: the admin's results, publishing, reopening and the
chair's tie decisions; the operator's own results after publication; the XLSX export; certificates.

Who sees what is ``policy``'s: admins see everything; an operator sees nothing of a round before it is
published ("belum diumumkan"), and afterwards their own OPD's entries in full with anonymous judges
plus the public ranking; judges and verifiers have no results pages (judges learn the outcome with
everyone else). Every results page shows the current edition and the history of the round's
publications. A certificate is the winner's for an awarded place, a participation certificate
(which says so) for every other entry of the OPD.
"""
from __future__ import annotations

import io
import math

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation.documents import services as documents
from innovation.documents.settings import DocumentError
from innovation.events.models import Event
from innovation.extensions import db
from innovation.judging import policy, publication, results, results_cache, ties
from innovation.judging.blueprint import bp
from innovation.judging.export import export_filename, write_results_xlsx
from innovation.judging.lookups import choice, event_or_404
from innovation.judging.models import Round, RoundKind
from innovation.judging.result_types import CriterionResult, EntryResult, JudgeResult, RoundResults, SheetResult
from innovation.judging.statistics import AGGREGATES, METHODS, score_flag_floor
from innovation.pagination import ListPage
from innovation.web import MAX_INT, Role, attempt, current, ensure, id_in_range, role_required

RANKING_PER_PAGE = 50  # rows of the full ranking per page
PODIUM_SHOWN = 10  # at most this many of each category's winners on the results page
JUDGES_SHOWN = 50  # judges listed on the results page, flagged and furthest from the others first (all: XLSX)
FLAGGED_SHOWN = 50  # the largest flagged gaps listed on the results page (all: entry pages, XLSX)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round_or_404(round_id: int) -> Round:
    """A scored round, with what its results' cache key reads (one statement)."""
    round_ = results_cache.load_round(round_id) if id_in_range(Round, round_id) else None
    if round_ is None or round_.kind == RoundKind.ADMINISTRASI:
        abort(404)
    return round_


@bp.route("/results")
@role_required(Role.ADMIN, Role.OPERATOR)
def results_index():
    """The scored rounds: all of them for an admin, the published ones for an operator."""
    sees_all = policy.sees_all_results(current())
    query = (select(Round).join(Event, Round.event_id == Event.id).where(Round.kind != RoundKind.ADMINISTRASI)
             .order_by(Event.opens_at.desc(), Round.position))
    if not sees_all:
        query = query.where(Round.published_at.is_not(None))
    rounds = list(db.session.scalars(query))
    return render_template("judging/results_index.html", rounds=rounds, sees_all=sees_all)


def _editions(round_: Round, found: RoundResults) -> list[publication.Edition]:
    """The round's publication history, kept with its (cached) result: publishing and reopening mark
    the round changed, so a repeated view reads no snapshot row for it."""
    memo = results_cache.memo(found)
    if "editions" not in memo:
        memo["editions"] = publication.editions(round_)
    return memo["editions"]


def paginate_list(rows: list, page: int, per_page: int) -> ListPage:
    page = min(max(page, 1), max(1, math.ceil(len(rows) / per_page)))
    return ListPage(rows[(page - 1) * per_page: page * per_page], page, per_page, len(rows))


def judges_shown(found: RoundResults) -> list[JudgeResult]:
    """The judges the page lists: all of them in the results' order up to ``JUDGES_SHOWN``; beyond
    that (a panel of hundreds), the flagged ones first, then by distance from the other judges."""
    if len(found.judges) <= JUDGES_SHOWN:
        return found.judges
    return sorted(found.judges, key=lambda j: (not j.flag, -abs(j.mean_deviation or 0)))[:JUDGES_SHOWN]


def flagged_scores(found: RoundResults, limit: int | None = None
                   ) -> list[tuple[EntryResult, SheetResult, CriterionResult | None, object]]:
    """The flagged scores of the results, the largest gap first (then by rank): (entry, sheet, criterion
    or None for the total, gap); the first ``limit`` of them when given. Live results know each entry's
    largest gap (``flag_order``): only the entries that can hold one of the first ``limit`` are read
    (their sheets are built when read), not the thousands of flagged entries of a large round."""
    def of(entry: EntryResult) -> list:
        items = []
        for sheet in entry.sheets:
            if sheet.flag_gap:
                items.append((entry, sheet, None, sheet.flag_gap))
            items.extend((entry, sheet, found.criterion(sc.criterion_id), sc.flag_gap)
                         for sc in sheet.scores if sc.flag_gap)
        return items

    def key(item) -> tuple:
        return (-abs(item[3]), item[0].rank)

    flagged = []
    if limit is not None and found.flag_order is not None:
        ids, gaps = found.flag_order
        for entry_id, gap in zip(ids, gaps):
            if len(flagged) >= limit:
                kept = sorted(flagged, key=key)[limit - 1]
                if int(gap) < int(abs(kept[3]).scaleb(4)):  # this entry's and every later one's gaps are smaller
                    break
            flagged.extend(of(found.entry(int(entry_id))))
    else:
        for entry in found.entries:
            if entry.flags:
                flagged.extend(of(entry))
    flagged.sort(key=key)
    return flagged if limit is None else flagged[:limit]


@bp.route("/rounds/<int:round_id>/results", endpoint="results")
@role_required(Role.ADMIN)
def results_page(round_id: int):
    """The round's result. The page stays the same size whatever the round's size: each category
    shows its winners, the full ranking (overall, or one category's with ``?category=ID``) is paged,
    the flagged scores are the largest few, and one entry's sheets and comments are shown with
    ``?entry=ID`` (600 entries in full were 1.8 MB of HTML and most of a 3 s response)."""
    round_ = _round_or_404(round_id)
    aggregate, method = choice("aggregate", AGGREGATES, "mean"), choice("method", METHODS, "raw")
    found, snapshot, behind = results.page_results(round_, aggregate=aggregate, method=method)
    editions = _editions(round_, found)
    keep = {} if snapshot else {"method": found.method, "aggregate": found.aggregate}
    base = url_for("judging.results", round_id=round_.id, **keep)
    entry_base = base + ("&" if "?" in base else "?") + "entry="

    def entry_url(entry: EntryResult) -> str:  # url_for per row cost more than the row itself
        return f"{entry_base}{entry.id}"

    common = {"round": round_, "results": found, "snapshot": snapshot, "results_url": base, "editions": editions,
              "behind": behind}
    entry_id = request.args.get("entry")
    if entry_id is not None:
        entry = found.entry(int(entry_id)) if entry_id.isascii() and entry_id.isdigit() \
            and str(int(entry_id)) == entry_id else None
        if entry is None:
            abort(404)
        return render_template("judging/results_entry.html", entry=entry, **common)
    memo = results_cache.memo(found)  # derived once per computed result, not per view
    if "flagged" not in memo:
        memo["flagged"] = flagged_scores(found, FLAGGED_SHOWN)
        memo["flagged_total"] = sum(e.flags for e in found.entries)
        memo["judges"] = judges_shown(found)
        # what publishing would leave out: changes only with a submission or an assignment, which
        # move the cached result's key too (a repeated view reads no score sheet)
        memo["missing"] = [] if snapshot else publication.missing_sheets(round_)
    flagged = memo["flagged"]
    categories = {c.id: c for c in found.categories}
    category = categories.get(request.args.get("category", type=int) or 0)
    places = found.awards.places if found.awards else found.winners_per_category
    podium_n = min(max(places, 3), PODIUM_SHOWN)
    podiums = {c.id: [found.entry(i) for i in c.ranking[:podium_n]] for c in found.categories}
    rows = [found.entry(i) for i in category.ranking] if category else found.entries
    page = paginate_list(rows, request.args.get("page", 1, type=int) or 1, RANKING_PER_PAGE)
    pending = [] if snapshot else ties.pending_ties(found)
    return render_template(
        "judging/results.html", **common, verified=results.verify(snapshot) if snapshot else None,
        aggregates=AGGREGATES, methods=METHODS, entry_url=entry_url, podiums=podiums, podium_n=podium_n,
        category=category, ranking=page, flagged=flagged, flagged_total=memo["flagged_total"],
        judges=memo["judges"], judges_total=len(found.judges),
        missing=memo["missing"], pending_ties=pending,
        flag_floor=score_flag_floor((found.rubric.scale_min, found.rubric.scale_max)),
        winners=[e for e in found.entries if e.winner],
    )


def _back_to_results(round_: Round, aggregate: str | None = None, method: str | None = None):
    keep = {"aggregate": aggregate, "method": method} if aggregate else {}
    return redirect(url_for("judging.results", round_id=round_.id, **keep))


@bp.route("/rounds/<int:round_id>/results/publish", methods=["POST"])
@role_required(Role.ADMIN)
def publish_results(round_id: int):
    round_ = _round_or_404(round_id)
    aggregate, method = choice("aggregate", AGGREGATES, "mean"), choice("method", METHODS, "raw")
    if request.form.get("confirm") != "1":
        flash(_("Centang pernyataan konfirmasi sebelum mengumumkan hasil."), "error")
        return _back_to_results(round_, aggregate, method)
    if not attempt(lambda: publication.publish(round_, by=current(), aggregate=aggregate, method=method,
                                               incomplete_reason=request.form.get("incomplete_reason")),
                   success=lambda snapshot: _("Hasil diumumkan dan dibekukan sebagai edisi %(n)d. Checksum: %(sum)s",
                                              n=snapshot.edition, sum=snapshot.checksum)):
        return _back_to_results(round_, aggregate, method)
    return _back_to_results(round_)


@bp.route("/rounds/<int:round_id>/results/reopen", methods=["POST"])
@role_required(Role.ADMIN)
def reopen_results(round_id: int):
    round_ = _round_or_404(round_id)
    attempt(lambda: publication.reopen(round_, request.form.get("reason", ""), by=current()),
            success=lambda snapshot: _("Hasil edisi %(n)d dibuka kembali. Perbaiki yang perlu, lalu umumkan lagi: "
                                       "pengumuman berikutnya menjadi edisi %(next)d.",
                                       n=snapshot.edition, next=snapshot.edition + 1))
    return _back_to_results(round_)


@bp.route("/rounds/<int:round_id>/results/ties", methods=["POST"])
@role_required(Role.ADMIN)
def settle_tie(round_id: int):
    """The chair's order for one pending tie: ``entry_id`` fields in the tie's order, ``place-<id>``
    the place typed for each (1 = first), and the reason."""
    round_ = _round_or_404(round_id)
    aggregate, method = choice("aggregate", AGGREGATES, "mean"), choice("method", METHODS, "raw")
    ids = [int(v) for v in request.form.getlist("entry_id") if v.isdigit() and int(v) <= MAX_INT]
    places = {i: request.form.get(f"place-{i}", "") for i in ids}
    if sorted(places.values()) != [str(n) for n in range(1, len(ids) + 1)]:
        flash(_("Beri setiap entri yang seri urutan yang berbeda: 1 sampai %(n)d.", n=len(ids)), "error")
        return _back_to_results(round_, aggregate, method)
    ordered = sorted(ids, key=lambda i: int(places[i]))
    attempt(lambda: ties.settle_tie(round_, ordered, request.form.get("reason", ""), by=current(),
                                    aggregate=aggregate, method=method),
            success=_("Keputusan ketua atas nilai seri dicatat; peringkat diperbarui."))
    return _back_to_results(round_, aggregate, method)


@bp.route("/rounds/<int:round_id>/my-results")
@role_required(Role.OPERATOR, Role.ADMIN)
def my_results(round_id: int):
    """An OPD's own results; an admin previews one OPD's page with ?opd=ID. A reopened round shows
    that its result is being revised, and why, until it is published again."""
    round_ = _round_or_404(round_id)
    snapshot = results.latest_snapshot(round_) if round_.published_at is not None else None
    if snapshot is None:
        return render_template("judging/results_unpublished.html", round=round_,
                               editions=publication.editions(round_))
    found = results.published_results(snapshot)
    view = results.operator_view(found, policy.results_opd_id(current(), request.args.get("opd", type=int)))
    return render_template("judging/results_operator.html", round=round_, results=found, snapshot=snapshot,
                           view=view, editions=_editions(round_, found))


@bp.route("/events/<slug>/results.xlsx")
@role_required(Role.ADMIN)
def results_export(slug: str):
    event = event_or_404(slug)
    stream = io.BytesIO()
    write_results_xlsx(event, stream)
    stream.seek(0)
    return send_file(stream, mimetype=XLSX, as_attachment=True, download_name=export_filename(event))


@bp.route("/rounds/<int:round_id>/certificates/<int:entry_id>.pdf")
@role_required(Role.ADMIN, Role.OPERATOR)
def certificate(round_id: int, entry_id: int):
    """An entry's certificate, from the current published edition (the admin and the entry's OPD): the
    winner's for an awarded place, otherwise a participation certificate that says so."""
    round_ = _round_or_404(round_id)
    user = current()
    ensure(policy.may_see_results(user, round_))
    snapshot = results.latest_snapshot(round_) if round_.published_at else None
    if snapshot is None:
        abort(404)
    found = results.published_results(snapshot)
    entry = found.entry(entry_id)
    if entry is None or not entry.scored:
        abort(404)
    ensure(policy.may_get_certificate(user, round_, entry.opd_id))
    try:
        data, kind = documents.certificate(snapshot, entry, verify_url=lambda number: url_for(
            "public.verify_certificate", no=number, _external=True))
    except DocumentError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("judging.my_results", round_id=round_.id))
    db.session.commit()  # the edition's certificate numbers, issued on first use
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{kind}-{found.event.slug}-{entry_id}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
