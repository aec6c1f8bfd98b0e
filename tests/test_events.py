"""Innovation Week events: creating and editing, categories, windows in WIT, per-OPD extensions."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.events import entries, services
from innovation.events.models import DEFAULT_CATEGORIES, Event
from innovation.events.services import EventError
from innovation.extensions import utcnow
from innovation.timeutil import format_local, from_local, to_local
from innovation.web import Role

UTC = timezone.utc
OPENS = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
CLOSES = datetime(2026, 10, 1, 14, 59, tzinfo=UTC)  # 1 Oct 2026 23:59 WIT


# A view's commit is not undone by conftest's rollback: tests use unique slugs and look only at
# their own rows (audit events by their own admin, events by their own slug).

def actions(db, action, actor=None):
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if actor is not None:
        query = query.where(AuditEvent.actor_id == actor.id)
    return list(db.session.scalars(query))


def unique_slug(prefix="iw"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def event_by_slug(db, slug):
    return db.session.scalar(select(Event).where(Event.slug == slug))


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Services translate their messages, and the locale is read from the request's session."""
    with app.test_request_context():
        yield


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.ADMIN)


def new_event(admin, **overrides):
    values = dict(name="Innovation Week 2026", slug=unique_slug(), year=2026, description="",
                  opens_at=OPENS, closes_at=CLOSES, by=admin)
    values.update(overrides)
    return services.create_event(**values)


# --- time zone -------------------------------------------------------------------------------

def test_wit_conversion(app):
    with app.app_context():
        assert from_local(datetime(2026, 10, 1, 23, 59)) == datetime(2026, 10, 1, 14, 59, tzinfo=UTC)
        assert to_local(CLOSES).replace(tzinfo=None) == datetime(2026, 10, 1, 23, 59)
        assert format_local(CLOSES) == "01-10-2026 23:59 WIT"


# --- events ----------------------------------------------------------------------------------

def test_create_event_with_default_categories_is_logged(db, admin):
    event = new_event(admin)
    assert [c.name for c in event.categories] == list(DEFAULT_CATEGORIES)
    assert [c.position for c in event.categories] == [0, 1, 2, 3]
    assert event.created_by_id == admin.id
    logged = actions(db, "event.create", admin)
    assert len(logged) == 1 and logged[0].object_id == event.id


def test_create_event_with_own_categories(db, admin):
    event = new_event(admin, categories=["  Satu  ", "", "Dua"])
    assert [c.name for c in event.categories] == ["Satu", "Dua"]


@pytest.mark.parametrize("overrides, field", [
    ({"name": "  "}, "name"),
    ({"slug": "Innovation Week"}, "slug"),
    ({"slug": "minggu_inovasi"}, "slug"),
    ({"slug": "-awal"}, "slug"),
    ({"slug": "new"}, "slug"),
    ({"slug": "x" * 81}, "slug"),
    ({"year": 1999}, "year"),
    ({"closes_at": OPENS}, "closes_at"),
    ({"closes_at": OPENS - timedelta(seconds=1)}, "closes_at"),
    ({"categories": ["A", "a"]}, "categories"),
    ({"categories": ["", " "]}, "categories"),
])
def test_create_event_refuses_bad_input_and_saves_nothing(db, admin, overrides, field):
    with pytest.raises(EventError) as caught:
        new_event(admin, **overrides)
    assert caught.value.field == field
    assert actions(db, "event.create", admin) == []


def test_slug_must_be_unique(db, admin):
    event = new_event(admin)
    with pytest.raises(EventError, match="sudah dipakai"):
        new_event(admin, name="Lain", slug=event.slug.upper())


def test_update_event_logs_changes_and_keeps_own_slug(db, admin):
    event = new_event(admin)
    changes = services.update_event(
        event, name="Innovation Week 2026 Mimika", slug=event.slug, year=2026, description="Baru",
        opens_at=OPENS, closes_at=CLOSES + timedelta(days=1), by=admin,
    )
    assert set(changes) == {"name", "description", "closes_at"}
    logged = actions(db, "event.update", admin)
    assert len(logged) == 1 and "closes_at" in logged[0].changes
    assert services.update_event(event, name=event.name, slug=event.slug, year=2026, description="Baru",
                                 opens_at=OPENS, closes_at=event.closes_at, by=admin) == {}
    assert len(actions(db, "event.update", admin)) == 1


