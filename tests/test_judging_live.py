"""The presentation day, live: the server-authoritative timer, now presenting and next, the display
link (revocable, projector view only) and the console's pages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from innovation.audit.models import AuditEvent
from innovation.judging import live
from innovation.judging import schedule as schedules
from innovation.judging.errors import JudgingError
from innovation.judging.schedule_models import TimerState
from innovation.web import Role
from test_judging_schedule import SETTINGS, day  # noqa: F401  (the fixture)

T0 = datetime(2026, 8, 10, 0, 0, tzinfo=timezone.utc)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(("state", "paused_at", "paused", "now", "expected"), [
    (TimerState.IDLE, None, 0, 50, (0, "idle", 600, 0)),
    (TimerState.RUNNING, None, 0, 61, (61, "presentation", 539, 0)),
    (TimerState.RUNNING, None, 30, 630, (600, "qa", 300, 0)),  # 30 s of pauses do not count
    (TimerState.RUNNING, None, 0, 899, (899, "qa", 1, 0)),
    (TimerState.RUNNING, None, 0, 905, (905, "overtime", 0, 5)),
    (TimerState.PAUSED, 120, 0, 5000, (120, "presentation", 480, 0)),  # frozen while paused
    (TimerState.STOPPED, 700, 40, 9000, (660, "qa", 240, 0)),
])
def test_timer_figures(state, paused_at, paused, now, expected):
    figures = live.timer_figures(state, T0, at(paused_at) if paused_at is not None else None, paused, at(now), 10, 5)
    assert (figures.elapsed, figures.phase, figures.remaining, figures.overtime) == expected


def test_the_chair_runs_the_timer_and_the_order(day, db):
    admin, round_, res, _ops = day(3)
    schedule = schedules.save_schedule(round_, SETTINGS, by=admin)
    with pytest.raises(JudgingError):
        live.start(schedule, by=admin)  # nobody on stage yet
    assert live.following_slot(schedule).position == 1
    live.advance(schedule, by=admin)
    assert live.current_slot(schedule).round_entry_id == res[0].id
    live.start(schedule, by=admin, now=at(0))
    with pytest.raises(JudgingError):
        live.start(schedule, by=admin, now=at(1))
    live.pause(schedule, by=admin, now=at(100))
    live.start(schedule, by=admin, now=at(160))  # resume: 60 s paused
    assert schedule.paused_seconds == 60 and schedule.timer_state == TimerState.RUNNING
    state = live.live_state(schedule, now=at(400))
    assert state["timer"]["elapsed"] == 340 and state["timer"]["phase"] == "presentation"
    assert state["current"]["innovation"] == "Inovasi 1" and state["next"]["innovation"] == "Inovasi 2"
    live.stop(schedule, by=admin, now=at(700))
    assert live.live_state(schedule, now=at(5000))["timer"]["elapsed"] == 640  # frozen
    live.advance(schedule, by=admin)
    assert schedule.timer_state == TimerState.IDLE and schedule.timer_started_at is None
    live.present(schedule, 3, by=admin)
    assert live.live_state(schedule)["next"] is None
    with pytest.raises(JudgingError):
        live.advance(schedule, by=admin)
    with pytest.raises(JudgingError):
        live.present(schedule, 9, by=admin)
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.startswith("live."))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["live.present", "live.start", "live.pause", "live.resume", "live.stop", "live.present",
                       "live.present"]


def test_the_display_link_opens_the_projector_view_only_until_revoked(day, db, client, login):
    admin, round_, res, _ops = day(2)
    schedule = schedules.save_schedule(round_, SETTINGS, by=admin)
    live.advance(schedule, by=admin)
    token = live.create_display_link(schedule, by=admin)
    assert schedule.display_token_hash == live.token_hash(token) and token not in str(schedule.display_token_hash)
    page = client.get(f"/judging/display/{token}")  # nobody logged in
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Inovasi 1" in html and "Inovasi 2" in html and "10:00" in html
    assert "<nav" not in html and "<a " not in html and "<form" not in html  # nothing else reachable from it
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    state = client.get(f"/judging/display/{token}/state.json")
    assert state.status_code == 200 and state.json["current"]["innovation"] == "Inovasi 1"
    assert client.get(f"/judging/rounds/{round_.id}/console").status_code in (302, 401)  # the link opens no more
    newer = live.create_display_link(schedule, by=admin)
    assert client.get(f"/judging/display/{token}").status_code == 404  # replaced
    live.revoke_display_link(schedule, by=admin)
    assert client.get(f"/judging/display/{newer}").status_code == 404
    assert client.get(f"/judging/display/{newer}/state.json").status_code == 404
    assert client.get("/judging/display/" + "x" * 300).status_code == 404
    with pytest.raises(JudgingError):
        live.revoke_display_link(schedule, by=admin)


def test_console_pages(day, db, client, login):
    admin, round_, res, _ops = day(2)
    login(admin)
    assert client.get(f"/judging/rounds/{round_.id}/console").status_code == 302  # no schedule yet
    schedules.save_schedule(round_, SETTINGS, by=admin)
    db.session.commit()  # a refused action rolls the request back: the schedule must be saved before
    base = f"/judging/rounds/{round_.id}/console"
    assert "Mulai dengan penyaji pertama" in client.get(base).get_data(as_text=True)
    assert client.post(f"{base}/start").status_code == 302  # refused, said why
    assert "Pilih dulu siapa yang tampil" in client.get(base).get_data(as_text=True)
    client.post(f"{base}/next")
    client.post(f"{base}/start")
    page = client.get(base).get_data(as_text=True)
    assert "Jeda" in page and "Hentikan" in page and "Berikutnya: Inovasi 2" in page
    data = client.get(f"/judging/rounds/{round_.id}/live.json").json
    assert data["timer"]["state"] == "running" and data["current"]["position"] == 1
    client.post(f"{base}/present", data={"position": "2"})
    assert client.get(f"/judging/rounds/{round_.id}/live.json").json["current"]["position"] == 2
    assert client.post(f"{base}/present", data={"position": "abc"}).status_code == 302  # no 500
    assert client.post(f"{base}/explode").status_code == 404
    made = client.post(f"/judging/rounds/{round_.id}/display-link", follow_redirects=True).get_data(as_text=True)
    assert "/judging/display/" in made and "hanya ditampilkan sekali" in made
    assert client.post(f"/judging/rounds/{round_.id}/display-link/revoke").status_code == 302
    assert schedules.schedule_of(round_).display_token_hash is None


def test_the_judges_queue_puts_the_entry_on_stage_first(day, db, client, login, make_user):
    from innovation.judging import assignments

    admin, round_, res, _ops = day(3)
    judge = make_user(role=Role.JUDGE)
    for re_ in res:
        assignments.assign_judge(re_, judge, by=admin)
    schedule = schedules.save_schedule(round_, SETTINGS, by=admin)
    live.present(schedule, 3, by=admin)
    db.session.flush()
    login(judge)
    page = client.get("/judging/").get_data(as_text=True)
    assert "Sedang presentasi:" in page and f'href="/judging/entries/{res[2].id}">Buka lembar nilainya' in page
    assert page.index("Inovasi 3") < page.index("Inovasi 1") < page.index("Inovasi 2")
    other = client.get(f"/judging/entries/{res[0].id}").get_data(as_text=True)  # the score page points to it
    assert "Entri lain yang Anda nilai sedang presentasi." in other
    assert f'href="/judging/entries/{res[2].id}">Buka lembar nilainya' in other
    on_it = client.get(f"/judging/entries/{res[2].id}").get_data(as_text=True)
    assert "Entri lain yang Anda nilai" not in on_it and "sedang presentasi" in on_it
