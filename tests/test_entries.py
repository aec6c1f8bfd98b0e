"""Entries: entering an OPD's innovation, category, submit, withdraw, the deadline and who may do what."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.events import entries as entry_services
from innovation.events import services
from innovation.events.models import Entry, EntryStatus
from innovation.events.services import EventError
from innovation.extensions import utcnow
from innovation.timeutil import format_local
from innovation.web import Role

UTC = timezone.utc
OPENS = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
CLOSES = datetime(2026, 10, 1, 14, 59, tzinfo=UTC)  # 1 Oct 2026 23:59 WIT
DURING = CLOSES - timedelta(days=1)


@pytest.fixture(autouse=True)
def request_context(app, db):
    """Services translate their messages, and the locale is read from the request's session."""
    with app.test_request_context():
        yield


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.ADMIN)


@pytest.fixture
def fixed_event(make_event):
    """An event open from 1 Sep 2026 09:00 WIT to 1 Oct 2026 23:59 WIT."""
    return make_event(opens_at=OPENS, closes_at=CLOSES)


@pytest.fixture
def open_event(make_event):
    now = utcnow()
    return make_event(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=2, hours=3, minutes=30))


@pytest.fixture
def operator(make_user, make_opd):
    return make_user(role=Role.OPERATOR, opd=make_opd())


def actions(db, action, actor):
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == actor.id).order_by(AuditEvent.id)
    ))


# --- services: entering ----------------------------------------------------------------------

def test_enter_creates_a_draft_in_one_category(db, fixed_event, operator, make_innovation):
    innovation = make_innovation(opd=operator.opd)
    entry = entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[1], by=operator, now=DURING)
    assert entry.status == EntryStatus.DRAFT
    assert entry.opd_id == operator.opd_id and entry.category.name == "Tata Kelola Pemerintahan"
    assert entry.created_by_id == operator.id and entry.submitted_at is None
    logged = actions(db, "entry.create", operator)
    assert len(logged) == 1 and logged[0].object_id == entry.id and logged[0].opd_id == operator.opd_id


def test_an_innovation_enters_an_event_once(db, fixed_event, operator, make_innovation):
    innovation = make_innovation(opd=operator.opd)
    entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[0], by=operator, now=DURING)
    with pytest.raises(EventError, match="sudah terdaftar di event ini"):
        entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[1], by=operator, now=DURING)


def test_a_duplicate_that_slips_past_the_check_is_refused_by_the_constraint(
    db, fixed_event, operator, make_innovation, monkeypatch
):
    innovation = make_innovation(opd=operator.opd)
    entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[0], by=operator, now=DURING)
    monkeypatch.setattr(entry_services, "_existing_entry", lambda event, innovation: None)  # as in a race
    with pytest.raises(EventError, match="sudah terdaftar"):
        entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[1], by=operator, now=DURING)
    # The session is still usable and the first entry is intact.
    entries = list(db.session.scalars(select(Entry).where(Entry.innovation_id == innovation.id)))
    assert len(entries) == 1 and entries[0].category_id == fixed_event.categories[0].id


def test_the_same_innovation_may_enter_another_event(db, fixed_event, make_event, operator, make_innovation):
    """Once per event, not once overall: the second event gets an entry of its own, the first keeps its."""
    other = make_event(opens_at=OPENS, closes_at=CLOSES)
    innovation = make_innovation(opd=operator.opd)
    first = entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[0], by=operator, now=DURING)
    second = entry_services.enter_innovation(other, innovation, other.categories[1], by=operator, now=DURING)
    assert second.id != first.id and second.status == EntryStatus.DRAFT
    db.session.expire_all()
    rows = {tuple(row) for row in db.session.execute(
        select(Entry.event_id, Entry.category_id, Entry.status).where(Entry.innovation_id == innovation.id))}
    assert rows == {(fixed_event.id, fixed_event.categories[0].id, EntryStatus.DRAFT),
                    (other.id, other.categories[1].id, EntryStatus.DRAFT)}
    assert [row.entry.id for row in entry_services.entries_for_opd(other, operator.opd_id)] == [second.id]


