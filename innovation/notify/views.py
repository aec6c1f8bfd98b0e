"""The inbox (every role), one's notification settings, and the admins' delivery log with retry."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from innovation.extensions import db
from innovation.notify import services
from innovation.notify.blueprint import bp
from innovation.notify.forms import NotificationSettingsForm
from innovation.notify.models import Notification, NotificationDelivery
from innovation.web import Role, attempt, current, get_or_404, role_required, safe_next

ALL_ROLES = tuple(Role)


@bp.route("/")
@role_required(*ALL_ROLES)
def inbox():
    page = db.paginate(services.inbox_query(current()), per_page=25)
    return render_template("notify/inbox.html", page=page)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@role_required(*ALL_ROLES)
def open_message(notification_id: int):
    """Mark the message read and go to what it is about."""
    message = get_or_404(Notification, notification_id)
    if message.user_id != current().id:
        return redirect(url_for("notify.inbox"))
    attempt(lambda: services.mark_read(current(), message))
    return redirect(safe_next(message.link) or url_for("notify.inbox"))


@bp.route("/read-all", methods=["POST"])
@role_required(*ALL_ROLES)
def read_all():
    attempt(lambda: services.mark_read(current()),
            success=lambda n: _("%(n)d pesan ditandai sudah dibaca.", n=n) if n else None)
    return redirect(url_for("notify.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def settings():
    user = current()
    setting = services.settings_for(user)
    form = NotificationSettingsForm(obj=setting)
    if form.validate_on_submit():
        done = attempt(lambda: services.save_settings(user, email=form.email.data, whatsapp=form.whatsapp.data,
                                                      phone=form.phone.data or "", language=form.language.data),
                       form=form, errors=(services.NotifyError,), success=_("Pengaturan pemberitahuan disimpan."))
        if done:
            return redirect(url_for("notify.settings"))
    return render_template("notify/settings.html", form=form, user=user)


@bp.route("/deliveries")
@role_required(Role.ADMIN)
def deliveries():
    return render_template("notify/deliveries.html", deliveries=services.recent_deliveries(200))


@bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
@role_required(Role.ADMIN)
def retry(delivery_id: int):
    delivery = get_or_404(NotificationDelivery, delivery_id)
    attempt(lambda: services.retry(delivery, by=current()), errors=(services.NotifyError,),
            success=_("Pesan akan dikirim ulang pada putaran berikutnya."))
    return redirect(url_for("notify.deliveries"))
