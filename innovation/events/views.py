"""Innovation Week pages: the event list and page for everyone, management for admins, entries for OPDs.

Each view parses input, checks permission (``role_required`` plus model methods through ``ensure``),
calls one service, commits once, flashes and redirects. Deadlines are enforced by the services.
"""
from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from innovation.auth.models import Role
from innovation.auth.permissions import ensure, role_required
from innovation.events import entries as entry_services
from innovation.events import services
from innovation.events.forms import (
    ENTRY_STATUS_BADGES,
    ENTRY_STATUS_LABELS,
    CategoryChangeForm,
    CategoryForm,
    EnterForm,
    EntryFilterForm,
    EventCreateForm,
    EventForm,
    ExtensionEditForm,
    ExtensionForm,
    MoveCategoryForm,
    attach_error,
)
from innovation.events.models import (
    Category,
    DeadlineExtension,
    Entry,
    EntryStatus,
    Event,
)
from innovation.events.services import EventError
from innovation.extensions import db
from innovation.innovations.models import Innovation
from innovation.innovations.services import assess
from innovation.orgs.models import Opd
from innovation.timeutil import from_local, humanize_delta, to_local

bp = Blueprint("events", __name__, url_prefix="/events")

EVERYONE = (Role.ADMIN, Role.VERIFIER, Role.JUDGE, Role.OPERATOR)
ENTRANTS = (Role.OPERATOR, Role.ADMIN)


@bp.context_processor
def _helpers():
    def time_left(delta):
        return humanize_delta(delta, str(get_locale())) if delta is not None else ""

    return {
        "time_left": time_left,
        "entry_status_labels": ENTRY_STATUS_LABELS,
        "entry_status_badges": ENTRY_STATUS_BADGES,
    }


# --- helpers ---------------------------------------------------------------------------------

MAX_ID = 2**31 - 1  # an id beyond the column's range is simply not found (no database error)


def _get_or_404(model, ident: int | None):
    if ident is None or not (0 < ident <= MAX_ID):
        abort(404)
    return db.get_or_404(model, ident)


def _event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def _category_or_404(event: Event, category_id: int) -> Category:
    category = _get_or_404(Category, category_id)
    if category.event_id != event.id:
        abort(404)
    return category


def _entry_or_404(event: Event, entry_id: int) -> Entry:
    entry = _get_or_404(Entry, entry_id)
    if entry.event_id != event.id:
        abort(404)
    return entry


def _local_input(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive local wall-clock time a datetime-local input shows."""
    return to_local(value).replace(tzinfo=None) if value is not None else None


def _utc(value: datetime | None) -> datetime | None:
    return from_local(value) if value is not None else None


def _acting_opd_id() -> int | None:
    """The OPD whose entries the page shows: an operator's own; for an admin, the one chosen (?opd=)."""
    if current_user.role == Role.OPERATOR:
        return current_user.opd_id
    if current_user.role == Role.ADMIN:
        opd_id = request.values.get("opd", type=int)
        return opd_id if opd_id and 0 < opd_id <= MAX_ID else None
    return None


def _back_to_event(event: Event, opd_id: int | None = None):
    if current_user.role == Role.ADMIN and opd_id:
        return redirect(url_for("events.detail", slug=event.slug, opd=opd_id) + "#opd-entries")
    return redirect(url_for("events.detail", slug=event.slug) + "#opd-entries")


def _fail(error: EventError) -> None:
    db.session.rollback()
    flash(str(error), "error")


def _category_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name) for c in event.categories]


# --- everyone --------------------------------------------------------------------------------

@bp.route("/")
@role_required(*EVERYONE)
def index():
    events = list(db.session.scalars(select(Event).order_by(Event.opens_at.desc(), Event.id.desc())))
    opd_id = current_user.opd_id if current_user.role == Role.OPERATOR else None
    states = services.submission_states(events, opd_id)
    return render_template("events/list.html", events=events, states=states)


@bp.route("/<slug>")
@role_required(*EVERYONE)
def detail(slug: str):
    event = _event_or_404(slug)
    opd_id = _acting_opd_id()
    opd = db.session.get(Opd, opd_id) if opd_id else None
    if opd_id and opd is None:
        opd_id = None
    state = services.submission_state(event, opd_id)
    rows = entry_services.entries_for_opd(event, opd_id) if opd_id else []
    opds = (
        list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))
        if current_user.role == Role.ADMIN else []
    )
    return render_template(
        "events/detail.html", event=event, state=state, rows=rows, opd=opd, opds=opds,
        enter_form=EnterForm(), can_enter=current_user.role in ENTRANTS,
    )


