"""The presentation schedule: order by hand or by a reproducible draw, slots in WIT, the operator's
view and change notice, the printable PDF, and who may do what."""
from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from innovation.audit.models import AuditEvent
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import rounds, rubrics
from innovation.judging import schedule as schedules
from innovation.judging.errors import JudgingError
from innovation.judging.models import RoundEntry, RoundEntryStatus
from innovation.outbox.models import OutboxEvent
from innovation.web import Role

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
# 08:00 WIT on 10 August 2026 (WIT is UTC+9)
FIRST = datetime(2026, 8, 9, 23, 0, tzinfo=timezone.utc)


@pytest.fixture
def day(db, make_opd, make_user, make_innovation, make_event):
    def build(n_entries=4):
        admin = make_user(role=Role.ADMIN)
        event = make_event()
        rubrics.seed_builtin_rubrics()
        now = utcnow()
        round_ = rounds.create_round(event, {
            "name": "Final", "kind": "final", "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=2), "judges_per_entry": 1,
        }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
        res, operators = [], []
        for i in range(n_entries):
            opd = make_opd()
            innovation = make_innovation(opd=opd, nama=f"Inovasi {i + 1}")
            entry = Entry(event=event, innovation=innovation, category=event.categories[0], opd=opd,
                          status=EntryStatus.SUBMITTED)
            re_ = RoundEntry(round=round_, entry=entry)
            db.session.add_all([entry, re_])
            operators.append(make_user(role=Role.OPERATOR, opd=opd))
            res.append(re_)
        db.session.flush()
        return admin, round_, res, operators

    return build


SETTINGS = {"starts_at": FIRST, "room": "Aula Bappeda", "presentation_minutes": 10, "qa_minutes": 5,
            "changeover_minutes": 5}


def test_slots_follow_the_settings_in_order(day, db):
    admin, round_, res, _ops = day(3)
    schedule = schedules.save_schedule(round_, SETTINGS, by=admin)
    assert [s.round_entry_id for s in schedule.slots] == [r.id for r in res]
    assert [s.starts_at for s in schedule.slots] == [FIRST, FIRST + timedelta(minutes=20),
                                                      FIRST + timedelta(minutes=40)]
    assert {s.room for s in schedule.slots} == {"Aula Bappeda"}
    assert all(s.changed_at is None for s in schedule.slots)  # first setting is not a change


def test_a_left_entry_loses_its_slot_and_a_new_one_goes_last(day, db):
    admin, round_, res, _ops = day(3)
    schedule = schedules.save_schedule(round_, SETTINGS, by=admin)
    res[0].status = RoundEntryStatus.ELIMINATED
    db.session.flush()
    schedules.sync_slots(schedule, by=admin)
    assert [s.round_entry_id for s in schedule.slots] == [res[1].id, res[2].id]
    assert [s.position for s in schedule.slots] == [1, 2]


def test_the_draw_is_logged_and_reproducible_from_its_seed(day, db):
    admin, round_, res, _ops = day(6)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    schedule = schedules.draw(round_, "iw-2026-final", by=admin)
    ids = sorted(r.id for r in res)
    expected = list(ids)
    random.Random("iw-2026-final").shuffle(expected)  # the recipe the page and the PDF state
    assert [s.round_entry_id for s in schedule.slots] == expected
    assert schedules.drawn_order(reversed(ids), "iw-2026-final") == expected  # input order does not matter
    assert schedules.drawn_order(ids, "another seed") != expected
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "schedule.draw")).one()
    assert event.changes["seed"] == [None, "iw-2026-final"] and event.changes["order"][1] == expected
    assert event.changes["entries_sorted"][1] == ids
    assert schedule.draw_seed == "iw-2026-final" and schedule.drawn_by_id == admin.id


def test_a_blank_seed_is_drawn_at_random_and_kept(day, db):
    admin, round_, res, _ops = day(3)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    schedule = schedules.draw(round_, "  ", by=admin)
    assert len(schedule.draw_seed) == 16
    assert [s.round_entry_id for s in schedule.slots] == schedules.drawn_order([r.id for r in res], schedule.draw_seed)
    with pytest.raises(JudgingError):
        schedules.draw(round_, "x" * 65, by=admin)


