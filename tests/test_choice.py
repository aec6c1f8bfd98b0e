"""People's choice (issue 14): one vote per device (a second vote replaces the first), limits per address,
closed voting refused with a message, the tally apart from the jury's results, audit-logged settings."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from conftest import BACKENDS, build_app, drop_schema, require_backend
from open_platform import seed
from sqlalchemy import func, select

from innovation.choice import device
from innovation.choice.models import ChoiceSettings, ChoiceVote
from innovation.extensions import utcnow


@pytest.fixture
def world(db, make_opd, make_user, make_innovation, make_event):
    """A published event with two submitted entries (open_platform.seed) and voting open on it."""
    from innovation.events.models import Entry, EntryStatus

    found = seed(db, make_opd, make_user, make_innovation, make_event)
    for entry in db.session.scalars(select(Entry).where(Entry.event_id == found.event.id)):
        entry.status, entry.submitted_at = EntryStatus.SUBMITTED, utcnow() - timedelta(days=14)
    db.session.add(ChoiceSettings(event_id=found.event.id, enabled=True, opens_at=utcnow() - timedelta(hours=1),
                                  closes_at=utcnow() + timedelta(hours=5)))
    db.session.commit()
    return found


def text(response) -> str:
    return response.get_data(as_text=True)


def ballot_ids(db, world):
    from innovation.choice import services

    return [e.id for e in services.ballot(services.settings_of(world.event))]


def vote(client, world, entry_id, **kwargs):
    return client.post(f"/choice/{world.event.slug}", data={"entry": str(entry_id)}, **kwargs)


def tally(db, world) -> dict[int, int]:
    rows = db.session.execute(select(ChoiceVote.entry_id, func.count()).where(ChoiceVote.event_id == world.event.id)
                              .group_by(ChoiceVote.entry_id)).all()
    return dict(rows)


def test_one_vote_per_device_a_second_vote_replaces_the_first(app, client, db, world):
    first, second = ballot_ids(db, world)
    page = client.get(f"/choice/{world.event.slug}")
    assert page.status_code == 200
    assert "private" in page.headers["Cache-Control"] and "no-store" in page.headers["Cache-Control"]
    assert f'value="{first}"' in text(page) and "Satu suara per perangkat" in text(page)
    cookie = client.get_cookie(device.COOKIE, path="/choice")
    assert cookie is not None and cookie.http_only and cookie.max_age and cookie.max_age > 300 * 24 * 3600

    response = vote(client, world, first)
    assert response.status_code == 302 and response.location.endswith("voted=1#your-vote")
    assert tally(db, world) == {first: 1}
    shown = text(client.get(f"/choice/{world.event.slug}?voted=1"))
    assert "suara Anda tercatat" in shown and "Ganti pilihan" in shown

    assert vote(client, world, second).status_code == 302  # the same device again: moved, not added
    assert vote(client, world, second).status_code == 302
    assert tally(db, world) == {second: 1}

    other = app.test_client()  # another phone
    other.get(f"/choice/{world.event.slug}")
    assert vote(other, world, second).status_code == 302
    assert tally(db, world) == {second: 2}

    # Only sha256 of the token is stored, never the token or the signed cookie.
    with app.test_request_context(headers={"Cookie": f"{device.COOKIE}={cookie.value}"}):
        token = device.token_from_request()
    hashes = set(db.session.scalars(select(ChoiceVote.device_hash)))
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert token not in hashes and cookie.value not in hashes


def test_a_changed_vote_is_audit_logged_without_the_visitor(app, client, db, world):
    """Moving a vote to another entry while voting is open is logged: the vote row and the two entries, no
    actor, nothing of the device beyond the sha256 the vote row already holds. A first vote, or the same
    entry again, is not a change."""
    from innovation.audit.models import AuditEvent

    def changes():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "choice.vote_change")))

    first, second = ballot_ids(db, world)
    client.get(f"/choice/{world.event.slug}")
    assert vote(client, world, first).status_code == 302
    assert vote(client, world, first).status_code == 302
    assert changes() == []
    assert vote(client, world, second).status_code == 302
    vote_row = db.session.scalars(select(ChoiceVote).where(ChoiceVote.event_id == world.event.id)).one()
    [event] = changes()
    assert (event.actor_id, event.object_type, event.object_id, event.opd_id) == (None, "choice_vote", vote_row.id, None)
    assert event.changes == {"entry_id": [first, second]}
    assert event.summary == f"Seorang pengunjung mengganti pilihannya pada {world.event.name}"

    cookie = client.get_cookie(device.COOKIE, path="/choice")
    with app.test_request_context(headers={"Cookie": f"{device.COOKIE}={cookie.value}"}):
        token = device.token_from_request()
    stored = " ".join(str(getattr(event, column.key)) for column in AuditEvent.__table__.columns)
    for secret in (token, cookie.value, vote_row.device_hash, "127.0.0.1"):
        assert secret not in stored

    assert vote(client, world, second).status_code == 302  # the same entry again: no change
    assert vote(client, world, first).status_code == 302
    assert [e.changes for e in changes()] == [{"entry_id": [first, second]}, {"entry_id": [second, first]}]


def test_no_cookie_forged_cookie_and_entries_off_the_ballot_are_refused(app, db, world, make_event):
    first, _second = ballot_ids(db, world)
    client = app.test_client()
    response = vote(client, world, first)  # never loaded the page: no device cookie
    assert response.status_code == 400 and "Izinkan cookie" in text(response)
    client.set_cookie(device.COOKIE, "forged.token", path="/choice")
    assert vote(client, world, first).status_code == 400
    assert tally(db, world) == {}

    client = app.test_client()
    client.get(f"/choice/{world.event.slug}")
    for junk in ("", "abc", "0", "-1", str(2**31), str(10**30), str(first + 100000)):
        response = vote(client, world, junk)
        assert response.status_code == 400 and "Pilih salah satu inovasi" in text(response)
    assert tally(db, world) == {}
    assert client.get("/choice/no-such-event").status_code == 404


def test_closed_and_not_yet_open_voting_is_refused_with_a_message(client, db, world):
    first, _second = ballot_ids(db, world)
    settings = db.session.scalar(select(ChoiceSettings).where(ChoiceSettings.event_id == world.event.id))
    client.get(f"/choice/{world.event.slug}")
    assert vote(client, world, first).status_code == 302
    settings.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = text(client.get(f"/choice/{world.event.slug}"))
    assert "sudah ditutup" in page and 'name="entry"' not in page
    response = vote(client, world, first)
    assert response.status_code == 409 and "sudah ditutup" in text(response)
    english = client.post(f"/choice/{world.event.slug}?lang=en", data={"entry": str(first)})
    assert english.status_code == 409 and "Voting has closed" in text(english)

    settings.opens_at, settings.closes_at = utcnow() + timedelta(hours=1), utcnow() + timedelta(hours=2)
    db.session.commit()
    response = vote(client, world, first)
    assert response.status_code == 409 and "belum dibuka" in text(response)
    settings.enabled = False
    db.session.commit()
    assert client.get(f"/choice/{world.event.slug}").status_code == 404
    assert tally(db, world) == {first: 1}


def test_the_tally_is_apart_from_the_jury_results(app, client, db, world):
    from innovation.judging.public_file import public_checksum

    first, second = ballot_ids(db, world)
    results_url = f"/public/events/{world.event.slug}/results"
    before = text(client.get(results_url))
    checksum = public_checksum(world.snapshot)
    for n in range(3):
        phone = app.test_client()
        phone.get(f"/choice/{world.event.slug}")
        assert vote(phone, world, second if n else first).status_code == 302
    settings = db.session.scalar(select(ChoiceSettings).where(ChoiceSettings.event_id == world.event.id))
    settings.publish_tally = True
    db.session.commit()
    assert "Pilihan pengunjung" not in text(client.get(results_url))  # published only after voting closed
    settings.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    after = text(client.get(results_url))
    assert "Pilihan pengunjung" in after and "bukan penilaian juri" in after
    jury_part = after.split('<section class="card" id="pilihan-pengunjung"')[0]
    assert re.sub(r"\s+", " ", jury_part) in re.sub(r"\s+", " ", before)  # the jury's section is unchanged
    choice_part = after.split('<section class="card" id="pilihan-pengunjung"')[1]
    assert re.findall(r'<td class="num">(\d+)</td>', choice_part) == ["2", "1"]
    assert public_checksum(world.snapshot) == checksum  # the published results file is the same
    settings.publish_tally = False
    db.session.commit()
    assert "Pilihan pengunjung" not in text(client.get(results_url))


def test_admin_settings_are_audited_and_show_the_qr_tally_and_poster(client, db, login, world, admin):
    from innovation.audit.models import AuditEvent

    login(admin)
    url = f"/choice/events/{world.event.slug}"
    page = text(client.get(url))
    assert "<svg" in page and f"/choice/{world.event.slug}" in page and "Belum ada suara" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"enabled": "y", "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-01T07:00",
            "round_id": str(world.round.id), "publish_tally": "y", "version": version}
    response = client.post(url, data=data)
    assert response.status_code == 200 and "Waktu tutup harus sesudah waktu buka" in text(response)
    data["closes_at"] = "2026-12-01T17:00"
    assert client.post(url, data=data).status_code == 302
    settings = db.session.scalar(select(ChoiceSettings).where(ChoiceSettings.event_id == world.event.id))
    assert settings.round_id == world.round.id and settings.publish_tally
    assert settings.closes_at.hour == 8  # 17:00 WIT is 08:00 UTC
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "choice.settings"))
    assert event is not None and "closes_at" in event.changes and event.actor_id == admin.id
    data["round_id"] = "999999"
    assert client.post(url, data=data).status_code == 200  # not a round of this event: refused
    poster = text(client.get(f"{url}/poster"))
    assert "<svg" in poster and "Pilih inovasi favorit Anda" in poster and "17:00" in poster


# --- limits per address ------------------------------------------------------------------------------------

@pytest.fixture(params=BACKENDS)
def limited_app(request, tmp_path_factory):
    require_backend(request.param)
    app = build_app(request.param, tmp_path_factory, RATELIMIT_ENABLED=True, CHOICE_VOTE_LIMITS="3 per minute")
    yield app
    drop_schema(app)


def test_votes_are_limited_per_address(limited_app):
    from innovation.events.models import Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year

    app = limited_app
    with app.app_context():
        now = utcnow()
        event = Event(slug="iw-batas", name="IW Batas", year=2026, opens_at=now - timedelta(days=3),
                      closes_at=now - timedelta(days=1))
        event.categories = [Category(name="Umum", position=0)]
        opd = Opd(name="Dinas Batas", code="BTS", kind=OpdKind.DINAS)
        innovation = Innovation(opd=opd, nama="Inovasi Batas", rules_year=latest_year())
        db.session.add_all([event, opd, innovation])
        db.session.commit()
        from innovation.events.models import Entry, EntryStatus

        entry = Entry(event=event, innovation=innovation, category=event.categories[0], opd=opd,
                      status=EntryStatus.SUBMITTED, submitted_at=now - timedelta(days=2))
        db.session.add(entry)
        db.session.add(ChoiceSettings(event=event, enabled=True, opens_at=now - timedelta(hours=1),
                                      closes_at=now + timedelta(hours=1)))
        db.session.commit()
        entry_id = entry.id

    def post(address):
        phone = app.test_client()  # a new device each time: what a script clearing its cookie does
        phone.get("/choice/iw-batas", environ_base={"REMOTE_ADDR": address})
        return phone.post("/choice/iw-batas", data={"entry": str(entry_id)}, environ_base={"REMOTE_ADDR": address})

    assert [post("10.0.0.7").status_code for _ in range(3)] == [302, 302, 302]
    refused = post("10.0.0.7")
    assert refused.status_code == 429 and "Terlalu banyak" in refused.get_data(as_text=True)
    assert post("10.0.0.8").status_code == 302  # another address has its own budget
    with app.app_context():
        assert db.session.scalar(select(func.count(ChoiceVote.id))) == 4


def test_two_tabs_of_one_device_racing_still_count_once(db, world, monkeypatch):
    """The second tab's insert meets the unique (event, device) key: it becomes a change of the first vote."""
    from innovation.choice import services

    first, second = ballot_ids(db, world)
    settings = services.settings_of(world.event)
    services.cast_vote(settings, "t" * 43, first)
    db.session.commit()
    real = services.vote_of
    calls = []

    def stale_read(found_settings, token):  # the racing tab read before the first tab's vote was committed
        calls.append(token)
        return None if len(calls) == 1 else real(found_settings, token)

    monkeypatch.setattr(services, "vote_of", stale_read)
    vote_row, changed = services.cast_vote(settings, "t" * 43, second)
    db.session.commit()
    assert changed and vote_row.entry_id == second and len(calls) == 2
    assert tally(db, world) == {second: 1}
    from innovation.audit.models import AuditEvent

    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "choice.vote_change")).all()
    assert [(e.object_id, e.changes) for e in logged] == [(vote_row.id, {"entry_id": [first, second]})]


def test_a_round_on_the_ballot_limits_the_choices(db, world, make_event, make_innovation):
    from innovation.choice import services
    from innovation.events import entries
    from innovation.events.models import EntryStatus

    outside = entries.enter_innovation(world.event, make_innovation(), world.event.categories[0], by=world.admin,
                                       now=utcnow() - timedelta(days=15))
    outside.status = EntryStatus.SUBMITTED
    db.session.commit()
    settings = services.settings_of(world.event)
    assert outside.id in ballot_ids(db, world)  # every submitted entry
    settings.round_id = world.round.id
    db.session.commit()
    assert outside.id not in ballot_ids(db, world) and len(ballot_ids(db, world)) == 2
    with pytest.raises(services.ChoiceError):
        services.cast_vote(settings, "u" * 43, outside.id)
