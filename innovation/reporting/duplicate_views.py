"""The admin's report of likely duplicate innovations: merge one into the other, or mark them distinct."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from innovation import web
from innovation.innovations import duplicates as finder
from innovation.innovations.models import Innovation
from innovation.reporting import duplicates, policy
from innovation.reporting.blueprint import bp
from innovation.web import get_or_404, role_required


@bp.route("/duplicates")
@role_required(*policy.ADMINS)
def duplicate_report():
    return render_template("reporting/duplicates.html", pairs=finder.likely_duplicates())


def _pair() -> tuple[Innovation, Innovation]:
    first = get_or_404(Innovation, web.int_arg("first", source=request.form))
    second = get_or_404(Innovation, web.int_arg("second", source=request.form))
    return first, second


@bp.route("/duplicates/distinct", methods=["POST"])
@role_required(*policy.ADMINS)
def duplicate_distinct():
    first, second = _pair()
    web.attempt(lambda: finder.mark_distinct(first, second, by=web.current()),
                success=_("Ditandai berbeda: pasangan ini tidak tampil lagi di laporan."))
    return redirect(url_for("reporting.duplicate_report"))


@bp.route("/duplicates/merge", methods=["POST"])
@role_required(*policy.ADMINS)
def duplicate_merge():
    keep, drop = _pair()  # "first" is kept, "second" merged into it
    web.attempt(lambda: duplicates.merge_duplicate(keep, drop, by=web.current()),
                success=_("Digabung. Jawaban dan bukti yang belum ada dipindahkan ke inovasi yang disimpan."))
    return redirect(url_for("reporting.duplicate_report"))
