"""People's choice routes: the public voting page (no login; reached from the QR code at the venue) and the
admin's settings page with the link, the QR code, the live tally and a printable poster.

The voting page shows this device's own vote, so it is never cached by a proxy (``private, no-store``);
the vote is limited per address (flask-limiter, ``CHOICE_VOTE_LIMITS``) on top of one vote per device.
"""
from __future__ import annotations

import segno
from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from innovation import web
from innovation.choice import device, services
from innovation.choice.blueprint import bp
from innovation.choice.forms import ChoiceSettingsForm, VoteForm
from innovation.events.models import Event
from innovation.extensions import db, limiter
from innovation.public.blueprint import in_page_language, page_lang, public_url
from innovation.public.settings import licence
from innovation.timeutil import from_local, to_local
from innovation.web import Role, role_required

# A venue's visitors often share one address (the hall's Wi-Fi, a phone carrier's NAT): generous enough for a
# crowd, tight enough that a script clearing its cookie cannot stuff the ballot (CHOICE_VOTE_LIMITS overrides).
DEFAULT_VOTE_LIMITS = "20 per minute;200 per hour"


def vote_limits() -> str:
    return current_app.config.get("CHOICE_VOTE_LIMITS") or DEFAULT_VOTE_LIMITS


def _event_or_404(slug: str) -> Event:
    if len(slug) > 80:
        abort(404)
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def _vote_url(event: Event, lang: str = "id", external: bool = True) -> str:
    return public_url("choice.vote", _lang=lang, _external=external, slug=event.slug)


def _qr_svg(url: str, scale: int) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff",
                                                 title=_("Kode QR halaman pilihan pengunjung"))


# --- the public voting page ------------------------------------------------------------------------------

def _vote_page(event: Event, settings, token: str | None, *, error: str | None = None, status_code: int = 200):
    state = services.status(settings)
    vote = services.vote_of(settings, token) if settings is not None else None
    entries = services.ballot(settings) if settings is not None and state.code == "open" else []
    response = make_response(render_template(
        "choice/vote.html", event=event, state=state, entries=entries, vote=vote, error=error,
        form=VoteForm(), licence=licence(), voted=request.args.get("voted") == "1"), status_code)
    response.headers["Content-Language"] = page_lang()
    # This page shows the device's own vote: never kept by a shared cache, never reused for another device.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Cookie"
    if token is None:
        device.set_cookie(response, device.new_token())
    return response


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(vote_limits, methods=["POST"])
@in_page_language
def vote(slug: str):
    event = _event_or_404(slug)
    settings = services.settings_of(event)
    if settings is None or not settings.enabled:
        abort(404)
    token = device.token_from_request()
    if request.method == "GET":
        return _vote_page(event, settings, token)
    form = VoteForm()
    if not form.validate_on_submit():
        return _vote_page(event, settings, token, status_code=400,
                          error=_("Formulir kedaluwarsa. Muat ulang halaman lalu pilih lagi."))
    if token is None:  # the cookie is set by the page itself: a client that keeps none cannot vote
        return _vote_page(event, settings, None, status_code=400, error=_(
            "Perangkat ini belum dikenali. Izinkan cookie untuk situs ini, muat ulang halaman, lalu pilih lagi."))
    try:
        services.cast_vote(settings, token, web.int_arg("entry", source=request.form, minimum=1))
    except services.ChoiceError as error:
        db.session.rollback()
        return _vote_page(event, settings, token, error=str(error),
                          status_code=409 if error.field is None else 400)
    db.session.commit()
    return redirect(public_url("choice.vote", slug=event.slug, voted="1") + "#your-vote")


# --- the admin's pages -------------------------------------------------------------------------------------

@bp.route("/events/<slug>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings(slug: str):
    event = _event_or_404(slug)
    current = services.settings_of(event)
    shown = current or services.new_settings(event)
    rounds = services.rounds_of(event)
    form = ChoiceSettingsForm(obj=shown if request.method == "GET" else None).setup(rounds)
    if request.method == "GET":
        form.opens_at.data = to_local(shown.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(shown.closes_at).replace(tzinfo=None)
        form.round_id.data = str(shown.round_id) if shown.round_id else ""
    if form.validate_on_submit():
        saved = web.attempt(
            lambda: services.save_settings(
                event, current, enabled=form.enabled.data, opens_at=from_local(form.opens_at.data),
                closes_at=from_local(form.closes_at.data),
                round_id=int(form.round_id.data) if form.round_id.data else None,
                publish_tally=form.publish_tally.data, version=form.version.data, by=web.current()),
            success=lambda changes: _("Pengaturan pilihan pengunjung tersimpan.") if changes else _("Tidak ada perubahan."),
            form=form)
        if saved:
            return redirect(url_for("choice.settings", slug=event.slug))
    url = _vote_url(event)
    return render_template(
        "choice/settings.html", event=event, form=form, settings=current,
        state=services.status(current), tally=services.tally(current) if current is not None else None,
        ballot=services.ballot(shown), vote_url=url, vote_url_en=_vote_url(event, "en"), qr_svg=_qr_svg(url, 5))


@bp.route("/events/<slug>/poster")
@role_required(Role.ADMIN)
def poster(slug: str):
    """A printable A4 page for the venue: the QR code, the link, and how voting works."""
    event = _event_or_404(slug)
    current = services.settings_of(event)
    url = _vote_url(event)
    return render_template("choice/poster.html", event=event, settings=current, vote_url=url,
                           qr_svg=_qr_svg(url, 12))
