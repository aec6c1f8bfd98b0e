"""Judging integrity: awards as round settings, result editions and reopening, the chair's tie
decisions, judges told when a weight change moved their totals, the event's blind flag

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08

- ``judging_round``: ``award_places`` (6 for existing rounds, as for new ones), ``award_per_category``
  (true), ``award_labels`` (NULL: the default labels "Juara 1" ... "Harapan 3").
- ``result_snapshot``: ``edition`` (existing snapshots are edition 1: a round could be published once),
  unique per round; ``incomplete_reason``; ``reopened_at``, ``reopened_by_id``, ``reopen_reason``.
- ``tie_decision``: the chair's order for entries tied after every automatic rule, with the reason.
- ``score_sheet.acknowledged_total``: the total the judge last saw; existing sheets start at their
  current total, so no judge is told of a change made before this revision.
- ``event.blind_judging``: true where the event already has a blind round.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('award_places', sa.Integer(), server_default='6', nullable=False))
        batch_op.add_column(sa.Column('award_per_category', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('award_labels', sa.Text(), nullable=True))

    with op.batch_alter_table('result_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edition', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('incomplete_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopened_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_result_snapshot_reopened_by_id_user_account'), 'user_account',
                                    ['reopened_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint('uq_result_snapshot_round_edition', ['round_id', 'edition'])

    op.create_table(
        'tie_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('entry_ids', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_tie_decision_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'],
                                name=op.f('fk_tie_decision_round_id_judging_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tie_decision')),
    )
    with op.batch_alter_table('tie_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tie_decision_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_total', sa.Numeric(precision=8, scale=4), nullable=True))
    op.execute("UPDATE score_sheet SET acknowledged_total = total")

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blind_judging', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text(
        "UPDATE event SET blind_judging = :yes WHERE id IN (SELECT event_id FROM judging_round WHERE blind = :yes)"
    ).bindparams(yes=True))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('blind_judging')
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_total')
    with op.batch_alter_table('tie_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tie_decision_round_id'))
    op.drop_table('tie_decision')
    with op.batch_alter_table('result_snapshot', schema=None) as batch_op:
        batch_op.drop_constraint('uq_result_snapshot_round_edition', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_result_snapshot_reopened_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('reopened_by_id')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('incomplete_reason')
        batch_op.drop_column('edition')
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.drop_column('award_labels')
        batch_op.drop_column('award_per_category')
        batch_op.drop_column('award_places')