# --- admin: events and categories ------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = EventCreateForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(
                name=form.name.data, slug=form.slug.data, year=form.year.data, description=form.description.data,
                opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data), by=current_user,
                categories=(form.categories.data or "").splitlines(),
            )
        except EventError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Event %(name)s dibuat.", name=event.name), "success")
            return redirect(url_for("events.detail", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(slug: str):
    event = _event_or_404(slug)
    form = EventForm(obj=None if request.method == "POST" else event)
    if request.method == "GET":
        form.opens_at.data = _local_input(event.opens_at)
        form.closes_at.data = _local_input(event.closes_at)
    if form.validate_on_submit():
        try:
            changes = services.update_event(
                event, name=form.name.data, slug=form.slug.data, year=form.year.data,
                description=form.description.data, opens_at=_utc(form.opens_at.data),
                closes_at=_utc(form.closes_at.data), by=current_user,
            )
        except EventError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Event disimpan.") if changes else _("Tidak ada perubahan."), "success")
            return redirect(url_for("events.edit", slug=event.slug))
    counts = services.category_entry_counts(event)
    return render_template(
        "events/form.html", form=form, event=event, counts=counts,
        category_form=CategoryForm(formdata=None),
    )


@bp.route("/<slug>/categories", methods=["POST"])
@role_required(Role.ADMIN)
def add_category(slug: str):
    event = _event_or_404(slug)
    form = CategoryForm()
    if not form.validate():
        flash(_("Nama kategori wajib diisi (maksimal 200 karakter)."), "error")
        return redirect(url_for("events.edit", slug=event.slug) + "#categories")
    try:
        category = services.add_category(event, form.name.data, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Kategori %(name)s ditambahkan.", name=category.name), "success")
    return redirect(url_for("events.edit", slug=slug) + "#categories")


@bp.route("/<slug>/categories/<int:category_id>/rename", methods=["POST"])
@role_required(Role.ADMIN)
def rename_category(slug: str, category_id: int):
    event = _event_or_404(slug)
    category = _category_or_404(event, category_id)
    form = CategoryForm()
    if not form.validate():
        flash(_("Nama kategori wajib diisi (maksimal 200 karakter)."), "error")
        return redirect(url_for("events.edit", slug=event.slug) + "#categories")
    try:
        services.rename_category(event, category, form.name.data, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Nama kategori disimpan."), "success")
    return redirect(url_for("events.edit", slug=slug) + "#categories")


@bp.route("/<slug>/categories/<int:category_id>/move", methods=["POST"])
@role_required(Role.ADMIN)
def move_category(slug: str, category_id: int):
    event = _event_or_404(slug)
    category = _category_or_404(event, category_id)
    form = MoveCategoryForm()
    if not form.validate():
        flash(_("Arah pemindahan tidak dikenal."), "error")
        return redirect(url_for("events.edit", slug=event.slug) + "#categories")
    try:
        services.move_category(event, category, form.direction.data, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
    return redirect(url_for("events.edit", slug=slug) + "#categories")


@bp.route("/<slug>/categories/<int:category_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def remove_category(slug: str, category_id: int):
    event = _event_or_404(slug)
    category = _category_or_404(event, category_id)
    name = category.name
    try:
        services.remove_category(event, category, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Kategori %(name)s dihapus.", name=name), "success")
    return redirect(url_for("events.edit", slug=slug) + "#categories")


# --- admin: deadline extensions --------------------------------------------------------------

@bp.route("/<slug>/extensions", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def extensions(slug: str):
    event = _event_or_404(slug)
    form = ExtensionForm()
    opds = list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))
    form.opd_id.choices = [SelectChoice("", _("— pilih OPD —"))] + [SelectChoice(o.id, o.name) for o in opds]
    if form.validate_on_submit():
        opd = db.session.get(Opd, form.opd_id.data)
        try:
            if opd is None:
                raise EventError(_("Pilih OPD."), "opd_id")
            services.grant_extension(event, opd, _utc(form.closes_at.data), form.reason.data, by=current_user)
        except EventError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Perpanjangan untuk %(opd)s disimpan.", opd=opd.name), "success")
            return redirect(url_for("events.extensions", slug=event.slug))
    return render_template(
        "events/extensions.html", event=event, form=form, extensions=services.list_extensions(event)
    )


def _extension_or_404(event: Event, extension_id: int) -> DeadlineExtension:
    extension = _get_or_404(DeadlineExtension, extension_id)
    if extension.event_id != event.id:
        abort(404)
    return extension


@bp.route("/<slug>/extensions/<int:extension_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_extension(slug: str, extension_id: int):
    event = _event_or_404(slug)
    extension = _extension_or_404(event, extension_id)
    form = ExtensionEditForm(obj=None if request.method == "POST" else extension)
    if request.method == "GET":
        form.closes_at.data = _local_input(extension.closes_at)
    if form.validate_on_submit():
        try:
            services.update_extension(extension, _utc(form.closes_at.data), form.reason.data, by=current_user)
        except EventError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Perpanjangan disimpan."), "success")
            return redirect(url_for("events.extensions", slug=event.slug))
    return render_template("events/extension_form.html", event=event, extension=extension, form=form)


@bp.route("/<slug>/extensions/<int:extension_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke_extension(slug: str, extension_id: int):
    event = _event_or_404(slug)
    extension = _extension_or_404(event, extension_id)
    name = extension.opd.name
    services.revoke_extension(extension, by=current_user)
    db.session.commit()
    flash(_("Perpanjangan untuk %(opd)s dicabut.", opd=name), "success")
    return redirect(url_for("events.extensions", slug=event.slug))


# --- admin: entries overview -----------------------------------------------------------------

@bp.route("/<slug>/entries")
@role_required(Role.ADMIN)
def entries(slug: str):
    event = _event_or_404(slug)
    form = EntryFilterForm(request.args)
    opds = list(db.session.scalars(select(Opd).order_by(Opd.name)))
    form.category.choices = [SelectChoice("", _("Semua kategori"))] + _category_choices(event)
    form.status.choices = [SelectChoice("", _("Semua status"))] + [
        SelectChoice(s.value, ENTRY_STATUS_LABELS[s]) for s in EntryStatus]
    form.opd.choices = [SelectChoice("", _("Semua OPD"))] + [SelectChoice(o.id, o.name) for o in opds]
    form.validate()
    # A filter that is not one of the choices is ignored rather than an error page.
    category_id = form.category.data if not form.category.errors else None
    status = form.status.data if not form.status.errors else None
    opd_id = form.opd.data if not form.opd.errors else None
    query = entry_services.entries_query(event, category_id=category_id, status=status or None, opd_id=opd_id)
    page = db.paginate(query, per_page=current_app.config.get("PER_PAGE", 25), error_out=False)
    return render_template("events/entries.html", event=event, form=form, page=page)


# --- operators (and admins for any OPD): entries ---------------------------------------------

@bp.route("/<slug>/enter", methods=["POST"])
@role_required(*ENTRANTS)
def enter(slug: str):
    event = _event_or_404(slug)
    form = EnterForm()
    form.category_id.choices = _category_choices(event)
    innovation_id = form.innovation_id.data
    innovation = _get_or_404(Innovation, int(innovation_id)) if (innovation_id or "").isdigit() and len(innovation_id) < 11 else None
    if innovation is None:
        flash(_("Pilih inovasi yang akan didaftarkan."), "error")
        return _back_to_event(event, _acting_opd_id())
    ensure(innovation.can_edit(current_user))
    if not form.validate_on_submit():
        flash(_("Pilih salah satu kategori event ini."), "error")
        return _back_to_event(event, innovation.opd_id)
    category = db.session.get(Category, form.category_id.data)
    try:
        entry = entry_services.enter_innovation(event, innovation, category, by=current_user)
    except EventError as error:
        _fail(error)
        return _back_to_event(event, innovation.opd_id)
    db.session.commit()
    flash(_("%(name)s didaftarkan sebagai draf. Kirim entri sebelum batas waktu.", name=innovation.nama), "success")
    return redirect(url_for("events.entry", slug=event.slug, entry_id=entry.id))


@bp.route("/<slug>/entries/<int:entry_id>")
@role_required(Role.OPERATOR, Role.ADMIN, Role.VERIFIER)
def entry(slug: str, entry_id: int):
    """The entry's page: its OPD and admins act here; verifiers read it (``entry.can_view``)."""
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_view(current_user))
    state = services.submission_state(event, entry.opd_id)
    form = CategoryChangeForm(formdata=None, category_id=entry.category_id)
    form.category_id.choices = _category_choices(event)
    readiness = assess(entry.innovation).readiness
    return render_template(
        "events/entry.html", event=event, entry=entry, state=state, form=form, readiness=readiness,
        can_edit=entry.can_edit(current_user),
    )


@bp.route("/<slug>/entries/<int:entry_id>/category", methods=["POST"])
@role_required(*ENTRANTS)
def change_category(slug: str, entry_id: int):
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_edit(current_user))
    form = CategoryChangeForm()
    form.category_id.choices = _category_choices(event)
    if not form.validate_on_submit():
        flash(_("Pilih salah satu kategori event ini."), "error")
        return redirect(url_for("events.entry", slug=event.slug, entry_id=entry.id))
    category = db.session.get(Category, form.category_id.data)
    try:
        entry_services.change_category(entry, category, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Kategori entri disimpan."), "success")
    return redirect(url_for("events.entry", slug=event.slug, entry_id=entry_id))


@bp.route("/<slug>/entries/<int:entry_id>/submit", methods=["POST"])
@role_required(*ENTRANTS)
def submit_entry(slug: str, entry_id: int):
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_edit(current_user))
    try:
        entry_services.submit_entry(entry, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Entri dikirim. Anda masih dapat mengubah atau menariknya sebelum batas waktu."), "success")
    return redirect(url_for("events.entry", slug=event.slug, entry_id=entry_id))


@bp.route("/<slug>/entries/<int:entry_id>/withdraw", methods=["POST"])
@role_required(*ENTRANTS)
def withdraw_entry(slug: str, entry_id: int):
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_edit(current_user))
    try:
        entry_services.withdraw_entry(entry, by=current_user)
    except EventError as error:
        _fail(error)
    else:
        db.session.commit()
        flash(_("Entri ditarik. Anda dapat mendaftarkannya lagi sebelum batas waktu."), "success")
    return redirect(url_for("events.entry", slug=event.slug, entry_id=entry_id))
