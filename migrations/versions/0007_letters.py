"""letters: synthesis letters, versions, reviews, dispatches

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import rehab.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_letters_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('programme_id', 'kind', name='uq_letters_programme_kind')
    )
    op.create_table('letter_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('replaces_version_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('pdf_path', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('validated_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('validated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_letter_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_versions_letter_id_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_version_id'], ['letter_versions.id'], name=op.f('fk_letter_versions_replaces_version_id_letter_versions')),
    sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'], name=op.f('fk_letter_versions_validated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_versions')),
    sa.UniqueConstraint('letter_id', 'number', name='uq_letter_versions_letter_number')
    )
    op.create_table('letter_dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('recipient_key', sa.String(length=40), nullable=False),
    sa.Column('professional_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=400), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', rehab.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['professional_id'], ['professionals.id'], name=op.f('fk_letter_dispatches_professional_id_professionals')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_letter_dispatches_sent_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['letter_versions.id'], name=op.f('fk_letter_dispatches_version_id_letter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_dispatches')),
    sa.UniqueConstraint('version_id', 'recipient_key', 'channel', name='uq_letter_dispatches_version_recipient_channel')
    )
    op.create_table('letter_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('created_at', rehab.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_letter_reviews_reviewer_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['letter_versions.id'], name=op.f('fk_letter_reviews_version_id_letter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_reviews'))
    )
    with op.batch_alter_table('letter_versions', schema=None) as batch_op:
        batch_op.create_index('ix_letter_versions_state_submitted', ['state', 'submitted_at'], unique=False)
    with op.batch_alter_table('letter_dispatches', schema=None) as batch_op:
        batch_op.create_index('ix_letter_dispatches_status', ['status'], unique=False)
    with op.batch_alter_table('letter_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_reviews_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('letter_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_reviews_version_id'))
    with op.batch_alter_table('letter_dispatches', schema=None) as batch_op:
        batch_op.drop_index('ix_letter_dispatches_status')
    with op.batch_alter_table('letter_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_letter_versions_state_submitted')
    op.drop_table('letter_reviews')
    op.drop_table('letter_dispatches')
    op.drop_table('letter_versions')
    op.drop_table('letters')
