"""Who is told what, found from the data as it stands (the rules of issue 15).

Every trigger yields ``Due`` messages with a key ``(event, recipient, item)``; ``collect`` records those not
recorded yet (``services.notify``), so running it every five minutes, twice, or in two workers at once tells
each person each thing once. Things that happened (a verdict, an extension, a publication) are looked for in
the last ``NOTIFY_LOOKBACK_DAYS`` (default 3), so a first run does not bring up old history; their item key
carries the moment (a second verdict on the same line is a new message).

- operators: the window opens; 7, 3 and 1 days before their OPD's effective deadline (extension included) while
  an entry is not submitted or its innovation lacks what disqualifies it (blocking gaps, e.g. mandatory
  evidence): one message per threshold, the nearest one only when a run was missed; each verdict on their
  lines; an extension granted; results published of a round their entry was in; their presentation slot when
  it is set, and again whenever its time or room changes (the item key carries both).
- verifiers: once a day, the lines waiting for a verdict and how many changed since verification;
- judges: assigned in a round (once per round); the round opens; one day before it closes with sheets not sent;
- admins: a daily digest after ``NOTIFY_DIGEST_HOUR`` (local time, default 7).
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from innovation.auth.models import User
from innovation.events.models import DeadlineExtension, Entry, EntryStatus, Event
from innovation.events.services import effective_deadline
from innovation.extensions import db
from innovation.innovations.models import IndicatorAnswer, Innovation
from innovation.judging.models import Assignment, AssignmentStatus, Round, RoundEntry, ScoreSheet, SheetStatus
from innovation.judging.schedule_models import PresentationSlot
from innovation.notify import services
from innovation.notify.models import DeliveryState, Notification, NotificationDelivery
from innovation.timeutil import format_local, to_local
from innovation.web import Role

REMINDER_DAYS = (7, 3, 1)


@dataclass
class Due:
    user: User
    event: str
    item: str
    values: dict[str, Any]
    link: str = ""


def _path(endpoint: str, **values: Any) -> str:
    """A link inside the app, also outside a request (the CLI, a worker)."""
    return current_app.url_map.bind("").build(endpoint, values)


def _lookback(now: datetime) -> datetime:
    return now - timedelta(days=float(current_app.config.get("NOTIFY_LOOKBACK_DAYS", 3)))


def _users(*roles: Role, opd_ids: Iterable[int] | None = None) -> list[User]:
    query = select(User).where(User.active.is_(True), User.role.in_(roles)).order_by(User.id)
    if opd_ids is not None:
        query = query.where(User.opd_id.in_(list(opd_ids)))
    return list(db.session.scalars(query))


def _operators_by_opd(opd_ids: Iterable[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    ids = set(opd_ids)
    if ids:
        for user in _users(Role.OPERATOR, opd_ids=ids):
            found[user.opd_id].append(user)
    return found


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


# --- operators -------------------------------------------------------------------------------------

def window_opened(now: datetime) -> Iterator[Due]:
    events = db.session.scalars(select(Event).where(Event.opens_at <= now, Event.opens_at >= _lookback(now),
                                                    Event.closes_at > now))
    for event in events:
        for user in _users(Role.OPERATOR):
            yield Due(user, "event.opened", f"event:{event.id}",
                      {"event": event.name, "deadline": format_local(effective_deadline(event, user.opd_id))},
                      _path("events.detail", slug=event.slug))


def reminders(now: datetime) -> Iterator[Due]:
    """7, 3 and 1 days before the OPD's effective deadline, per entry that is not submitted or not complete."""
    horizon = now + timedelta(days=max(REMINDER_DAYS) + 60)  # extensions may reach beyond the event's close
    events = list(db.session.scalars(select(Event).where(Event.opens_at <= now, Event.closes_at <= horizon)))
    for event in events:
        entries = list(db.session.scalars(select(Entry).where(
            Entry.event_id == event.id, Entry.status != EntryStatus.WITHDRAWN).order_by(Entry.id)))
        operators = _operators_by_opd(entry.opd_id for entry in entries)
        for entry in entries:
            unsubmitted = entry.status != EntryStatus.SUBMITTED
            incomplete = entry.innovation.blocking_gap_count > 0
            if not (unsubmitted or incomplete):
                continue
            deadline = effective_deadline(event, entry.opd_id)
            left = deadline - now
            if left <= timedelta(0):
                continue
            threshold = next((days for days in sorted(REMINDER_DAYS) if left <= timedelta(days=days)), None)
            if threshold is None:
                continue
            for user in operators.get(entry.opd_id, []):
                yield Due(user, "entry.reminder", f"entry:{entry.id}:d{threshold}:{_stamp(deadline)}", {
                    "days": math.ceil(left / timedelta(days=1)), "event": event.name,
                    "deadline": format_local(deadline), "innovation": entry.innovation.nama,
                    "problem": ProblemText(unsubmitted, incomplete, entry.innovation.blocking_gap_count),
                }, _path("events.entry", slug=event.slug, entry_id=entry.id))


