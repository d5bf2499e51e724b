"""anonymous participations

Revision ID: mail0003
Revises: mail0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'mail0003'
down_revision = 'mail0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('email_anonymous_events',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_email_anonymous_events_event_id_events'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_email_anonymous_events'))
    )
    op.create_table('email_anonymous_participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('reminded_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('request_notified_at', core.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                            name=op.f('fk_email_anonymous_participations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_anonymous_participations')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_email_anonymous_participations_event_id_email')),
    sa.UniqueConstraint('uuid', name=op.f('uq_email_anonymous_participations_uuid'))
    )
    with op.batch_alter_table('email_anonymous_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_anonymous_participations_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_anonymous_participations_event_id'), ['event_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('email_anonymous_participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_anonymous_participations_event_id'))
        batch_op.drop_index(batch_op.f('ix_email_anonymous_participations_created_at'))
    op.drop_table('email_anonymous_participations')
    op.drop_table('email_anonymous_events')