def test_operator_cannot_enter_another_opds_innovation(db, fixed_event, operator, make_innovation):
    with pytest.raises(EventError, match="OPD lain"):
        entry_services.enter_innovation(fixed_event, make_innovation(), fixed_event.categories[0], by=operator, now=DURING)


def test_judge_cannot_enter(db, fixed_event, make_user, make_innovation):
    judge = make_user(role=Role.JUDGE)
    with pytest.raises(EventError):
        entry_services.enter_innovation(fixed_event, make_innovation(), fixed_event.categories[0], by=judge, now=DURING)


def test_category_must_belong_to_the_event(db, fixed_event, make_event, operator, make_innovation):
    other = make_event()
    with pytest.raises(EventError, match="Kategori tidak termasuk"):
        entry_services.enter_innovation(fixed_event, make_innovation(opd=operator.opd), other.categories[0],
                                  by=operator, now=DURING)


def test_admin_acts_on_behalf_of_an_opd_and_it_is_logged(db, fixed_event, admin, make_innovation):
    innovation = make_innovation()
    entry = entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[0], by=admin, now=DURING)
    entry_services.submit_entry(entry, by=admin, now=DURING)
    [created] = actions(db, "entry.create", admin)
    assert created.changes["on_behalf_of_opd_id"] == innovation.opd_id and "atas nama OPD" in created.summary
    [submitted] = actions(db, "entry.submit", admin)
    assert submitted.opd_id == innovation.opd_id and submitted.changes["on_behalf_of_opd_id"] == innovation.opd_id


# --- services: deadline ----------------------------------------------------------------------

def test_submission_one_second_before_the_deadline_is_accepted(db, fixed_event, operator, make_innovation):
    entry = entry_services.enter_innovation(fixed_event, make_innovation(opd=operator.opd), fixed_event.categories[0],
                                      by=operator, now=DURING)
    last_second = CLOSES - timedelta(seconds=1)
    entry_services.submit_entry(entry, by=operator, now=last_second)
    assert entry.status == EntryStatus.SUBMITTED and entry.submitted_at == last_second


def test_submission_one_second_after_the_deadline_is_refused_with_the_wit_deadline(
    db, fixed_event, operator, make_innovation
):
    entry = entry_services.enter_innovation(fixed_event, make_innovation(opd=operator.opd), fixed_event.categories[0],
                                      by=operator, now=DURING)
    with pytest.raises(EventError) as caught:
        entry_services.submit_entry(entry, by=operator, now=CLOSES + timedelta(seconds=1))
    assert "01-10-2026 23:59 WIT" in str(caught.value) and "sudah lewat" in str(caught.value)
    assert entry.status == EntryStatus.DRAFT and entry.submitted_at is None
    assert actions(db, "entry.submit", operator) == []


@pytest.mark.parametrize("change", ["enter", "category", "submit", "withdraw"])
@pytest.mark.parametrize("when", [OPENS - timedelta(seconds=1), CLOSES + timedelta(seconds=1)])
def test_every_change_is_refused_outside_the_window(db, fixed_event, operator, make_innovation, change, when):
    innovation = make_innovation(opd=operator.opd)
    entry = entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[0], by=operator, now=DURING)
    fresh = make_innovation(opd=operator.opd)
    calls = {
        "enter": lambda: entry_services.enter_innovation(fixed_event, fresh, fixed_event.categories[0], by=operator, now=when),
        "category": lambda: entry_services.change_category(entry, fixed_event.categories[1], by=operator, now=when),
        "submit": lambda: entry_services.submit_entry(entry, by=operator, now=when),
        "withdraw": lambda: entry_services.withdraw_entry(entry, by=operator, now=when),
    }
    with pytest.raises(EventError, match="belum dibuka" if when < OPENS else "sudah lewat"):
        calls[change]()
    assert entry.status == EntryStatus.DRAFT and entry.category_id == fixed_event.categories[0].id