@dataclass(frozen=True)
class ProblemText:
    """Rendered in the recipient's language by ``messages.render`` (str() runs inside ``force_locale``)."""

    unsubmitted: bool
    incomplete: bool
    gaps: int

    def __str__(self) -> str:
        parts = []
        if self.unsubmitted:
            parts.append(_("belum dikirim"))
        if self.incomplete:
            parts.append(_("%(n)s kekurangan wajib (mis. bukti dukung)", n=self.gaps))
        return ", ".join(parts)


def verdicts(now: datetime) -> Iterator[Due]:
    rows = db.session.scalars(select(IndicatorAnswer).where(
        IndicatorAnswer.verified_at >= _lookback(now), IndicatorAnswer.verified_at <= now,
        IndicatorAnswer.verification_status.is_not(None)).order_by(IndicatorAnswer.id))
    answers = list(rows)
    innovations = {i.id: i for i in db.session.scalars(
        select(Innovation).where(Innovation.id.in_({a.innovation_id for a in answers})))} if answers else {}
    operators = _operators_by_opd(i.opd_id for i in innovations.values())
    for answer in answers:
        innovation = innovations[answer.innovation_id]
        for user in operators.get(innovation.opd_id, []):
            yield Due(user, f"line.{answer.verification_status.value}", f"answer:{answer.id}:{_stamp(answer.verified_at)}",
                      {"indicator": answer.indicator_no, "innovation": innovation.nama,
                       "note": answer.verification_note or ""},
                      _path("innovations.indicator", innovation_id=innovation.id, no=answer.indicator_no))


def extensions(now: datetime) -> Iterator[Due]:
    granted = list(db.session.scalars(select(DeadlineExtension).where(
        DeadlineExtension.created_at >= _lookback(now), DeadlineExtension.created_at <= now,
        DeadlineExtension.closes_at > now)))
    operators = _operators_by_opd(e.opd_id for e in granted)
    for extension in granted:
        event = db.session.get(Event, extension.event_id)
        for user in operators.get(extension.opd_id, []):
            yield Due(user, "extension.granted", f"extension:{extension.id}:{_stamp(extension.closes_at)}",
                      {"event": event.name, "deadline": format_local(extension.closes_at), "reason": extension.reason},
                      _path("events.detail", slug=event.slug))


def publications(now: datetime) -> Iterator[Due]:
    rounds = list(db.session.scalars(select(Round).where(Round.published_at >= _lookback(now),
                                                         Round.published_at <= now)))
    for round_ in rounds:
        opd_ids = set(db.session.scalars(select(Entry.opd_id).join(RoundEntry, RoundEntry.entry_id == Entry.id)
                                         .where(RoundEntry.round_id == round_.id)))
        for users in _operators_by_opd(opd_ids).values():
            for user in users:
                yield Due(user, "results.published", f"round:{round_.id}:{_stamp(round_.published_at)}",
                          {"round": round_.name, "event": round_.event.name},
                          _path("events.detail", slug=round_.event.slug))


def presentation_slots(now: datetime) -> Iterator[Due]:
    """Upcoming slots: one message when a slot is set, one more for every new time or room."""
    slots = list(db.session.scalars(select(PresentationSlot).where(PresentationSlot.starts_at > now)
                                    .order_by(PresentationSlot.starts_at, PresentationSlot.id)))
    operators = _operators_by_opd(slot.round_entry.entry.opd_id for slot in slots)
    for slot in slots:
        entry = slot.round_entry.entry
        round_ = slot.round_entry.round
        for user in operators.get(entry.opd_id, []):
            yield Due(user, "slot.changed" if slot.changed_at else "slot.set",
                      f"slot:{slot.id}:{_stamp(slot.starts_at)}:{slot.room}"[:100],
                      {"innovation": entry.innovation.nama, "round": round_.name, "event": round_.event.name,
                       "starts": format_local(slot.starts_at), "room": slot.room or "-", "position": slot.position},
                      _path("judging.my_schedule"))


# --- verifiers -------------------------------------------------------------------------------------

