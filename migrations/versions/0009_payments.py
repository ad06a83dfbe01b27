"""payments: tariffs, payment lines, batches

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payment_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('paid_by_id', sa.Integer(), nullable=True),
        sa.Column('paid_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payment_batches_created_by_id_users')),
        sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_payment_batches_paid_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batches')),
    )
    op.create_table(
        'payment_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('professional_id', sa.Integer(), nullable=False),
        sa.Column('forfait_code', sa.String(length=30), nullable=False),
        sa.Column('tariff_version', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('cancel_reason', sa.Text(), nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_payment_lines_batch_id_payment_batches')),
        sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_payment_lines_cancelled_by_id_users')),
        sa.ForeignKeyConstraint(['professional_id'], ['professionals.id'], name=op.f('fk_payment_lines_professional_id_professionals')),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_payment_lines_programme_id_programmes')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_lines')),
    )
    op.create_index(op.f('ix_payment_lines_batch_id'), 'payment_lines', ['batch_id'], unique=False)
    op.create_index(op.f('ix_payment_lines_professional_id'), 'payment_lines', ['professional_id'], unique=False)
    op.create_index(op.f('ix_payment_lines_programme_id'), 'payment_lines', ['programme_id'], unique=False)
    op.create_index('ix_payment_lines_status_professional', 'payment_lines', ['status', 'professional_id'],
                    unique=False)
    op.create_table(
        'payment_line_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('line_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['payment_lines.id'], name=op.f('fk_payment_line_sessions_line_id_payment_lines'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['professional_sessions.id'], name=op.f('fk_payment_line_sessions_session_id_professional_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_line_sessions')),
    )
    op.create_index(op.f('ix_payment_line_sessions_line_id'), 'payment_line_sessions', ['line_id'], unique=False)
    op.create_index(op.f('ix_payment_line_sessions_session_id'), 'payment_line_sessions', ['session_id'],
                    unique=False)
    # A session is paid by at most one line that is not cancelled.
    op.create_index('uq_payment_line_sessions_active_session', 'payment_line_sessions', ['session_id'],
                    unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))


def downgrade() -> None:
    op.drop_index('uq_payment_line_sessions_active_session', table_name='payment_line_sessions')
    op.drop_index(op.f('ix_payment_line_sessions_session_id'), table_name='payment_line_sessions')
    op.drop_index(op.f('ix_payment_line_sessions_line_id'), table_name='payment_line_sessions')
    op.drop_table('payment_line_sessions')
    op.drop_index('ix_payment_lines_status_professional', table_name='payment_lines')
    op.drop_index(op.f('ix_payment_lines_programme_id'), table_name='payment_lines')
    op.drop_index(op.f('ix_payment_lines_professional_id'), table_name='payment_lines')
    op.drop_index(op.f('ix_payment_lines_batch_id'), table_name='payment_lines')
    op.drop_table('payment_lines')
    op.drop_table('payment_batches')
