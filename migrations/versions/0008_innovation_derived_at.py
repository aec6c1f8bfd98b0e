"""innovation.derived_at

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

When ``refresh_derived`` last ran (an answer, evidence or a verification changed). The district
index cache reads max(derived_at) with max(updated_at); refresh_derived used to move updated_at
for this, which also moved the profile form's saved-draft stamp and the verification queue's order.
"""
from alembic import op
import sqlalchemy as sa

import innovation.extensions


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: a nullable column and its index ###
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('derived_at', innovation.extensions.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_innovation_derived_at', ['derived_at'], unique=False)


def downgrade():
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.drop_index('ix_innovation_derived_at')
        batch_op.drop_column('derived_at')