def test_extension_lets_one_opd_submit_after_the_close_and_not_another(
    db, fixed_event, admin, make_user, make_opd, make_innovation
):
    late = make_user(role=Role.OPERATOR, opd=make_opd())
    other = make_user(role=Role.OPERATOR, opd=make_opd())
    late_entry = entry_services.enter_innovation(fixed_event, make_innovation(opd=late.opd), fixed_event.categories[0],
                                           by=late, now=DURING)
    other_entry = entry_services.enter_innovation(fixed_event, make_innovation(opd=other.opd), fixed_event.categories[0],
                                            by=other, now=DURING)
    extended_to = CLOSES + timedelta(days=2)
    services.grant_extension(fixed_event, late.opd, extended_to, "Sinyal di distrik pedalaman terputus", by=admin)
    after_close = CLOSES + timedelta(hours=5)
    entry_services.submit_entry(late_entry, by=late, now=after_close)
    assert late_entry.status == EntryStatus.SUBMITTED
    with pytest.raises(EventError, match="01-10-2026 23:59 WIT"):
        entry_services.submit_entry(other_entry, by=other, now=after_close)
    with pytest.raises(EventError, match=format_local(extended_to)):
        entry_services.withdraw_entry(late_entry, by=late, now=extended_to + timedelta(seconds=1))


# --- services: category, submit, withdraw, re-enter ------------------------------------------

def test_change_category_keeps_a_submitted_entry_submitted(db, fixed_event, operator, make_innovation):
    entry = entry_services.enter_innovation(fixed_event, make_innovation(opd=operator.opd), fixed_event.categories[0],
                                      by=operator, now=DURING)
    entry_services.submit_entry(entry, by=operator, now=DURING)
    entry_services.change_category(entry, fixed_event.categories[3], by=operator, now=DURING)
    assert entry.category.name == "Pemerintahan Distrik" and entry.status == EntryStatus.SUBMITTED
    [logged] = actions(db, "entry.category", operator)
    assert logged.changes["category"] == ["Pelayanan Publik", "Pemerintahan Distrik"]


def test_withdraw_then_resubmit_and_reenter_before_the_deadline(db, fixed_event, operator, make_innovation):
    innovation = make_innovation(opd=operator.opd)
    entry = entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[0], by=operator, now=DURING)
    entry_services.submit_entry(entry, by=operator, now=DURING)
    with pytest.raises(EventError, match="sudah dikirim"):
        entry_services.submit_entry(entry, by=operator, now=DURING)
    entry_services.withdraw_entry(entry, by=operator, now=DURING + timedelta(hours=1))
    assert entry.status == EntryStatus.WITHDRAWN and entry.withdrawn_at == DURING + timedelta(hours=1)
    with pytest.raises(EventError, match="sudah ditarik"):
        entry_services.withdraw_entry(entry, by=operator, now=DURING)
    with pytest.raises(EventError, match="sudah ditarik"):
        entry_services.change_category(entry, fixed_event.categories[1], by=operator, now=DURING)
    entry_services.submit_entry(entry, by=operator, now=DURING + timedelta(hours=2))  # re-submit
    assert entry.status == EntryStatus.SUBMITTED and entry.withdrawn_at is None
    entry_services.withdraw_entry(entry, by=operator, now=DURING + timedelta(hours=3))
    again = entry_services.enter_innovation(fixed_event, innovation, fixed_event.categories[2], by=operator,
                                      now=DURING + timedelta(hours=4))  # re-enter in another category
    assert again.id == entry.id and again.status == EntryStatus.DRAFT
    assert again.category.name == "Pelayanan Kesehatan (Puskesmas)"
    for action in ("entry.submit", "entry.withdraw", "entry.reenter"):
        assert actions(db, action, operator), action