def test_update_event_refuses_a_taken_slug_and_a_backwards_window(db, admin):
    first = new_event(admin)
    other = new_event(admin, year=2027)
    old_slug = other.slug
    with pytest.raises(EventError, match="sudah dipakai"):
        services.update_event(other, name=other.name, slug=first.slug, year=2027,
                              opens_at=OPENS, closes_at=CLOSES, by=admin)
    with pytest.raises(EventError) as caught:
        services.update_event(other, name=other.name, slug=other.slug, year=2027,
                              opens_at=CLOSES, closes_at=OPENS, by=admin)
    assert caught.value.field == "closes_at"
    assert other.slug == old_slug and other.closes_at == CLOSES


# --- categories ------------------------------------------------------------------------------

def test_add_rename_move_remove_category(db, admin):
    event = new_event(admin)
    added = services.add_category(event, "Inovasi Kampung", by=admin)
    assert added.position == 4
    services.rename_category(event, added, "Inovasi Desa/Kampung", by=admin)
    services.move_category(event, added, "up", by=admin)
    assert [c.name for c in event.categories][3:] == ["Inovasi Desa/Kampung", "Pemerintahan Distrik"]
    services.move_category(event, event.categories[0], "up", by=admin)  # already first: nothing moves
    assert event.categories[0].name == "Pelayanan Publik"
    services.remove_category(event, added, by=admin)
    db.session.expire_all()
    assert [c.name for c in event.categories] == list(DEFAULT_CATEGORIES)
    assert [c.position for c in event.categories] == [0, 1, 2, 3]
    for action in ("category.create", "category.rename", "category.move", "category.delete"):
        assert actions(db, action, admin), action


def test_category_names_are_unique_per_event(db, admin):
    event = new_event(admin)
    with pytest.raises(EventError, match="sudah ada"):
        services.add_category(event, "pelayanan publik", by=admin)
    with pytest.raises(EventError, match="sudah ada"):
        services.rename_category(event, event.categories[1], "Pelayanan Publik", by=admin)
    with pytest.raises(EventError):
        services.add_category(event, "   ", by=admin)


def test_category_of_another_event_is_refused(db, admin):
    event = new_event(admin)
    other = new_event(admin)
    with pytest.raises(EventError):
        services.remove_category(event, other.categories[0], by=admin)


def test_category_with_entries_cannot_be_removed(db, admin, make_innovation):
    event = new_event(admin, opens_at=utcnow() - timedelta(days=1), closes_at=utcnow() + timedelta(days=1))
    category = event.categories[2]
    innovation = make_innovation()
    entries.enter_innovation(event, innovation, category, by=admin)
    with pytest.raises(EventError, match="tidak dapat dihapus.*1 entri"):
        services.remove_category(event, category, by=admin)
    with pytest.raises(EventError, match="tidak dapat dihapus"):
        services.set_categories(event, ["Pelayanan Publik"], by=admin)
    db.session.expire_all()
    assert len(event.categories) == 4
    services.remove_category(event, event.categories[3], by=admin)  # unused: allowed
    assert len(event.categories) == 3


def test_last_category_cannot_be_removed(db, admin):
    event = new_event(admin, categories=["Satu"])
    with pytest.raises(EventError, match="paling sedikit satu"):
        services.remove_category(event, event.categories[0], by=admin)


def test_set_categories_keeps_existing_rows_and_orders(db, admin):
    event = new_event(admin)
    kept_id = event.categories[1].id
    services.set_categories(event, ["Baru", "tata kelola pemerintahan", "Pelayanan Publik"], by=admin)
    db.session.expire_all()
    assert [c.name for c in event.categories] == ["Baru", "tata kelola pemerintahan", "Pelayanan Publik"]
    assert event.categories[1].id == kept_id
    assert actions(db, "event.categories", admin)


# --- windows and extensions ------------------------------------------------------------------

def test_submission_state_window_boundaries(db, admin, make_opd):
    event = new_event(admin)
    opd = make_opd()
    before = services.submission_state(event, opd.id, now=OPENS - timedelta(seconds=1))
    assert (before.open, before.phase) == (False, "before")
    assert "belum dibuka" in before.reason and "01-09-2026 09:00 WIT" in before.reason
    at_open = services.submission_state(event, opd.id, now=OPENS)
    assert at_open.open and at_open.time_left == CLOSES - OPENS
    last = services.submission_state(event, opd.id, now=CLOSES - timedelta(seconds=1))
    assert last.open and last.time_left == timedelta(seconds=1)
    after = services.submission_state(event, opd.id, now=CLOSES + timedelta(seconds=1))
    assert (after.open, after.phase, after.time_left) == (False, "closed", None)
    assert "01-10-2026 23:59 WIT" in after.reason
    assert not services.submission_state(event, opd.id, now=CLOSES).open


