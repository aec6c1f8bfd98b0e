"""Running the presentation day: who is presenting, the timer, and the projector's display link.
Plain operations: they flush, log, and never commit.

- The timer is server-authoritative. The schedule row keeps ``timer_started_at``, ``timer_paused_at``
  (also the frozen end once stopped) and ``paused_seconds``; ``timer_figures`` (pure) turns them and the
  server's clock into the elapsed time, the phase (presentation, then Q&A, then overtime) and what is
  left of it. Screens poll ``live_state`` every few seconds and only count on between two answers, so a
  reloaded tab, the console and the projector always agree, and no websocket is needed.
- "Next" moves to the following slot and resets the timer; the chair may also put any slot on stage.
- The display link: a random token whose sha256 alone is stored. Making a new link replaces the old one;
  revoking clears it, and the old URL answers 404 from then on. It shows the projector view only.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from innovation.audit.services import Say, record, say
from innovation.auth.models import User
from innovation.extensions import db, utcnow
from innovation.judging.errors import JudgingError
from innovation.judging.models import Assignment, AssignmentStatus
from innovation.judging.schedule_models import PresentationSchedule, PresentationSlot, TimerState

TOKEN_BYTES = 24


# --- pure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimerFigures:
    state: str
    elapsed: int  # seconds on the clock (pauses excluded)
    phase: str  # "idle", "presentation", "qa", "overtime"
    remaining: int  # seconds left of the phase (0 in overtime and idle)
    overtime: int  # seconds past presentation + Q&A


def timer_figures(state: TimerState, started_at: datetime | None, paused_at: datetime | None,
                  paused_seconds: int, now: datetime, presentation_minutes: int, qa_minutes: int) -> TimerFigures:
    """The timer as every screen shows it, from the stored fields and the server's clock."""
    if state == TimerState.IDLE or started_at is None:
        return TimerFigures(state.value, 0, "idle", presentation_minutes * 60, 0)
    end = now if state == TimerState.RUNNING or paused_at is None else paused_at
    elapsed = max(0, int((end - started_at).total_seconds()) - paused_seconds)
    presentation, qa = presentation_minutes * 60, qa_minutes * 60
    if elapsed < presentation:
        return TimerFigures(state.value, elapsed, "presentation", presentation - elapsed, 0)
    if elapsed < presentation + qa:
        return TimerFigures(state.value, elapsed, "qa", presentation + qa - elapsed, 0)
    return TimerFigures(state.value, elapsed, "overtime", 0, elapsed - presentation - qa)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


# --- reading ------------------------------------------------------------------------------------


def current_slot(schedule: PresentationSchedule) -> PresentationSlot | None:
    return next((s for s in schedule.slots if s.position == schedule.current_position), None)


def following_slot(schedule: PresentationSchedule) -> PresentationSlot | None:
    """The slot after the current one (the first slot before the day started)."""
    after = schedule.current_position or 0
    return next((s for s in schedule.slots if s.position > after), None)


def on_stage_for(judge: User) -> int | None:
    """The round entry on stage now among the judge's active assignments (the score page points to it;
    no name, so a blind round's title masking stays the score page's business), or None. One statement."""
    return db.session.scalar(
        select(PresentationSlot.round_entry_id)
        .join(PresentationSchedule, PresentationSlot.schedule_id == PresentationSchedule.id)
        .join(Assignment, Assignment.round_entry_id == PresentationSlot.round_entry_id)
        .where(PresentationSchedule.current_position == PresentationSlot.position, Assignment.judge_id == judge.id,
               Assignment.status == AssignmentStatus.ACTIVE).limit(1))


