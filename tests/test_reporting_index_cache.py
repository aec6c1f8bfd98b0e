"""The district index cache: a repeated view reads one fingerprint instead of aggregating, and every
change that moves the index (an answer, evidence, verification, registration, a regional value) is
seen on the next view."""
from __future__ import annotations

import io

import pytest
from evidence_files import pdf as pdf_bytes

from innovation.extensions import utcnow
from innovation.innovations import evidence
from innovation.innovations import services as innovations
from innovation.reporting import index_cache, regional
from innovation.reporting import services as reporting
from innovation.web import Role


@pytest.fixture(autouse=True)
def fresh_cache(app):
    app.extensions.pop("reporting_index_cache", None)
    yield
    app.extensions.pop("reporting_index_cache", None)


@pytest.fixture
def innovation(db, make_user, make_innovation):
    operator = make_user()
    made = make_innovation(opd=operator.opd, rules_year=2026, nama="Inovasi Indeks Cache")
    made.registered_at = utcnow()
    db.session.flush()
    return made, operator


def _index():
    return index_cache.cached_district_index(2026, verified=True)


def _aggregations(counter) -> int:
    return sum("GROUP BY" in s.upper() for s in counter.statements)


def test_repeated_views_do_not_aggregate(app, db, innovation, count_statements):
    first = _index()
    with count_statements() as counter:
        again = _index()
    assert again is first
    assert _aggregations(counter) == 0 and len(counter.statements) == 1  # the fingerprint only


def test_every_change_that_moves_the_index_is_seen(app, db, innovation, make_user):
    made, operator = innovation
    before = _index()
    innovations.save_answer(made, 16, parameter=3, basis=None, informasi="", by=operator)
    db.session.flush()
    after_answer = _index()
    assert after_answer is not before
    assert after_answer == reporting.district_index(2026, verified=True)

    evidence.attach_file(made, indicator_no=16, stream=io.BytesIO(pdf_bytes()), filename="sk.pdf", by=operator)
    db.session.flush()
    with_evidence = _index()
    assert with_evidence.sid > after_answer.sid  # the line now scores
    assert with_evidence == reporting.district_index(2026, verified=True)

    verifier = make_user(role=Role.VERIFIER)
    reporting.verify_line(reporting.answer_for(made, 16), "ditolak", None, "Bukan SK.", by=verifier)
    db.session.flush()
    rejected = _index()
    assert rejected.sid < with_evidence.sid
    assert rejected == reporting.district_index(2026, verified=True)

    regional.save_regional_values(2026, {1: {"score": "3", "note": "", "evidence_url": ""}}, by=verifier)
    db.session.flush()
    with_regional = _index()
    assert with_regional.spd > rejected.spd

    made.registered_at = None
    db.session.flush()
    assert _index().n == with_regional.n - 1


def test_entries_expire(app, db, innovation, monkeypatch):
    first = _index()
    monkeypatch.setitem(app.config, "REPORTING_INDEX_CACHE_SECONDS", 60)
    clock = [1000.0]
    monkeypatch.setattr(index_cache.time, "monotonic", lambda: clock[0])
    index_cache.index_cache().clear()
    first = _index()
    clock[0] += 30
    assert _index() is first
    clock[0] += 31
    assert _index() is not first


def test_switched_off(app, db, innovation, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTING_INDEX_CACHE_SECONDS", 0)
    assert _index() is not _index()


def test_derived_changes_do_not_move_updated_at(app, db, innovation):
    """The profile form's saved-draft stamp is updated_at: an evidence upload or a verification that
    changes no figure must not move it (the index cache reads derived_at instead)."""
    made, operator = innovation
    innovations.save_answer(made, 16, parameter=3, basis=None, informasi="", by=operator)
    evidence.attach_file(made, indicator_no=16, stream=io.BytesIO(pdf_bytes()), filename="a.pdf", by=operator)
    db.session.commit()
    stamp, derived = made.updated_at, made.derived_at
    evidence.attach_file(made, indicator_no=16, stream=io.BytesIO(pdf_bytes()), filename="b.pdf", by=operator)
    db.session.commit()
    assert made.updated_at == stamp and made.derived_at > derived


def test_the_dashboard_list_total_is_kept_until_an_innovation_changes(app, db, innovation, make_user, make_innovation,
                                                                    count_statements, monkeypatch):
    """Counting every innovation on every dashboard view was 30 ms at 100,000 (docs/PERFORMANCE.md):
    the total is kept under the index's fingerprint, read once for the three figures."""
    made, operator = innovation
    everything, registered = reporting.ListFilters(), reporting.ListFilters(registered=True)
    first = index_cache.dashboard_figures(2026, everything, registered_only=True)
    assert first.listed == reporting.count_listed(everything)
    assert first.verified == reporting.district_index(2026, verified=True)
    with count_statements() as counter:
        again = index_cache.dashboard_figures(2026, everything, registered_only=True)
    assert again == first and len(counter.statements) == 1  # the fingerprint, once for the three figures
    assert index_cache.cached_count_listed(registered, 2026) == reporting.count_listed(registered) >= 1

    make_innovation(opd=operator.opd, rules_year=2026)  # a new innovation: max(id) moves
    assert index_cache.dashboard_figures(2026, everything, registered_only=True).listed == first.listed + 1
    before = index_cache.cached_count_listed(registered, 2026)
    reporting.unregister(made, by=make_user(role=Role.ADMIN))  # updated_at moves
    db.session.flush()
    assert index_cache.cached_count_listed(registered, 2026) == before - 1 == reporting.count_listed(registered)

    monkeypatch.setitem(app.config, "REPORTING_INDEX_CACHE_SECONDS", 0)
    with count_statements() as counter:
        index_cache.dashboard_figures(2026, everything, registered_only=True)
    listed = [s for s in counter.statements if "count(innovation.id) AS" in s and "GROUP BY" not in s]
    assert len(listed) == 1  # switched off: counted on each view
