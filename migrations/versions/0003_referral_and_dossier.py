"""referral and dossier: directory, demandes, pieces, eligibility, committee, consent, care team

Revision ID: 0003
Revises: 0002

Issue 4 (first half): the directory of professionals, the referral dossier and its pieces, uploaded files,
and the patients' links to their médecin traitant and pneumologue. The data step creates one directory
entry per distinct free-text value and links the patients to it (the free text is kept).
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import rehab.db
from rehab.domain.text import search_key


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('professionals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('rpps', sa.String(length=11), nullable=True),
    sa.Column('finess', sa.String(length=9), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('postal_code', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('mssante', sa.String(length=254), nullable=True),
    sa.Column('preferred_channel', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('search_key', sa.String(length=600), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['professionals.id'], name=op.f('fk_professionals_merged_into_id_professionals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professionals'))
    )
    with op.batch_alter_table('professionals', schema=None) as batch_op:
        batch_op.create_index('ix_professionals_kind_department', ['kind', 'department'], unique=False)
        batch_op.create_index(batch_op.f('ix_professionals_rpps'), ['rpps'], unique=False)
        batch_op.create_index('ix_professionals_search_key', ['search_key'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('referral_date', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('origin', sa.String(length=30), nullable=False),
    sa.Column('prescriber_id', sa.Integer(), nullable=True),
    sa.Column('complete_on', sa.Date(), nullable=True),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('carer_name', sa.String(length=200), nullable=True),
    sa.Column('eligibility_checked_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('eligibility_checked_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('patient_choice', sa.String(length=20), nullable=True),
    sa.Column('decided_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_dossiers_decided_by_id_users')),
    sa.ForeignKeyConstraint(['eligibility_checked_by_id'], ['users.id'], name=op.f('fk_dossiers_eligibility_checked_by_id_users')),
    sa.ForeignKeyConstraint(['prescriber_id'], ['professionals.id'], name=op.f('fk_dossiers_prescriber_id_professionals')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_dossiers_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
    sa.UniqueConstraint('programme_id', name=op.f('uq_dossiers_programme_id'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_prescriber_id'), ['prescriber_id'], unique=False)

    op.create_table('uploaded_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('storage_path', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_uploaded_files_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_uploaded_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploaded_files')),
    sa.UniqueConstraint('storage_path', name=op.f('uq_uploaded_files_storage_path'))
    )
    with op.batch_alter_table('uploaded_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploaded_files_programme_id'), ['programme_id'], unique=False)

    op.create_table('dossier_pieces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('chase_count', sa.Integer(), nullable=False),
    sa.Column('last_chased_on', sa.Date(), nullable=True),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_pieces_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['uploaded_files.id'], name=op.f('fk_dossier_pieces_file_id_uploaded_files'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_pieces')),
    sa.UniqueConstraint('dossier_id', 'code', name='uq_dossier_pieces_dossier_code')
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('medecin_traitant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pneumologue_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_patients_pneumologue_id_professionals'), 'professionals', ['pneumologue_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_patients_medecin_traitant_id_professionals'), 'professionals', ['medecin_traitant_id'], ['id'])

    _link_free_text_doctors()


def _link_free_text_doctors() -> None:
    """One directory entry per distinct (kind, normalised text); every patient with that text is linked."""
    conn = op.get_bind()
    patients = sa.table('patients', sa.column('id', sa.Integer()), sa.column('medecin_traitant', sa.Text()),
                        sa.column('pneumologue', sa.Text()), sa.column('medecin_traitant_id', sa.Integer()),
                        sa.column('pneumologue_id', sa.Integer()))
    pros = sa.table('professionals', sa.column('id', sa.Integer()), sa.column('kind', sa.String()),
                    sa.column('name', sa.String()), sa.column('notes', sa.Text()),
                    sa.column('preferred_channel', sa.String()), sa.column('search_key', sa.String()),
                    sa.column('active', sa.Boolean()), sa.column('version', sa.Integer()),
                    sa.column('created_at', rehab.db.UTCDateTime()), sa.column('updated_at', rehab.db.UTCDateTime()))
    now = datetime.now(UTC)
    for kind, text_col, id_col in (('medecin_traitant', 'medecin_traitant', 'medecin_traitant_id'),
                                   ('pneumologue', 'pneumologue', 'pneumologue_id')):
        created: dict[str, int] = {}
        values = conn.execute(sa.select(patients.c[text_col]).distinct().where(patients.c[text_col].isnot(None)))
        for (value,) in list(values):
            lines = [line.strip() for line in str(value).splitlines() if line.strip()]
            if not lines:
                continue
            name = ' '.join(lines[0].split())[:200]
            key = search_key(name)
            if key not in created:
                created[key] = conn.execute(sa.insert(pros).values(
                    kind=kind, name=name, notes=str(value) if len(lines) > 1 or len(lines[0]) > 200 else None,
                    preferred_channel='post', search_key=key, active=True, version=1, created_at=now,
                    updated_at=now).returning(pros.c.id)).scalar_one()
            conn.execute(sa.update(patients).where(patients.c[text_col] == value)
                         .values({id_col: created[key]}))


def downgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_patients_medecin_traitant_id_professionals'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_patients_pneumologue_id_professionals'), type_='foreignkey')
        batch_op.drop_column('pneumologue_id')
        batch_op.drop_column('medecin_traitant_id')

    op.drop_table('dossier_pieces')
    with op.batch_alter_table('uploaded_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploaded_files_programme_id'))

    op.drop_table('uploaded_files')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_prescriber_id'))

    op.drop_table('dossiers')
    with op.batch_alter_table('professionals', schema=None) as batch_op:
        batch_op.drop_index('ix_professionals_search_key')
        batch_op.drop_index(batch_op.f('ix_professionals_rpps'))
        batch_op.drop_index('ix_professionals_kind_department')

    op.drop_table('professionals')