def test_grant_extension_moves_only_that_opds_deadline(db, admin, make_opd):
    event = new_event(admin)
    late, other = make_opd(), make_opd()
    extended_to = from_local(datetime(2026, 10, 3, 23, 59))
    extension = services.grant_extension(event, late, extended_to, "Jaringan internet di distrik terputus", by=admin)
    assert extension.granted_by_id == admin.id
    assert services.effective_deadline(event, late.id) == extended_to
    assert services.effective_deadline(event, other.id) == CLOSES
    now = CLOSES + timedelta(days=1)
    assert services.submission_state(event, late.id, now).open
    assert services.submission_state(event, late.id, now).extended
    assert not services.submission_state(event, other.id, now).open
    logged = actions(db, "extension.grant", admin)
    assert len(logged) == 1 and logged[0].opd_id == late.id


def test_effective_deadline_is_one_query(db, admin, make_opd, count_statements):
    event = new_event(admin)
    opd = make_opd()
    services.grant_extension(event, opd, CLOSES + timedelta(days=1), "Alasan", by=admin)
    db.session.flush()
    with count_statements() as counter:
        services.effective_deadline(event, opd.id)
    assert counter.count == 1


def test_extension_never_shortens_the_window(db, admin, make_opd):
    event = new_event(admin)
    opd = make_opd()
    services.grant_extension(event, opd, CLOSES + timedelta(days=1), "Alasan", by=admin)
    services.update_event(event, name=event.name, slug=event.slug, year=2026, opens_at=OPENS,
                          closes_at=CLOSES + timedelta(days=5), by=admin)
    assert services.effective_deadline(event, opd.id) == CLOSES + timedelta(days=5)


@pytest.mark.parametrize("closes_at, reason, field", [
    (CLOSES, "Alasan", "closes_at"),
    (CLOSES - timedelta(hours=1), "Alasan", "closes_at"),
    (CLOSES + timedelta(days=1), "   ", "reason"),
    (CLOSES + timedelta(days=1), "x" * 501, "reason"),
    (None, "Alasan", "closes_at"),
])
def test_extension_rules(db, admin, make_opd, closes_at, reason, field):
    event = new_event(admin)
    with pytest.raises(EventError) as caught:
        services.grant_extension(event, make_opd(), closes_at, reason, by=admin)
    assert caught.value.field == field
    assert services.list_extensions(event) == []


def test_extension_change_and_revoke_are_logged(db, admin, make_opd):
    event = new_event(admin)
    opd = make_opd()
    extension = services.grant_extension(event, opd, CLOSES + timedelta(days=1), "Alasan", by=admin)
    again = services.grant_extension(event, opd, CLOSES + timedelta(days=2), "Alasan baru", by=admin)
    assert again.id == extension.id and again.reason == "Alasan baru"
    assert actions(db, "extension.update", admin)
    services.revoke_extension(extension, by=admin)
    assert services.effective_deadline(event, opd.id) == CLOSES
    revoked = actions(db, "extension.revoke", admin)
    assert len(revoked) == 1 and revoked[0].opd_id == opd.id


def test_submission_states_for_a_list(db, admin, make_opd, count_statements):
    opd = make_opd()
    first = new_event(admin)
    second = new_event(admin, opens_at=CLOSES, closes_at=CLOSES + timedelta(days=3))
    services.grant_extension(first, opd, CLOSES + timedelta(hours=2), "Alasan", by=admin)
    db.session.flush()
    with count_statements() as counter:
        states = services.submission_states([first, second], opd.id, now=CLOSES + timedelta(hours=1))
    assert counter.count == 1
    assert states[first.id].open and states[first.id].extended
    assert states[second.id].open and not states[second.id].extended


# --- views: access ---------------------------------------------------------------------------

ADMIN_PAGES = ["/events/new", "/events/{slug}/edit", "/events/{slug}/extensions", "/events/{slug}/entries"]
ADMIN_POSTS = [
    "/events/new", "/events/{slug}/edit", "/events/{slug}/categories",
    "/events/{slug}/categories/{category}/rename", "/events/{slug}/categories/{category}/move",
    "/events/{slug}/categories/{category}/delete", "/events/{slug}/extensions",
]


