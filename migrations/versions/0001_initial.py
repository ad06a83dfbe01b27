"""initial schema: accounts, patients, programmes, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 04:38:39.540332
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('associations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_associations')),
    sa.UniqueConstraint('name', name=op.f('uq_associations_name'))
    )
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_username_at', ['username', 'at'], unique=False)

    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom_naissance', sa.String(length=100), nullable=False),
    sa.Column('nom_usage', sa.String(length=100), nullable=True),
    sa.Column('prenoms', sa.String(length=150), nullable=False),
    sa.Column('date_naissance', sa.Date(), nullable=False),
    sa.Column('sexe', sa.String(length=1), nullable=False),
    sa.Column('ins_matricule', sa.String(length=15), nullable=True),
    sa.Column('ins_status', sa.String(length=20), nullable=True),
    sa.Column('adresse', sa.String(length=300), nullable=True),
    sa.Column('code_postal', sa.String(length=10), nullable=True),
    sa.Column('ville', sa.String(length=120), nullable=True),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('telephone', sa.String(length=30), nullable=True),
    sa.Column('telephone2', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('aidant_nom', sa.String(length=200), nullable=True),
    sa.Column('aidant_lien', sa.String(length=100), nullable=True),
    sa.Column('aidant_telephone', sa.String(length=30), nullable=True),
    sa.Column('medecin_traitant', sa.Text(), nullable=True),
    sa.Column('pneumologue', sa.Text(), nullable=True),
    sa.Column('search_key', sa.String(length=400), nullable=False),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_date_naissance', ['date_naissance'], unique=False)
        batch_op.create_index(batch_op.f('ix_patients_department'), ['department'], unique=False)
        batch_op.create_index('ix_patients_search_key', ['search_key'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_users_association_id_associations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('object_version', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index('ix_audit_events_patient_at', ['patient_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)

    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('referent_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('referral_date', sa.Date(), nullable=True),
    sa.Column('d0', sa.Date(), nullable=True),
    sa.Column('protocol_code', sa.String(length=60), nullable=True),
    sa.Column('protocol_version', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_programmes_association_id_associations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_programmes_patient_id_patients')),
    sa.ForeignKeyConstraint(['referent_id'], ['users.id'], name=op.f('fk_programmes_referent_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index('ix_programmes_department_status', ['department', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_programmes_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_programmes_referent_status', ['referent_id', 'status'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('user_sectors',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sectors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'department', name=op.f('pk_user_sectors'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('authenticated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('programme_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_transitions_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_transitions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_transitions'))
    )
    with op.batch_alter_table('programme_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_transitions_programme_id'), ['programme_id'], unique=False)


    _audit_append_only()


def _audit_append_only() -> None:
    """The audit trail is evidence: the database itself refuses to change or delete a row."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )

def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    with op.batch_alter_table('programme_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_transitions_programme_id'))

    op.drop_table('programme_transitions')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    op.drop_table('user_sectors')
    op.drop_table('user_roles')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index('ix_programmes_referent_status')
        batch_op.drop_index(batch_op.f('ix_programmes_patient_id'))
        batch_op.drop_index('ix_programmes_department_status')

    op.drop_table('programmes')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_index('ix_audit_events_patient_at')
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index('ix_audit_events_at')

    op.drop_table('audit_events')
    op.drop_table('users')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_search_key')
        batch_op.drop_index(batch_op.f('ix_patients_department'))
        batch_op.drop_index('ix_patients_date_naissance')

    op.drop_table('patients')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_username_at')
        batch_op.drop_index('ix_login_attempts_ip_at')

    op.drop_table('login_attempts')
    op.drop_table('associations')
