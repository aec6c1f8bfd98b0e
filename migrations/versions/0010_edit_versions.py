"""Edit versions: no silent lost update

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

Every row an edit form changes gets ``version`` (1 for existing rows), bumped only by the form's
save (``innovation.concurrency.claim``); ``audit_event.object_version`` records the version a change
produced, so a refused stale save can name what the other person changed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

VERSIONED = (
    'innovation', 'indicator_answer', 'score_sheet', 'rubric', 'judging_round', 'event', 'opd',
    'user_account', 'regional_indicator_value',
)


def upgrade():
    # ### reviewed: NOT NULL with a server default, so existing rows become version 1 on both databases ###
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('object_version')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