@pytest.mark.parametrize("role", [Role.JUDGE, Role.OPERATOR, Role.VERIFIER])
def test_admin_pages_are_forbidden_to_other_roles(client, make_user, make_event, login, role):
    event = make_event()
    login(make_user(role=role))
    for url in ADMIN_PAGES:
        assert client.get(url.format(slug=event.slug)).status_code == 403, url
    for url in ADMIN_POSTS:
        url = url.format(slug=event.slug, category=event.categories[0].id)
        assert client.post(url, data={"name": "X", "direction": "up"}).status_code == 403, url


def test_anonymous_is_sent_to_login(client, make_event):
    event = make_event()
    for url in ["/events/", f"/events/{event.slug}", "/events/new", f"/events/{event.slug}/extensions"]:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", list(Role))
def test_everyone_sees_the_list_with_wit_windows_and_time_left(client, make_user, make_event, login, role):
    now = utcnow()
    event = make_event(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=2, hours=3, minutes=30))
    login(make_user(role=role))
    page = card(client.get("/events/").get_data(as_text=True), f'/events/{event.slug}"')
    assert event.name in page
    assert format_local(event.closes_at) in page and "WIT" in page
    assert "dibuka" in page and "sisa 2 hari 3 jam" in page
    assert client.get(f"/events/{event.slug}").status_code == 200


def card(page, name):
    """The list item of one event on the list page."""
    start = page.index(name)
    return page[start:page.index("</li>", start)]


def test_list_shows_each_status(client, make_user, make_event, login):
    now = utcnow()
    later_name, past_name = f"Event Nanti {uuid.uuid4().hex[:8]}", f"Event Lalu {uuid.uuid4().hex[:8]}"
    make_event(name=later_name, opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=9))
    make_event(name=past_name, opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=3))
    login(make_user(role=Role.JUDGE))
    page = client.get("/events/").get_data(as_text=True)
    later, past = card(page, later_name), card(page, past_name)
    assert "belum dibuka" in later and "sisa" not in later
    assert "ditutup" in past and "sisa" not in past


def test_unknown_event_is_404(client, make_user, login):
    login(make_user(role=Role.ADMIN))
    assert client.get("/events/tidak-ada").status_code == 404
    assert client.get("/events/tidak-ada/edit").status_code == 404


def test_judge_sees_the_event_page_without_management(client, make_user, make_event, login):
    event = make_event()
    login(make_user(role=Role.JUDGE))
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert event.name in page
    assert f"/events/{event.slug}/edit" not in page and "Inovasi OPD saya" not in page


def test_admin_sees_management_links(client, make_user, make_event, login):
    event = make_event()
    login(make_user(role=Role.ADMIN))
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    for url in ("edit", "extensions", "entries"):
        assert f"/events/{event.slug}/{url}" in page


# --- views: admin forms ----------------------------------------------------------------------

def event_form(**overrides):
    data = {
        "name": "Innovation Week 2026", "slug": unique_slug("innovation-week-2026"), "year": "2026", "description": "Bappeda",
        "opens_at": "2026-09-01T08:00", "closes_at": "2026-10-01T23:59",
        "categories": "\r\n".join(DEFAULT_CATEGORIES),
    }
    data.update(overrides)
    return data


def test_create_form_is_prefilled_with_default_categories(client, make_user, login):
    login(make_user(role=Role.ADMIN))
    page = client.get("/events/new").get_data(as_text=True)
    for name in DEFAULT_CATEGORIES:
        assert name.replace("(", "(") in page
    assert 'type="datetime-local"' in page


