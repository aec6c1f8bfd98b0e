"""Who is told what (issue 15): each trigger finds its message once, at the right moment, for the right people."""
from __future__ import annotations

from datetime import timedelta

import pytest

from innovation.extensions import utcnow
from innovation.web import Role


def messages(db, event=None, user=None):
    from innovation.notify.models import Notification

    query = db.select(Notification).order_by(Notification.id)
    if event:
        query = query.where(Notification.event == event)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return list(db.session.scalars(query))


@pytest.fixture
def opd_with_entry(db, make_opd, make_user, make_innovation, make_event):
    from innovation.events import entries

    opd = make_opd()
    operator = make_user(role=Role.OPERATOR, opd=opd)
    innovation = make_innovation(opd=opd)
    event = make_event(opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() + timedelta(days=10))
    entry = entries.enter_innovation(event, innovation, event.categories[0], by=operator)
    return opd, operator, innovation, event, entry


def test_window_opens_told_once_to_every_operator(db, make_user, make_event):
    from innovation.notify import triggers

    first, second = make_user(role=Role.OPERATOR), make_user(role=Role.OPERATOR)
    judge = make_user(role=Role.JUDGE)
    event = make_event(opens_at=utcnow() - timedelta(hours=2))
    make_event(opens_at=utcnow() - timedelta(days=20))  # opened long ago: old news, not told
    now = utcnow()
    assert triggers.collect(now) >= 2
    told = messages(db, "event.opened")
    assert {m.user_id for m in told} >= {first.id, second.id} and judge.id not in {m.user_id for m in told}
    assert {m.item for m in told} == {f"event:{event.id}"}
    assert triggers.collect(now) == 0


def test_reminders_7_3_1_days_before_the_effective_deadline(db, opd_with_entry, admin):
    from innovation.events import services as events
    from innovation.notify import triggers

    opd, operator, innovation, event, entry = opd_with_entry
    close = event.closes_at
    assert not messages(db, "entry.reminder")
    triggers.collect(close - timedelta(days=8))
    assert not messages(db, "entry.reminder")
    triggers.collect(close - timedelta(days=6, hours=23))
    triggers.collect(close - timedelta(days=6))  # the same threshold again: nothing new
    assert [m.item.split(":")[2] for m in messages(db, "entry.reminder")] == ["d7"]
    triggers.collect(close - timedelta(days=2, hours=12))
    triggers.collect(close - timedelta(hours=20))
    reminders = messages(db, "entry.reminder", operator)
    assert [m.item.split(":")[2] for m in reminders] == ["d7", "d3", "d1"]
    assert "belum dikirim" in reminders[-1].body
    # an extension moves the effective deadline: the reminders follow it
    events.grant_extension(event, opd, close + timedelta(days=5), "Jaringan putus", by=admin)
    triggers.collect(close + timedelta(days=4, hours=1))
    assert messages(db, "entry.reminder")[-1].item.endswith(f":d1:{triggers._stamp(close + timedelta(days=5))}")


def test_no_reminder_when_submitted_and_complete(db, opd_with_entry):
    from innovation.events.models import EntryStatus
    from innovation.notify import triggers

    opd, operator, innovation, event, entry = opd_with_entry
    entry.status = EntryStatus.SUBMITTED
    innovation.blocking_gap_count = 0
    db.session.flush()
    triggers.collect(event.closes_at - timedelta(days=2))
    assert not messages(db, "entry.reminder")
    innovation.blocking_gap_count = 2  # submitted, but mandatory evidence missing
    db.session.flush()
    triggers.collect(event.closes_at - timedelta(days=2))
    [reminder] = messages(db, "entry.reminder")
    assert "2 kekurangan wajib" in reminder.body and "belum dikirim" not in reminder.body


def test_each_verdict_on_their_lines(db, opd_with_entry, make_user):
    from innovation.innovations.models import IndicatorAnswer, VerificationStatus
    from innovation.notify import triggers
    from innovation.reporting import services as reporting

    opd, operator, innovation, event, entry = opd_with_entry
    other = make_user(role=Role.OPERATOR)
    verifier = make_user(role=Role.VERIFIER)
    answer = IndicatorAnswer(innovation=innovation, indicator_no=16, parameter=3)
    db.session.add(answer)
    db.session.flush()
    reporting.verify_line(answer, "diperbaiki", 2, "Bukti SK belum ditandatangani", by=verifier)
    triggers.collect(utcnow())
    [told] = messages(db, "line.diperbaiki")
    assert told.user_id == operator.id and "Bukti SK belum ditandatangani" in told.body
    assert not messages(db, "line.diperbaiki", other)
    answer.verified_at = answer.verified_at + timedelta(seconds=5)  # a second verdict later: a new message
    answer.verification_status = VerificationStatus.SESUAI
    db.session.flush()
    triggers.collect(utcnow() + timedelta(seconds=10))
    assert len(messages(db, "line.sesuai", operator)) == 1


