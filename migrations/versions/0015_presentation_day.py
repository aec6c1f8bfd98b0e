"""Presentation day and jury deliberation: a round's schedule (order, draw seed, slots in WIT, room,
durations, live timer, display link), the discussion phase (thread, revisions with reasons) and
calibration on a sample entry

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

New tables only (``judging.schedule_models``, ``judging.discussion_models``, ``judging.calibration_models``);
nothing existing changes. Reviewed: the enums are plain strings with CHECK constraints as everywhere
(``str_enum``); rows go with their round, round entry or score sheet (CASCADE), authors and actors are
kept as NULL when an account is deleted (SET NULL); the display link keeps only a token's sha256, unique.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed ###
    op.create_table('discussion_phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_discussion_phase_opened_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], name=op.f('fk_discussion_phase_round_id_judging_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_phase')),
    sa.UniqueConstraint('round_id', name=op.f('uq_discussion_phase_round_id'))
    )
    op.create_table('presentation_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room', sa.String(length=120), nullable=False),
    sa.Column('presentation_minutes', sa.Integer(), nullable=False),
    sa.Column('qa_minutes', sa.Integer(), nullable=False),
    sa.Column('changeover_minutes', sa.Integer(), nullable=False),
    sa.Column('order_method', sa.Enum('manual', 'draw', name='ordermethod', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('draw_seed', sa.String(length=64), nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('current_position', sa.Integer(), nullable=True),
    sa.Column('timer_state', sa.Enum('idle', 'running', 'paused', 'stopped', name='timerstate', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('timer_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('timer_paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_seconds', sa.Integer(), nullable=False),
    sa.Column('display_token_hash', sa.String(length=64), nullable=True),
    sa.Column('display_link_created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['user_account.id'], name=op.f('fk_presentation_schedule_drawn_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], name=op.f('fk_presentation_schedule_round_id_judging_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_presentation_schedule')),
    sa.UniqueConstraint('display_token_hash', name=op.f('uq_presentation_schedule_display_token_hash')),
    sa.UniqueConstraint('round_id', name=op.f('uq_presentation_schedule_round_id'))
    )
    op.create_table('calibration_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('round_entry_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_calibration_sample_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_entry_id'], ['round_entry.id'], name=op.f('fk_calibration_sample_round_entry_id_round_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], name=op.f('fk_calibration_sample_round_id_judging_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_sample')),
    sa.UniqueConstraint('round_id', name=op.f('uq_calibration_sample_round_id'))
    )
    with op.batch_alter_table('calibration_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_sample_round_entry_id'), ['round_entry_id'], unique=False)

    op.create_table('discussion_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_entry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_discussion_comment_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_entry_id'], ['round_entry.id'], name=op.f('fk_discussion_comment_round_entry_id_round_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_comment'))
    )
    with op.batch_alter_table('discussion_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_comment_round_entry_id'), ['round_entry_id'], unique=False)

    op.create_table('presentation_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('round_entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room', sa.String(length=120), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_entry_id'], ['round_entry.id'], name=op.f('fk_presentation_slot_round_entry_id_round_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['schedule_id'], ['presentation_schedule.id'], name=op.f('fk_presentation_slot_schedule_id_presentation_schedule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_presentation_slot')),
    sa.UniqueConstraint('schedule_id', 'round_entry_id', name='uq_presentation_slot_schedule_round_entry')
    )
    with op.batch_alter_table('presentation_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presentation_slot_round_entry_id'), ['round_entry_id'], unique=False)
        batch_op.create_index('ix_presentation_slot_schedule_position', ['schedule_id', 'position'], unique=False)

    op.create_table('calibration_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('total', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_calibration_score_judge_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_id'], ['calibration_sample.id'], name=op.f('fk_calibration_score_sample_id_calibration_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_score')),
    sa.UniqueConstraint('sample_id', 'judge_id', name='uq_calibration_score_sample_judge')
    )
    with op.batch_alter_table('calibration_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_score_judge_id'), ['judge_id'], unique=False)

    op.create_table('score_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('total_before', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('total_after', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('revised_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_score_revision_judge_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_score_revision_sheet_id_score_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_revision'))
    )
    with op.batch_alter_table('score_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_revision_sheet_id'), ['sheet_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### reviewed ###
    with op.batch_alter_table('score_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_revision_sheet_id'))

    op.drop_table('score_revision')
    with op.batch_alter_table('calibration_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_score_judge_id'))

    op.drop_table('calibration_score')
    with op.batch_alter_table('presentation_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_presentation_slot_schedule_position')
        batch_op.drop_index(batch_op.f('ix_presentation_slot_round_entry_id'))

    op.drop_table('presentation_slot')
    with op.batch_alter_table('discussion_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_comment_round_entry_id'))

    op.drop_table('discussion_comment')
    with op.batch_alter_table('calibration_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_sample_round_entry_id'))

    op.drop_table('calibration_sample')
    op.drop_table('presentation_schedule')
    op.drop_table('discussion_phase')
    # ### end Alembic commands ###
