"""payments follow-ups (issue #8): the « salarié » flag kept on each professional session

A session keeps the flag its professional had when it was recorded, so that removing the flag later in the
directory does not make past sessions payable. Existing rows stay NULL: pricing reads the directory for them.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('professional_sessions') as batch:
        batch.add_column(sa.Column('salaried', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('professional_sessions') as batch:
        batch.drop_column('salaried')
