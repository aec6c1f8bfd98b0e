"""The admin's pages for the API: tokens (create with scopes, shown once; revoke) and webhooks (endpoints,
secrets shown once, the delivery log with each attempt, retry)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation import web
from innovation.api import tokens, webhooks
from innovation.api.blueprint import admin_bp
from innovation.api.forms import TokenForm, WebhookForm
from innovation.api.models import ApiToken, WebhookEndpoint
from innovation.extensions import db
from innovation.outbox import services as outbox
from innovation.outbox.models import OutboxDelivery
from innovation.web import Role, role_required


@admin_bp.route("/tokens", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tokens_page():
    form = TokenForm().setup()
    if form.validate_on_submit():
        created = web.attempt(lambda: tokens.create_token(name=form.name.data, scopes=form.scopes.data or [],
                                                          by=web.current()), form=form)
        if created:
            row, token = created.value
            return render_template("api/token_created.html", row=row, token=token)
    rows = list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))
    return render_template("api/tokens.html", form=form, rows=rows, scopes=tokens.SCOPES)


@admin_bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke_token(token_id: int):
    row = web.get_or_404(ApiToken, token_id)
    web.attempt(lambda: tokens.revoke_token(row, by=web.current()),
                success=_("Token %(p)s dicabut: permintaan dengan token ini ditolak mulai sekarang.", p=row.prefix))
    return redirect(url_for("api_admin.tokens_page"))


@admin_bp.route("/webhooks", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def webhooks_page():
    form = WebhookForm().setup()
    if form.validate_on_submit():
        created = web.attempt(lambda: webhooks.create_endpoint(
            name=form.name.data, url=form.url.data, events=form.events.data or [], secret=form.secret.data or "",
            by=web.current()), form=form)
        if created:
            endpoint, secret = created.value
            return render_template("api/webhook_secret.html", endpoint=endpoint, secret=secret)
    endpoints = list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
    return render_template("api/webhooks.html", form=form, endpoints=endpoints, events=webhooks.EVENTS)


@admin_bp.route("/webhooks/<int:endpoint_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def webhook(endpoint_id: int):
    endpoint = web.get_or_404(WebhookEndpoint, endpoint_id)
    form = WebhookForm(obj=endpoint if request.method == "GET" else None).setup(editing=True)
    if request.method == "GET":
        form.events.data = list(endpoint.events or [])
    if form.validate_on_submit():
        saved = web.attempt(lambda: webhooks.update_endpoint(
            endpoint, name=form.name.data, url=form.url.data, events=form.events.data or [],
            active=form.active.data, version=form.version.data, by=web.current()),
            success=lambda changes: _("Webhook tersimpan.") if changes else _("Tidak ada perubahan."), form=form)
        if saved:
            return redirect(url_for("api_admin.webhook", endpoint_id=endpoint.id))
    return render_template("api/webhook.html", endpoint=endpoint, form=form, events=webhooks.EVENTS,
                           deliveries=webhooks.deliveries_of(endpoint), max_attempts=outbox.MAX_ATTEMPTS)


@admin_bp.route("/webhooks/<int:endpoint_id>/rotate", methods=["POST"])
@role_required(Role.ADMIN)
def rotate_webhook_secret(endpoint_id: int):
    endpoint = web.get_or_404(WebhookEndpoint, endpoint_id)
    rotated = web.attempt(lambda: webhooks.rotate_secret(endpoint, by=web.current()))
    if rotated:
        return render_template("api/webhook_secret.html", endpoint=endpoint, secret=rotated.value)
    return redirect(url_for("api_admin.webhook", endpoint_id=endpoint.id))


@admin_bp.route("/webhooks/<int:endpoint_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_webhook(endpoint_id: int):
    endpoint = web.get_or_404(WebhookEndpoint, endpoint_id)
    web.attempt(lambda: webhooks.delete_endpoint(endpoint, by=web.current()), success=_("Webhook dihapus."))
    return redirect(url_for("api_admin.webhooks_page"))


@admin_bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
@role_required(Role.ADMIN)
def retry_delivery(delivery_id: int):
    delivery = web.get_or_404(OutboxDelivery, delivery_id)
    web.attempt(lambda: outbox.retry(delivery, by=web.current()),
                success=_("Pengiriman diulang pada putaran berikutnya."))
    endpoint_id = int(delivery.target.split(":", 1)[1]) if delivery.target.startswith("webhook:") else None
    if endpoint_id and db.session.get(WebhookEndpoint, endpoint_id) is not None:
        return redirect(url_for("api_admin.webhook", endpoint_id=endpoint_id))
    return redirect(url_for("api_admin.webhooks_page"))
