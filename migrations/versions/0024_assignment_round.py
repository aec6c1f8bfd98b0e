"""The judge queue's count from an index alone: an assignment keeps its round; moved totals indexed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

``assignment.round_id`` is its round entry's round (which never changes), set on insert and tied to it by
a composite foreign key to ``round_entry (id, round_id)`` (hence the unique constraint there). With
``ix_assignment_judge_status_round`` (judge_id, status, round_id, id, round_entry_id) the queue page counts
a judge's rows per round, and finds a page's ids in a round in id order, from the index alone, instead of
joining all of them to their round entries (6,000 per judge at national scale: issue 17). It replaces
``ix_assignment_judge_status_id`` (judge_id, status, id), whose lookups it serves with the same leading
columns. ``ix_score_sheet_moved`` is a partial index of the few
submitted sheets whose total moved since the judge saw it, counted for the queue's notice.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round_entry', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_round_entry_id_round', ['id', 'round_id'])
    op.add_column('assignment', sa.Column('round_id', sa.Integer(), nullable=True))
    op.execute("UPDATE assignment SET round_id = (SELECT round_entry.round_id FROM round_entry "
               "WHERE round_entry.id = assignment.round_entry_id)")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_assignment_round_id_judging_round', 'judging_round', ['round_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_assignment_round_entry_round', 'round_entry', ['round_entry_id', 'round_id'],
                                    ['id', 'round_id'], ondelete='CASCADE')
        batch_op.drop_index('ix_assignment_judge_status_id')
        batch_op.create_index('ix_assignment_judge_status_round', ['judge_id', 'status', 'round_id', 'id',
                                                                      'round_entry_id'],
                              unique=False)
    op.create_index('ix_score_sheet_moved', 'score_sheet', ['assignment_id'], unique=False,
                    postgresql_where=sa.text("status = 'submitted' AND acknowledged_total IS DISTINCT FROM total"),
                    sqlite_where=sa.text("status = 'submitted' AND acknowledged_total IS NOT total"))


def downgrade():
    op.drop_index('ix_score_sheet_moved', table_name='score_sheet')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_judge_status_round')
        batch_op.create_index('ix_assignment_judge_status_id', ['judge_id', 'status', 'id'], unique=False)
        batch_op.drop_constraint('fk_assignment_round_entry_round', type_='foreignkey')
        batch_op.drop_constraint('fk_assignment_round_id_judging_round', type_='foreignkey')
        batch_op.drop_column('round_id')
    with op.batch_alter_table('round_entry', schema=None) as batch_op:
        batch_op.drop_constraint('uq_round_entry_id_round', type_='unique')
