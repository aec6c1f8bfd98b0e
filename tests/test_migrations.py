"""Migrations are code: one head, nothing left to autogenerate, and they run down and up again."""
import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from innovation import PROJECT_ROOT
from innovation.extensions import db as _db


def _script(app):
    config = app.extensions["migrate"].migrate.get_config(os.path.join(PROJECT_ROOT, "migrations"))
    return ScriptDirectory.from_config(config)


def test_single_head(app):
    with app.app_context():
        heads = _script(app).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}; chain the new revision after the last one"


def test_models_and_migrations_agree(app):
    """What `flask db check` does: the migrated schema equals the models (types included)."""
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, _db.metadata)
    assert differences == [], f"models changed without a migration: {differences}"


def test_downgrade_to_base_and_upgrade_again(tmp_path_factory):
    """On a scratch database of the same backend: every revision's downgrade and upgrade run."""
    from conftest import PG_URL, build_app, drop_schema

    for backend in ("sqlite", "postgresql") if PG_URL else ("sqlite",):
        app = build_app(backend, tmp_path_factory)
        try:
            with app.app_context():
                downgrade(revision="base")
                tables = set(sa.inspect(_db.engine).get_table_names()) - {"alembic_version"}
                assert tables == set(), f"{backend}: tables left after downgrade: {tables}"
                upgrade()
                assert "innovation" in sa.inspect(_db.engine).get_table_names()
        finally:
            drop_schema(app)


def test_0023_reads_old_schedule_notes_into_values_and_writes_them_back(tmp_path_factory):
    """0023 turns a stored Indonesian note ("sebelumnya <WIT time>, <room>") into the previous time and room,
    keeps a note it cannot read as it is, and its downgrade writes the sentence back; on both databases."""
    from datetime import datetime, timedelta, timezone

    from conftest import PG_URL, build_app, drop_schema

    from innovation.auth.models import User
    from innovation.events.models import DEFAULT_CATEGORIES, Category, Entry, EntryStatus, Event
    from innovation.extensions import utcnow
    from innovation.innovations.models import Innovation
    from innovation.judging import rounds, rubrics
    from innovation.judging import schedule as schedules
    from innovation.judging.models import RoundEntry
    from innovation.judging.schedule_models import PresentationSlot
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year
    from innovation.web import Role

    first = datetime(2026, 8, 9, 23, 0, tzinfo=timezone.utc)  # 08:00 WIT on 10 August 2026
    settings = {"starts_at": first, "room": "Aula Bappeda", "presentation_minutes": 10, "qa_minutes": 5,
                "changeover_minutes": 5}
    slot_sql = sa.text("SELECT id, change_note FROM presentation_slot ORDER BY position")
    for backend in ("sqlite", "postgresql") if PG_URL else ("sqlite",):
        app = build_app(backend, tmp_path_factory)
        try:
            with app.app_context():
                admin = User(username="admin0023", full_name="Admin", role=Role.ADMIN, password_hash="x")
                now = utcnow()
                event = Event(slug="iw-0023", name="IW 0023", year=2026, opens_at=now - timedelta(days=2),
                              closes_at=now - timedelta(days=1))
                event.categories = [Category(name=c, position=i) for i, c in enumerate(DEFAULT_CATEGORIES)]
                _db.session.add_all([admin, event])
                rubrics.seed_builtin_rubrics()
                round_ = rounds.create_round(event, {
                    "name": "Final", "kind": "final", "opens_at": now - timedelta(days=1),
                    "closes_at": now + timedelta(days=2), "judges_per_entry": 1,
                }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
                res = []
                for i in range(3):
                    opd = Opd(name=f"Dinas 0023 {i}", code=f"M23{i}", kind=OpdKind.DINAS)
                    entry = Entry(event=event, category=event.categories[0], opd=opd, status=EntryStatus.SUBMITTED,
                                  innovation=Innovation(opd=opd, nama=f"Inovasi {i}", rules_year=latest_year()))
                    res.append(RoundEntry(round=round_, entry=entry))
                _db.session.add_all(res)
                _db.session.flush()
                schedules.save_schedule(round_, settings, by=admin)
                # the first two swap places: slot 1 was at 08:00, slot 2 at 08:20; the third stays
                schedules.set_order(round_, [res[1].id, res[0].id, res[2].id], by=admin)
                third = _db.session.scalar(sa.select(PresentationSlot).where(PresentationSlot.position == 3))
                third.changed_at, third.legacy_change_note = now, "dipindah karena listrik padam"
                _db.session.commit()

                downgrade(revision="0022")
                with _db.engine.begin() as connection:
                    notes = [note for _id, note in connection.execute(slot_sql)]
                    assert notes == ["sebelumnya 10-08-2026 08:20 WIT, Aula Bappeda",
                                     "sebelumnya 10-08-2026 08:00 WIT, Aula Bappeda",
                                     "dipindah karena listrik padam"], backend
                    # an old note of a slot that had no room
                    connection.execute(sa.text("UPDATE presentation_slot SET change_note = :note WHERE position = 2"),
                                       {"note": "sebelumnya 10-08-2026 07:40 WIT, -"})

                upgrade()
                _db.session.expire_all()
                slots = _db.session.scalars(sa.select(PresentationSlot).order_by(PresentationSlot.position)).all()
                assert [(s.previous_starts_at, s.previous_room, s.legacy_change_note) for s in slots] == [
                    (first + timedelta(minutes=20), "Aula Bappeda", ""),
                    (first - timedelta(minutes=20), "", ""),
                    (None, None, "dipindah karena listrik padam"),
                ], backend
                assert [schedules.change_note(s) for s in slots] == [
                    "sebelumnya 10-08-2026 08:20 WIT, Aula Bappeda", "sebelumnya 10-08-2026 07:40 WIT, —",
                    "dipindah karena listrik padam"], backend
                _db.session.rollback()
        finally:
            drop_schema(app)
