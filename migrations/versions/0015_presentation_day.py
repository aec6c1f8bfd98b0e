"""Presentation day: a round's schedule (order, draw seed, slots in WIT, room, durations, live timer,
display link) and its slots

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

New tables only (``judging.schedule_models``); nothing existing changes. Reviewed: the enums are plain
strings with CHECK constraints as everywhere (``str_enum``); a slot and its schedule go with their round
entry and round (CASCADE); the display link keeps only a token's sha256, unique.
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

    # ### end Alembic commands ###


def downgrade():
    # ### reviewed ###
    with op.batch_alter_table('presentation_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_presentation_slot_schedule_position')
        batch_op.drop_index(batch_op.f('ix_presentation_slot_round_entry_id'))

    op.drop_table('presentation_slot')
    op.drop_table('presentation_schedule')
    # ### end Alembic commands ###
