"""judging

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # ### reviewed: judging tables only ###
    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric')),
    sa.UniqueConstraint('code', name=op.f('uq_rubric_code'))
    )
    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('independent', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('descriptors', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_criterion_rubric_id_rubric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('rubric_id', 'code', name='uq_criterion_rubric_code')
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('judging_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('administrasi', 'penilaian', 'final', name='roundkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=True),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('judges_per_entry', sa.Integer(), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('use_category_panels', sa.Boolean(), nullable=False),
    sa.Column('advance_top_n', sa.Integer(), nullable=True),
    sa.Column('advance_per_category', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_judging_round_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_judging_round_rubric_id_rubric'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_round')),
    sa.UniqueConstraint('event_id', 'position', name='uq_judging_round_event_position')
    )
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judging_round_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judging_round_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('panel_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_panel_member_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_panel_member_judge_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], name=op.f('fk_panel_member_round_id_judging_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_member')),
    sa.UniqueConstraint('round_id', 'judge_id', 'category_id', name='uq_panel_member_round_judge_category')
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_member_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_member_round_id'), ['round_id'], unique=False)

    op.create_table('result_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_result_snapshot_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], name=op.f('fk_result_snapshot_round_id_judging_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_snapshot'))
    )
    with op.batch_alter_table('result_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_snapshot_round_id'), ['round_id'], unique=False)

    op.create_table('round_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'passed', 'failed', 'advanced', 'eliminated', name='roundentrystatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_round_entry_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_round_entry_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['judging_round.id'], name=op.f('fk_round_entry_round_id_judging_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_entry')),
    sa.UniqueConstraint('round_id', 'entry_id', name='uq_round_entry_round_entry')
    )
    with op.batch_alter_table('round_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_entry_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_entry_round_id'), ['round_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'recused', 'removed', name='assignmentstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('recusal_reason', sa.Text(), nullable=False),
    sa.Column('needs_reassignment', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_assignment_judge_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_entry_id'], ['round_entry.id'], name=op.f('fk_assignment_round_entry_id_round_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('round_entry_id', 'judge_id', name='uq_assignment_round_entry_judge')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_judge_status', ['judge_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_round_entry_id'), ['round_entry_id'], unique=False)

    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='sheetstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('total', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_score_sheet_assignment_id_assignment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheet')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_score_sheet_assignment_id'))
    )
    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_score_criterion_id_criterion'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_score_sheet_id_score_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', name='uq_score_sheet_criterion')
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_id'), ['sheet_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### reviewed: judging tables only ###
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_score_criterion_id'))

    op.drop_table('score')
    op.drop_table('score_sheet')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_round_entry_id'))
        batch_op.drop_index('ix_assignment_judge_status')

    op.drop_table('assignment')
    with op.batch_alter_table('round_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_entry_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_entry_entry_id'))

    op.drop_table('round_entry')
    with op.batch_alter_table('result_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_snapshot_round_id'))

    op.drop_table('result_snapshot')
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_member_round_id'))
        batch_op.drop_index(batch_op.f('ix_panel_member_judge_id'))

    op.drop_table('panel_member')
    with op.batch_alter_table('judging_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judging_round_rubric_id'))
        batch_op.drop_index(batch_op.f('ix_judging_round_event_id'))

    op.drop_table('judging_round')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_rubric_id'))

    op.drop_table('criterion')
    op.drop_table('rubric')
    # ### end Alembic commands ###
