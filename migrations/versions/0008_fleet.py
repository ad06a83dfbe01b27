"""fleet: ergocycles, movements, maintenance, provider orders

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ergocycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial_number', sa.String(length=60), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('very_low_load', sa.Boolean(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_ergocycles_association_id_associations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ergocycles')),
    sa.UniqueConstraint('serial_number', name=op.f('uq_ergocycles_serial_number'))
    )
    with op.batch_alter_table('ergocycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ergocycles_association_id'), ['association_id'], unique=False)
        batch_op.create_index('ix_ergocycles_status_vll', ['status', 'very_low_load'], unique=False)

    op.create_table('ergocycle_maintenance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ergocycle_id', sa.Integer(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ergocycle_id'], ['ergocycles.id'], name=op.f('fk_ergocycle_maintenance_ergocycle_id_ergocycles')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ergocycle_maintenance_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ergocycle_maintenance'))
    )
    with op.batch_alter_table('ergocycle_maintenance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ergocycle_maintenance_ergocycle_id'), ['ergocycle_id'], unique=False)

    op.create_table('ergocycle_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ergocycle_id', sa.Integer(), nullable=False),
    sa.Column('at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['ergocycle_id'], ['ergocycles.id'], name=op.f('fk_ergocycle_movements_ergocycle_id_ergocycles')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_ergocycle_movements_programme_id_programmes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ergocycle_movements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ergocycle_movements'))
    )
    with op.batch_alter_table('ergocycle_movements', schema=None) as batch_op:
        batch_op.create_index('ix_ergocycle_movements_unit_at', ['ergocycle_id', 'at'], unique=False)

    op.create_table('ergocycle_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ergocycle_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ergocycle_reservations_created_by_id_users')),
    sa.ForeignKeyConstraint(['ergocycle_id'], ['ergocycles.id'], name=op.f('fk_ergocycle_reservations_ergocycle_id_ergocycles')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_ergocycle_reservations_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ergocycle_reservations'))
    )
    with op.batch_alter_table('ergocycle_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ergocycle_reservations_ergocycle_id'), ['ergocycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ergocycle_reservations_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index('uq_ergocycle_reservations_active_programme', ['programme_id'], unique=True, sqlite_where=sa.text("state = 'active'"), postgresql_where=sa.text("state = 'active'"))
        batch_op.create_index('uq_ergocycle_reservations_active_unit', ['ergocycle_id'], unique=True, sqlite_where=sa.text("state = 'active'"), postgresql_where=sa.text("state = 'active'"))

    op.create_table('provider_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('ergocycle_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('sent_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=True),
    sa.Column('confirmed_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('cancelled_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_provider_orders_created_by_id_users')),
    sa.ForeignKeyConstraint(['ergocycle_id'], ['ergocycles.id'], name=op.f('fk_provider_orders_ergocycle_id_ergocycles')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_provider_orders_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['professionals.id'], name=op.f('fk_provider_orders_provider_id_professionals')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_provider_orders_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_orders'))
    )
    with op.batch_alter_table('provider_orders', schema=None) as batch_op:
        batch_op.create_index('ix_provider_orders_kind_planned', ['kind', 'planned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_orders_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index('uq_provider_orders_open_programme_kind', ['programme_id', 'kind'], unique=True, sqlite_where=sa.text('done_on IS NULL AND cancelled_at IS NULL'), postgresql_where=sa.text('done_on IS NULL AND cancelled_at IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('provider_orders', schema=None) as batch_op:
        batch_op.drop_index('uq_provider_orders_open_programme_kind', sqlite_where=sa.text('done_on IS NULL AND cancelled_at IS NULL'), postgresql_where=sa.text('done_on IS NULL AND cancelled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_provider_orders_programme_id'))
        batch_op.drop_index('ix_provider_orders_kind_planned')

    op.drop_table('provider_orders')
    with op.batch_alter_table('ergocycle_reservations', schema=None) as batch_op:
        batch_op.drop_index('uq_ergocycle_reservations_active_unit', sqlite_where=sa.text("state = 'active'"), postgresql_where=sa.text("state = 'active'"))
        batch_op.drop_index('uq_ergocycle_reservations_active_programme', sqlite_where=sa.text("state = 'active'"), postgresql_where=sa.text("state = 'active'"))
        batch_op.drop_index(batch_op.f('ix_ergocycle_reservations_programme_id'))
        batch_op.drop_index(batch_op.f('ix_ergocycle_reservations_ergocycle_id'))

    op.drop_table('ergocycle_reservations')
    with op.batch_alter_table('ergocycle_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_ergocycle_movements_unit_at')

    op.drop_table('ergocycle_movements')
    with op.batch_alter_table('ergocycle_maintenance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ergocycle_maintenance_ergocycle_id'))

    op.drop_table('ergocycle_maintenance')
    with op.batch_alter_table('ergocycles', schema=None) as batch_op:
        batch_op.drop_index('ix_ergocycles_status_vll')
        batch_op.drop_index(batch_op.f('ix_ergocycles_association_id'))

    op.drop_table('ergocycles')
