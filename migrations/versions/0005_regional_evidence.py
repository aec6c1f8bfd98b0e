"""reporting: evidence files of regional indicator values

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: the regional_evidence table only ###
    op.create_table('regional_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_regional_evidence_file_id_stored_file'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_regional_evidence_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['value_id'], ['regional_indicator_value.id'], name=op.f('fk_regional_evidence_value_id_regional_indicator_value'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regional_evidence'))
    )
    with op.batch_alter_table('regional_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regional_evidence_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_regional_evidence_uploaded_by_id'), ['uploaded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_regional_evidence_value_id'), ['value_id'], unique=False)


def downgrade():
    with op.batch_alter_table('regional_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regional_evidence_value_id'))
        batch_op.drop_index(batch_op.f('ix_regional_evidence_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_regional_evidence_file_id'))

    op.drop_table('regional_evidence')