def test_extension_granted(db, opd_with_entry, admin):
    from innovation.events import services as events
    from innovation.notify import triggers

    opd, operator, innovation, event, entry = opd_with_entry
    events.grant_extension(event, opd, event.closes_at + timedelta(days=3), "Listrik padam", by=admin)
    triggers.collect(utcnow())
    [told] = messages(db, "extension.granted")
    assert told.user_id == operator.id and "Listrik padam" in told.body


def test_results_published_to_the_operators_in_the_round(db, opd_with_entry, make_user, admin):
    from test_judging_results import build_round

    from innovation.judging.publication import publish
    from innovation.notify import triggers

    opd, operator, innovation, event, entry = opd_with_entry
    outsider = make_user(role=Role.OPERATOR)
    judge = make_user(role=Role.JUDGE)
    built = build_round(db, event=event, entries=[entry], judges=[judge], grid={(0, 0): ["4"] * 5})
    publish(built.round, by=admin)
    triggers.collect(utcnow())
    told = messages(db, "results.published")
    assert [m.user_id for m in told] == [operator.id]
    assert outsider.id not in {m.user_id for m in messages(db)}


def test_verifiers_told_of_waiting_and_changed_lines_once_a_day(db, make_user, make_innovation):
    from innovation.innovations.models import IndicatorAnswer
    from innovation.notify import triggers

    verifier = make_user(role=Role.VERIFIER)
    innovation = make_innovation()
    db.session.add_all([IndicatorAnswer(innovation=innovation, indicator_no=1, parameter=2),
                        IndicatorAnswer(innovation=innovation, indicator_no=2, parameter=1, recheck_since=utcnow())])
    db.session.flush()
    now = utcnow()
    triggers.collect(now)
    triggers.collect(now + timedelta(minutes=5))
    [told] = messages(db, "verifier.waiting", verifier)
    assert told.title.startswith("2 baris") and "1 di antaranya berubah" in told.body
    triggers.collect(now + timedelta(days=1))
    assert len(messages(db, "verifier.waiting", verifier)) == 2


def test_judges_assigned_round_opens_and_closing_with_unsent_sheets(db, opd_with_entry, make_user):
    from test_judging_results import build_round

    from innovation.notify import triggers

    opd, operator, innovation, event, entry = opd_with_entry
    judge, done_judge = make_user(role=Role.JUDGE), make_user(role=Role.JUDGE)
    built = build_round(db, event=event, entries=[entry], judges=[judge, done_judge],
                        grid={(0, 1): ["4"] * 5}, closed=False)  # judge 0 has not sent a sheet
    round_ = built.round
    from innovation.judging.models import Assignment, RoundEntry

    round_entry = db.session.scalars(db.select(RoundEntry).where(RoundEntry.round_id == round_.id)).one()
    db.session.add(Assignment(round_entry_id=round_entry.id, judge_id=judge.id))  # assigned, no sheet yet
    round_.opens_at = utcnow() - timedelta(hours=1)
    round_.closes_at = utcnow() + timedelta(days=3)
    db.session.flush()
    triggers.collect(utcnow())
    assert {m.user_id for m in messages(db, "judge.assigned")} == {judge.id, done_judge.id}
    assert {m.user_id for m in messages(db, "round.opened")} == {judge.id, done_judge.id}
    assert not messages(db, "round.closing")
    triggers.collect(round_.closes_at - timedelta(hours=20))
    closing = messages(db, "round.closing")
    assert [m.user_id for m in closing] == [judge.id]
    assert "1 lembar nilai Anda belum dikirim" in closing[0].body
    triggers.collect(round_.closes_at - timedelta(hours=10))
    assert len(messages(db, "round.closing")) == 1


def test_admin_daily_digest_once_a_day_after_the_hour(db, app, admin):
    from innovation.notify import triggers
    from innovation.timeutil import from_local, to_local

    today = to_local(utcnow()).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    early, later = from_local(today + timedelta(hours=5)), from_local(today + timedelta(hours=8))
    triggers.collect(early)
    assert not messages(db, "admin.digest", admin)
    triggers.collect(later)
    triggers.collect(later + timedelta(hours=3))
    [digest] = messages(db, "admin.digest", admin)
    assert "Inovasi baru:" in digest.body


def test_operator_reads_english_when_chosen(db, opd_with_entry):
    from innovation.notify import services, triggers

    opd, operator, innovation, event, entry = opd_with_entry
    services.save_settings(operator, email=False, whatsapp=False, phone="", language="en")
    triggers.collect(event.closes_at - timedelta(days=2))
    [reminder] = messages(db, "entry.reminder", operator)
    assert reminder.title.startswith("2 days left") and "not submitted" in reminder.body