def verifier_waiting(now: datetime) -> Iterator[Due]:
    waiting_line = and_(IndicatorAnswer.parameter.is_not(None), IndicatorAnswer.verification_status.is_(None))
    waiting, changed = db.session.execute(select(
        func.count(), func.count(IndicatorAnswer.recheck_since)).where(waiting_line)).one()
    if not waiting:
        return
    day = to_local(now).date().isoformat()
    for user in _users(Role.VERIFIER):
        yield Due(user, "verifier.waiting", f"day:{day}", {"waiting": waiting, "changed": changed},
                  _path("reporting.queue"))


# --- judges ----------------------------------------------------------------------------------------

def _judge_load(round_ids: Iterable[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(round, judge) -> (active assignments, sheets not submitted)."""
    ids = list(round_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(RoundEntry.round_id, Assignment.judge_id, func.count(Assignment.id),
               func.count(Assignment.id) - func.count(ScoreSheet.id))
        .join(RoundEntry, RoundEntry.id == Assignment.round_entry_id)
        .outerjoin(ScoreSheet, and_(ScoreSheet.assignment_id == Assignment.id,
                                    ScoreSheet.status == SheetStatus.SUBMITTED))
        .where(RoundEntry.round_id.in_(ids), Assignment.status == AssignmentStatus.ACTIVE)
        .group_by(RoundEntry.round_id, Assignment.judge_id))
    return {(round_id, judge_id): (total, open_) for round_id, judge_id, total, open_ in rows}


def judges(now: datetime) -> Iterator[Due]:
    rounds = list(db.session.scalars(select(Round).where(Round.closes_at > now, Round.published_at.is_(None))))
    load = _judge_load(r.id for r in rounds)
    people = {u.id: u for u in _users(Role.JUDGE)}
    for round_ in rounds:
        values = {"round": round_.name, "event": round_.event.name, "opens": format_local(round_.opens_at),
                  "closes": format_local(round_.closes_at)}
        link = _path("judging.queue")
        for (round_id, judge_id), (total, unsent) in sorted(load.items()):
            user = people.get(judge_id)
            if round_id != round_.id or user is None:
                continue
            yield Due(user, "judge.assigned", f"round:{round_.id}", {**values, "count": total}, link)
            if round_.opens_at <= now and round_.opens_at >= _lookback(now):
                yield Due(user, "round.opened", f"round:{round_.id}", {**values, "count": total}, link)
            if unsent and round_.closes_at - timedelta(days=1) <= now:
                yield Due(user, "round.closing", f"round:{round_.id}:{_stamp(round_.closes_at)}",
                          {**values, "count": unsent}, link)


# --- admins ----------------------------------------------------------------------------------------

def admin_digest(now: datetime) -> Iterator[Due]:
    local = to_local(now)
    if local.hour < int(current_app.config.get("NOTIFY_DIGEST_HOUR", 7)):
        return
    since = now - timedelta(days=1)
    figures = {
        "date": local.date().isoformat(),
        "innovations": db.session.scalar(select(func.count()).select_from(Innovation)
                                         .where(Innovation.created_at >= since)),
        "submitted": db.session.scalar(select(func.count()).select_from(Entry).where(Entry.submitted_at >= since)),
        "verified": db.session.scalar(select(func.count()).select_from(IndicatorAnswer)
                                      .where(IndicatorAnswer.verified_at >= since)),
        "waiting": db.session.scalar(select(func.count()).select_from(IndicatorAnswer).where(
            IndicatorAnswer.parameter.is_not(None), IndicatorAnswer.verification_status.is_(None))),
        "failed": db.session.scalar(select(func.count()).select_from(NotificationDelivery).where(
            NotificationDelivery.state == DeliveryState.FAILED, NotificationDelivery.created_at >= since)),
    }
    for user in _users(Role.ADMIN):
        yield Due(user, "admin.digest", f"day:{figures['date']}", figures, _path("reporting.dashboard"))


TRIGGERS = (window_opened, reminders, verdicts, extensions, publications, presentation_slots, verifier_waiting, judges,
            admin_digest)


def due(now: datetime) -> list[Due]:
    """The messages due now that are not recorded yet (``flask notify run --dry-run``)."""
    found = [item for trigger in TRIGGERS for item in trigger(now)]
    if not found:
        return []
    recorded = set(db.session.execute(select(Notification.event, Notification.user_id, Notification.item).where(
        Notification.user_id.in_({item.user.id for item in found}))).all())
    seen: set[tuple[str, int, str]] = set()
    fresh = []
    for item in found:
        key = (item.event, item.user.id, item.item[:100])
        if key not in recorded and key not in seen:
            seen.add(key)
            fresh.append(item)
    return fresh


def collect(now: datetime) -> int:
    """Record the messages due now (each once); returns how many were new. The caller commits."""
    return sum(1 for item in due(now)
               if services.notify(item.user, item.event, item.item, item.values, link=item.link, now=now) is not None)
