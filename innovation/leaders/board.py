"""The figures of the leaders' page, read in a fixed number of queries whatever the number of OPDs.

Per OPD: innovations of the year (by their rules year), how many are in a submitted Innovation Week entry of the
year, how many are verified (the verifier decided at least one line, so a verified score exists), red follow-up
items (``followup.clock``), and the average maturity (the innovation's score: verified where decided, else
claimed). The district's estimated IID per year is ``reporting``'s index on verified scores where they exist and
claimed ones elsewhere, over every innovation of the year (registered or not: an estimate of what reporting them
all would give).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, distinct, func, select

from innovation.events.models import Entry, EntryStatus, Event
from innovation.extensions import db, utcnow
from innovation.followup import clock
from innovation.innovations.models import Innovation
from innovation.judging.models import Round
from innovation.orgs.models import Opd
from innovation.reporting.index_cache import cached_district_index
from innovation.rules import available_years


@dataclass
class OpdRow:
    opd: Opd
    state: clock.OpdState
    innovations: int = 0
    submitted: int = 0
    verified: int = 0
    maturity: Decimal | None = None

    @property
    def colour(self) -> clock.Colour:
        return self.state.colour


@dataclass(frozen=True)
class IndexPoint:
    year: int
    iid: Decimal
    predicate: str
    innovations: int


@dataclass
class WeekProgress:
    event: Event
    entries: int
    submitted: int
    rounds: int
    published: int
    closes_at: datetime

    @property
    def percent(self) -> int:
        return self.submitted * 100 // self.entries if self.entries else 0


@dataclass
class Board:
    year: int
    rows: list[OpdRow]
    trend: list[IndexPoint]
    week: WeekProgress | None
    red_total: int = field(default=0)


def board_year(now: datetime | None = None) -> int:
    """The year the page shows: the latest rules year that has begun (rules exist ahead of time)."""
    from innovation.timeutil import to_local

    current = to_local(now or utcnow()).year
    years = [y for y in available_years() if y <= current] or available_years()
    return years[-1]


def opd_rows(year: int, now: datetime | None = None) -> list[OpdRow]:
    """Every active OPD, red first (most red items first), then yellow, then green, by name."""
    opds = list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))
    states = clock.states(clock.waiting_items(now=now))
    score = func.coalesce(Innovation.verified_score, Innovation.claimed_score)
    figures = {opd_id: (count, verified, average) for opd_id, count, verified, average in db.session.execute(
        select(Innovation.opd_id, func.count(), func.count(Innovation.verified_score), func.avg(score))
        .where(Innovation.rules_year == year).group_by(Innovation.opd_id))}
    submitted = dict(db.session.execute(
        select(Entry.opd_id, func.count(distinct(Entry.innovation_id)))
        .join(Event, Event.id == Entry.event_id)
        .where(Event.year == year, Entry.status == EntryStatus.SUBMITTED).group_by(Entry.opd_id)).all())
    rows = []
    for opd in opds:
        count, verified, average = figures.get(opd.id, (0, 0, None))
        rows.append(OpdRow(opd, states.get(opd.id, clock.OpdState()), count, submitted.get(opd.id, 0), verified,
                           Decimal(average).quantize(Decimal("0.01")) if average is not None else None))
    rows.sort(key=lambda row: (clock.COLOUR_ORDER[row.colour], -row.state.red, -row.state.yellow, row.opd.name))
    return rows


def index_trend() -> list[IndexPoint]:
    """The estimated IID of each rules year that has innovations."""
    counts = dict(db.session.execute(select(Innovation.rules_year, func.count()).group_by(Innovation.rules_year)).all())
    points = []
    for year in available_years():
        if not counts.get(year):
            continue
        result = cached_district_index(year, verified=True, registered_only=False, top=0)
        points.append(IndexPoint(year, result.iid, result.predicate, counts[year]))
    return points


def week_progress(year: int) -> WeekProgress | None:
    """This year's Innovation Week (the latest event of the year): entries submitted, rounds published."""
    event = db.session.scalars(select(Event).where(Event.year == year).order_by(Event.opens_at.desc())).first()
    if event is None:
        return None
    entries, submitted = db.session.execute(
        select(func.count(), func.count(case((Entry.status == EntryStatus.SUBMITTED, 1))))
        .where(Entry.event_id == event.id, Entry.status != EntryStatus.WITHDRAWN)).one()
    rounds, published = db.session.execute(
        select(func.count(), func.count(Round.published_at)).where(Round.event_id == event.id)).one()
    return WeekProgress(event, entries, submitted, rounds, published, event.closes_at)


def build(now: datetime | None = None) -> Board:
    year = board_year(now)
    rows = opd_rows(year, now)
    return Board(year, rows, index_trend(), week_progress(year), sum(row.state.red for row in rows))


def sparkline(points: list[IndexPoint], width: int = 300, height: int = 60) -> str:
    """An SVG polyline's points for the IID over the years (0-100 on the vertical axis), no library needed for
    one line: "x,y x,y ..."."""
    if not points:
        return ""
    step = width / max(len(points) - 1, 1)
    return " ".join(f"{round(i * step if len(points) > 1 else width / 2, 1)},"
                    f"{round(height - float(p.iid) / 100 * height, 1)}" for i, p in enumerate(points))
