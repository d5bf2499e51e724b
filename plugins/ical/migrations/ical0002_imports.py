"""calendar subscriptions and what imports made

Revision ID: ical0002
Revises: ical0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'ical0002'
down_revision = 'ical0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ical_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('publish', sa.Boolean(), nullable=False),
    sa.Column('etag', sa.String(length=500), nullable=False),
    sa.Column('last_modified', sa.String(length=100), nullable=False),
    sa.Column('last_fetch_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('next_fetch_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('last_status', sa.String(length=20), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('last_summary', sa.JSON(), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], name=op.f('fk_ical_subscriptions_identity_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ical_subscriptions')),
    sa.UniqueConstraint('identity_id', 'url', name=op.f('uq_ical_subscriptions_identity_id_url'))
    )
    with op.batch_alter_table('ical_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ical_subscriptions_identity_id'), ['identity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ical_subscriptions_next_fetch_at'), ['next_fetch_at'], unique=False)

    op.create_table('ical_imported_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=2000), nullable=False),
    sa.Column('uid', sa.String(length=1000), nullable=False),
    sa.Column('recurrence_id', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('begins_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_ical_imported_events_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], name=op.f('fk_ical_imported_events_identity_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ical_imported_events')),
    sa.UniqueConstraint('identity_id', 'key', name=op.f('uq_ical_imported_events_identity_id_key'))
    )
    with op.batch_alter_table('ical_imported_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ical_imported_events_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ical_imported_events_identity_id'), ['identity_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ical_imported_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ical_imported_events_identity_id'))
        batch_op.drop_index(batch_op.f('ix_ical_imported_events_event_id'))

    op.drop_table('ical_imported_events')
    with op.batch_alter_table('ical_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ical_subscriptions_next_fetch_at'))
        batch_op.drop_index(batch_op.f('ix_ical_subscriptions_identity_id'))

    op.drop_table('ical_subscriptions')
