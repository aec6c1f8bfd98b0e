"""Audit summaries shown in the reader's language: the message and its values beside the stored text

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

``audit_event.summary_msgid``: the summary's Indonesian source string in the catalog (``audit.say``),
``audit_event.summary_plural``: its plural form when it counts
something (``audit.say_n``), ``audit_event.summary_params``: its ``%(name)s`` values. The audit log renders them with gettext when it
is read, so an English reader sees English. ``summary`` keeps the Indonesian sentence as written: what
events from before this revision (no msgid) show, and what SQL and exports read.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: three nullable columns, old rows keep NULL (shown by their stored summary) ###
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_msgid', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('summary_plural', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('summary_params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('summary_params')
        batch_op.drop_column('summary_plural')
        batch_op.drop_column('summary_msgid')
