"""Documents: per-event document settings (issuer, logo, place, number format, signatories) and the
certificate register

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

``document_settings``: one row per event, made when an admin first saves the documents' settings (until
then the region's defaults apply). ``certificate``: one number per scored entry of a published edition,
unique across the register (``seq`` and the formatted ``number``), looked up by the public verification
page. New tables only: nothing to backfill; an edition published earlier gets its numbers when its
first certificate is downloaded.
"""
from alembic import op
import sqlalchemy as sa

import innovation.extensions


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: two new tables, foreign keys named by the metadata's convention ###
    op.create_table(
        'document_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=200), nullable=False),
        sa.Column('place', sa.String(length=100), nullable=False),
        sa.Column('number_format', sa.String(length=100), nullable=False),
        sa.Column('decree_official', sa.String(length=200), nullable=False),
        sa.Column('signer1_name', sa.String(length=200), nullable=False),
        sa.Column('signer1_title', sa.String(length=200), nullable=False),
        sa.Column('signer1_nip', sa.String(length=30), nullable=False),
        sa.Column('signer2_name', sa.String(length=200), nullable=False),
        sa.Column('signer2_title', sa.String(length=200), nullable=False),
        sa.Column('signer2_nip', sa.String(length=30), nullable=False),
        sa.Column('logo_file_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', innovation.extensions.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_document_settings_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['logo_file_id'], ['stored_file.id'],
                                name=op.f('fk_document_settings_logo_file_id_stored_file'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                                name=op.f('fk_document_settings_updated_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_settings')),
        sa.UniqueConstraint('event_id', name=op.f('uq_document_settings_event_id')),
    )
    op.create_table(
        'certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=120), nullable=False),
        sa.Column('award', sa.String(length=60), nullable=True),
        sa.Column('created_at', innovation.extensions.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['result_snapshot.id'],
                                name=op.f('fk_certificate_snapshot_id_result_snapshot'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
        sa.UniqueConstraint('number', name=op.f('uq_certificate_number')),
        sa.UniqueConstraint('seq', name=op.f('uq_certificate_seq')),
        sa.UniqueConstraint('snapshot_id', 'entry_id', name='uq_certificate_snapshot_entry'),
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_snapshot_id'), ['snapshot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_snapshot_id'))
    op.drop_table('certificate')
    op.drop_table('document_settings')
