"""The landing page: each role starts where its work is."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from innovation.web import Role

bp = Blueprint("home", __name__)

# Where each role starts; any other role starts at the innovation list.
START_PAGES = {Role.JUDGE: "judging.queue", Role.PIMPINAN: "leaders.index"}


@bp.route("/")
@login_required
def index():
    return redirect(url_for(START_PAGES.get(current_user.role, "innovations.index")))


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
