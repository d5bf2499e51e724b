"""notifications: per-identity preferences, changes waiting to settle, reminders and request
notices on participations, organisers' announcements

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification_preferences',
        sa.Column('identity_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=60), nullable=False),
        sa.Column('value', sa.String(length=20), nullable=False),
        sa.Column('updated_at', core.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('identity_id', 'topic'),
    )
    op.create_table(
        'event_change_notices',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('previous', sa.JSON(), nullable=False),
        sa.Column('due_at', core.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_index('ix_event_change_notices_due_at', 'event_change_notices', ['due_at'])
    op.create_table(
        'event_announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.Uuid(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['identities.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid'),
    )
    op.create_index('ix_event_announcements_event_id', 'event_announcements', ['event_id'])
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', core.db.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('request_notified_at', core.db.base.UTCDateTime(), nullable=True))
    # requests made before organisers were told of them: not news now, so no digest of them
    op.execute("UPDATE participations SET request_notified_at = updated_at WHERE role = 'not_approved'")


def downgrade() -> None:
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_column('request_notified_at')
        batch_op.drop_column('reminded_at')
    op.drop_index('ix_event_announcements_event_id', table_name='event_announcements')
    op.drop_table('event_announcements')
    op.drop_index('ix_event_change_notices_due_at', table_name='event_change_notices')
    op.drop_table('event_change_notices')
    op.drop_table('notification_preferences')
