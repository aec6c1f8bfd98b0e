"""Innovation Week pages: the event list and page for everyone, management for admins, entries for OPDs.

Each view parses input, checks permission (``role_required`` plus model methods through ``ensure``),
calls one service, commits once, flashes and redirects (``web.attempt``). Deadlines are enforced by the
services.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from innovation.adminkit import per_page
from innovation.events import entries as entry_services
from innovation.events import services
from innovation.events.blueprint import bp
from innovation.events.forms import (
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
)
from innovation.events.models import (
    Category,
    DeadlineExtension,
    Entry,
    EntryStatus,
    Event,
)
from innovation.events.policy import acting_opd_id
from innovation.events.services import EventError
from innovation.extensions import db
from innovation.innovations.mentions import profile_mentions
from innovation.innovations.models import Innovation
from innovation.innovations.services import assess
from innovation.orgs.models import Opd
from innovation.timeutil import from_local, to_local
from innovation.web import Role, attempt, current, ensure, get_or_404, int_arg, may_open, role_required

EVERYONE = (Role.ADMIN, Role.VERIFIER, Role.JUDGE, Role.OPERATOR, Role.PIMPINAN)  # the list and an event's page
ENTRANTS = (Role.OPERATOR, Role.ADMIN)


# --- helpers ---------------------------------------------------------------------------------

def _event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def _category_or_404(event: Event, category_id: int) -> Category:
    category = get_or_404(Category, category_id)
    if category.event_id != event.id:
        abort(404)
    return category


def _entry_or_404(event: Event, entry_id: int) -> Entry:
    entry = get_or_404(Entry, entry_id)
    if entry.event_id != event.id:
        abort(404)
    return entry


def _extension_or_404(event: Event, extension_id: int) -> DeadlineExtension:
    extension = get_or_404(DeadlineExtension, extension_id)
    if extension.event_id != event.id:
        abort(404)
    return extension


def _local_input(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive local wall-clock time a datetime-local input shows."""
    return to_local(value).replace(tzinfo=None) if value is not None else None


def _utc(value: datetime | None) -> datetime | None:
    return from_local(value) if value is not None else None


def _acting_opd_id() -> int | None:
    """The OPD whose entries the page shows: an operator's own; for an admin, the one chosen (?opd=)."""
    return acting_opd_id(current(), int_arg("opd", source=request.values, minimum=1))


def _back_to_event(event: Event, opd_id: int | None = None):
    """The event page at the OPD's entries (an admin's page names the OPD it acts for)."""
    if current().is_admin and opd_id:
        return redirect(url_for("events.detail", slug=event.slug, opd=opd_id) + "#opd-entries")
    return redirect(url_for("events.detail", slug=event.slug) + "#opd-entries")


def _back_to_categories(event: Event):
    return redirect(url_for("events.edit", slug=event.slug) + "#categories")


def _category_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name) for c in event.categories]


def _active_opds() -> list[Opd]:
    return list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))


# --- everyone --------------------------------------------------------------------------------

@bp.route("/")
@role_required(*EVERYONE)
def index():
    events = list(db.session.scalars(select(Event).order_by(Event.opens_at.desc(), Event.id.desc())))
    states = services.submission_states(events, acting_opd_id(current()))
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
    opds = _active_opds() if current().is_admin else []  # an admin picks the OPD to act for
    return render_template(
        "events/detail.html", event=event, state=state, rows=rows, opd=opd, opds=opds,
        enter_form=EnterForm(), can_enter=may_open("events.enter"),
    )