def test_operator_cannot_change_another_opds_entry(db, fixed_event, make_user, make_innovation):
    owner = make_user(role=Role.OPERATOR)
    stranger = make_user(role=Role.OPERATOR)
    entry = entry_services.enter_innovation(fixed_event, make_innovation(opd=owner.opd), fixed_event.categories[0],
                                      by=owner, now=DURING)
    for call in (
        lambda: entry_services.submit_entry(entry, by=stranger, now=DURING),
        lambda: entry_services.withdraw_entry(entry, by=stranger, now=DURING),
        lambda: entry_services.change_category(entry, fixed_event.categories[1], by=stranger, now=DURING),
    ):
        with pytest.raises(EventError, match="OPD lain"):
            call()
    assert entry.status == EntryStatus.DRAFT


def test_entries_for_opd_lists_every_innovation_in_one_query(
    db, fixed_event, make_event, operator, make_innovation, count_statements
):
    entered = make_innovation(opd=operator.opd, nama="A Inovasi Masuk")
    make_innovation(opd=operator.opd, nama="B Inovasi Belum")
    make_innovation(nama="Inovasi OPD Lain")
    other_event = make_event()
    entry_services.enter_innovation(fixed_event, entered, fixed_event.categories[0], by=operator, now=DURING)
    entry_services.enter_innovation(other_event, entered, other_event.categories[0], by=operator)
    db.session.flush()
    event_id, opd_id = fixed_event.id, operator.opd_id
    db.session.expire_all()
    event = db.session.get(type(fixed_event), event_id)
    with count_statements() as counter:
        rows = entry_services.entries_for_opd(event, opd_id)
        names = [(row.innovation.nama, row.entry.category.name if row.entry else None) for row in rows]
    assert counter.count == 1
    assert names == [("A Inovasi Masuk", "Pelayanan Publik"), ("B Inovasi Belum", None)]


# --- views -----------------------------------------------------------------------------------

def entry_urls(event, entry):
    base = f"/events/{event.slug}/entries/{entry.id}"
    return {"get": base, "category": f"{base}/category", "submit": f"{base}/submit", "withdraw": f"{base}/withdraw"}


def test_anonymous_is_sent_to_login(client, open_event, operator, make_innovation):
    entry = entry_services.enter_innovation(open_event, make_innovation(opd=operator.opd), open_event.categories[0],
                                      by=operator)
    urls = entry_urls(open_event, entry)
    assert "/auth/login" in client.get(urls["get"]).headers["Location"]
    for name in ("category", "submit", "withdraw"):
        assert "/auth/login" in client.post(urls[name]).headers["Location"]
    assert "/auth/login" in client.post(f"/events/{open_event.slug}/enter").headers["Location"]


def test_operator_page_shows_own_innovations_deadline_and_time_left(
    client, open_event, operator, make_innovation, login
):
    mine = make_innovation(opd=operator.opd, nama="Inovasi Milik Saya")
    make_innovation(nama="Inovasi Milik OPD Lain")
    entry_services.enter_innovation(open_event, mine, open_event.categories[0], by=operator)
    login(operator)
    page = client.get(f"/events/{open_event.slug}").get_data(as_text=True)
    assert "Inovasi OPD saya di event ini" in page
    assert "Inovasi Milik Saya" in page and "Inovasi Milik OPD Lain" not in page
    assert format_local(open_event.closes_at) in page and "WIT" in page
    assert "Sisa waktu: 2 hari 3 jam" in page
    assert "Draf" in page


def test_operator_page_after_the_deadline_says_why(client, make_event, operator, make_innovation, login):
    now = utcnow()
    event = make_event(opens_at=now - timedelta(days=5), closes_at=now - timedelta(minutes=1))
    make_innovation(opd=operator.opd, nama="Inovasi Terlambat")
    login(operator)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Batas waktu pendaftaran sudah lewat" in page and format_local(event.closes_at) in page
    assert "Sisa waktu" not in page and f"/events/{event.slug}/enter" not in page
    assert "ditutup" in page