def test_manual_order_needs_every_entry_once(day, db):
    admin, round_, res, _ops = day(3)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    with pytest.raises(JudgingError):
        schedules.set_order(round_, [res[0].id, res[0].id, res[1].id], by=admin)
    with pytest.raises(JudgingError):
        schedules.set_order(round_, [res[0].id, res[1].id], by=admin)
    schedule = schedules.set_order(round_, [res[2].id, res[0].id, res[1].id], by=admin)
    assert [s.round_entry_id for s in schedule.slots] == [res[2].id, res[0].id, res[1].id]
    assert schedule.slots[0].starts_at == FIRST


def test_a_moved_slot_is_noted_and_announced(day, db):
    admin, round_, res, _ops = day(3)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    schedule = schedules.set_order(round_, [res[1].id, res[0].id, res[2].id], by=admin)
    moved = {s.round_entry_id: s for s in schedule.slots}
    assert moved[res[2].id].changed_at is None  # still third, same time
    assert moved[res[0].id].unseen_change
    # the values before the change are kept, not a sentence: it is worded when read
    assert (moved[res[0].id].previous_starts_at, moved[res[0].id].previous_room) == (FIRST, "Aula Bappeda")
    assert moved[res[0].id].starts_at == FIRST + timedelta(minutes=20)
    assert schedules.change_note(moved[res[0].id]) == "sebelumnya 10-08-2026 08:00 WIT, Aula Bappeda"
    assert schedules.change_note(moved[res[2].id]) == ""
    kinds = db.session.scalars(db.select(OutboxEvent.kind)).all()
    assert kinds.count("schedule.slot_changed") == 2


def test_operator_sees_their_slot_and_the_change(day, db, client, login):
    admin, round_, res, ops = day(3)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    login(ops[1])
    page = client.get("/judging/schedule").get_data(as_text=True)
    assert "Inovasi 2" in page and "10-08-2026 08:20 WIT" in page and "Aula Bappeda" in page
    assert "Inovasi 1" not in page and "berubah" not in page  # only their own OPD's slot
    schedules.save_schedule(round_, {**SETTINGS, "room": "Ruang Rapat 2"}, by=admin, version=1)
    db.session.flush()
    other_page = client.get("/innovations/").get_data(as_text=True)  # told on their other pages too
    assert "Jadwal presentasi OPD Anda berubah." in other_page and 'href="/judging/schedule">Lihat jadwal' in other_page
    page = client.get("/judging/schedule").get_data(as_text=True)
    assert "Jadwal presentasi Anda berubah" in page and "sebelumnya 10-08-2026 08:20 WIT, Aula Bappeda" in page
    assert client.post("/judging/schedule/seen").status_code == 302
    assert "Jadwal presentasi Anda berubah" not in client.get("/judging/schedule").get_data(as_text=True)
    assert "Jadwal presentasi OPD Anda berubah." not in client.get("/innovations/").get_data(as_text=True)
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "schedule.change_seen")).one()


@pytest.mark.parametrize(("lang", "shown", "not_shown"), [
    ("id", "sebelumnya 10-08-2026 08:20 WIT, Aula Bappeda", "previously"),
    ("en", "previously 10-08-2026 08:20 WIT, Aula Bappeda", "sebelumnya"),
])
def test_the_change_is_told_in_the_readers_language(day, db, client, login, lang, shown, not_shown):
    admin, round_, res, ops = day(3)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    schedules.save_schedule(round_, {**SETTINGS, "room": ""}, by=admin, version=1)
    db.session.flush()
    login(ops[1])
    client.post(f"/auth/language/{lang}", data={"next": "/"})
    page = client.get("/judging/schedule").get_data(as_text=True)
    assert shown in page and not_shown not in page
    assert "10-08-2026 08:20 WIT, — (" in page  # the slot now: same time, no room


