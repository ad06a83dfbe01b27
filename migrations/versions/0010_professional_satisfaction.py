"""indicators: professionals' satisfaction questionnaires

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'professional_satisfactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('professional_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=30), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('satisfied', sa.Boolean(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['professional_id'], ['professionals.id'],
                                name=op.f('fk_professional_satisfactions_professional_id_professionals')),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ondelete='CASCADE',
                                name=op.f('fk_professional_satisfactions_programme_id_programmes')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_professional_satisfactions_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_satisfactions')),
        sa.UniqueConstraint('programme_id', 'professional_id',
                            name='uq_professional_satisfactions_programme_professional'),
    )
    op.create_index(op.f('ix_professional_satisfactions_programme_id'), 'professional_satisfactions',
                    ['programme_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_professional_satisfactions_programme_id'), table_name='professional_satisfactions')
    op.drop_table('professional_satisfactions')