def test_operator_page_before_opening_says_when(client, make_event, operator, login):
    now = utcnow()
    event = make_event(opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9))
    login(operator)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "belum dibuka" in page and format_local(event.opens_at) in page


def test_operator_sees_their_extension(client, db, open_event, admin, operator, login):
    services.grant_extension(open_event, operator.opd, open_event.closes_at + timedelta(days=3), "Alasan", by=admin)
    db.session.flush()
    login(operator)
    page = client.get(f"/events/{open_event.slug}").get_data(as_text=True)
    assert format_local(open_event.closes_at + timedelta(days=3)) in page and "perpanjangan khusus" in page
    assert "Sisa waktu: 5 hari 3 jam" in page


def test_operator_enters_submits_and_withdraws_through_the_pages(
    client, db, open_event, operator, make_innovation, login
):
    innovation = make_innovation(opd=operator.opd)
    login(operator)
    response = client.post(f"/events/{open_event.slug}/enter",
                           data={"innovation_id": innovation.id, "category_id": open_event.categories[1].id})
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry).where(Entry.innovation_id == innovation.id))
    assert response.headers["Location"].endswith(f"/events/{open_event.slug}/entries/{entry.id}")
    assert entry.status == EntryStatus.DRAFT and entry.category_id == open_event.categories[1].id
    urls = entry_urls(open_event, entry)

    page = client.get(urls["get"]).get_data(as_text=True)
    # A bare innovation has readiness gaps: shown as warnings with a link to fix them, submission still offered.
    assert "kekurangan" in page and "Lengkapi profil inovasi" in page
    assert f"/innovations/{innovation.id}/profile#field-" in page
    assert urls["submit"] in page and "Sisa waktu" in page

    duplicate = client.post(f"/events/{open_event.slug}/enter", follow_redirects=True,
                            data={"innovation_id": innovation.id, "category_id": open_event.categories[0].id})
    assert "sudah terdaftar" in duplicate.get_data(as_text=True)

    assert client.post(urls["category"], data={"category_id": open_event.categories[2].id}).status_code == 302
    assert client.post(urls["submit"]).status_code == 302
    db.session.expire_all()
    assert entry.status == EntryStatus.SUBMITTED and entry.category_id == open_event.categories[2].id
    assert client.post(urls["withdraw"]).status_code == 302
    db.session.expire_all()
    assert entry.status == EntryStatus.WITHDRAWN
    assert client.post(urls["submit"]).status_code == 302
    db.session.expire_all()
    assert entry.status == EntryStatus.SUBMITTED


def test_bad_category_in_the_enter_form_is_refused_without_saving(
    client, db, open_event, make_event, operator, make_innovation, login
):
    innovation = make_innovation(opd=operator.opd)
    other = make_event()
    login(operator)
    for category_id in (other.categories[0].id, "abc", "", "99999999999"):
        response = client.post(f"/events/{open_event.slug}/enter", follow_redirects=True,
                               data={"innovation_id": innovation.id, "category_id": category_id})
        assert response.status_code == 200 and "Pilih salah satu kategori" in response.get_data(as_text=True)
    for innovation_id in ("", "abc", "99999999999"):
        response = client.post(f"/events/{open_event.slug}/enter",
                               data={"innovation_id": innovation_id, "category_id": open_event.categories[0].id})
        assert response.status_code in (302, 404)
    assert db.session.scalar(select(Entry).where(Entry.innovation_id == innovation.id)) is None


