"""The admin's progress board: the figures behind its charts, read in a few aggregate statements.

Each function returns plain rows (no ORM objects), so ``charts`` draws them and the page prints them as
tables beside the charts, from the same values.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from innovation.audit.models import AuditEvent
from innovation.events.models import Entry, EntryStatus, Event
from innovation.extensions import db, utcnow
from innovation.innovations.models import Innovation
from innovation.orgs.models import Opd
from innovation.reporting.index_cache import cached_district_index
from innovation.rules import available_years, get_rules
from innovation.timeutil import to_local

MATURITY_BINS = 10  # 0-10 %, 10-20 %, ... 90-100 %
THROUGHPUT_WEEKS = 12
MAX_DAYS = 120  # the submissions chart's span at most (an event open longer shows its last 120 days)


@dataclass(frozen=True)
class OpdProgress:
    opd: str
    innovations: int
    complete: int  # no gap left (gap_count 0)
    submitted: int  # in an Innovation Week of the year, submitted
    maturity: Decimal  # average claimed maturity, percent

    @property
    def complete_percent(self) -> Decimal:
        return (Decimal(self.complete) * 100 / self.innovations).quantize(Decimal("0.1")) if self.innovations else Decimal(0)


def opd_progress(year: int) -> list[OpdProgress]:
    """Per OPD with innovations of ``year``: how many, how many complete and submitted, average maturity."""
    maximum = get_rules(year).max_innovation_score
    submitted = (select(Entry.innovation_id).join(Event, Event.id == Entry.event_id)
                 .where(Event.year == year, Entry.status == EntryStatus.SUBMITTED).distinct().scalar_subquery())
    rows = db.session.execute(
        select(Opd.name, func.count(Innovation.id),
               func.sum(case((Innovation.gap_count == 0, 1), else_=0)),
               func.sum(case((Innovation.id.in_(submitted), 1), else_=0)),
               func.avg(Innovation.claimed_score))
        .join(Innovation, Innovation.opd_id == Opd.id).where(Innovation.rules_year == year)
        .group_by(Opd.id, Opd.name).order_by(Opd.name))
    return [OpdProgress(name, count, int(complete or 0), int(sent or 0),
                        (Decimal(str(average or 0)) * 100 / maximum).quantize(Decimal("0.1")))
            for name, count, complete, sent, average in rows]


@dataclass(frozen=True)
class Bin:
    low: int
    high: int
    count: int


def maturity_distribution(year: int) -> list[Bin]:
    """How many innovations of ``year`` fall in each tenth of the maturity scale (100 % in the last)."""
    maximum = get_rules(year).max_innovation_score
    counts: Counter[int] = Counter()
    for score in db.session.scalars(select(Innovation.claimed_score).where(Innovation.rules_year == year)):
        percent = float(score or 0) * 100 / maximum
        counts[min(int(percent // (100 / MATURITY_BINS)), MATURITY_BINS - 1)] += 1
    width = 100 // MATURITY_BINS
    return [Bin(i * width, (i + 1) * width, counts[i]) for i in range(MATURITY_BINS)]


@dataclass(frozen=True)
class SubmissionDay:
    day: date
    submitted: int  # entries submitted that day (local time)
    cumulative: int
    is_deadline: bool


@dataclass(frozen=True)
class Submissions:
    event_name: str
    event_slug: str
    deadline: datetime
    entered: int  # entries not withdrawn (drafts and submitted)
    days: list[SubmissionDay]


def events_of(year: int) -> list[tuple[str, str]]:
    return [(slug, name) for slug, name in db.session.execute(
        select(Event.slug, Event.name).where(Event.year == year).order_by(Event.opens_at.desc(), Event.id.desc()))]


def submissions(year: int, slug: str | None = None) -> Submissions | None:
    """Entries submitted per local day of an Innovation Week of ``year`` (the latest, or ``slug``)."""
    query = select(Event).where(Event.year == year).order_by(Event.opens_at.desc(), Event.id.desc())
    if slug:
        query = query.where(Event.slug == slug)
    event = db.session.scalars(query.limit(1)).first()
    if event is None:
        return None
    times = list(db.session.scalars(select(Entry.submitted_at).where(
        Entry.event_id == event.id, Entry.status == EntryStatus.SUBMITTED, Entry.submitted_at.is_not(None))))
    entered = db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.event_id == event.id, Entry.status != EntryStatus.WITHDRAWN)) or 0
    per_day = Counter(to_local(t).date() for t in times)
    deadline_day = to_local(event.closes_at).date()
    first = to_local(event.opens_at).date()
    last = max([deadline_day, *per_day])
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    before = sum(n for d, n in per_day.items() if d < first)
    days, running = [], before
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        running += per_day.get(day, 0)
        days.append(SubmissionDay(day, per_day.get(day, 0), running, day == deadline_day))
    return Submissions(event.name, event.slug, event.closes_at, entered, days)


@dataclass(frozen=True)
class WeekThroughput:
    week_start: date  # Monday, local time
    verified: int  # verdicts given (indicator.verify in the audit log)
    resubmitted: int  # lines sent back to the verifier by an OPD (indicator.resubmit)


def verification_throughput(*, weeks: int = THROUGHPUT_WEEKS, now: datetime | None = None) -> list[WeekThroughput]:
    """Verdicts and resubmissions per week over the last ``weeks`` weeks, from the audit log (every verdict,
    also the ones a later verdict replaced)."""
    now = now or utcnow()
    this_monday = to_local(now).date() - timedelta(days=to_local(now).weekday())
    start = this_monday - timedelta(weeks=weeks - 1)
    since = now - timedelta(weeks=weeks, days=1)
    counts: Counter[tuple[date, str]] = Counter()
    for at, action in db.session.execute(select(AuditEvent.at, AuditEvent.action).where(
            AuditEvent.action.in_(("indicator.verify", "indicator.resubmit")), AuditEvent.at >= since)):
        local = to_local(at).date()
        monday = local - timedelta(days=local.weekday())
        if monday >= start:
            counts[(monday, action)] += 1
    return [WeekThroughput(start + timedelta(weeks=i), counts[(start + timedelta(weeks=i), "indicator.verify")],
                           counts[(start + timedelta(weeks=i), "indicator.resubmit")]) for i in range(weeks)]


@dataclass(frozen=True)
class YearFigures:
    year: int
    innovations: int
    registered: int
    claimed_iid: Decimal
    verified_iid: Decimal
    predicate: str


def across_years() -> list[YearFigures]:
    """Per assessment year: innovations, of them registered for Kemendagri, and the district index over the
    registered ones (claimed and verified; the dashboard's cached figures)."""
    counts = {year: (n, int(r or 0)) for year, n, r in db.session.execute(
        select(Innovation.rules_year, func.count(Innovation.id),
               func.sum(case((Innovation.registered_at.is_not(None), 1), else_=0)))
        .group_by(Innovation.rules_year))}
    figures = []
    for year in available_years():
        n, registered = counts.get(year, (0, 0))
        claimed = cached_district_index(year, verified=False, top=0)
        verified = cached_district_index(year, verified=True, top=0)
        figures.append(YearFigures(year, n, registered, claimed.iid, verified.iid, claimed.predicate))
    return figures
