"""A judge scores on a tablet while the venue's Wi-Fi drops (issue 14), in a real browser with the network
cut: the scores wait on the device, are sent when the link returns, and are applied once; a sheet that
another device changed meanwhile is not overwritten silently."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from innovation.extensions import utcnow

pytestmark = pytest.mark.browser

TABLET = {"width": 800, "height": 1280}


def scoring_round(live_server, judge) -> tuple[int, list[int]]:
    """An open round on the IGA rubric with one entry assigned to ``judge``; the round entry's id and
    the criteria ids."""
    from sqlalchemy import select

    from innovation.auth.models import User
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.judging import assignments, rounds, rubrics
    from innovation.judging.models import RoundEntry
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year

    n = int(utcnow().timestamp() * 1000) % 10**6
    with live_server.app.app_context():
        now = utcnow()
        event = Event(slug=f"iw-luring-{live_server.backend}-{n}", name="Innovation Week Luring", year=2026,
                      opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=20))
        event.categories = [Category(name=c, position=i) for i, c in enumerate(DEFAULT_CATEGORIES)]
        db.session.add(event)
        rubrics.seed_builtin_rubrics()
        round_ = rounds.create_round(event, {
            "name": "Presentasi", "kind": "penilaian", "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=1), "judges_per_entry": 1}, rubric=rubrics.get_by_code(rubrics.IGA_CODE),
            by=None)
        opd = Opd(name=f"Dinas Luring {n}", code=f"LRG{n}", kind=OpdKind.DINAS)
        entry = Entry(event=event, innovation=Innovation(opd=opd, nama="Posyandu Digital", rules_year=latest_year()),
                      category=event.categories[0], opd=opd, status=EntryStatus.SUBMITTED)
        round_entry = RoundEntry(round=round_, entry=entry)
        db.session.add_all([opd, entry, round_entry])
        db.session.flush()
        user = db.session.scalar(select(User).where(User.username == judge.username))
        assignments.assign_judge(round_entry, user, by=user)
        db.session.commit()
        return round_entry.id, [c.id for c in round_.rubric.criteria]


def stored_sheet(live_server, round_entry_id: int):
    from sqlalchemy import select

    from innovation.extensions import db
    from innovation.judging.models import Assignment, ScoreSheet

    with live_server.app.app_context():
        sheet = db.session.scalar(select(ScoreSheet).join(ScoreSheet.assignment)
                                  .where(Assignment.round_entry_id == round_entry_id))
        if sheet is None:
            return None
        return sheet.status.value, sheet.version, {s.criterion_id: str(s.value) for s in sheet.scores}


def audit_count(live_server, action: str, round_entry_id: int) -> int:
    """How often ``action`` was logged on this round entry's sheet (the live server's database is shared by
    every browser test: other tests' sheets must not count)."""
    from sqlalchemy import func, select

    from innovation.audit.models import AuditEvent
    from innovation.extensions import db
    from innovation.judging.models import Assignment, ScoreSheet

    with live_server.app.app_context():
        sheet_ids = select(ScoreSheet.id).join(ScoreSheet.assignment).where(Assignment.round_entry_id == round_entry_id)
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.object_type == "score_sheet",
            AuditEvent.object_id.in_(sheet_ids)))


def test_scores_entered_offline_are_sent_once_when_the_link_returns(browser, live_server, log_in, screenshot):
    judge = live_server.add_user(role="judge")
    round_entry_id, criteria = scoring_round(live_server, judge)
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, judge)
        page.goto(f"/judging/entries/{round_entry_id}")
        context.set_offline(True)  # the venue's Wi-Fi drops
        for criterion_id in criteria:
            page.locator(f"#score-{criterion_id}").fill("4")
        page.locator(f"#comment-{criteria[0]}").fill("Dampak jelas di tiga puskesmas.")
        page.get_by_role("button", name="Kirim nilai").click()
        expect(page.locator("#sheet-outbox")).to_contain_text("Koneksi terputus")
        if live_server.backend == "sqlite":  # one set of images, like the other browser tests
            screenshot(page, "judge-offline-waiting")
        assert stored_sheet(live_server, round_entry_id) is None  # nothing reached the server
        page.wait_for_timeout(1500)
        context.set_offline(False)  # the link returns: sent by itself, the page shows the server's answer
        expect(page.locator(".flash-success")).to_contain_text("Nilai terkirim")
        status, _version, values = stored_sheet(live_server, round_entry_id)
        assert status == "submitted" and set(values.values()) == {"4.00"}
        assert audit_count(live_server, "judging.score_submit", round_entry_id) == 1  # applied once
        expect(page.locator("#sheet-outbox")).to_be_hidden()
        page.reload()
        expect(page.locator("#draft-restored")).to_be_hidden()  # nothing left waiting on the device
        assert audit_count(live_server, "judging.score_submit", round_entry_id) == 1
    finally:
        context.close()


def test_a_sheet_changed_elsewhere_meanwhile_is_not_overwritten(browser, live_server, log_in):
    judge = live_server.add_user(role="judge")
    round_entry_id, criteria = scoring_round(live_server, judge)
    tablet_context = browser.new_context(base_url=live_server.url, viewport=TABLET, has_touch=True)
    laptop_context = browser.new_context(base_url=live_server.url)
    tablet, laptop = tablet_context.new_page(), laptop_context.new_page()
    try:
        log_in(tablet, judge)
        log_in(laptop, judge)
        tablet.goto(f"/judging/entries/{round_entry_id}")
        tablet_context.set_offline(True)
        for criterion_id in criteria:
            tablet.locator(f"#score-{criterion_id}").fill("2")
        tablet.get_by_role("button", name="Simpan draf").click()
        expect(tablet.locator("#sheet-outbox")).to_contain_text("Koneksi terputus")

        laptop.goto(f"/judging/entries/{round_entry_id}")  # meanwhile, on another device
        for criterion_id in criteria:
            laptop.locator(f"#score-{criterion_id}").fill("5")
        laptop.get_by_role("button", name="Simpan draf").click()
        expect(laptop.locator(".flash-success")).to_contain_text("Draf nilai tersimpan")
        assert set(stored_sheet(live_server, round_entry_id)[2].values()) == {"5.00"}

        tablet_context.set_offline(False)
        # the waiting save is refused with what the other device saved; the tablet's values stay typed
        expect(tablet.locator(".flash-error, .stale-notice, .form-errors").first).to_contain_text("sudah diubah")
        expect(tablet.locator(f"#score-{criteria[0]}")).to_have_value("2")
        expect(tablet.locator(f"#saved-{criteria[0]}")).to_contain_text("5")
        assert set(stored_sheet(live_server, round_entry_id)[2].values()) == {"5.00"}  # not overwritten
    finally:
        tablet_context.close()
        laptop_context.close()