def test_after_the_deadline_the_server_refuses_a_submit(client, db, make_event, operator, make_innovation, login):
    now = utcnow()
    event = make_event(opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=1))
    entry = entry_services.enter_innovation(event, make_innovation(opd=operator.opd), event.categories[0], by=operator)
    event.closes_at = now - timedelta(seconds=1)
    db.session.flush()
    login(operator)
    urls = entry_urls(event, entry)
    page = client.get(urls["get"]).get_data(as_text=True)
    assert "sudah lewat" in page and urls["submit"] not in page
    response = client.post(urls["submit"], follow_redirects=True)
    assert "sudah lewat" in response.get_data(as_text=True) and format_local(event.closes_at) in response.get_data(as_text=True)
    db.session.expire_all()
    assert entry.status == EntryStatus.DRAFT


def test_operator_cannot_read_or_change_another_opds_entry(
    client, db, open_event, make_user, make_innovation, login
):
    owner = make_user(role=Role.OPERATOR)
    stranger = make_user(role=Role.OPERATOR)
    entry = entry_services.enter_innovation(open_event, make_innovation(opd=owner.opd), open_event.categories[0], by=owner)
    db.session.flush()
    login(stranger)
    urls = entry_urls(open_event, entry)
    assert client.get(urls["get"]).status_code == 403
    assert client.post(urls["category"], data={"category_id": open_event.categories[1].id}).status_code == 403
    assert client.post(urls["submit"]).status_code == 403
    assert client.post(urls["withdraw"]).status_code == 403
    other_innovation = make_innovation(opd=owner.opd)
    response = client.post(f"/events/{open_event.slug}/enter",
                           data={"innovation_id": other_innovation.id, "category_id": open_event.categories[0].id})
    assert response.status_code == 403
    # ?opd= is for admins only: an operator always sees their own OPD.
    page = client.get(f"/events/{open_event.slug}?opd={owner.opd_id}").get_data(as_text=True)
    assert entry.innovation.nama not in page
    db.session.expire_all()
    assert entry.status == EntryStatus.DRAFT and entry.category_id == open_event.categories[0].id


@pytest.mark.parametrize("role", [Role.JUDGE, Role.VERIFIER])
def test_judges_and_verifiers_cannot_change_entries(client, open_event, make_user, make_innovation, login, role):
    owner = make_user(role=Role.OPERATOR)
    innovation = make_innovation(opd=owner.opd)
    entry = entry_services.enter_innovation(open_event, innovation, open_event.categories[0], by=owner)
    login(make_user(role=role))
    urls = entry_urls(open_event, entry)
    if role == Role.VERIFIER:  # verifiers read any entry (entry.can_view), without the actions
        page = client.get(urls["get"]).get_data(as_text=True)
        assert innovation.nama in page and urls["submit"] not in page and urls["withdraw"] not in page
    else:
        assert client.get(urls["get"]).status_code == 403
    for name in ("category", "submit", "withdraw"):
        assert client.post(urls[name]).status_code == 403
    assert client.post(f"/events/{open_event.slug}/enter",
                       data={"innovation_id": innovation.id, "category_id": open_event.categories[0].id}).status_code == 403


def test_entry_of_another_event_is_404(client, open_event, make_event, operator, make_innovation, login):
    other = make_event()
    entry = entry_services.enter_innovation(other, make_innovation(opd=operator.opd), other.categories[0], by=operator)
    login(operator)
    assert client.get(f"/events/{open_event.slug}/entries/{entry.id}").status_code == 404
    assert client.get(f"/events/{open_event.slug}/entries/99999999999").status_code == 404


def test_admin_acts_for_a_chosen_opd(client, db, open_event, admin, make_opd, make_innovation, login):
    opd = make_opd()
    innovation = make_innovation(opd=opd, nama="Inovasi Puskesmas")
    login(admin)
    page = client.get(f"/events/{open_event.slug}?opd={opd.id}").get_data(as_text=True)
    assert "Inovasi Puskesmas" in page and "Bertindak atas nama OPD" in page
    assert client.get(f"/events/{open_event.slug}?opd=abc").status_code == 200
    assert client.get(f"/events/{open_event.slug}?opd=99999999999").status_code == 200
    response = client.post(f"/events/{open_event.slug}/enter",
                           data={"innovation_id": innovation.id, "category_id": open_event.categories[2].id,
                                 "opd": opd.id})
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry).where(Entry.innovation_id == innovation.id))
    assert entry.opd_id == opd.id
    assert client.post(entry_urls(open_event, entry)["submit"]).status_code == 302
    logged = actions(db, "entry.submit", admin)
    assert logged and logged[0].changes["on_behalf_of_opd_id"] == opd.id


