"""The landing page: each role starts where its work is."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from innovation.auth.models import Role

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.OPERATOR:
        return redirect(url_for("innovations.index"))
    if current_user.role == Role.JUDGE:
        return redirect(url_for("judging.queue"))
    return redirect(url_for("innovations.index"))


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
