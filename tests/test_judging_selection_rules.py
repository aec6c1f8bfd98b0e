"""Issue 11, rules 5 and 7: selection and advancement wait until the round's entries can no longer
change (unless the admin writes why not wait), and a judge who recused from an entry is never assigned
it again, in any round of the event."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.events import services as event_services
from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.judging import advancement, assignments, panels, rounds, rubrics
from innovation.judging.errors import JudgingError
from innovation.judging.models import RoundEntry, RoundEntryStatus
from innovation.web import Role


@pytest.fixture
def event_with_entries(db, make_opd, make_user, make_innovation, make_event):
    def build(closes_in=timedelta(hours=-1), n=3):
        now = utcnow()
        event = make_event(opens_at=now - timedelta(days=10), closes_at=now + closes_in)
        admin = make_user(role=Role.ADMIN)
        entries = []
        for i in range(n):
            opd = make_opd()
            entry = Entry(event=event, innovation=make_innovation(opd=opd), category=event.categories[0], opd=opd,
                          status=EntryStatus.SUBMITTED, submitted_at=now - timedelta(days=2, hours=i))
            db.session.add(entry)
            entries.append(entry)
        db.session.flush()
        return event, admin, entries

    return build


# --- rule 5: selection and advancement wait for the entries ---------------------------------------

def test_selection_is_refused_while_submissions_are_open_unless_a_reason_is_given(event_with_entries, db):
    event, admin, entries = event_with_entries(closes_in=timedelta(days=1))
    made = rounds.create_default_rounds(event, by=admin)
    selection = made[0]
    assert selection.opens_at >= event.closes_at  # the default plan starts after the close
    round_entry = rounds.round_entries(selection)[0]
    with pytest.raises(JudgingError, match="masih terbuka sampai") as refused:
        rounds.decide(round_entry, True, "", by=admin)
    assert refused.value.field == "override_reason"
    with pytest.raises(JudgingError, match="minimal 10"):
        rounds.decide(round_entry, True, "", by=admin, override_reason="cepat")
    rounds.decide(round_entry, True, "", by=admin, override_reason="Rapat panitia memajukan jadwal seleksi")
    assert round_entry.status == RoundEntryStatus.PASSED
    log = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.admin_decision"))
    assert log.changes["sebelum_pendaftaran_ditutup"] == "Rapat panitia memajukan jadwal seleksi"


def test_an_extension_keeps_the_entries_open(event_with_entries, make_opd, db):
    """The event closed, but one OPD has an extension: its late (legal) submission must not be missed."""
    event, admin, entries = event_with_entries(closes_in=timedelta(hours=-2))
    late_opd = make_opd()
    event_services.grant_extension(event, late_opd, utcnow() + timedelta(days=2), "Jaringan distrik putus",
                                   by=admin)
    selection = rounds.create_round(event, {"name": "Seleksi", "kind": "administrasi", "opens_at": utcnow(),
                                            "closes_at": utcnow() + timedelta(days=3)}, by=admin)
    rounds.populate_first_round(selection, by=admin)
    assert rounds.entries_open_until(event) > utcnow()
    with pytest.raises(JudgingError, match="perpanjangan"):
        rounds.decide(rounds.round_entries(selection)[0], True, "", by=admin)
    # once every window has closed, no reason is needed
    assert rounds.entries_open_refusal(selection, "x", now=utcnow() + timedelta(days=3)) is None
    rounds.decide(rounds.round_entries(selection)[0], True, "", by=admin, now=utcnow() + timedelta(days=3))


def test_advancement_is_refused_while_entries_can_change(event_with_entries, db, login, client):
    event, admin, entries = event_with_entries(closes_in=timedelta(days=1))
    made = rounds.create_default_rounds(event, by=admin)
    selection = made[0]
    reason = "Jadwal presentasi dimajukan oleh Bupati"
    for round_entry in rounds.round_entries(selection):
        rounds.decide(round_entry, True, "", by=admin, override_reason=reason)
    chosen = {e.id for e in entries}
    with pytest.raises(JudgingError, match="masih terbuka"):
        advancement.advance(selection, chosen, by=admin)
    db.session.commit()
    login(admin)
    page = client.get(f"/judging/rounds/{selection.id}/advance").get_data(as_text=True)
    assert "masih terbuka sampai" in page and 'name="override_reason"' in page
    response = client.post(f"/judging/rounds/{selection.id}/advance",
                           data={"entry_id": [str(i) for i in chosen]}, follow_redirects=True)
    assert "masih terbuka" in response.get_data(as_text=True)
    response = client.post(f"/judging/rounds/{selection.id}/advance",
                           data={"entry_id": [str(i) for i in chosen], "override_reason": reason})
    assert response.status_code == 302
    log = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "judging.advance"))
    assert log.changes["sebelum_pendaftaran_ditutup"] == reason
    assert {re_.entry_id for re_ in rounds.round_entries(made[1])} == chosen


def test_the_round_page_asks_for_the_reason_while_entries_are_open(event_with_entries, login, client, db):
    event, admin, entries = event_with_entries(closes_in=timedelta(days=1))
    selection = rounds.create_default_rounds(event, by=admin)[0]
    db.session.commit()
    login(admin)
    page = client.get(f"/judging/rounds/{selection.id}").get_data(as_text=True)
    assert "masih terbuka sampai" in page and 'name="override_reason"' in page
    round_entry = rounds.round_entries(selection)[0]
    refused = client.post(f"/judging/rounds/{selection.id}/decide",
                          data={"round_entry_id": str(round_entry.id), "verdict": "pass", "reason": ""},
                          follow_redirects=True)
    assert "masih terbuka" in refused.get_data(as_text=True)
    done = client.post(f"/judging/rounds/{selection.id}/decide",
                       data={"round_entry_id": str(round_entry.id), "verdict": "pass", "reason": "",
                             "override_reason": "Sisa OPD sudah menyatakan tidak ikut"})
    assert done.status_code == 302
    db.session.expire_all()
    assert round_entry.status == RoundEntryStatus.PASSED


# --- rule 7: recusal is respected everywhere ---------------------------------------------------------

@pytest.fixture
def two_rounds(event_with_entries, make_user, db):
    def build():
        event, admin, entries = event_with_entries(n=2)
        rubrics.seed_builtin_rubrics(by=admin)
        now = utcnow()
        first, second = (rounds.create_round(event, {
            "name": name, "kind": "penilaian", "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=2), "judges_per_entry": 1,
        }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin) for name in ("Penilaian", "Final"))
        judge = make_user(role=Role.JUDGE, full_name="Juri Berkonflik")
        other = make_user(role=Role.JUDGE, full_name="Juri Lain")
        in_first = RoundEntry(round=first, entry=entries[0])
        in_second = RoundEntry(round=second, entry=entries[0])
        db.session.add_all([in_first, in_second, RoundEntry(round=second, entry=entries[1])])
        db.session.flush()
        assignment = assignments.assign_judge(in_first, judge, by=admin)
        assignments.recuse(assignment, "Adik saya kepala bidang di OPD ini", by=judge)
        return admin, second, in_second, judge, other

    return build


def test_manual_assignment_refuses_a_judge_who_recused_in_an_earlier_round_and_says_why(two_rounds):
    admin, second, in_second, judge, other = two_rounds()
    with pytest.raises(JudgingError) as refused:
        assignments.assign_judge(in_second, judge, by=admin)
    message = str(refused.value)
    assert "Juri Berkonflik" in message and "Penilaian" in message and "Adik saya kepala bidang" in message
    assignments.assign_judge(in_second, other, by=admin)  # another judge is fine


def test_the_assign_select_and_auto_assignment_leave_the_recused_judge_out(two_rounds, login, client, db):
    admin, second, in_second, judge, other = two_rounds()
    for member in (judge, other):
        panels.add_panel_member(second, member, by=admin)
    db.session.commit()
    login(admin)
    page = client.get(f"/judging/rounds/{second.id}").get_data(as_text=True)
    select_html = page.split(f'id="assign-{in_second.id}"')[1].split("</select>")[0]
    assert "Juri Lain" in select_html and "Juri Berkonflik" not in select_html
    result = assignments.auto_assign(second, by=admin)
    assert (in_second.id, judge.id) not in {(a.round_entry_id, a.judge_id) for a in result.created}
    assert (in_second.id, other.id) in {(a.round_entry_id, a.judge_id) for a in result.created}