# --- admin entries list ----------------------------------------------------------------------

def fill(event, count, make_opd, make_innovation, admin):
    opds = [make_opd() for _ in range(3)]
    entries = []
    for i in range(count):
        innovation = make_innovation(opd=opds[i % 3])
        entry = entry_services.enter_innovation(event, innovation, event.categories[i % 4], by=admin)
        if i % 2:
            entry_services.submit_entry(entry, by=admin)
        entries.append(entry)
    return opds, entries


def test_entries_list_filters(client, db, open_event, admin, make_opd, make_innovation, login):
    opds, entries = fill(open_event, 8, make_opd, make_innovation, admin)
    db.session.flush()
    login(admin)
    url = f"/events/{open_event.slug}/entries"
    page = client.get(url).get_data(as_text=True)
    assert all(e.innovation.nama in page for e in entries)
    page = client.get(url, query_string={"status": "submitted"}).get_data(as_text=True)
    assert {e.innovation.nama for e in entries if e.innovation.nama in page} == {
        e.innovation.nama for e in entries if e.status == EntryStatus.SUBMITTED}
    page = client.get(url, query_string={"opd": opds[0].id, "category": open_event.categories[0].id}).get_data(as_text=True)
    assert [e for e in entries if e.innovation.nama in page] == [
        e for e in entries if e.opd_id == opds[0].id and e.category_id == open_event.categories[0].id]
    for bad in ({"status": "bogus"}, {"opd": "abc"}, {"category": "99999999999"}, {"page": "-3"}, {"page": "x"}):
        assert client.get(url, query_string=bad).status_code == 200, bad


@pytest.mark.parametrize("size", [3, 20])
def test_entries_list_statement_count_does_not_grow_with_rows(
    client, db, make_event, admin, make_opd, make_innovation, login, count_statements, size
):
    small, large = make_event(), make_event()
    fill(small, 3, make_opd, make_innovation, admin)
    fill(large, size, make_opd, make_innovation, admin)
    db.session.flush()
    login(admin)
    counts = []
    for event in (small, large):
        db.session.expire_all()
        with count_statements() as counter:
            response = client.get(f"/events/{event.slug}/entries")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8, counts


@pytest.mark.parametrize("size", [2, 12])
def test_operator_event_page_statement_count_does_not_grow_with_rows(
    client, db, make_event, make_user, make_opd, make_innovation, login, count_statements, size
):
    counts = []
    for n in (2, size):
        event = make_event()
        operator = make_user(role=Role.OPERATOR, opd=make_opd())
        for i in range(n):
            innovation = make_innovation(opd=operator.opd)
            if i % 2:
                entry_services.enter_innovation(event, innovation, event.categories[i % 4], by=operator)
        db.session.flush()
        login(operator)
        db.session.expire_all()  # both requests start from the same (empty) identity map
        with count_statements() as counter:
            response = client.get(f"/events/{event.slug}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


# --- who acts for which OPD ------------------------------------------------------------------

def test_acting_opd_is_the_operators_own_or_the_one_an_admin_chose(db, operator, admin, make_user, make_opd):
    from innovation.events.policy import acting_opd_id

    other = make_opd()
    assert acting_opd_id(operator, other.id) == operator.opd_id  # an operator never acts for another OPD
    assert acting_opd_id(operator) == operator.opd_id
    assert acting_opd_id(admin, other.id) == other.id and acting_opd_id(admin) is None
    for role in (Role.JUDGE, Role.VERIFIER):
        assert acting_opd_id(make_user(role=role), other.id) is None
