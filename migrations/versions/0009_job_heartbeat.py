"""job.heartbeat_at

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

The process holding a job (a web process's thread pool, or an RQ worker) touches ``heartbeat_at``
while the job waits in its pool or runs; a job whose heartbeat is older than ``JOBS_STALE_SECONDS``
belonged to a process that died and is marked failed (``innovation.jobs.services.fail_if_stale``).
Rows from before this revision keep NULL: a running one is judged by its ``started_at``.
"""
from alembic import op
import sqlalchemy as sa

import innovation.extensions


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: one nullable column, no index (the job table stays small) ###
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', innovation.extensions.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
