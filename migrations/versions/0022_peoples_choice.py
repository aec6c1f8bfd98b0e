"""People's choice: an event's voting settings and one vote per device

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-06

``choice_settings``: one row per event (on/off, open and close times, the round whose entries are on the
ballot or none for every submitted entry, whether the tally is published after closing). ``choice_vote``:
one row per (event, device), the device known only by sha256 of its cookie's token; the unique key is what
makes a device's second vote replace its first. Neither table touches the jury's scores or results.
"""
from alembic import op
import sqlalchemy as sa

from innovation.extensions import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'choice_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('opens_at', UTCDateTime(), nullable=False),
        sa.Column('closes_at', UTCDateTime(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('publish_tally', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_choice_settings_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'],
                                name=op.f('fk_choice_settings_round_id_judging_round'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                                name=op.f('fk_choice_settings_updated_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_choice_settings')),
        sa.UniqueConstraint('event_id', name=op.f('uq_choice_settings_event_id')),
    )
    op.create_table(
        'choice_vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('device_hash', sa.String(length=64), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_choice_vote_entry_id_entry'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_choice_vote_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_choice_vote')),
        sa.UniqueConstraint('event_id', 'device_hash', name='uq_choice_vote_event_device'),
    )
    with op.batch_alter_table('choice_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_choice_vote_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('choice_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_choice_vote_entry_id'))
    op.drop_table('choice_vote')
    op.drop_table('choice_settings')