def test_create_event_view_stores_utc(client, db, make_user, login):
    login(make_user(role=Role.ADMIN))
    data = event_form()
    response = client.post("/events/new", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{data['slug']}")
    event = event_by_slug(db, data["slug"])
    assert event.closes_at == datetime(2026, 10, 1, 14, 59, tzinfo=UTC)
    assert event.opens_at == datetime(2026, 8, 31, 23, 0, tzinfo=UTC)
    assert [c.name for c in event.categories] == list(DEFAULT_CATEGORIES)
    page = client.get(f"/events/{data['slug']}").get_data(as_text=True)
    assert "01-10-2026 23:59 WIT" in page


@pytest.mark.parametrize("overrides, message", [
    ({"closes_at": "2026-08-01T23:59"}, "harus sesudah"),
    ({"slug": "Bukan Slug!"}, "huruf kecil"),
    ({"opens_at": "bukan tanggal"}, "Periksa kembali"),
    ({"year": "dua ribu"}, "Periksa kembali"),
    ({"categories": "A\nA"}, "dua kali"),
])
def test_create_event_view_refuses_bad_input(client, db, make_user, login, overrides, message):
    login(make_user(role=Role.ADMIN))
    data = event_form(**overrides)
    response = client.post("/events/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert event_by_slug(db, data["slug"]) is None


def test_edit_form_shows_local_times_and_saves(client, db, make_user, login):
    admin = make_user(role=Role.ADMIN)
    event = new_event(admin)
    login(admin)
    page = client.get(f"/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2026-10-01T23:59"' in page and 'value="2026-09-01T09:00"' in page
    response = client.post(f"/events/{event.slug}/edit",
                           data=event_form(name="Nama Baru", slug=event.slug, closes_at="2026-10-02T12:00",
                                           version=event.version))
    assert response.status_code == 302
    db.session.expire_all()
    assert event.name == "Nama Baru" and event.closes_at == datetime(2026, 10, 2, 3, 0, tzinfo=UTC)


def test_category_views(client, db, make_user, make_innovation, login):
    admin = make_user(role=Role.ADMIN)
    event = new_event(admin, opens_at=utcnow() - timedelta(days=1), closes_at=utcnow() + timedelta(days=1))
    entries.enter_innovation(event, make_innovation(), event.categories[0], by=admin)
    login(admin)
    base = f"/events/{event.slug}/categories"
    assert client.post(base, data={"name": "Inovasi Kampung"}).status_code == 302
    assert client.post(base, data={"name": ""}).status_code == 302
    db.session.expire_all()
    added = event.categories[-1]
    assert added.name == "Inovasi Kampung"
    assert client.post(f"{base}/{added.id}/rename", data={"name": "Kampung"}).status_code == 302
    assert client.post(f"{base}/{added.id}/move", data={"direction": "sideways"}).status_code == 302
    assert client.post(f"{base}/{added.id}/move", data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    assert [c.name for c in event.categories][3] == "Kampung"
    response = client.post(f"{base}/{event.categories[0].id}/delete", follow_redirects=True)
    assert "tidak dapat dihapus" in response.get_data(as_text=True)
    assert client.post(f"{base}/{added.id}/delete").status_code == 302
    db.session.expire_all()
    assert len(event.categories) == 4 and "Kampung" not in [c.name for c in event.categories]
    other = new_event(admin)
    assert client.post(f"{base}/{other.categories[0].id}/delete").status_code == 404
    assert client.post(f"{base}/99999999999/delete").status_code == 404


def test_extension_views(client, db, make_user, make_opd, login):
    admin = make_user(role=Role.ADMIN)
    event = new_event(admin)
    opd = make_opd(name=f"Distrik Uji {uuid.uuid4().hex[:8]}")
    login(admin)
    url = f"/events/{event.slug}/extensions"
    assert opd.name in client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"opd_id": opd.id, "closes_at": "2026-10-01T20:00", "reason": "Sinyal"})
    assert refused.status_code == 200 and "harus sesudah" in refused.get_data(as_text=True)
    missing_reason = client.post(url, data={"opd_id": opd.id, "closes_at": "2026-10-03T23:59", "reason": ""})
    assert missing_reason.status_code == 200
    assert client.post(url, data={"opd_id": "abc", "closes_at": "2026-10-03T23:59", "reason": "x"}).status_code == 200
    assert services.list_extensions(event) == []
    response = client.post(url, data={"opd_id": opd.id, "closes_at": "2026-10-03T23:59", "reason": "Sinyal putus"})
    assert response.status_code == 302
    [extension] = services.list_extensions(event)
    assert extension.closes_at == datetime(2026, 10, 3, 14, 59, tzinfo=UTC)
    page = client.get(url).get_data(as_text=True)
    assert "03-10-2026 23:59 WIT" in page and "Sinyal putus" in page
    edit_url = f"{url}/{extension.id}/edit"
    assert 'value="2026-10-03T23:59"' in client.get(edit_url).get_data(as_text=True)
    assert client.post(edit_url, data={"closes_at": "2026-10-04T10:00", "reason": "Lagi"}).status_code == 302
    db.session.expire_all()
    assert extension.reason == "Lagi"
    assert client.post(f"{url}/{extension.id}/revoke").status_code == 302
    assert services.list_extensions(event) == []
    assert [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("extension.%"), AuditEvent.actor_id == admin.id)
        .order_by(AuditEvent.id))] == [
        "extension.grant", "extension.update", "extension.revoke"]
