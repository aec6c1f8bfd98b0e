"""The judge queue's index: a judge's active assignments in id order

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

``ix_assignment_judge_status`` (judge_id, status) becomes ``ix_assignment_judge_status_id`` (judge_id,
status, id): the queue page (``judging.queue``) reads a page of a judge's rows in assignment id order
per round deadline, and with the id in the index the database walks it in that order and stops at the
page's end instead of sorting all of the judge's rows (6,000 at national scale; issue 17). The new
index serves every lookup the old one did (same leading columns), so the old one goes.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_judge_status')
        batch_op.create_index('ix_assignment_judge_status_id', ['judge_id', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_judge_status_id')
        batch_op.create_index('ix_assignment_judge_status', ['judge_id', 'status'], unique=False)
