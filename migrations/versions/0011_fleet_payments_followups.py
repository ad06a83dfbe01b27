"""fleet and payments follow-ups (issue #8): versioned tariffs in the database, salaried professionals

Revision ID: 0011
Revises: 0010
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    tariff_versions = op.create_table(
        'tariff_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=20), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('lump_sum', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('forfaits', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tariff_versions_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_versions')),
        sa.UniqueConstraint('effective_from', name=op.f('uq_tariff_versions_effective_from')),
        sa.UniqueConstraint('version', name=op.f('uq_tariff_versions_version')),
    )
    # Seed: the versions of the tariff file (the source's derogatory forfaits), as they were when migrated.
    from rehab.domain.tariffs import forfaits_record, load_tariffs

    now = datetime.now(UTC)
    op.bulk_insert(tariff_versions, [
        {'version': t.version, 'effective_from': t.effective_from, 'lump_sum': t.lump_sum,
         'forfaits': forfaits_record(t), 'note': 'Reprise du fichier des tarifs', 'created_at': now}
        for t in load_tariffs()])
    with op.batch_alter_table('professionals') as batch:
        batch.add_column(sa.Column('salaried', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('professionals') as batch:
        batch.drop_column('salaried')
    op.drop_table('tariff_versions')
