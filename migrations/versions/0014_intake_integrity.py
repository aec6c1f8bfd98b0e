"""Intake integrity: lines to be re-checked after a change, and the blocking part of the gap count

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

``indicator_answer.recheck_since`` / ``recheck``: a verified line whose evidence, parameter or basis
changed returns to the verifier ("perlu diperiksa ulang"), its old verdict kept as history
(``innovations.recheck``). ``innovation.blocking_gap_count``: of the gaps (``gap_count``), those that
get the innovation disclaimed, for the lists' badge. ``innovation.recheck_since``: its earliest line to
be re-checked, indexed with updated_at and id for the verification queue's order.

After upgrading, run ``flask innovations refresh`` once: it recomputes every innovation's derived
figures with the one definition of a gap (rejected and corrected lines now count), and turns any
verification older than a later change of its evidence into a line to be re-checked.
"""
from alembic import op
import sqlalchemy as sa

import innovation.extensions


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: nullable columns, and a NOT NULL count with a server default (0 until refreshed) ###
    with op.batch_alter_table('indicator_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recheck_since', innovation.extensions.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('recheck', sa.JSON(), nullable=True))
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocking_gap_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('recheck_since', innovation.extensions.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_innovation_recheck_queue', ['recheck_since', 'updated_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.drop_index('ix_innovation_recheck_queue')
        batch_op.drop_column('recheck_since')
        batch_op.drop_column('blocking_gap_count')
    with op.batch_alter_table('indicator_answer', schema=None) as batch_op:
        batch_op.drop_column('recheck')
        batch_op.drop_column('recheck_since')
