"""The round's sheets read two ways (issue 17): PostgreSQL packs them into binary records that numpy
reads without a Python object per row (``results.packed_sheets``), every other database pivots them
into one row per sheet (``results.pivoted_sheets``). Both give the same table, comments, missing
values and missing times included, and only the counted sheets."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
from test_judging_results import scored  # noqa: F401  (the fixture)

from innovation.extensions import utcnow
from innovation.judging import results as services


def assert_same(left: services.SheetTable, right: services.SheetTable) -> None:
    for name in ("ids", "entry_ids", "judge_ids", "totals", "submitted"):
        assert np.array_equal(getattr(left, name), getattr(right, name)), name
    assert np.array_equal(left.values, right.values, equal_nan=True)
    assert left.comments == right.comments and left.score_comments == right.score_comments


def odd_round(db, scored):  # noqa: F811
    from innovation.judging.models import AssignmentStatus, Score, SheetStatus

    built = scored(n_entries=4, n_judges=3)
    sheets = sorted(built.sheets.values(), key=lambda s: s.id)
    sheets[0].overall_comment = ""  # no comment
    sheets[1].submitted_at = None  # submitted without a recorded time
    sheets[2].submitted_at = utcnow() - timedelta(days=3, microseconds=123457)  # microseconds kept exactly
    score = db.session.get(Score, sheets[3].scores[2].id)
    score.value = None  # a score without a value
    score.comment = "Tidak dinilai: bukti tidak terbuka."
    sheets[4].status = SheetStatus.DRAFT  # not counted
    sheets[5].assignment.status = AssignmentStatus.RECUSED  # not counted
    db.session.flush()
    return built, sheets


def read_both(db, built):
    return (services.counted_sheets(built.round), services.gather(built.round).criteria,
            db.session.connection())


def test_the_gathered_sheets_hold_what_was_stored(db, scored):  # noqa: F811
    built, sheets = odd_round(db, scored)
    table = services.gather(built.round).sheets
    counted = [s for s in sheets if s not in (sheets[4], sheets[5])]
    assert table.ids.tolist() == [s.id for s in counted]
    assert len(table) == 10 and table.score_count == 49
    assert table.submitted[1] == services.NO_TIME
    assert services.moment(int(table.submitted[2])) == sheets[2].submitted_at
    assert 0 not in table.comments and table.comments[1] == sheets[1].overall_comment
    assert np.isnan(table.values[3, 2]) and table.score_comments[(3, 2)] == "Tidak dinilai: bukti tidak terbuka."
    assert table.score_comments[(0, 1)] == "Perlu data dampak."


def test_postgresql_packed_records_equal_the_portable_pivot(db, scored):  # noqa: F811
    built, _sheets = odd_round(db, scored)
    counted, criteria, connection = read_both(db, built)
    pivoted = services.pivoted_sheets(connection, counted, criteria)
    if connection.dialect.name == "postgresql":
        assert_same(services.packed_sheets(connection, counted, criteria), pivoted)
    assert_same(services.gather(built.round).sheets, pivoted)


def test_a_round_without_sheets_reads_empty_both_ways(db, scored):  # noqa: F811
    built = scored(n_entries=2, n_judges=2, grid={})
    counted, criteria, connection = read_both(db, built)
    for read in (services.pivoted_sheets, services.packed_sheets):
        if read is services.packed_sheets and connection.dialect.name != "postgresql":
            continue
        table = read(connection, counted, criteria)
        assert len(table) == 0 and table.values.shape == (0, 5)
    assert services.compute(built.round).entries[0].judges == 0
