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