def schedule_for_display(token: str) -> PresentationSchedule | None:
    """The schedule a display link opens, or None (unknown, replaced or revoked)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(PresentationSchedule)
                             .where(PresentationSchedule.display_token_hash == token_hash(token)))


def _slot_data(slot: PresentationSlot | None) -> dict[str, Any] | None:
    if slot is None:
        return None
    entry = slot.round_entry.entry
    return {"position": slot.position, "round_entry_id": slot.round_entry_id, "innovation": entry.innovation.nama,
            "opd": entry.opd.name, "category": entry.category.name, "starts_at": slot.starts_at.isoformat()}


def live_state(schedule: PresentationSchedule, now: datetime | None = None) -> dict[str, Any]:
    """What the console and the projector show, as JSON-ready values (times in seconds)."""
    now = now or utcnow()
    figures = timer_figures(schedule.timer_state, schedule.timer_started_at, schedule.timer_paused_at,
                            schedule.paused_seconds, now, schedule.presentation_minutes, schedule.qa_minutes)
    return {
        "event": schedule.round.event.name, "round": schedule.round.name, "room": schedule.room,
        "current": _slot_data(current_slot(schedule)), "next": _slot_data(following_slot(schedule)),
        "count": len(schedule.slots),
        "timer": {"state": figures.state, "elapsed": figures.elapsed, "phase": figures.phase,
                  "remaining": figures.remaining, "overtime": figures.overtime,
                  "presentation": schedule.presentation_minutes * 60, "qa": schedule.qa_minutes * 60},
        "server_time": now.isoformat(), "version": schedule.version,
    }


# --- the chair's console ------------------------------------------------------------------------


def _log(schedule: PresentationSchedule, action: str, summary: Say, by: User, **changes: Any) -> None:
    schedule.version += 1
    record(f"live.{action}", actor=by, obj=schedule,
           summary=say("%(round)s: %(what)s", round=schedule.round.name, what=summary),
           changes={k: list(v) for k, v in changes.items()} or None)
    db.session.flush()


def _reset_timer(schedule: PresentationSchedule) -> None:
    schedule.timer_state = TimerState.IDLE
    schedule.timer_started_at = schedule.timer_paused_at = None
    schedule.paused_seconds = 0


def present(schedule: PresentationSchedule, position: int, *, by: User) -> PresentationSlot:
    """Put the slot at ``position`` on stage, with its timer reset."""
    slot = next((s for s in schedule.slots if s.position == position), None)
    if slot is None:
        raise JudgingError(_("Tidak ada slot nomor %(n)s.", n=position))
    before = schedule.current_position
    schedule.current_position = position
    _reset_timer(schedule)
    _log(schedule, "present", say("sekarang tampil %(position)d. %(innovation)s", position=position,
                                   innovation=slot.round_entry.entry.innovation.nama), by,
         current_position=(before, position))
    return slot


def advance(schedule: PresentationSchedule, *, by: User) -> PresentationSlot:
    """Next: the slot after the current one (the first one to begin the day)."""
    slot = following_slot(schedule)
    if slot is None:
        raise JudgingError(_("Tidak ada penyaji berikutnya: ini slot terakhir."))
    return present(schedule, slot.position, by=by)


def start(schedule: PresentationSchedule, *, by: User, now: datetime | None = None) -> None:
    """Start the timer (from zero), or resume it after a pause."""
    now = now or utcnow()
    if current_slot(schedule) is None:
        raise JudgingError(_("Pilih dulu siapa yang tampil sekarang."))
    if schedule.timer_state == TimerState.RUNNING:
        raise JudgingError(_("Pengatur waktu sudah berjalan."))
    if schedule.timer_state == TimerState.PAUSED:
        paused = int((now - schedule.timer_paused_at).total_seconds())
        schedule.paused_seconds += max(0, paused)
        schedule.timer_paused_at = None
        schedule.timer_state = TimerState.RUNNING
        _log(schedule, "resume", say("pengatur waktu dilanjutkan"), by, paused_seconds=(None, schedule.paused_seconds))
        return
    schedule.timer_started_at, schedule.timer_paused_at, schedule.paused_seconds = now, None, 0
    schedule.timer_state = TimerState.RUNNING
    _log(schedule, "start", say("pengatur waktu dimulai"), by, timer_started_at=(None, now.isoformat()))


def pause(schedule: PresentationSchedule, *, by: User, now: datetime | None = None) -> None:
    if schedule.timer_state != TimerState.RUNNING:
        raise JudgingError(_("Pengatur waktu tidak sedang berjalan."))
    schedule.timer_paused_at = now or utcnow()
    schedule.timer_state = TimerState.PAUSED
    _log(schedule, "pause", say("pengatur waktu dijeda"), by)


def stop(schedule: PresentationSchedule, *, by: User, now: datetime | None = None) -> None:
    """Stop the timer: the time shown stays frozen until the next slot or a new start."""
    if schedule.timer_state not in (TimerState.RUNNING, TimerState.PAUSED):
        raise JudgingError(_("Pengatur waktu tidak sedang berjalan."))
    if schedule.timer_state == TimerState.RUNNING:
        schedule.timer_paused_at = now or utcnow()
    schedule.timer_state = TimerState.STOPPED
    figures = timer_figures(schedule.timer_state, schedule.timer_started_at, schedule.timer_paused_at,
                            schedule.paused_seconds, utcnow(), schedule.presentation_minutes, schedule.qa_minutes)
    _log(schedule, "stop", say("pengatur waktu dihentikan pada %(time)s",
                            time=f"{figures.elapsed // 60}:{figures.elapsed % 60:02d}"), by,
         elapsed=(None, figures.elapsed))


# --- the projector's display link ---------------------------------------------------------------


def create_display_link(schedule: PresentationSchedule, *, by: User) -> str:
    """A new display link's token (shown once); any earlier link stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    replaced = schedule.display_token_hash is not None
    schedule.display_token_hash = token_hash(token)
    schedule.display_link_created_at = utcnow()
    _log(schedule, "display_link", say("tautan layar proyektor dibuat (yang lama tidak berlaku)") if replaced
         else say("tautan layar proyektor dibuat"),
         by)
    return token


def revoke_display_link(schedule: PresentationSchedule, *, by: User) -> None:
    if schedule.display_token_hash is None:
        raise JudgingError(_("Tidak ada tautan layar yang aktif."))
    schedule.display_token_hash = None
    schedule.display_link_created_at = None
    _log(schedule, "display_revoke", say("tautan layar proyektor dicabut"), by)
