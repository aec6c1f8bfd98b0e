"""The benchmark seed at a tiny size: counts and derived columns, so the harness cannot silently rot."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from benchmarks import seed as seeding

N = 30


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
            assignments = db.session.scalars(sa.select(jm.Assignment).join(jm.RoundEntry)
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
