"""The benchmark seed at a tiny size: counts and derived columns, so the harness cannot silently rot; with
``TEST_DATABASE_URL``, the PostgreSQL load (COPY, constraints restored) compared with SQLite's."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from benchmarks import seed as seeding

N = 30
PG_URL = os.environ.get("TEST_DATABASE_URL")


def test_seed_fills_a_consistent_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    result = seeding.seed(url, N, tmp_path / "storage", blob_innovations=5, audit_per_innovation=3, log=lambda m: None)
    counts = result["counts"]
    assert counts["innovation"] == N
    assert counts["indicator_answer"] == N * 20
    assert N * 20 <= counts["evidence"] <= N * 60
    assert counts["audit_event"] == N * 3
    assert counts["opd"] == 1 or counts["opd"] >= N // seeding.INNOVATIONS_PER_OPD

    from innovation.extensions import db
    from innovation.innovations import readiness, services
    from innovation.innovations.models import Evidence, Innovation
    from innovation.storage.models import StoredFile

    app = seeding.make_app(url, tmp_path / "storage")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == \
            db.session.scalar(sa.select(sa.func.count()).select_from(Evidence).where(Evidence.file_id.is_not(None)))
        for innovation in db.session.scalars(sa.select(Innovation)):
            assessment = services.assess(innovation)
            assert innovation.claimed_score == assessment.total, innovation.id
            assert innovation.gap_count == assessment.readiness.count, innovation.id
            assert innovation.rancang_bangun_words == readiness.word_count(innovation.rancang_bangun) >= 300
            assert {a.indicator_no for a in innovation.answers} == {i.no for i in innovation.rules.indicators}
            if innovation.verified_score is not None:
                assert innovation.verified_score == innovation.claimed_score
        # blobs exist for the evidence of the first OPD's innovations (and only those), as the docstring says
        from innovation.orgs.models import Opd

        first_opd = db.session.scalar(sa.select(sa.func.min(Opd.id)))
        assert seeding.blob_opds_for(5) == 1
        blob_keys = set(db.session.scalars(
            sa.select(StoredFile.key).join(Evidence, Evidence.file_id == StoredFile.id)
            .join(Innovation, Innovation.id == Evidence.innovation_id).where(Innovation.opd_id == first_opd)))
        assert blob_keys and all((tmp_path / "storage" / key).is_file() for key in blob_keys)
        assert result["blobs"] == len(blob_keys)
        other = db.session.scalars(
            sa.select(StoredFile.key).join(Evidence, Evidence.file_id == StoredFile.id)
            .join(Innovation, Innovation.id == Evidence.innovation_id).where(Innovation.opd_id != first_opd)).all()
        assert other and not any((tmp_path / "storage" / key).exists() for key in other)

        tables = set(sa.inspect(db.engine).get_table_names())
        if {"judging_round", "score_sheet", "score"} <= tables:
            from innovation.judging import models as jm

            # the closed round: every assignment has a submitted sheet with every criterion scored
            closed = db.session.scalar(sa.select(jm.Round).order_by(jm.Round.position))
            assignments = db.session.scalars(sa.select(jm.Assignment).join(jm.RoundEntry, jm.Assignment.round_entry_id == jm.RoundEntry.id)
                                             .where(jm.RoundEntry.round_id == closed.id)).all()
            assert assignments
            per_entry: dict[int, int] = {}
            for assignment in assignments:
                per_entry[assignment.round_entry_id] = per_entry.get(assignment.round_entry_id, 0) + 1
                assert assignment.sheet is not None and assignment.sheet.status == jm.SheetStatus.SUBMITTED
                assert len(assignment.sheet.scores) == len(closed.rubric.criteria)
                assert all(s.value is not None for s in assignment.sheet.scores)
            assert set(per_entry.values()) <= {3, 4, 5}
        db.session.remove()
        db.engine.dispose()
    assert Path(tmp_path / "seed-templates" / "pdf-a").exists()


def test_copy_lines_escape_and_convert():
    import enum
    from datetime import datetime, timezone
    from decimal import Decimal

    class Colour(enum.Enum):
        RED = "red"

    table = sa.Table(
        "t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer, nullable=True),
        sa.Column("ok", sa.Boolean, nullable=False), sa.Column("text", sa.Text), sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("colour", sa.Enum(Colour)), sa.Column("data", sa.JSON), sa.Column("amount", sa.Numeric(6, 2)),
    )
    line = seeding.copy_line_function(list(table.c))
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert line((1, None, True, "a\tb\\c\nd", at, Colour.RED, {"k": "é"}, Decimal("1.50"))) == \
        '1\t\\N\tt\ta\\tb\\\\c\\nd\t2026-01-02 03:04:05+00:00\tred\t{"k": "\\\\u00e9"}\t1.50\n'
    assert line((2, 7, False, None, None, None, None, None)) == "2\t7\tf\t\\N\t\\N\t\\N\t\\N\t\\N\n"


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set: the PostgreSQL seed is not compared")
def test_postgresql_seed_equals_sqlite_seed(tmp_path):
    """COPY, the COPY thread and the dropped-and-restored constraints give SQLite's rows and the migrations' schema."""
    import uuid
    from decimal import Decimal

    from innovation.config import normalise_database_url

    sqlite_url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    schema = f"seed_{uuid.uuid4().hex[:10]}"
    pg_url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    bare_url = pg_url.replace(schema, f"{schema}_bare")
    kwargs = dict(blob_innovations=5, audit_per_innovation=3, log=lambda m: None)
    try:
        lite = seeding.seed(sqlite_url, N, tmp_path / "lite" / "storage", **kwargs)
        pg = seeding.seed(pg_url, N, tmp_path / "pg" / "storage", **kwargs)
        assert pg["counts"] == lite["counts"]
        assert pg["gap_counts"] == lite["gap_counts"] and pg["judging"] == lite["judging"]
        assert pg["blobs"] == lite["blobs"]

        queries = {  # not timestamps (from the time of each run), nor sha256 (the PDF templates carry theirs)
            "innovation": "SELECT id, opd_id, nama, nomor_register, rancang_bangun, rancang_bangun_words, claimed_score, "
                          "verified_score, gap_count, CAST(urusan_lain AS TEXT) FROM innovation ORDER BY id",
            "answers": "SELECT id, innovation_id, indicator_no, parameter, basis, informasi, verification_status, "
                       "verified_by_id FROM indicator_answer ORDER BY id",
            "evidence": "SELECT e.id, e.innovation_id, e.indicator_no, e.url, e.title, f.key, f.original_name, f.size "
                        "FROM evidence e LEFT JOIN stored_file f ON f.id = e.file_id ORDER BY e.id",
            "audit": "SELECT id, action, object_id, summary FROM audit_event ORDER BY id",
            "sheets": "SELECT s.id, a.judge_id, s.status, s.total, (SELECT sum(value) FROM score WHERE sheet_id = s.id) "
                      "FROM score_sheet s JOIN assignment a ON a.id = s.assignment_id ORDER BY s.id",
        }

        def plain(value):  # 80, 80.0 and Decimal("80.00") alike
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                return format(Decimal(str(value)).normalize(), "f")
            return str(value)

        def rows(url):
            engine = sa.create_engine(normalise_database_url(url))
            try:
                with engine.connect() as conn:
                    return {name: [tuple(map(plain, row)) for row in conn.exec_driver_sql(sql)]
                            for name, sql in queries.items()}
            finally:
                engine.dispose()

        got, expected = rows(pg_url), rows(sqlite_url)
        for name in queries:  # row by row first: a failure names the table and shows the two rows
            for a, b in zip(got[name], expected[name]):
                assert a == b, name
        assert got == expected

        # the constraints and indexes dropped for the load are back as the migrations made them
        from flask_migrate import upgrade

        seeding.ensure_schema(bare_url)
        app = seeding.make_app(bare_url, tmp_path / "bare" / "storage")
        with app.app_context():
            upgrade(revision="heads")
            from innovation.extensions import db

            db.engine.dispose()
        # Ordered by (table, name, kind), which is unique: a unique or primary key constraint and the index
        # behind it share their name and differ only in kind ('u'/'p' and 'i'), so (table, name) alone
        # returned the two in either order and the comparison failed now and then.
        catalog = ("SELECT conrelid::regclass::text, conname, contype, convalidated, pg_get_constraintdef(oid) "
                   "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                   "UNION ALL SELECT indrelid::regclass::text, indexrelid::regclass::text, 'i', true, "
                   "pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                   "WHERE c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2, 3")

        def schema_of_url(url, name):
            engine = sa.create_engine(normalise_database_url(url))
            try:
                with engine.connect() as conn:
                    return [tuple(str(v).replace(name, "S") for v in row) for row in conn.exec_driver_sql(catalog)]
            finally:
                engine.dispose()

        seeded, bare = schema_of_url(pg_url, schema), schema_of_url(bare_url, f"{schema}_bare")
        assert len(seeded) > 50 and seeded == bare
    finally:
        engine = sa.create_engine(normalise_database_url(PG_URL))
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}_bare" CASCADE')
        engine.dispose()
