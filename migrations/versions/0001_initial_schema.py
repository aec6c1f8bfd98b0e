"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 18:12:41.932626

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: initial schema of every area ###
    op.create_table('opd',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('sekretariat', 'badan', 'dinas', 'distrik', 'kelurahan', 'puskesmas', 'rsud', 'lainnya', name='opdkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['opd.id'], name=op.f('fk_opd_parent_id_opd'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opd')),
    sa.UniqueConstraint('code', name=op.f('uq_opd_code')),
    sa.UniqueConstraint('name', name=op.f('uq_opd_name'))
    )
    with op.batch_alter_table('opd', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opd_parent_id'), ['parent_id'], unique=False)

    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('extension', sa.String(length=10), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file')),
    sa.UniqueConstraint('key', name=op.f('uq_stored_file_key'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'verifier', 'judge', 'operator', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role <> 'operator' OR opd_id IS NOT NULL", name=op.f('ck_user_account_operator_has_opd')),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_user_account_opd_id_opd'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_opd_id'), ['opd_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('opd_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_audit_event_opd_id_opd'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_at_id', ['at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_opd_id'), ['opd_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_event_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('slug', name=op.f('uq_event_slug'))
    )
    op.create_table('innovation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=False),
    sa.Column('rules_year', sa.Integer(), nullable=False),
    sa.Column('nama', sa.String(length=300), nullable=False),
    sa.Column('nomor_register', sa.String(length=64), nullable=True),
    sa.Column('tahapan', sa.String(length=40), nullable=True),
    sa.Column('inisiator', sa.String(length=40), nullable=True),
    sa.Column('nama_inisiator', sa.String(length=200), nullable=True),
    sa.Column('jenis', sa.String(length=40), nullable=True),
    sa.Column('klasifikasi', sa.String(length=40), nullable=True),
    sa.Column('bentuk', sa.String(length=40), nullable=True),
    sa.Column('tematik', sa.String(length=40), nullable=True),
    sa.Column('urusan_utama', sa.String(length=80), nullable=True),
    sa.Column('urusan_lain', sa.JSON(), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('waktu_uji_coba', sa.Date(), nullable=True),
    sa.Column('waktu_penerapan', sa.Date(), nullable=True),
    sa.Column('waktu_pengembangan', sa.Date(), nullable=True),
    sa.Column('rancang_bangun', sa.Text(), nullable=False),
    sa.Column('tujuan', sa.Text(), nullable=False),
    sa.Column('manfaat', sa.Text(), nullable=False),
    sa.Column('hasil', sa.Text(), nullable=False),
    sa.Column('rancang_bangun_words', sa.Integer(), nullable=False),
    sa.Column('claimed_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('verified_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('gap_count', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_innovation_latitude_range')),
    sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_innovation_longitude_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_innovation_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_innovation_opd_id_opd'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_innovation'))
    )
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.create_index('ix_innovation_opd_updated', ['opd_id', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_innovation_urusan_utama'), ['urusan_utama'], unique=False)

    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_category_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('event_id', 'name', name='uq_category_event_name')
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_event_id'), ['event_id'], unique=False)

    op.create_table('deadline_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_deadline_extension_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_deadline_extension_granted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_deadline_extension_opd_id_opd'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_extension')),
    sa.UniqueConstraint('event_id', 'opd_id', name='uq_deadline_extension_event_opd')
    )
    with op.batch_alter_table('deadline_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_extension_opd_id'), ['opd_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('innovation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_no', sa.SmallInteger(), nullable=True),
    sa.Column('profile_slot', sa.String(length=40), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(file_id IS NULL) <> (url IS NULL)', name=op.f('ck_evidence_file_or_url')),
    sa.CheckConstraint('(indicator_no IS NULL) <> (profile_slot IS NULL)', name=op.f('ck_evidence_indicator_or_profile_slot')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_evidence_file_id_stored_file'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['innovation_id'], ['innovation.id'], name=op.f('fk_evidence_innovation_id_innovation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_id'], ['evidence.id'], name=op.f('fk_evidence_replaces_id_evidence'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_evidence_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_id'), ['file_id'], unique=False)
        batch_op.create_index('ix_evidence_innovation_indicator', ['innovation_id', 'indicator_no'], unique=False)

    op.create_table('indicator_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('innovation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_no', sa.SmallInteger(), nullable=False),
    sa.Column('parameter', sa.SmallInteger(), nullable=True),
    sa.Column('basis', sa.String(length=2), nullable=True),
    sa.Column('informasi', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('verification_status', sa.Enum('sesuai', 'diperbaiki', 'ditolak', name='verificationstatus', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('verified_parameter', sa.SmallInteger(), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('parameter IS NULL OR parameter BETWEEN 1 AND 3', name=op.f('ck_indicator_answer_parameter_range')),
    sa.CheckConstraint('verified_parameter IS NULL OR verified_parameter BETWEEN 1 AND 3', name=op.f('ck_indicator_answer_verified_parameter_range')),
    sa.ForeignKeyConstraint(['innovation_id'], ['innovation.id'], name=op.f('fk_indicator_answer_innovation_id_innovation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_indicator_answer_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'], name=op.f('fk_indicator_answer_verified_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_answer')),
    sa.UniqueConstraint('innovation_id', 'indicator_no', name='uq_indicator_answer_innovation_indicator')
    )
    op.create_table('entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('innovation_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'withdrawn', name='entrystatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_entry_category_id_category'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_entry_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_entry_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['innovation_id'], ['innovation.id'], name=op.f('fk_entry_innovation_id_innovation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_entry_opd_id_opd'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry')),
    sa.UniqueConstraint('event_id', 'innovation_id', name='uq_entry_event_innovation')
    )
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_entry_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_innovation_id'), ['innovation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_opd_id'), ['opd_id'], unique=False)

    op.create_table('pending_upload',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('target', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_pending_upload_evidence_id_evidence'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pending_upload_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_upload'))
    )
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_upload_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_upload_user_id'), ['user_id'], unique=False)




def downgrade():
    # ### reviewed: initial schema of every area ###
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_upload_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_upload_expires_at'))

    op.drop_table('pending_upload')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_opd_id'))
        batch_op.drop_index(batch_op.f('ix_entry_innovation_id'))
        batch_op.drop_index('ix_entry_event_status')
        batch_op.drop_index(batch_op.f('ix_entry_category_id'))

    op.drop_table('entry')
    op.drop_table('indicator_answer')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_innovation_indicator')
        batch_op.drop_index(batch_op.f('ix_evidence_file_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('deadline_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_extension_opd_id'))

    op.drop_table('deadline_extension')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_event_id'))

    op.drop_table('category')
    with op.batch_alter_table('innovation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_innovation_urusan_utama'))
        batch_op.drop_index('ix_innovation_opd_updated')

    op.drop_table('innovation')
    op.drop_table('event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_opd_id'))
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index('ix_audit_event_at_id')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_opd_id'))

    op.drop_table('user_account')
    op.drop_table('stored_file')
    with op.batch_alter_table('opd', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opd_parent_id'))

    op.drop_table('opd')

