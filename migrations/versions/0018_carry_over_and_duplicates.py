"""Carry-over to a new assessment year, and duplicate detection

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

``innovation.carried_from_id`` / ``carried_at`` / ``carry_report``: an innovation carried forward from the
earlier year's (one carry per earlier innovation: unique), with the report of what the new rules ask again.
``indicator_answer.carried_at`` and ``evidence.carried_from_id`` mark what was taken over.
``duplicate_decision``: pairs an admin marked distinct in the duplicate report.

On PostgreSQL the ``pg_trgm`` extension gives the similarity search (``innovations.duplicates``); it is
created here when the database allows it (in ``public`` when that schema exists, so that one extension
serves every schema). Without it, or on SQLite, the search runs in Python with RapidFuzz. The downgrade
leaves the extension in place: other schemas of the database may use it.
"""
from alembic import op
import sqlalchemy as sa

import innovation.extensions


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        available = bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first()
        installed = bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first()
        if available and not installed:
            has_public = bind.exec_driver_sql("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").first()
            bind.exec_driver_sql("SAVEPOINT pg_trgm_create")
            try:
                bind.exec_driver_sql(
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm" + (" SCHEMA public" if has_public else ""))
            except sa.exc.DBAPIError:  # no right to create extensions: the Python method serves
                bind.exec_driver_sql("ROLLBACK TO SAVEPOINT pg_trgm_create")
            else:
                bind.exec_driver_sql("RELEASE SAVEPOINT pg_trgm_create")

    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carried_at', innovation.extensions.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('carry_report', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_innovation_carried_from_id'), ['carried_from_id'])
        batch_op.create_foreign_key(batch_op.f('fk_innovation_carried_from_id_innovation'), 'innovation',
                                    ['carried_from_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('indicator_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_at', innovation.extensions.UTCDateTime(), nullable=True))
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_evidence_carried_from_id_evidence'), 'evidence',
                                    ['carried_from_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'duplicate_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('second_id', sa.Integer(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', innovation.extensions.UTCDateTime(), nullable=False),
        sa.CheckConstraint('first_id < second_id', name=op.f('ck_duplicate_decision_pair_ordered')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_duplicate_decision_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['first_id'], ['innovation.id'],
                                name=op.f('fk_duplicate_decision_first_id_innovation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['second_id'], ['innovation.id'],
                                name=op.f('fk_duplicate_decision_second_id_innovation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_decision')),
        sa.UniqueConstraint('first_id', 'second_id', name='uq_duplicate_decision_pair'),
    )
    with op.batch_alter_table('duplicate_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_decision_second_id'), ['second_id'], unique=False)


def downgrade():
    with op.batch_alter_table('duplicate_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_decision_second_id'))
    op.drop_table('duplicate_decision')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_carried_from_id_evidence'), type_='foreignkey')
        batch_op.drop_column('carried_from_id')
    with op.batch_alter_table('indicator_answer', schema=None) as batch_op:
        batch_op.drop_column('carried_at')
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_innovation_carried_from_id_innovation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_innovation_carried_from_id'), type_='unique')
        batch_op.drop_column('carry_report')
        batch_op.drop_column('carried_at')
        batch_op.drop_column('carried_from_id')
