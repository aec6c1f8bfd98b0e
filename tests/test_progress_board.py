"""The admin's progress board (reporting.progress, charts, board): the figures behind each chart, the SVG
drawn on the server with no script from elsewhere, and the table beside every chart."""
import base64
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from innovation.audit.services import record
from innovation.events.models import Entry, EntryStatus
from innovation.reporting import charts, progress
from innovation.web import Role


def test_opd_progress_and_maturity_distribution(db, make_opd, make_innovation):
    a, b = make_opd(name="Dinas A Uji Papan"), make_opd(name="Dinas B Uji Papan")
    make_innovation(opd=a, claimed_score=Decimal("111"), gap_count=0)
    make_innovation(opd=a, claimed_score=Decimal("55.5"), gap_count=3)
    make_innovation(opd=b, claimed_score=Decimal("0"), gap_count=9)
    make_innovation(opd=b, claimed_score=Decimal("100"), gap_count=1, rules_year=2025)  # another year
    rows = {r.opd: r for r in progress.opd_progress(2026)}
    assert rows["Dinas A Uji Papan"].innovations == 2 and rows["Dinas A Uji Papan"].complete == 1
    assert rows["Dinas A Uji Papan"].complete_percent == Decimal("50.0")
    assert rows["Dinas A Uji Papan"].maturity == Decimal("75.0")
    assert rows["Dinas B Uji Papan"].innovations == 1 and rows["Dinas B Uji Papan"].maturity == Decimal("0.0")
    bins = progress.maturity_distribution(2026)
    counts = {b.low: b.count for b in bins}
    assert len(bins) == 10 and counts[90] >= 1 and counts[50] >= 1 and counts[0] >= 1  # 100 % in the last bin


def test_submissions_per_day_against_the_deadline(app, db, make_event, make_innovation):
    opens = datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)
    event = make_event(opens_at=opens, closes_at=opens + timedelta(days=5), year=2026)
    times = [opens + timedelta(days=1, hours=2), opens + timedelta(days=1, hours=3), opens + timedelta(days=4)]
    for when in times:
        innovation = make_innovation()
        db.session.add(Entry(event_id=event.id, innovation_id=innovation.id, category_id=event.categories[0].id,
                             opd_id=innovation.opd_id, status=EntryStatus.SUBMITTED, submitted_at=when))
    draft = make_innovation()
    db.session.add(Entry(event_id=event.id, innovation_id=draft.id, category_id=event.categories[0].id,
                         opd_id=draft.opd_id, status=EntryStatus.DRAFT))
    db.session.flush()
    data = progress.submissions(2026, event.slug)
    assert data.entered == 4 and data.days[-1].cumulative == 3
    assert [d.submitted for d in data.days] == [0, 2, 0, 0, 1, 0]
    assert [d.is_deadline for d in data.days] == [False] * 5 + [True]
    assert progress.submissions(2031) is None


def test_throughput_counts_every_verdict_per_week(app, db, make_user, make_innovation):
    verifier = make_user(role=Role.VERIFIER)
    innovation = make_innovation()
    now = datetime(2026, 6, 10, 3, 0, tzinfo=timezone.utc)  # a Wednesday
    before = {w.week_start: (w.verified, w.resubmitted) for w in progress.verification_throughput(now=now)}
    for days, action in ((0, "indicator.verify"), (1, "indicator.verify"), (8, "indicator.verify"),
                         (8, "indicator.resubmit"), (200, "indicator.verify")):
        event = record(action, actor=verifier, obj=innovation, summary="uji")
        event.at = now - timedelta(days=days)
    db.session.flush()
    weeks = progress.verification_throughput(now=now)
    assert len(weeks) == 12
    after = {w.week_start: (w.verified, w.resubmitted) for w in weeks}
    delta = {k: (after[k][0] - before[k][0], after[k][1] - before[k][1]) for k in after}
    assert delta[weeks[-1].week_start] == (2, 0) and delta[weeks[-2].week_start] == (1, 1)
    assert sum(v for v, _r in delta.values()) == 3  # 200 days back is outside the window


def test_across_years_lists_every_rules_year(db, make_innovation):
    make_innovation(rules_year=2025)
    figures = progress.across_years()
    assert [f.year for f in figures] == sorted(f.year for f in figures) and 2025 in {f.year for f in figures}
    assert next(f for f in figures if f.year == 2025).innovations >= 1


def test_charts_are_svg_without_outside_scripts():
    uri = charts.bars(labels=["A", "B"], series=[("Inovasi", [3, 5])], secondary=[("IID", [40.5, 55.1])])
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert not re.search(r"<script[^>]+src=", svg)  # pygal's tooltip script from a CDN is off
    assert "Inovasi" in svg
    horizontal = charts.horizontal_bars(labels=["Dinas A"], series=[("Lengkap", [50.0])], maximum=100)
    assert "Dinas A" in base64.b64decode(horizontal.split(",", 1)[1]).decode()


def test_board_page_has_a_table_beside_each_chart(client, db, make_user, make_innovation, make_event, login):
    make_innovation(claimed_score=Decimal("30"))
    make_event()
    login(make_user(role=Role.ADMIN))
    page = client.get("/reporting/progress?year=2026").get_data(as_text=True)
    for key in ("opd", "maturity", "submissions", "throughput", "years"):
        section = page.split(f'id="chart-{key}"', 1)[1].split("</section>", 1)[0]
        assert '<img src="data:image/svg+xml;base64,' in section and "<table>" in section and 'alt="' in section
    assert client.get("/reporting/progress?year=abc&event=nope").status_code == 200
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