def test_admin_sets_the_day_through_the_pages_and_prints_it(day, db, client, login):
    admin, round_, res, _ops = day(3)
    login(admin)
    url = f"/judging/rounds/{round_.id}/schedule"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"starts_at": "2026-08-10T08:00", "room": "Aula", "presentation_minutes": "0",
                                 "qa_minutes": "5", "changeover_minutes": "5"})
    assert bad.status_code == 422 and 'value="Aula"' in bad.get_data(as_text=True)
    ok = client.post(url, data={"starts_at": "2026-08-10T08:00", "room": "Aula", "presentation_minutes": "10",
                                "qa_minutes": "5", "changeover_minutes": "5", "version": ""})
    assert ok.status_code == 302
    schedule = schedules.schedule_of(round_)
    assert schedule.starts_at == FIRST
    form = {f"position-{res[0].id}": "3", f"position-{res[1].id}": "1", f"position-{res[2].id}": "2"}
    assert client.post(f"{url}/order", data=form).status_code == 302
    assert [s.round_entry_id for s in schedule.slots] == [res[1].id, res[2].id, res[0].id]
    assert client.post(f"{url}/draw", data={"seed": "hall-A"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "hall-A" in page and "random.Random(seed).shuffle" in page
    pdf = client.get(f"/judging/rounds/{round_.id}/schedule.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert round(width) == 595 and round(height) == 842  # A4 portrait, in points
    text = reader.pages[0].extract_text()
    assert "Jadwal Presentasi - Final" in text and 'seed "hall-A"' in text
    order = schedules.drawn_order([r.id for r in res], "hall-A")
    names = {r.id: r.entry.innovation.nama for r in res}
    positions = [text.index(names[i]) for i in order]
    assert positions == sorted(positions) and "08:00" in text and "08:40" in text
    if db.engine.dialect.name == "sqlite":  # one image, like the browser tests
        render_page_image(pdf.data, "schedule-pdf")


def render_page_image(data: bytes, name: str) -> None:
    """The PDF's first page as docs/screenshots/<name>.png, to look at (poppler's pdftoppm, when installed)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run([tool, "-png", "-r", "80", "-singlefile", str(source), str(Path(tmp) / "page")], check=True,
                       timeout=60)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "page.png", SCREENSHOTS / f"{name}.png")


def test_a_published_round_keeps_its_schedule(day, db):
    admin, round_, res, _ops = day(2)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    round_.published_at = utcnow()
    db.session.flush()
    with pytest.raises(JudgingError):
        schedules.draw(round_, "x", by=admin)


def test_pages_refuse_the_wrong_people(day, db, client, login, make_user):
    admin, round_, res, ops = day(1)
    login(ops[0])
    assert client.get(f"/judging/rounds/{round_.id}/schedule").status_code == 403
    assert client.get(f"/judging/rounds/{round_.id}/schedule.pdf").status_code == 403
    client.post("/auth/logout")
    login(make_user(role=Role.JUDGE))
    assert client.get("/judging/schedule").status_code == 403


def test_operators_are_told_their_slot_once_and_again_when_it_changes(day, db):
    """Issue 15: an operator is told their presentation slot, and told again when its time or room changes."""
    from innovation.notify import triggers
    from innovation.notify.models import Notification

    admin, round_, res, operators = day(2)
    schedules.save_schedule(round_, SETTINGS, by=admin)
    before = FIRST - timedelta(days=2)

    def told(event):
        return [(m.user_id, m.title) for m in db.session.scalars(
            db.select(Notification).where(Notification.event == event).order_by(Notification.user_id))]

    triggers.collect(before)
    assert triggers.collect(before) == 0  # a second run tells nobody anything twice
    assert [user for user, _title in told("slot.set")] == sorted(o.id for o in operators)
    assert all("2026" in title for _user, title in told("slot.set"))
    schedules.save_schedule(round_, dict(SETTINGS, room="Ruang Rapat Bupati"), by=admin, version=1)
    triggers.collect(before)
    assert triggers.collect(before) == 0
    assert len(told("slot.set")) == 2
    changed = db.session.scalars(db.select(Notification).where(Notification.event == "slot.changed")).all()
    assert {m.user_id for m in changed} == {o.id for o in operators}
    assert all("Ruang Rapat Bupati" in m.body for m in changed)
    assert not [due for due in triggers.due(FIRST + timedelta(days=1)) if due.event.startswith("slot.")]  # past: not told
