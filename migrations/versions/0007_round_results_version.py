"""judging_round.results_version

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

The live results page cached its computation under a fingerprint that aggregated the round's entries,
assignments and score sheets (51 ms for a 3,000-entry round on a 100,000-innovation database, a
sequential scan of every assignment). A version number on the round, bumped in the same transaction
as any change that feeds the results (innovation/judging/results_version.py), is read with the round.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: one column with a server default, so existing rounds start at 0 ###
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.drop_column('results_version')
