"""The follow-up clock: the items that wait on an OPD, their age and colour (thresholds as settings), and each
OPD's page, red first, oldest first."""
from __future__ import annotations

from datetime import timedelta

import pytest

from innovation.extensions import utcnow
from innovation.web import Role


@pytest.mark.parametrize("days, expected", [(0, "green"), (2.9, "green"), (3, "yellow"), (4.9, "yellow"),
                                            (5, "red"), (40, "red")])
def test_colour(days, expected):
    from innovation.followup.clock import colour

    assert colour(timedelta(days=days), 3, 5).value == expected


@pytest.fixture
def world(db, make_opd, make_user, make_innovation, make_event):
    from innovation.events import entries
    from innovation.innovations.models import IndicatorAnswer, VerificationStatus

    opd, other_opd = make_opd(), make_opd()
    operator = make_user(role=Role.OPERATOR, opd=opd)
    innovation = make_innovation(opd=opd, nama="Kartu Sehat Digital")
    other = make_innovation(opd=other_opd, nama="Lain")
    now = utcnow()
    fix = IndicatorAnswer(innovation=innovation, indicator_no=16, parameter=3,
                          verification_status=VerificationStatus.DITOLAK, verification_note="SK tidak ada",
                          verified_at=now - timedelta(days=6))
    recheck = IndicatorAnswer(innovation=innovation, indicator_no=17, parameter=2, recheck_since=now - timedelta(days=4))
    fresh = IndicatorAnswer(innovation=other, indicator_no=16, parameter=2,
                            verification_status=VerificationStatus.DIPERBAIKI, verified_parameter=1,
                            verified_at=now - timedelta(hours=3))
    settled = IndicatorAnswer(innovation=innovation, indicator_no=18, parameter=2,
                              verification_status=VerificationStatus.SESUAI, verified_at=now - timedelta(days=9))
    db.session.add_all([fix, recheck, fresh, settled])
    event = make_event(opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=4))
    entry = entries.enter_innovation(event, innovation, event.categories[0], by=operator)
    entry.created_at = now - timedelta(days=1)
    innovation.blocking_gap_count = 2
    db.session.flush()
    return opd, other_opd, operator, innovation


def test_items_age_and_colour(db, world):
    from innovation.followup import clock

    opd, other_opd, operator, innovation = world
    items = clock.waiting_items([opd.id])
    assert [(i.kind.value, i.colour.value) for i in items] == [
        ("line_to_fix", "red"), ("recheck", "yellow"), ("missing_evidence", "green")]
    assert items[0].actor == clock.Actor.OPERATOR and items[1].actor == clock.Actor.VERIFIER
    assert clock.states(items)[opd.id].colour == clock.Colour.RED
    everything = clock.waiting_items()
    assert {i.opd_id for i in everything} >= {opd.id, other_opd.id}
    assert clock.states(everything)[other_opd.id].colour == clock.Colour.GREEN


def test_thresholds_are_settings(db, app, world):
    from innovation.followup import clock

    opd = world[0]
    app.config.update(FOLLOWUP_YELLOW_DAYS=7, FOLLOWUP_RED_DAYS=10)
    try:
        assert {i.colour.value for i in clock.waiting_items([opd.id])} == {"green"}
    finally:
        app.config.update(FOLLOWUP_YELLOW_DAYS=3, FOLLOWUP_RED_DAYS=5)


def test_the_clock_moves_forward(db, world):
    from innovation.followup import clock

    opd = world[0]
    later = utcnow() + timedelta(days=2)
    assert [i.colour.value for i in clock.waiting_items([opd.id], now=later)] == ["red", "red", "yellow"]


def test_missing_evidence_only_while_a_deadline_is_ahead(db, world):
    from innovation.followup import clock

    opd = world[0]
    after = utcnow() + timedelta(days=5)
    assert "missing_evidence" not in {i.kind.value for i in clock.waiting_items([opd.id], now=after)}


def test_an_overdue_sheet_names_the_judge(db, world, make_user, make_event):
    from test_judging_results import build_round

    from innovation.events import entries
    from innovation.followup import clock
    from innovation.judging.models import Assignment, RoundEntry

    opd, other_opd, operator, innovation = world
    judge = make_user(role=Role.JUDGE, full_name="Ibu Juri Lambat")
    event = make_event()
    entry = entries.enter_innovation(event, innovation, event.categories[0], by=operator)
    built = build_round(db, event=event, entries=[entry], judges=[judge], grid={}, closed=True)
    round_entry = db.session.scalars(db.select(RoundEntry).where(RoundEntry.round_id == built.round.id)).one()
    db.session.add(Assignment(round_entry_id=round_entry.id, judge_id=judge.id))
    db.session.flush()
    [sheet] = [i for i in clock.waiting_items([opd.id]) if i.kind == clock.Kind.OVERDUE_SHEET]
    assert sheet.who == "Ibu Juri Lambat" and sheet.actor == clock.Actor.JUDGE


def test_opd_page_red_first_oldest_first(db, client, login, world):
    opd, other_opd, operator, innovation = world
    login(operator)
    page = client.get(f"/followup/opd/{opd.id}").get_data(as_text=True)
    assert page.index('id="followup-red"') < page.index('id="followup-yellow"') < page.index('id="followup-green"')
    assert "indikator 16 ditolak" in page and "menunggu 6 hari" in page
    assert "Harus bertindak:" in page and "Verifikator" in page
    assert client.get(f"/followup/opd/{other_opd.id}").status_code == 403
    assert client.get("/followup/").headers["Location"].endswith(f"/followup/opd/{opd.id}")


def test_office_sees_every_opd(db, client, login, world, admin):
    opd, other_opd = world[0], world[1]
    login(admin)
    page = client.get("/followup/").get_data(as_text=True)
    assert page.index(opd.name) < page.index(other_opd.name)  # red before green
    assert client.get(f"/followup/opd/{other_opd.id}").status_code == 200


def test_the_read_api_gives_the_follow_up_status_per_opd_with_a_token(db, client, world, admin):
    """/api/v1/followup (issue 16: the follow-up status per OPD for the Command Center): needs followup:read."""
    from innovation.api import tokens

    opd, other_opd, operator, innovation = world
    assert client.get("/api/v1/followup").status_code == 401
    _, narrow = tokens.create_token(name="Website", scopes=["index:read"], by=admin)
    _, token = tokens.create_token(name="Command Center", scopes=["followup:read"], by=admin)
    db.session.flush()
    refused = client.get("/api/v1/followup", headers={"Authorization": f"Bearer {narrow}"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"]
    body = client.get("/api/v1/followup", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["yellow_after_days"] == 3 and body["red_after_days"] == 5
    mine = next(o for o in body["data"] if o["opd_id"] == opd.id)
    assert (mine["colour"], mine["red"], mine["yellow"], mine["green"]) == ("red", 1, 1, 1)
    assert [(i["kind"], i["colour"], i["actor"], i["indicator_no"]) for i in mine["items"]] == [
        ("line_to_fix", "red", "operator", 16), ("recheck", "yellow", "verifier", 17),
        ("missing_evidence", "green", "operator", None)]
    assert mine["items"][0]["age_days"] == 6 and mine["items"][0]["innovation"] == "Kartu Sehat Digital"
    theirs = next(o for o in body["data"] if o["opd_id"] == other_opd.id)
    assert theirs["colour"] == "green" and theirs["green"] == 1
    index = client.get("/api/v1/").get_json()
    assert index["resources"]["followup"].endswith("/api/v1/followup")
    assert "/api/v1/followup" in client.get("/api/v1/openapi.json").get_json()["paths"]
