"""The leaders' view (role ``pimpinan``): read-only everywhere, one row per OPD by colour with its counts, the
district's estimated IID over the years, this year's Innovation Week, an OPD's red items with who must act; small."""
from __future__ import annotations

import gzip
from datetime import timedelta
from decimal import Decimal

import pytest

from innovation.extensions import utcnow
from innovation.web import Role

from test_authorization import LOGGED_IN, POLICY, world  # noqa: F401  (world: the authorization fixture)

LEADER_PAGES = {"leaders.index", "leaders.opd", "followup.index", "followup.opd"}


def test_pimpinan_is_read_only(app, world, make_user):  # noqa: F811
    """Every page or action not open to every signed-in user is refused to the leaders, except their pages."""
    users, ids = world
    leader = make_user(role=Role.PIMPINAN)
    client = app.test_client()
    assert client.post("/auth/login", data={"username": leader.username,
                                            "password": "rahasia-uji-123"}).status_code == 302
    checked = 0
    for endpoint, rule in sorted(POLICY.items()):
        if LOGGED_IN <= rule.allowed or endpoint in LEADER_PAGES:
            continue
        path = rule.path.format(**ids)
        data = {k: v.format(**ids) for k, v in (rule.data or {}).items()}
        headers = {k: v.format(**ids) for k, v in (rule.headers or {}).items()}
        response = client.open(path, method=rule.method, data=data or None, headers=headers)
        assert response.status_code in (401, 403), f"{endpoint}: pimpinan got {response.status_code}"
        checked += 1
    assert checked > 80
    for endpoint in LEADER_PAGES:
        path = POLICY[endpoint].path.format(**ids)
        assert client.get(path).status_code == 200, endpoint
    assert client.get("/").headers["Location"].endswith("/leaders/")


@pytest.fixture
def district(db, make_opd, make_user, make_innovation, make_event):
    from innovation.events import entries
    from innovation.events.models import EntryStatus
    from innovation.innovations.models import IndicatorAnswer, VerificationStatus
    from innovation.rules import latest_year

    year = latest_year()
    late, good = make_opd(name="Dinas Terlambat"), make_opd(name="Dinas Rajin")
    operator = make_user(role=Role.OPERATOR, opd=late, full_name="Pak Operator")
    slow = make_innovation(opd=late, nama="Sistem Antrean Puskesmas", claimed_score=Decimal("40"))
    make_innovation(opd=late, nama="Kedua", claimed_score=Decimal("20"), verified_score=Decimal("10"))
    fine = make_innovation(opd=good, nama="Layanan Cepat", claimed_score=Decimal("80"))
    db.session.add(IndicatorAnswer(innovation=slow, indicator_no=16, parameter=3,
                                   verification_status=VerificationStatus.DITOLAK, verification_note="Tidak ada SK",
                                   verified_at=utcnow() - timedelta(days=6)))
    event = make_event(year=year, name="Innovation Week Mimika", opens_at=utcnow() - timedelta(days=10),
                       closes_at=utcnow() + timedelta(days=3))
    entry = entries.enter_innovation(event, fine, event.categories[0], by=make_user(role=Role.OPERATOR, opd=good))
    entry.status = EntryStatus.SUBMITTED
    entries.enter_innovation(event, slow, event.categories[0], by=operator)
    db.session.flush()
    return year, late, good


def test_board_rows_counts_and_colours(db, district):
    from innovation.leaders import board

    year, late, good = district
    found = board.build()
    rows = {row.opd.id: row for row in found.rows}
    assert found.rows[0].opd.id == late.id  # red first
    assert rows[late.id].colour.value == "red" and rows[late.id].state.red == 1
    assert (rows[late.id].innovations, rows[late.id].submitted, rows[late.id].verified) == (2, 0, 1)
    assert rows[late.id].maturity == Decimal("25.00")  # (40 + verified 10) / 2
    assert (rows[good.id].innovations, rows[good.id].submitted, rows[good.id].colour.value) == (1, 1, "green")
    assert found.week.entries == 2 and found.week.submitted == 1 and found.week.percent == 50
    assert [p.year for p in found.trend] == [year] and found.trend[0].iid >= 0


def test_leaders_page_and_red_items(db, client, login, district, make_user):
    year, late, good = district
    login(make_user(role=Role.PIMPINAN))
    response = client.get("/leaders/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index("Dinas Terlambat") < page.index("Dinas Rajin")
    assert "Innovation Week Mimika" in page and "1 dari 2 entri dikirim" in page
    assert "Perkiraan IID" in page
    detail = client.get(f"/leaders/opd/{late.id}").get_data(as_text=True)
    assert "Sistem Antrean Puskesmas" in detail and "Operator OPD" in detail and "menunggu 6 hari" in detail
    assert "Tidak ada item merah" in client.get(f"/leaders/opd/{good.id}").get_data(as_text=True)


def test_leaders_page_stays_under_30_kb_with_60_opds(db, client, login, district, make_opd, make_user, app):
    for _ in range(58):
        make_opd()
    login(make_user(role=Role.PIMPINAN))
    html = client.get("/leaders/").data
    css = app.test_client().get("/static/css/app.css").data
    # what a phone downloads: the page and its one stylesheet, both compressed (COMPRESS_MIMETYPES)
    transfer = len(gzip.compress(html)) + len(gzip.compress(css))
    assert transfer < 30 * 1024, transfer
    assert len(html) < 30 * 1024, len(html)  # even uncompressed


def test_sparkline_points():
    from innovation.leaders.board import IndexPoint, sparkline

    points = [IndexPoint(2025, Decimal("50"), "Inovatif", 3), IndexPoint(2026, Decimal("100"), "Sangat Inovatif", 4)]
    assert sparkline(points, width=300, height=60) == "0.0,30.0 300.0,0.0"
    assert sparkline([]) == ""
