"""committee, patient contact, consent and care team

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('committee_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('next_meeting', sa.Date(), nullable=True),
    sa.Column('closed_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('minutes_path', sa.String(length=200), nullable=True),
    sa.Column('minutes_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_committee_meetings_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_committee_meetings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meetings'))
    )
    with op.batch_alter_table('committee_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_meetings_meeting_date'), ['meeting_date'], unique=False)

    op.create_table('care_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('professional_id', sa.Integer(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('refused_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_care_team_members_created_by_id_users')),
    sa.ForeignKeyConstraint(['professional_id'], ['professionals.id'], name=op.f('fk_care_team_members_professional_id_professionals')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_care_team_members_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_team_members'))
    )
    with op.batch_alter_table('care_team_members', schema=None) as batch_op:
        batch_op.create_index('ix_care_team_members_programme_role', ['programme_id', 'role'], unique=False)

    op.create_table('committee_attendees',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meetings.id'], name=op.f('fk_committee_attendees_meeting_id_committee_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_committee_attendees_user_id_users')),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_committee_attendees'))
    )
    op.create_table('committee_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.Text(), nullable=True),
    sa.Column('objectives', sa.Text(), nullable=True),
    sa.Column('competences', sa.Text(), nullable=True),
    sa.Column('exercise_modality', sa.String(length=20), nullable=True),
    sa.Column('initial_load_w', sa.Integer(), nullable=True),
    sa.Column('exercise_notes', sa.Text(), nullable=True),
    sa.Column('safety', sa.Text(), nullable=True),
    sa.Column('ergocycle_model', sa.String(length=30), nullable=True),
    sa.Column('referent_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meetings.id'], name=op.f('fk_committee_items_meeting_id_committee_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_committee_items_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_committee_items_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['referent_id'], ['users.id'], name=op.f('fk_committee_items_referent_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_items')),
    sa.UniqueConstraint('meeting_id', 'programme_id', 'kind', name='uq_committee_items_meeting_programme_kind')
    )
    with op.batch_alter_table('committee_items', schema=None) as batch_op:
        batch_op.create_index('ix_committee_items_programme', ['programme_id'], unique=False)

    op.create_table('contact_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('called_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('callback_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_contact_calls_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contact_calls_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_calls'))
    )
    with op.batch_alter_table('contact_calls', schema=None) as batch_op:
        batch_op.create_index('ix_contact_calls_programme_at', ['programme_id', 'called_at'], unique=False)

    op.create_table('practical_data',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('stairs', sa.Integer(), nullable=True),
    sa.Column('lift', sa.Boolean(), nullable=False),
    sa.Column('access_notes', sa.Text(), nullable=True),
    sa.Column('electricity', sa.Boolean(), nullable=False),
    sa.Column('phone_line', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_practical_data_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_practical_data_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_data')),
    sa.UniqueConstraint('programme_id', name=op.f('uq_practical_data_programme_id'))
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('agreed_start', sa.Date(), nullable=True),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['uploaded_files.id'], name=op.f('fk_consents_file_id_uploaded_files'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_consents_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_consents_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('programme_id', name=op.f('uq_consents_programme_id'))
    )


def downgrade() -> None:
    op.drop_table('consents')
    op.drop_table('practical_data')
    with op.batch_alter_table('contact_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_calls_programme_at')

    op.drop_table('contact_calls')
    with op.batch_alter_table('committee_items', schema=None) as batch_op:
        batch_op.drop_index('ix_committee_items_programme')

    op.drop_table('committee_items')
    op.drop_table('committee_attendees')
    with op.batch_alter_table('care_team_members', schema=None) as batch_op:
        batch_op.drop_index('ix_care_team_members_programme_role')

    op.drop_table('care_team_members')
    with op.batch_alter_table('committee_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_meetings_meeting_date'))

    op.drop_table('committee_meetings')
