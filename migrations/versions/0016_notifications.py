"""Notifications: users' channel settings, messages (the inbox), their deliveries and every attempt; the
``pimpinan`` role

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

``notification`` is unique per (event, user_id, item): a message is recorded once however many runs find it.
``notification_delivery`` is unique per (notification, channel): sent once per channel; the due index serves
the sender's "what is due now". ``user_account.role`` may also be ``pimpinan`` (the read-only leaders: Bupati,
Wakil, Sekda); a downgrade deletes those accounts. Reviewed: new tables and a wider CHECK, nothing to backfill.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


ROLES = ('admin', 'verifier', 'judge', 'operator')
ROLES_WITH_LEADERS = ROLES + ('pimpinan',)


def _role_check(batch_op, roles):
    batch_op.drop_constraint(batch_op.f('ck_user_account_role'), type_='check')
    batch_op.create_check_constraint(batch_op.f('ck_user_account_role'),
                                     "role IN (%s)" % ", ".join(f"'{role}'" for role in roles))


def upgrade():
    # the read-only role of the Bupati, Wakil and Sekda (the leaders' view)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        _role_check(batch_op, ROLES_WITH_LEADERS)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('event', 'user_id', 'item', name='uq_notification_event_user_item')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_read', ['user_id', 'read_at', 'id'], unique=False)

    op.create_table('notification_setting',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('whatsapp', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_setting_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_setting'))
    )
    op.create_table('notification_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'whatsapp', name='channel', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('state', sa.Enum('queued', 'retrying', 'sent', 'failed', name='deliverystate', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_notification_delivery_notification_id_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_delivery')),
    sa.UniqueConstraint('notification_id', 'channel', name='uq_notification_delivery_channel')
    )
    with op.batch_alter_table('notification_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_notification_delivery_due', ['state', 'next_attempt_at'], unique=False)

    op.create_table('notification_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['notification_delivery.id'], name=op.f('fk_notification_attempt_delivery_id_notification_delivery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_attempt'))
    )
    with op.batch_alter_table('notification_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_attempt_delivery_id'), ['delivery_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notification_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_attempt_delivery_id'))

    op.drop_table('notification_attempt')
    with op.batch_alter_table('notification_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_delivery_due')

    op.drop_table('notification_delivery')
    op.drop_table('notification_setting')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_read')

    op.drop_table('notification')
    op.execute("DELETE FROM user_account WHERE role = 'pimpinan'")  # the role goes; so do its accounts
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        _role_check(batch_op, ROLES)