# --- admin: events and categories ------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = EventCreateForm()
    if form.validate_on_submit():
        created = attempt(
            lambda: services.create_event(
                name=form.name.data, slug=form.slug.data, year=form.year.data, description=form.description.data,
                opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data), by=current(),
                categories=(form.categories.data or "").splitlines(),
            ),
            form=form, success=lambda event: _("Event %(name)s dibuat.", name=event.name),
        )
        if created:
            return redirect(url_for("events.detail", slug=created.value.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(slug: str):
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None and request.method == "POST":  # renamed meanwhile: save to it (or see what changed)
        event = services.renamed_event(slug)
    if event is None:
        abort(404)
    form = EventForm(obj=None if request.method == "POST" else event)
    if request.method == "GET":
        form.opens_at.data = _local_input(event.opens_at)
        form.closes_at.data = _local_input(event.closes_at)
    if form.validate_on_submit() and attempt(
        lambda: services.update_event(
            event, name=form.name.data, slug=form.slug.data, year=form.year.data,
            description=form.description.data, opens_at=_utc(form.opens_at.data),
            closes_at=_utc(form.closes_at.data), by=current(), version=form.version.data,
        ),
        form=form, success=lambda changes: _("Event disimpan.") if changes else _("Tidak ada perubahan."),
    ):
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
        return _back_to_categories(event)
    attempt(lambda: services.add_category(event, form.name.data, by=current()),
            success=lambda category: _("Kategori %(name)s ditambahkan.", name=category.name))
    return redirect(url_for("events.edit", slug=slug) + "#categories")


@bp.route("/<slug>/categories/<int:category_id>/rename", methods=["POST"])
@role_required(Role.ADMIN)
def rename_category(slug: str, category_id: int):
    event = _event_or_404(slug)
    category = _category_or_404(event, category_id)
    form = CategoryForm()
    if not form.validate():
        flash(_("Nama kategori wajib diisi (maksimal 200 karakter)."), "error")
        return _back_to_categories(event)
    attempt(lambda: services.rename_category(event, category, form.name.data, by=current()),
            success=_("Nama kategori disimpan."))
    return redirect(url_for("events.edit", slug=slug) + "#categories")


@bp.route("/<slug>/categories/<int:category_id>/move", methods=["POST"])
@role_required(Role.ADMIN)
def move_category(slug: str, category_id: int):
    event = _event_or_404(slug)
    category = _category_or_404(event, category_id)
    form = MoveCategoryForm()
    if not form.validate():
        flash(_("Arah pemindahan tidak dikenal."), "error")
        return _back_to_categories(event)
    attempt(lambda: services.move_category(event, category, form.direction.data, by=current()))
    return redirect(url_for("events.edit", slug=slug) + "#categories")


@bp.route("/<slug>/categories/<int:category_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def remove_category(slug: str, category_id: int):
    event = _event_or_404(slug)
    category = _category_or_404(event, category_id)
    name = category.name
    attempt(lambda: services.remove_category(event, category, by=current()),
            success=_("Kategori %(name)s dihapus.", name=name))
    return redirect(url_for("events.edit", slug=slug) + "#categories")


# --- admin: deadline extensions --------------------------------------------------------------

@bp.route("/<slug>/extensions", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def extensions(slug: str):
    event = _event_or_404(slug)
    form = ExtensionForm()
    form.opd_id.choices = [SelectChoice("", _("— pilih OPD —"))] + [SelectChoice(o.id, o.name) for o in _active_opds()]
    if form.validate_on_submit():
        opd = db.session.get(Opd, form.opd_id.data)

        def grant():
            if opd is None:  # deleted since the page was shown
                raise EventError(_("Pilih OPD."), "opd_id")
            return services.grant_extension(event, opd, _utc(form.closes_at.data), form.reason.data, by=current())

        if attempt(grant, form=form, success=lambda extension: _("Perpanjangan untuk %(opd)s disimpan.", opd=opd.name)):
            return redirect(url_for("events.extensions", slug=event.slug))
    return render_template(
        "events/extensions.html", event=event, form=form, extensions=services.list_extensions(event)
    )


@bp.route("/<slug>/extensions/<int:extension_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_extension(slug: str, extension_id: int):
    event = _event_or_404(slug)
    extension = _extension_or_404(event, extension_id)
    form = ExtensionEditForm(obj=None if request.method == "POST" else extension)
    if request.method == "GET":
        form.closes_at.data = _local_input(extension.closes_at)
    if form.validate_on_submit() and attempt(
        lambda: services.update_extension(extension, _utc(form.closes_at.data), form.reason.data, by=current()),
        form=form, success=_("Perpanjangan disimpan."),
    ):
        return redirect(url_for("events.extensions", slug=event.slug))
    return render_template("events/extension_form.html", event=event, extension=extension, form=form)


@bp.route("/<slug>/extensions/<int:extension_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke_extension(slug: str, extension_id: int):
    event = _event_or_404(slug)
    extension = _extension_or_404(event, extension_id)
    name = extension.opd.name
    attempt(lambda: services.revoke_extension(extension, by=current()),
            success=_("Perpanjangan untuk %(opd)s dicabut.", opd=name))
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
        SelectChoice(s.value, ENTRY_STATUS_LABELS[s]) for s in EntryStatus
    ]
    form.opd.choices = [SelectChoice("", _("Semua OPD"))] + [SelectChoice(o.id, o.name) for o in opds]
    form.validate()
    # A filter that is not one of the choices is ignored rather than an error page.
    category_id = form.category.data if not form.category.errors else None
    status = form.status.data if not form.status.errors else None
    opd_id = form.opd.data if not form.opd.errors else None
    query = entry_services.entries_query(event, category_id=category_id, status=status or None, opd_id=opd_id)
    page = db.paginate(query, per_page=per_page(), error_out=False)
    return render_template("events/entries.html", event=event, form=form, page=page)


# --- operators (and admins for any OPD): entries ---------------------------------------------

@bp.route("/<slug>/enter", methods=["POST"])
@role_required(*ENTRANTS)
def enter(slug: str):
    event = _event_or_404(slug)
    form = EnterForm()
    form.category_id.choices = _category_choices(event)
    innovation_id = form.innovation_id.data
    innovation = (get_or_404(Innovation, int(innovation_id))
                  if (innovation_id or "").isdigit() and len(innovation_id) < 11 else None)
    if innovation is None:
        flash(_("Pilih inovasi yang akan didaftarkan."), "error")
        return _back_to_event(event, _acting_opd_id())
    ensure(innovation.can_edit(current()))
    if not form.validate_on_submit():
        flash(_("Pilih salah satu kategori event ini."), "error")
        return _back_to_event(event, innovation.opd_id)
    category = db.session.get(Category, form.category_id.data)
    entered = attempt(
        lambda: entry_services.enter_innovation(event, innovation, category, by=current()),
        success=lambda entry: _("%(name)s didaftarkan sebagai draf. Kirim entri sebelum batas waktu.",
                                name=innovation.nama),
    )
    if not entered:
        return _back_to_event(event, innovation.opd_id)
    return redirect(url_for("events.entry", slug=event.slug, entry_id=entered.value.id))


@bp.route("/<slug>/entries/<int:entry_id>")
@role_required(Role.OPERATOR, Role.ADMIN, Role.VERIFIER)
def entry(slug: str, entry_id: int):
    """The entry's page: its OPD and admins act here; verifiers read it (``entry.can_view``)."""
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_view(current()))
    state = services.submission_state(event, entry.opd_id)
    form = CategoryChangeForm(formdata=None, category_id=entry.category_id)
    form.category_id.choices = _category_choices(event)
    readiness = assess(entry.innovation).readiness
    # a blind judging round (judging keeps the flag): warn when the texts name the entrant OPD
    mentions = profile_mentions(entry.innovation, entry.opd.name, entry.opd.code) if event.blind_judging else []
    return render_template(
        "events/entry.html", event=event, entry=entry, state=state, form=form, readiness=readiness,
        can_edit=entry.can_edit(current()), mentions=mentions,
    )


def _back_to_entry(event: Event, entry_id: int):
    return redirect(url_for("events.entry", slug=event.slug, entry_id=entry_id))


@bp.route("/<slug>/entries/<int:entry_id>/category", methods=["POST"])
@role_required(*ENTRANTS)
def change_category(slug: str, entry_id: int):
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_edit(current()))
    form = CategoryChangeForm()
    form.category_id.choices = _category_choices(event)
    if not form.validate_on_submit():
        flash(_("Pilih salah satu kategori event ini."), "error")
        return _back_to_entry(event, entry.id)
    category = db.session.get(Category, form.category_id.data)
    attempt(lambda: entry_services.change_category(entry, category, by=current()),
            success=_("Kategori entri disimpan."))
    return _back_to_entry(event, entry_id)


@bp.route("/<slug>/entries/<int:entry_id>/submit", methods=["POST"])
@role_required(*ENTRANTS)
def submit_entry(slug: str, entry_id: int):
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_edit(current()))
    attempt(lambda: entry_services.submit_entry(entry, by=current()),
            success=_("Entri dikirim. Anda masih dapat mengubah atau menariknya sebelum batas waktu."))
    return _back_to_entry(event, entry_id)


@bp.route("/<slug>/entries/<int:entry_id>/withdraw", methods=["POST"])
@role_required(*ENTRANTS)
def withdraw_entry(slug: str, entry_id: int):
    event = _event_or_404(slug)
    entry = _entry_or_404(event, entry_id)
    ensure(entry.can_edit(current()))
    attempt(lambda: entry_services.withdraw_entry(entry, by=current()),
            success=_("Entri ditarik. Anda dapat mendaftarkannya lagi sebelum batas waktu."))
    return _back_to_entry(event, entry_id)
