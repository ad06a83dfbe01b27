"""home forms: visits, calls, CRQ, endurance tests, intercurrent events, professional sessions

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crq_wordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('licence_reference', sa.String(length=200), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_crq_wordings_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_crq_wordings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crq_wordings')),
    sa.UniqueConstraint('association_id', name=op.f('uq_crq_wordings_association_id'))
    )
    op.create_table('hospitalisation_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('stays', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_hospitalisation_counts_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_hospitalisation_counts_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hospitalisation_counts')),
    sa.UniqueConstraint('programme_id', 'period', name='uq_hospitalisation_counts_programme_period')
    )
    op.create_table('intercurrent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('nature', sa.String(length=30), nullable=False),
    sa.Column('hospitalisation', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('client_submission_id', sa.String(length=36), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('suspend_start', sa.Date(), nullable=True),
    sa.Column('suspend_end', sa.Date(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_intercurrent_events_decided_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_intercurrent_events_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_intercurrent_events_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intercurrent_events')),
    sa.UniqueConstraint('client_submission_id', name=op.f('uq_intercurrent_events_client_submission_id'))
    )
    with op.batch_alter_table('intercurrent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intercurrent_events_programme_id'), ['programme_id'], unique=False)
    op.create_table('form_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_form_drafts_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
    sa.UniqueConstraint('user_id', 'task_id', name='uq_form_drafts_user_task')
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_drafts_task_id'), ['task_id'], unique=False)
    op.create_table('form_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('client_submission_id', sa.String(length=36), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_form_submissions_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_form_submissions_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_form_submissions_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submissions')),
    sa.UniqueConstraint('client_submission_id', name=op.f('uq_form_submissions_client_submission_id'))
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_form_submissions_programme_form', ['programme_id', 'form'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submissions_task_id'), ['task_id'], unique=False)
    op.create_table('professional_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('professional_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('client_submission_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['professional_id'], ['professionals.id'], name=op.f('fk_professional_sessions_professional_id_professionals')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_professional_sessions_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_professional_sessions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_professional_sessions_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_sessions')),
    sa.UniqueConstraint('client_submission_id', name=op.f('uq_professional_sessions_client_submission_id'))
    )
    with op.batch_alter_table('professional_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_sessions_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_professional_sessions_task_id'), ['task_id'], unique=False)
    op.create_table('crq_administrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('moment', sa.String(length=20), nullable=False),
    sa.Column('administered_on', sa.Date(), nullable=False),
    sa.Column('item_1', sa.Integer(), nullable=True),
    sa.Column('item_2', sa.Integer(), nullable=True),
    sa.Column('item_3', sa.Integer(), nullable=True),
    sa.Column('item_4', sa.Integer(), nullable=True),
    sa.Column('item_5', sa.Integer(), nullable=True),
    sa.Column('item_6', sa.Integer(), nullable=True),
    sa.Column('item_7', sa.Integer(), nullable=True),
    sa.Column('item_8', sa.Integer(), nullable=True),
    sa.Column('item_9', sa.Integer(), nullable=True),
    sa.Column('item_10', sa.Integer(), nullable=True),
    sa.Column('item_11', sa.Integer(), nullable=True),
    sa.Column('item_12', sa.Integer(), nullable=True),
    sa.Column('item_13', sa.Integer(), nullable=True),
    sa.Column('item_14', sa.Integer(), nullable=True),
    sa.Column('item_15', sa.Integer(), nullable=True),
    sa.Column('item_16', sa.Integer(), nullable=True),
    sa.Column('item_17', sa.Integer(), nullable=True),
    sa.Column('item_18', sa.Integer(), nullable=True),
    sa.Column('item_19', sa.Integer(), nullable=True),
    sa.Column('item_20', sa.Integer(), nullable=True),
    sa.Column('dyspnee', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('fatigue', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('emotion', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('maitrise', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_crq_administrations_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['form_submissions.id'], name=op.f('fk_crq_administrations_submission_id_form_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crq_administrations')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_crq_administrations_submission_id'))
    )
    with op.batch_alter_table('crq_administrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crq_administrations_programme_id'), ['programme_id'], unique=False)
    op.create_table('endurance_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('moment', sa.String(length=20), nullable=False),
    sa.Column('tested_on', sa.Date(), nullable=False),
    sa.Column('max_power_w', sa.Integer(), nullable=False),
    sa.Column('load_w', sa.Integer(), nullable=False),
    sa.Column('duration_s', sa.Integer(), nullable=False),
    sa.Column('hr_start', sa.Integer(), nullable=True),
    sa.Column('hr_end', sa.Integer(), nullable=True),
    sa.Column('spo2_start', sa.Integer(), nullable=True),
    sa.Column('spo2_end', sa.Integer(), nullable=True),
    sa.Column('borg_start', sa.Numeric(precision=3, scale=1), nullable=True),
    sa.Column('borg_end', sa.Numeric(precision=3, scale=1), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_endurance_tests_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['form_submissions.id'], name=op.f('fk_endurance_tests_submission_id_form_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endurance_tests')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_endurance_tests_submission_id'))
    )
    with op.batch_alter_table('endurance_tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endurance_tests_programme_id'), ['programme_id'], unique=False)
    op.create_table('follow_up_call_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('called_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('unscheduled_consultations', sa.Integer(), nullable=False),
    sa.Column('hospitalisations', sa.Integer(), nullable=False),
    sa.Column('hospital_days', sa.Integer(), nullable=False),
    sa.Column('hospitalisation_dates', sa.Text(), nullable=True),
    sa.Column('adherence', sa.String(length=20), nullable=True),
    sa.Column('sessions_per_week', sa.Integer(), nullable=True),
    sa.Column('project_per_week', sa.Integer(), nullable=True),
    sa.Column('rupture_proposed', sa.Boolean(), nullable=False),
    sa.Column('rupture_confirmed_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_follow_up_call_records_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['form_submissions.id'], name=op.f('fk_follow_up_call_records_submission_id_form_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_call_records')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_follow_up_call_records_submission_id'))
    )
    with op.batch_alter_table('follow_up_call_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_call_records_programme_id'), ['programme_id'], unique=False)
    op.create_table('visit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('eva', sa.Numeric(precision=3, scale=1), nullable=True),
    sa.Column('weight_kg', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('height_cm', sa.Integer(), nullable=True),
    sa.Column('bmi', sa.Double(), nullable=True),
    sa.Column('mmrc', sa.Integer(), nullable=True),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('odometer_km', sa.Integer(), nullable=True),
    sa.Column('sessions_declared', sa.Integer(), nullable=True),
    sa.Column('attestation_date', sa.Date(), nullable=True),
    sa.Column('orientation', sa.String(length=30), nullable=True),
    sa.Column('project_per_week', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_visit_records_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['form_submissions.id'], name=op.f('fk_visit_records_submission_id_form_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_records')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_visit_records_submission_id'))
    )
    with op.batch_alter_table('visit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_records_programme_id'), ['programme_id'], unique=False)
    op.create_table('weekly_call_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('called_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=True),
    sa.Column('minutes_per_session', sa.Integer(), nullable=True),
    sa.Column('watts', sa.Integer(), nullable=True),
    sa.Column('modality', sa.String(length=20), nullable=True),
    sa.Column('symptoms', sa.Text(), nullable=True),
    sa.Column('difficulties', sa.Text(), nullable=True),
    sa.Column('benefits', sa.Text(), nullable=True),
    sa.Column('next_prescription', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_weekly_call_records_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['form_submissions.id'], name=op.f('fk_weekly_call_records_submission_id_form_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_call_records')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_weekly_call_records_submission_id'))
    )
    with op.batch_alter_table('weekly_call_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_call_records_programme_id'), ['programme_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('weekly_call_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weekly_call_records_programme_id'))
    op.drop_table('weekly_call_records')
    with op.batch_alter_table('visit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_records_programme_id'))
    op.drop_table('visit_records')
    with op.batch_alter_table('follow_up_call_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_call_records_programme_id'))
    op.drop_table('follow_up_call_records')
    with op.batch_alter_table('endurance_tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endurance_tests_programme_id'))
    op.drop_table('endurance_tests')
    with op.batch_alter_table('crq_administrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crq_administrations_programme_id'))
    op.drop_table('crq_administrations')
    with op.batch_alter_table('professional_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_sessions_task_id'))
        batch_op.drop_index(batch_op.f('ix_professional_sessions_programme_id'))
    op.drop_table('professional_sessions')
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submissions_task_id'))
        batch_op.drop_index('ix_form_submissions_programme_form')
    op.drop_table('form_submissions')
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_drafts_task_id'))
    op.drop_table('form_drafts')
    with op.batch_alter_table('intercurrent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intercurrent_events_programme_id'))
    op.drop_table('intercurrent_events')
    op.drop_table('hospitalisation_counts')
    op.drop_table('crq_wordings')
